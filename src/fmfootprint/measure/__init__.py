"""fmfootprint.measure: measure real runs (GPU energy via NVML, CPU/RAM via codecarbon) and summarise them.

Public API: :class:`Tracker`, :class:`RunSummary`, :func:`summarize`, :func:`load_run`,
:func:`read_samples`, :func:`merge_runs`. Submodules are imported lazily.
"""

from __future__ import annotations

from typing import Any

from fmfootprint._lazy import load_export

_EXPORTS = {
    "Tracker": "fmfootprint.measure.tracker",
    "TrackerWarning": "fmfootprint.measure.log",
    "RunSummary": "fmfootprint.measure.summary",
    "summarize": "fmfootprint.measure.log",
    "load_run": "fmfootprint.measure.log",
    "read_samples": "fmfootprint.measure.log",
    "merge_runs": "fmfootprint.measure.merge",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, name)
