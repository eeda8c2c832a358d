"""Planned vs measured: a saved plan's footprint beside what a tracked run used, quantity by quantity.

The plan is a :class:`~fmfootprint.planning.Plan` or its JSON (``fmfootprint plan --json``, the app's
"Plan (JSON)" download); the run is a :class:`~fmfootprint.measure.summary.RunSummary` or its
``to_dict()``. A quantity one side does not know is None and its ratio is None, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.units import S_PER_H

__all__ = ["QUANTITIES", "PlannedMeasured", "plan_footprint_of", "planned_vs_measured"]

# (key, label, unit shown, scale from the stored unit, plan footprint key, run summary key)
QUANTITIES: tuple[tuple[str, str, str, float, str, str], ...] = (
    ("gpu_hours", "Accelerator-hours", "h", 1.0, "gpu_hours", "gpu_hours"),
    ("hours", "Wall clock", "h", 1.0, "hours", "duration_s"),
    ("energy_kwh", "Energy, facility", "MWh", 1000.0, "energy_kwh", "energy_kwh"),
    (
        "co2e_operational_kg",
        "Carbon, operational",
        "t CO2e",
        1000.0,
        "co2e_operational_kg",
        "co2e_operational_kg",
    ),
    ("co2e_kg", "Carbon, total", "t CO2e", 1000.0, "co2e_kg", "co2e_kg"),
    ("water_l", "Water", "m³", 1000.0, "water_l", "water_l"),
)
"""The quantities compared: key, label, display unit, divisor from the stored unit, and where each side
keeps it (a run's wall clock is ``duration_s``, converted to hours)."""


@dataclass(frozen=True)
class PlannedMeasured:
    """One quantity, planned and measured.

    Attributes
    ----------
    key, label, unit : str
        Identifier, label and display unit (``"MWh"``).
    planned, measured : float or None
        In the display unit; None when that side does not know it.
    """

    key: str
    label: str
    unit: str
    planned: float | None
    measured: float | None

    @property
    def ratio(self) -> float | None:
        """measured / planned [-]; None when either is unknown or the plan is 0."""
        if self.planned is None or self.measured is None or self.planned == 0:
            return None
        return self.measured / self.planned

    def to_dict(self) -> dict[str, Any]:
        """key, label, unit, planned, measured, ratio (JSON-ready)."""
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "planned": self.planned,
            "measured": self.measured,
            "ratio": self.ratio,
        }


def plan_footprint_of(plan: Any) -> Mapping[str, Any]:
    """The footprint mapping of a plan, a plan's JSON mapping, or a bare estimate's JSON mapping.

    Raises
    ------
    FootprintInputError
        The plan has no footprint (it was planned without hardware).
    """
    payload = plan.to_dict() if hasattr(plan, "to_dict") else plan
    if not isinstance(payload, Mapping):
        raise FootprintInputError("a plan must be a JSON object (fmfootprint plan --json)")
    footprint = payload.get("footprint", payload if "energy_kwh" in payload else None)
    if not isinstance(footprint, Mapping):
        raise FootprintInputError(
            "the plan has no footprint; plan with hardware (--gpu, --gpus, --mfu) to compare it with a run"
        )
    return footprint


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def planned_vs_measured(plan: Any, measured: Any) -> tuple[PlannedMeasured, ...]:
    """A plan's footprint and a tracked run's totals, side by side, with measured / planned.

    Parameters
    ----------
    plan : Plan or mapping
        A plan with a footprint, or its JSON (``Plan.to_dict()``).
    measured : RunSummary or mapping
        The run's totals (``RunSummary.to_dict()``).

    Returns
    -------
    tuple of PlannedMeasured
        One per :data:`QUANTITIES` entry, in order.

    Raises
    ------
    FootprintInputError
        The plan has no footprint, or either side is not a mapping.
    """
    footprint = plan_footprint_of(plan)
    run = measured.to_dict() if hasattr(measured, "to_dict") else measured
    if not isinstance(run, Mapping):
        raise FootprintInputError("the run's totals must be a JSON object (a *.summary.json)")
    rows = []
    for key, label, unit, scale, plan_key, run_key in QUANTITIES:
        planned = _number(footprint.get(plan_key))
        used = _number(run.get(run_key))
        if run_key == "duration_s" and used is not None:
            used = used / S_PER_H
        rows.append(
            PlannedMeasured(
                key=key,
                label=label,
                unit=unit,
                planned=None if planned is None else planned / scale,
                measured=None if used is None else used / scale,
            )
        )
    return tuple(rows)
