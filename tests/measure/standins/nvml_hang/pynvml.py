"""Stand-in pynvml whose nvmlInit hangs (a wedged driver)."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _mark import mark

mark("pynvml-import-start")


class NVMLError(Exception):
    value = 999


def nvmlInit() -> None:
    mark("nvmlInit")
    time.sleep(60)


def nvmlShutdown() -> None:
    return None
