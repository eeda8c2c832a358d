"""Ledgers: one YAML file listing, for each lifecycle stage, the tracked runs and estimates it consists of.

A model's footprint is more than its final run: the experiments before it, the evaluation after it and the
expected inference (Luccioni, Viguier & Ligozat 2023, §4–6). A ledger names them, so that
``fmfootprint card --ledger footprint.yaml`` can report every stage::

    # footprint.yaml: paths are relative to this file
    card:                          # optional defaults for the model card
      training_type: pre-training
      location: Orsay, France
      hardware: 384 A100 80GB GPUs
    stages:
      experiments:
        - runs: [sweeps/lr-1e-4, sweeps/lr-3e-4]    # tracked runs, added up
        - estimate: {gpu: A100 SXM4 80GB, gpu_hours: 20000, region: FR}
      final:
        runs: [final/node-0, final/node-1]          # one run's nodes
      evaluation:
        runs: eval/harness
      inference:
        estimate: {gpu: H100 SXM, gpu_hours: 150000, region: US-CA}

Each stage holds one entry or a list of entries. An entry is exactly one of:

``runs: DIR`` or ``runs: [DIR, ...]`` (``run:`` is the same)
    tracked run directories (``fmfootprint track`` / :class:`fmfootprint.Tracker` output): the nodes of a
    job, its restarts or separate runs, merged by :func:`fmfootprint.measure.merge.merge_runs`, which
    counts each tracker session once;
``estimate: {parameter: value, ...}``
    the keyword arguments of :func:`fmfootprint.estimate` (``gpu``, ``gpus``, ``hours``, ``gpu_hours``,
    ``region``, ``pue``, …), under the names that function takes.

Stages are ``experiments``, ``final``, ``evaluation`` and ``inference``; each may be left out. A run's own
recorded stage is overridden by the stage it is listed under.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from fmfootprint._io import load_yaml, read_text
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stages import STAGES, check_stage

__all__ = ["ENTRY_KINDS", "Ledger", "load_ledger", "parse_ledger"]

ENTRY_KINDS: tuple[str, ...] = ("runs", "run", "estimate")
_CARD_KEYS: tuple[str, ...] = ("training_type", "location", "hardware", "cloud_provider")


@dataclass(frozen=True)
class Ledger:
    """A parsed ledger: the sources of each stage, loaded, and the card's defaults.

    Attributes
    ----------
    stages : dict
        ``{stage: [RunSummary or Estimate, ...]}`` in :data:`~fmfootprint.footprint.stages.STAGES` order.
    card : dict
        Defaults for :func:`~fmfootprint.report.modelcard.model_card` (``training_type``, ``location``,
        ``hardware``, ``cloud_provider``).
    path : Path or None
        The file it was read from.
    """

    stages: dict[str, list[Any]]
    card: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def load_ledger(path: str | os.PathLike[str]) -> Ledger:
    """Read a ledger file (YAML, format in this module's docstring), loading every run and estimate.

    Raises
    ------
    FootprintInputError
        Unreadable YAML, an unknown stage or entry kind, an unknown estimate parameter, a run directory
        with neither a summary nor a JSONL log; YAML past the loader's bounds (nesting, aliases, the
        document's size once aliases are expanded: :func:`fmfootprint._io.load_yaml`).
    FootprintIOError
        The file cannot be read or is not UTF-8 (the message names it).
    """
    path = Path(path)
    text = read_text(path, what="ledger")
    try:
        data = load_yaml(text, what=f"ledger {str(path)!r}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FootprintInputError(f"ledger {str(path)!r} is not valid YAML{where}") from None
    return replace(parse_ledger(data, base_dir=path.parent, name=str(path)), path=path)


def parse_ledger(data: Any, *, base_dir: str | os.PathLike[str] = ".", name: str = "ledger") -> Ledger:
    """Build a :class:`Ledger` from already-parsed YAML data; relative paths resolve against ``base_dir``."""
    if not isinstance(data, Mapping) or "stages" not in data:
        raise FootprintInputError(
            f"{name} must be a mapping with a 'stages' key (format: docs/methodology.md)"
        )
    unknown = [k for k in data if k not in ("stages", "card")]
    if unknown:
        raise UnknownNameError("ledger key", str(unknown[0]), ("stages", "card"))
    card = data.get("card") or {}
    if not isinstance(card, Mapping):
        raise FootprintInputError(f"{name}: 'card' must be a mapping of {', '.join(_CARD_KEYS)}")
    for key in card:
        if key not in _CARD_KEYS:
            raise UnknownNameError("ledger card option", str(key), _CARD_KEYS)
    stages_data = data["stages"]
    if not isinstance(stages_data, Mapping) or not stages_data:
        raise FootprintInputError(
            f"{name}: 'stages' must map stages ({', '.join(STAGES)}) to runs or estimates"
        )
    base = Path(base_dir)
    loaded: dict[str, list[Any]] = {}
    for stage_name, entries in stages_data.items():
        stage = check_stage(str(stage_name))
        items = entries if isinstance(entries, list) else [entries]
        if not items:
            raise FootprintInputError(f"{name}: stage {stage!r} lists no runs or estimates")
        sources: list[Any] = []
        for entry in items:
            sources.extend(_load_entry(entry, stage, base, name))
        loaded[stage] = sources
    ordered = {stage: loaded[stage] for stage in STAGES if stage in loaded}
    return Ledger(stages=ordered, card={k: str(v) for k, v in card.items()}, path=None)


def _load_entry(entry: Any, stage: str, base: Path, name: str) -> list[Any]:
    if not isinstance(entry, Mapping) or len(entry) != 1:
        raise FootprintInputError(
            f"{name}: each entry of stage {stage!r} must have exactly one of {', '.join(ENTRY_KINDS)}, "
            f"got {entry!r}"
        )
    kind, value = next(iter(entry.items()))
    if kind not in ENTRY_KINDS:
        raise UnknownNameError("ledger entry kind", str(kind), ENTRY_KINDS)
    if kind == "estimate":
        return [_estimate(value, stage, name)]
    dirs = [value] if isinstance(value, str) else value
    if not isinstance(dirs, list) or not dirs or not all(isinstance(d, str) for d in dirs):
        raise FootprintInputError(
            f"{name}: '{kind}' in stage {stage!r} must name run directories, got {value!r}"
        )
    from fmfootprint.measure.merge import merge_runs

    # One summary for the entry, each tracker session counted once (nodes of a job, restarts, runs).
    summary = merge_runs([base / d for d in dirs])
    return [replace(summary, stage=stage)]


def _estimate(params: Any, stage: str, name: str) -> Any:
    from fmfootprint.footprint.estimate import estimate

    if not isinstance(params, Mapping) or not params:
        raise FootprintInputError(
            f"{name}: 'estimate' in stage {stage!r} must be a mapping of estimate() parameters, "
            f"got {params!r}"
        )
    accepted = [
        p.name
        for p in inspect.signature(estimate).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    for key in params:
        if key not in accepted:
            raise UnknownNameError("estimate parameter", str(key), accepted)
    return estimate(**dict(params))
