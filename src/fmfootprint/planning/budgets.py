"""Training budgets stated the ways people state them: FLOPs, accelerator-days, an energy or a carbon cap.

"What can I train with 1,000 H100-days?", "… under a 50 t CO2e cap?": each budget becomes training FLOPs
through the estimator (:func:`fmfootprint.footprint.estimate.estimate`); no footprint formula is repeated
here.

At fixed hardware, MFU and region, accelerator-hours, energy, carbon (operational and embodied, the latter
amortised per accelerator-hour) and water are all proportional to training FLOPs (the estimator's model:
time = FLOPs / (MFU · peak), energy = power · time …). The conversion uses that proportionality and checks
it numerically; should an estimator term ever stop being proportional, it falls back to root finding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.planning._hardware import check_hardware, estimate_at

__all__ = ["BUDGET_KINDS", "FOOTPRINT_QUANTITIES", "budget_flops", "flops_for_footprint"]

BUDGET_KINDS: Mapping[str, str] = {
    "compute_flops": "FLOP",
    "accelerator_days": "accelerator-days",
    "energy_kwh": "kWh",
    "co2e_kg": "kg CO2e",
}
"""Ways to state a training budget, by :func:`~fmfootprint.planning.plan` keyword, with their units:
training compute [FLOP], accelerator-days [device·day, all devices together, at the given MFU], a
facility-energy cap [kWh] and a total-carbon cap [kg CO2e, operational + embodied]."""

FOOTPRINT_QUANTITIES: tuple[str, ...] = ("gpu_hours", "energy_kwh", "co2e_kg", "water_l")
"""The :class:`~fmfootprint.footprint.estimate.Estimate` fields, proportional to FLOPs, that can cap a
budget."""

# Reference budget for the proportionality check [FLOP]; any positive value works.
_REFERENCE_FLOPS = 1e21
_HOURS_PER_DAY = 24.0


def _quantity(result: Estimate, quantity: str) -> float:
    value = getattr(result, quantity)
    if value is None:
        raise FootprintInputError(f"the estimate has no {quantity} for this hardware, so it sets no budget")
    return float(value)


def flops_for_footprint(quantity: str, target: float, hardware: Mapping[str, Any]) -> float:
    """Training FLOPs whose estimated footprint equals ``target`` on the given hardware.

    Parameters
    ----------
    quantity : str
        One of :data:`FOOTPRINT_QUANTITIES`: ``gpu_hours`` [accelerator·h], ``energy_kwh`` [kWh, facility],
        ``co2e_kg`` [kg CO2e, operational + embodied], ``water_l`` [L].
    target : float
        The cap on that quantity, in its unit [unit of ``quantity``], > 0.
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments (``gpu``, ``gpus``, ``mfu``,
        ``region``, ``pue`` …); must say what turns FLOPs into time (``gpu`` or ``peak_tflops``, ``mfu``).

    Returns
    -------
    float
        Training compute [FLOP] such that ``estimate(flops=…, **hardware).<quantity> == target``.

    Raises
    ------
    FootprintInputError
        An unknown quantity or hardware key, a bad target, or a quantity that does not grow with compute.

    Notes
    -----
    The estimator turns FLOPs into accelerator-hours as C / (MFU · peak) and every footprint term into a
    multiple of accelerator-hours, so q(C) = k · C and C = target / k with k = q(C₀) / C₀. The answer is
    checked (relative 1e-9); if q is not proportional, C is found by Brent's method on log₁₀ C ∈ [10, 35].
    """
    if quantity not in FOOTPRINT_QUANTITIES:
        raise UnknownNameError("footprint quantity", quantity, FOOTPRINT_QUANTITIES)
    target = _validate.positive(quantity, target)
    settings = check_hardware(hardware)
    reference = _quantity(estimate_at(_REFERENCE_FLOPS, settings), quantity)
    if not reference > 0:
        raise FootprintInputError(
            f"{quantity} does not grow with compute for this hardware and region (it is {reference:g}), "
            "so a cap on it sets no budget"
        )
    flops = _REFERENCE_FLOPS * target / reference
    if math.isclose(_quantity(estimate_at(flops, settings), quantity), target, rel_tol=1e-9):
        return flops
    from scipy.optimize import brentq

    def gap(log10_flops: float) -> float:
        return _quantity(estimate_at(10.0**log10_flops, settings), quantity) - target

    return float(10.0 ** brentq(gap, 10.0, 35.0, xtol=1e-12, rtol=1e-12))


def budget_flops(kind: str, value: float, hardware: Mapping[str, Any] | None = None) -> float:
    """A training budget stated any of the planner's ways, as FLOPs.

    Parameters
    ----------
    kind : str
        One of :data:`BUDGET_KINDS`: ``compute_flops`` [FLOP]; ``accelerator_days`` [device·day] (all
        devices together, e.g. 1,000 H100-days = 125 days on 8 GPUs); ``energy_kwh`` [kWh] facility energy
        cap; ``co2e_kg`` [kg CO2e] total (operational + embodied) carbon cap.
    value : float
        The budget in the unit of ``kind`` [unit of ``kind``], > 0.
    hardware : mapping, optional
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; required for every kind but
        ``compute_flops``.

    Returns
    -------
    float
        Training compute [FLOP].

    Raises
    ------
    FootprintInputError
        An unknown kind (with suggestions), a bad value, or a kind that needs hardware without it.

    Notes
    -----
    Accelerator-days D give accelerator-hours 24·D, and FLOPs = 24·D · (FLOP per accelerator-hour at this
    MFU and peak), read from the estimator (see :func:`flops_for_footprint`).
    """
    if kind not in BUDGET_KINDS:
        raise UnknownNameError("budget kind", kind, BUDGET_KINDS)
    value = _validate.bounded(kind, _validate.positive(kind, value))
    if kind == "compute_flops":
        return value
    settings = check_hardware(hardware)
    if not settings:
        raise FootprintInputError(f"a budget in {BUDGET_KINDS[kind]} needs the accelerator, MFU and region")
    if kind == "accelerator_days":
        return flops_for_footprint("gpu_hours", _HOURS_PER_DAY * value, settings)
    return flops_for_footprint(kind, value, settings)
