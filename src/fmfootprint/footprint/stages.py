"""The lifecycle stages of a model and the one record of what a stage cost: :class:`StageFootprint`.

Every part of the package that names a stage (the tracker, the lifecycle sums, the model card, the CLI and
the app) reads the names from here; an estimate (:meth:`fmfootprint.footprint.estimate.Estimate.to_stage`)
and a measured run (:meth:`fmfootprint.measure.summary.RunSummary.to_stage`) each become a
:class:`StageFootprint`, and stages are summed by one function.

Stages follow Luccioni, Viguier & Ligozat (2023), §4: experiments, final training, evaluation and
deployment (inference) each carry their own footprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError, UnknownNameError

__all__ = ["STAGES", "STAGE_ALIASES", "TRAINING_STAGES", "StageFootprint", "check_stage"]

#: Lifecycle stages in reporting order.
STAGES: tuple[str, ...] = ("experiments", "final", "evaluation", "inference")
#: Other spellings accepted for a stage.
STAGE_ALIASES: Mapping[str, str] = {"experiment": "experiments"}
#: Stages whose operational carbon goes into a model card's ``co2_eq_emissions`` (the Hub field is about
#: training; inference is a projection of future use).
TRAINING_STAGES: tuple[str, ...] = ("experiments", "final", "evaluation")


def check_stage(stage: Any) -> str:
    """The canonical name of ``stage`` (case-insensitive; ``experiment`` → ``experiments``).

    Raises
    ------
    UnknownNameError
        ``stage`` is not one of :data:`STAGES` or :data:`STAGE_ALIASES` (the message suggests the closest).
    """
    key = str(stage).strip().lower()
    key = STAGE_ALIASES.get(key, key)
    if key not in STAGES:
        raise UnknownNameError("stage", str(stage), (*STAGES, *STAGE_ALIASES))
    return key


@dataclass(frozen=True)
class StageFootprint:
    """What one lifecycle stage cost, as a model card reports it.

    Attributes
    ----------
    stage : str
        One of :data:`STAGES`, or ``"total"`` for the sum.
    method : str
        ``"estimated"``, ``"measured"``, ``"measured and estimated"``, or a lifecycle's own description
        (``"3 x final"`` for experiments counted as a multiple of the final run).
    energy_kwh : float
        Facility energy (IT energy × PUE) [kWh].
    co2e_operational_kg : float
        Location-based operational emissions [kgCO2e].
    co2e_embodied_kg : float or None
        Amortised embodied (manufacturing) emissions [kgCO2e]; None when not counted.
    water_l : float or None
        Water consumed, on-site plus off-site [L]; None when not counted.
    gpu_hours : float or None
        Accelerator-hours, summed over all accelerators [GPU·h].
    hours : float or None
        Wall-clock duration [h] (for a sum of runs, the sum of their durations).
    energy_it_kwh : float or None
        IT energy before PUE [kWh].
    pue : float or None
        Power usage effectiveness [-]; None when runs with different PUEs are combined.
    grid_intensity_g_per_kwh : float or None
        Grid carbon intensity [gCO2e/kWh]; None when different intensities are combined.
    grid_intensity_source : str or None
        Where the intensity comes from.
    region : str or None
        Region code (``FR``, ``US-CA``, ``aws:us-east-1``); None when regions differ.
    gpu : str or None
        Accelerator name; None when unknown or when different accelerators are combined.
    gpus : int or None
        Number of accelerators used at once (the largest among combined records).
    ranges : mapping
        ``{key: (low, high)}`` for some of ``energy_kwh``, ``co2e_operational_kg``, ``co2e_kg``,
        ``water_l``, in the same units; empty when the figures are point values (measurements).
    records : int
        How many runs or estimates were combined.
    """

    stage: str
    method: str
    energy_kwh: float
    co2e_operational_kg: float
    co2e_embodied_kg: float | None = None
    water_l: float | None = None
    gpu_hours: float | None = None
    hours: float | None = None
    energy_it_kwh: float | None = None
    pue: float | None = None
    grid_intensity_g_per_kwh: float | None = None
    grid_intensity_source: str | None = None
    region: str | None = None
    gpu: str | None = None
    gpus: int | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    records: int = 1

    def __post_init__(self) -> None:
        if not str(self.method).strip():
            raise FootprintInputError("method must say how the figures were obtained, got ''")
        for name in ("energy_kwh", "co2e_operational_kg"):
            _validate.non_negative(name, getattr(self, name))
        for name in ("co2e_embodied_kg", "water_l", "gpu_hours", "hours", "energy_it_kwh"):
            value = getattr(self, name)
            if value is not None:
                _validate.non_negative(name, value)

    @property
    def co2e_kg(self) -> float:
        """Operational plus embodied emissions [kgCO2e] (embodied counts as 0 when not counted)."""
        return self.co2e_operational_kg + (self.co2e_embodied_kg or 0.0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["co2e_kg"] = self.co2e_kg
        data["ranges"] = {key: [low, high] for key, (low, high) in self.ranges.items()}
        return data
