"""Stand-in codecarbon whose import takes 10 s (a loaded machine, a slow file system), then fails."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from _mark import mark

mark("codecarbon-import-start")
time.sleep(10)
mark("codecarbon-import-end")
raise ImportError("stand-in codecarbon: gave up after a slow import")
