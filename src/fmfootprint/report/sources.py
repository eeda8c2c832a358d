"""Where a model card's figures come from: each source of figures becomes :class:`StageFootprint` records.

Library objects turn themselves into stages: an :class:`~fmfootprint.footprint.estimate.Estimate` through
:meth:`~fmfootprint.footprint.estimate.Estimate.to_stage`, a
:class:`~fmfootprint.measure.summary.RunSummary` through
:meth:`~fmfootprint.measure.summary.RunSummary.to_stage`, a
:class:`~fmfootprint.footprint.lifecycle.Lifecycle` is its stages. Paths are run directories (merged by
:func:`fmfootprint.measure.merge.merge_runs`, each tracker session counted once) or ledger files
(:mod:`fmfootprint.report.ledger`). JSON that users saved (``summarize --json``, ``estimate --json``,
``card --json``) is read here, in :func:`stage_from_json`, and nowhere else in the report. Records of one
stage are added up by :func:`fmfootprint.footprint.stages.sum_stages`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.footprint.lifecycle import Lifecycle
from fmfootprint.footprint.stages import STAGES, StageFootprint, check_stage, sum_stages
from fmfootprint.measure.summary import RunSummary
from fmfootprint.report.ledger import Ledger, load_ledger

__all__ = ["is_ledger_path", "stage_footprints", "stage_from_json", "staged_with_runs"]

_KINDS = "pass an Estimate, a RunSummary, a Lifecycle, run directories or a ledger file"


def is_ledger_path(path: Path) -> bool:
    """A ``.yaml``/``.yml`` file (a ledger) rather than a run directory or a tracker file."""
    return path.suffix.lower() in (".yaml", ".yml") and not path.is_dir()


def stage_from_json(
    data: Mapping[str, Any], stage: str | None, runs: list[RunSummary] | None = None
) -> list[StageFootprint]:
    """Stage records from JSON a user saved.

    Parameters
    ----------
    data : mapping
        A ``fmfootprint summarize --json`` or ``merge --json`` output or a ``*.summary.json`` (any schema;
        it has ``duration_s``); a ``card --json`` output or a lifecycle's ``to_dict()`` (``stages``); or an
        ``estimate --json`` output or one stage's figures (:meth:`StageFootprint.from_dict`).
    stage : str, optional
        The stage for figures that carry none (an estimate goes to ``"final"``); a run summary keeps its own
        unless ``stage`` is given. Ignored for ``stages`` mappings, whose stages are named.
    runs : list, optional
        Receives the run summary read, if ``data`` is one (what a model card says about how it was measured).
    """
    if "stages" in data:
        stages = data["stages"]
        if isinstance(stages, Mapping):
            items = list(stages.items())
        elif isinstance(stages, Sequence) and not isinstance(stages, str):
            items = [(s.get("stage") if isinstance(s, Mapping) else None, s) for s in stages]
        else:
            raise FootprintInputError(f"'stages' must be a mapping or a list of stages, got {stages!r}")
        return [StageFootprint.from_dict(figures, check_stage(name)) for name, figures in items if figures]
    if "duration_s" in data:
        return [_run(RunSummary.from_dict(data), stage, runs)]
    return [StageFootprint.from_dict(data, stage)]


def _run(summary: RunSummary, stage: str | None, runs: list[RunSummary] | None) -> StageFootprint:
    if runs is not None:
        runs.append(summary)
    return summary.to_stage(stage)


def _run_dirs(dirs: Sequence[Path], stage: str | None, runs: list[RunSummary] | None) -> list[StageFootprint]:
    """Tracked run directories, merged per stage (each session counted once).

    Each directory goes to ``stage`` when given, else to the stage its runs recorded.
    """
    from fmfootprint.measure.log import load_run
    from fmfootprint.measure.merge import merge_runs

    groups: dict[str, list[Path]] = {}
    for path in dirs:
        recorded = stage or str(load_run(path).stage)
        if recorded not in STAGES:
            raise FootprintInputError(
                f"run directory {str(path)!r} holds runs of several stages ({recorded}); "
                "list them by stage in a ledger (--ledger)"
            )
        groups.setdefault(recorded, []).append(path)
    return [_run(merge_runs(paths), name, runs) for name, paths in groups.items()]


def _records(source: Any, stage: str | None, runs: list[RunSummary] | None) -> list[StageFootprint]:
    """Stage records from one source of figures (recursively for lists and stage mappings)."""
    if isinstance(source, StageFootprint):
        return [source]
    if isinstance(source, Estimate):  # with the site defaults it used (issue 15: the card names them)
        return [source.to_stage(stage or "final")]
    if isinstance(source, RunSummary):
        return [_run(source, stage, runs)]
    if isinstance(source, Lifecycle):
        return list(source.stages)
    if isinstance(source, Ledger):
        return _records(source.stages, stage, runs)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if is_ledger_path(path):
            return _records(load_ledger(path), stage, runs)
        return _run_dirs([path], stage, runs)
    if isinstance(source, Mapping):
        if "energy_kwh" in source or "stages" in source:
            return stage_from_json(source, stage, runs)
        if not source:
            raise FootprintInputError(f"cannot read figures from an empty mapping; {_KINDS}")
        records = []  # {stage: source or sources}
        for name, item in source.items():
            records.extend(_records(item, check_stage(name), runs))
        return records
    if isinstance(source, Sequence) and not isinstance(source, (bytes, bytearray)):
        if not source:
            raise FootprintInputError("no source of figures: the list of runs or estimates is empty")

        def is_dir(item: Any) -> bool:
            return isinstance(item, (str, os.PathLike)) and not is_ledger_path(Path(item))

        dirs = [Path(item) for item in source if is_dir(item)]
        records = _run_dirs(dirs, stage, runs) if dirs else []
        for item in source:
            if not is_dir(item):
                records.extend(_records(item, stage, runs))
        return records
    raise FootprintInputError(f"cannot read figures from {type(source).__name__}; {_KINDS}")


def stage_footprints(source: Any, *, stage: str | None = None) -> tuple[StageFootprint, ...]:
    """One :class:`StageFootprint` per lifecycle stage present in ``source``, in :data:`STAGES` order.

    Parameters
    ----------
    source : Estimate, RunSummary, Lifecycle, StageFootprint, path, sequence or mapping
        An estimate (its figures go to ``stage``, default ``"final"``); a run summary (its own stage unless
        ``stage`` is given); a lifecycle; a run directory or a ledger file (``.yaml``); saved JSON (see
        :func:`stage_from_json`); a list of any of these; or a mapping ``{stage: source or list of sources}``.
    stage : str, optional
        Stage for sources that do not carry one.

    Returns
    -------
    tuple of StageFootprint
        Per stage, the sum of its records (:func:`~fmfootprint.footprint.stages.sum_stages`).
    """
    return staged_with_runs(source, stage=stage)[0]


def staged_with_runs(
    source: Any, *, stage: str | None = None
) -> tuple[tuple[StageFootprint, ...], tuple[RunSummary, ...]]:
    """:func:`stage_footprints`, and the run summaries among the sources (each merged directory once).

    The model card reads the runs for what the stages do not carry: which parts were measured, which
    codecarbon modelled (and their ranges), and which were not measured at all.
    """
    if source is None:
        raise FootprintInputError(
            "no source of figures: give an estimate, run directories (--runs) or a ledger (--ledger)"
        )
    runs: list[RunSummary] = []
    records = _records(source, None if stage is None else check_stage(stage), runs)
    by_stage: dict[str, list[StageFootprint]] = {}
    for record in records:
        by_stage.setdefault(record.stage, []).append(record)
    stages = tuple(sum_stages(name, by_stage[name]) for name in STAGES if name in by_stage)
    return stages, tuple(runs)
