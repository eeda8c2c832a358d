"""Stand-in pynvml whose nvmlInit raises OSError (the shared library cannot be loaded)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _mark import mark

mark("pynvml-import-start")


class NVMLError(Exception):
    value = 999


def nvmlInit() -> None:
    mark("nvmlInit")
    raise OSError("stand-in: libnvidia-ml.so.1: cannot open shared object file")


def nvmlShutdown() -> None:
    return None
