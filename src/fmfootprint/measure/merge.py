"""Merge runs and nodes: every session of every folder, each counted once (see :func:`.combine.combine`)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from fmfootprint.errors import FootprintInputError
from fmfootprint.measure.combine import combine
from fmfootprint.measure.log import find_sessions
from fmfootprint.measure.summary import RunSummary

__all__ = ["merge_runs"]


def merge_runs(dirs: Iterable[str | os.PathLike[str]]) -> RunSummary:
    """One summary for every session found in ``dirs``.

    Parameters
    ----------
    dirs : iterable of path
        Tracker output folders (or single ``.jsonl`` / ``.summary.json`` files): the nodes of a job,
        restarts, or separate runs.

    Returns
    -------
    RunSummary
        Sums of energy, CO2e, water and GPU-hours over sessions; each session (one node's local-rank-0
        tracker) is counted once even if a folder is named twice. Sessions with a ``*.summary.json`` use
        it; sessions without one (a killed process) are rebuilt from their JSONL log and flagged.
    """
    paths = list(dict.fromkeys(os.path.realpath(d) for d in dirs))
    if not paths:
        raise FootprintInputError("merge needs at least one run directory")
    summaries: list[RunSummary] = []
    for path in paths:
        sessions = find_sessions(path)
        if not sessions:
            raise FootprintInputError(f"no fmfootprint log (*.jsonl) or summary (*.summary.json) in {path!r}")
        summaries.extend(session.load() for session in sessions)
    return combine(summaries)
