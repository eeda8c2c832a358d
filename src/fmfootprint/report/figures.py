"""The figures a model card reports, per lifecycle stage, independent of where they came from.

Estimates (:func:`fmfootprint.estimate`), tracked runs (:class:`fmfootprint.measure.log.RunSummary`) and
lifecycles all become :class:`StageFootprint` records here; :mod:`fmfootprint.report.modelcard` renders
them. Nothing is computed from energy here: carbon and water come already converted by
:mod:`fmfootprint.footprint.convert` (through the estimator or the tracker), sums of stages come from
:func:`fmfootprint.footprint.lifecycle.lifecycle`, and this module only keeps what describes them (PUE,
grid intensity, region, accelerator) and converts kilograms to the grams the Hugging Face Hub expects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.stages import STAGES, TRAINING_STAGES, StageFootprint

__all__ = [
    "GRAMS_PER_KG",
    "RANGE_KEYS",
    "STAGES",
    "TRAINING_STAGES",
    "StageFootprint",
    "combine",
    "kg_to_g",
    "stage_totals",
]


GRAMS_PER_KG = 1000.0
MIXED = "measured and estimated"

RANGE_KEYS = ("energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l")


def kg_to_g(mass_kg: float) -> float:
    """Mass [kg] → [g]: the Hub's ``co2_eq_emissions.emissions`` is in grams of CO2eq."""
    return float(mass_kg) * GRAMS_PER_KG


def _sum_optional(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return math.fsum(present) if present else None


def _common(values: Iterable[Any]) -> Any:
    """The value shared by all records, or None when they differ (or none has one)."""
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None


def _base_method(method: str) -> str:
    """``"measured"``, ``"estimated"`` or :data:`MIXED` (a multiple of the final run is an estimate)."""
    if method in ("measured", "estimated"):
        return method
    if method in (MIXED, "mixed"):
        return MIXED
    return "estimated"


def _lifecycle_figures(record: StageFootprint) -> dict[str, Any]:
    """A record as the run-summary mapping :func:`fmfootprint.footprint.lifecycle.lifecycle` takes."""
    data = record.to_dict()
    data["ranges"] = {key: list(bounds) for key, bounds in record.ranges.items()}
    return data


def combine(stage: str, records: Sequence[StageFootprint]) -> StageFootprint:
    """Add up records (several runs or estimates, or several stages) into one :class:`StageFootprint`.

    The sums (energy, carbon, water, GPU-hours and their ranges) are
    :func:`fmfootprint.footprint.lifecycle.lifecycle`'s, so the card's stage and total figures are the
    library's. A range sums the records' bounds (fully correlated, the conservative choice); a record
    without a range counts as exact. Wall-clock hours add; PUE, grid intensity, region and accelerator are
    kept only when all records share them; embodied carbon and water stay "not counted" (None) when no
    record counts them.
    """
    from fmfootprint.footprint.lifecycle import lifecycle

    if not records:
        raise FootprintInputError(f"stage {stage!r} has no runs or estimates")
    if len(records) == 1 and records[0].stage == stage:
        return records[0]
    summed = lifecycle(final=[_lifecycle_figures(r) for r in records]).total
    methods = {_base_method(r.method) for r in records}
    gpus = [r.gpus for r in records if r.gpus is not None]
    counts_embodied = any(r.co2e_embodied_kg is not None for r in records)
    return StageFootprint(
        stage=stage,
        method=methods.pop() if len(methods) == 1 else MIXED,
        energy_kwh=summed.energy_kwh,
        co2e_operational_kg=summed.co2e_operational_kg,
        co2e_embodied_kg=summed.co2e_embodied_kg if counts_embodied else None,
        water_l=None if all(r.water_l is None for r in records) else summed.water_l,
        gpu_hours=summed.gpu_hours,
        hours=_sum_optional(r.hours for r in records),
        energy_it_kwh=summed.energy_it_kwh,
        pue=_common(r.pue for r in records),
        grid_intensity_g_per_kwh=_common(r.grid_intensity_g_per_kwh for r in records),
        grid_intensity_source=_common(r.grid_intensity_source for r in records),
        region=_common(r.region for r in records),
        gpu=_common(r.gpu for r in records),
        gpus=max(gpus) if gpus else None,
        ranges={
            key: summed.ranges[key]
            for key in RANGE_KEYS
            if key in summed.ranges and any(key in r.ranges for r in records)
        },
        records=sum(r.records for r in records),
    )


def stage_totals(stages: Sequence[StageFootprint], *, name: str = "total") -> StageFootprint:
    """The sum over ``stages`` (see :func:`combine`), labelled ``name``."""
    return combine(name, list(stages))
