"""fmfootprint.measure: measure real runs (GPU energy via NVML, CPU/RAM via codecarbon) and summarise them.

Public API: :class:`Tracker`, :class:`RunSummary`, :func:`summarize`, :func:`load_run`,
:func:`read_samples`, :func:`merge_runs`. Submodules are imported lazily.
"""

from __future__ import annotations

from fmfootprint._lazy import load_export

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs the command-line start milliseconds
    from typing import Any

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
