"""Shared by the stand-in modules (not a test module): note, in a file, when an import began and ended.

``FMF_STANDIN_MARKS`` names the folder for the marks and ``FMF_STANDIN_LOGDIR`` the tracker's output
folder; each mark records the time and whether the tracker's start record was already on disk.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def mark(name: str) -> None:
    folder = os.environ.get("FMF_STANDIN_MARKS")
    if not folder:
        return
    logs = Path(os.environ.get("FMF_STANDIN_LOGDIR", ".")).glob("*.jsonl")
    started = any('"type": "start"' in log.read_text() for log in logs)
    Path(folder, f"{name}.json").write_text(json.dumps({"time": time.time(), "log_started": started}))
