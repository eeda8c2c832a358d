"""Stand-in pynvml whose import raises (a broken nvidia-ml-py install)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _mark import mark

mark("pynvml-import-start")
raise RuntimeError("stand-in pynvml: broken install")
