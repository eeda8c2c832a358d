"""Stand-in codecarbon whose import raises (a broken install)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from _mark import mark

mark("codecarbon-import-start")
raise RuntimeError("stand-in codecarbon: broken install")
