"""Planner questions built on the library's public functions: budgets, regions, carbon-optimal plans.

The web planner (``app/``) asks questions that no single library call answers: "what can I train with
1,000 H100-days?", "… under a 50 t CO2e cap?", "the same run in Iowa or Quebec?", "which model and region
emit least over the model's life for this loss?". Each answer here is composed from
:func:`fmfootprint.footprint.estimate.estimate` and :mod:`fmfootprint.scaling`; no footprint or scaling
formula is re-implemented here.

Conventions
-----------
- A *hardware* mapping holds the :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments that
  describe where and how the run happens (``gpu``, ``gpus``, ``mfu``, ``region``, ``pue``, ``precision`` …):
  exactly what ``fmfootprint.planning.plan(hardware=…)`` takes.
- At fixed hardware, MFU and region, GPU-hours, energy, carbon (operational and embodied, the latter
  amortised per GPU-hour) and water are all proportional to training FLOPs (the estimator's model:
  time = FLOPs / (MFU · peak), energy = power · time …). Budget conversions use that proportionality and
  check it numerically; if an estimator term ever stops being proportional they fall back to root finding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.allocate import tokens_for_loss

__all__ = [
    "BUDGET_KINDS",
    "COMPARISON_REGIONS",
    "CarbonOptimal",
    "budget_flops",
    "carbon_optimal",
    "compare_regions",
    "flops_for_footprint",
    "inference_tradeoff",
    "parse_quantity",
    "plan_with_hardware",
]

#: Ways to state a training budget, with their units: FLOPs, accelerator-days (device count × days, at the
#: given MFU), a facility-energy cap [kWh] and a total-carbon cap [kg CO2e, operational + embodied].
BUDGET_KINDS: dict[str, str] = {
    "flops": "FLOP",
    "accelerator_days": "accelerator-days",
    "energy_kwh": "kWh",
    "co2e_kg": "kg CO2e",
}

#: Grid regions shown side by side by default: low, middling and high carbon intensity, and the two of the
#: README's worked question (Iowa, Quebec). Codes not in the shipped catalog are skipped.
COMPARISON_REGIONS: tuple[str, ...] = (
    "US-IA",
    "CA-QC",
    "FR",
    "SE",
    "NO",
    "US-CA",
    "DE",
    "GB",
    "US-VA",
    "IN",
    "PL",
    "AU",
)

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12, "p": 1e15}
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kmbgtp]?)$", re.IGNORECASE)

# Reference budget for the proportionality check [FLOP]; any positive value works.
_REFERENCE_FLOPS = 1e21


def parse_quantity(name: str, text: Any, *, allow_zero: bool = False) -> float:
    """Parse a number typed by a person: ``1e24``, ``1,000``, ``2.5T``, ``300B``, ``70 M``.

    Parameters
    ----------
    name : str
        What the number is, for the error message.
    text : str or number
        The typed value. Thousands separators (``,`` ``_`` and spaces) are ignored; a suffix k, M, B (or G),
        T or P multiplies by 1e3, 1e6, 1e9, 1e12 or 1e15 (case-insensitive).
    allow_zero : bool
        Accept 0 (for quantities such as inference tokens where none is meaningful).

    Returns
    -------
    float
        The value, finite and > 0 (or ≥ 0 with ``allow_zero``).

    Raises
    ------
    FootprintInputError
        Empty, non-numeric, negative, zero (unless allowed) or non-finite input; the message names ``name``.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = _validate.as_float(name, text)
    else:
        cleaned = re.sub(r"[,_\s]", "", str(text or ""))
        if not cleaned:
            raise FootprintInputError(f"{name} is empty; type a number such as 1e24 or 2.5T")
        match = _NUMBER.match(cleaned)
        if match is None:
            raise FootprintInputError(f"{name} must be a number such as 1e24 or 2.5T, got {str(text)!r}")
        value = float(match.group(1)) * _SUFFIXES.get(match.group(2).lower(), 1.0)
    if not math.isfinite(value):
        raise FootprintInputError(f"{name} must be finite, got {text!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise FootprintInputError(f"{name} must be {bound}, got {text!r}")
    return value


def _estimate(flops: float, hardware: Mapping[str, Any]) -> Any:
    from fmfootprint.footprint.estimate import estimate

    return estimate(flops=flops, **dict(hardware))


def _quantity(result: Any, quantity: str) -> float:
    value = getattr(result, quantity, None)
    if value is None:
        value = result.to_dict()[quantity]
    return float(value)


def flops_for_footprint(quantity: str, target: float, hardware: Mapping[str, Any]) -> float:
    """Training FLOPs whose estimated footprint equals ``target`` on the given hardware.

    Parameters
    ----------
    quantity : str
        An :class:`~fmfootprint.footprint.estimate.Estimate` field proportional to FLOPs: ``gpu_hours``
        [GPU·h], ``energy_kwh`` [kWh, facility], ``co2e_kg`` [kg CO2e, operational + embodied],
        ``water_l`` [L].
    target : float
        The cap on that quantity, in its unit, > 0.
    hardware : mapping
        Keyword arguments for :func:`~fmfootprint.footprint.estimate.estimate` (``gpu``, ``gpus``, ``mfu``,
        ``region``, ``pue`` …); must include what turns FLOPs into time (``gpu``, ``mfu``).

    Returns
    -------
    float
        Training compute [FLOP] such that ``estimate(flops=…, **hardware).<quantity> == target``.

    Notes
    -----
    The estimator turns FLOPs into GPU-hours as C / (MFU · peak) and every footprint term into a multiple of
    GPU-hours or energy, so quantity(C) = k · C; then C = target / k with k read from one estimate at a
    reference budget. The result is checked by re-estimating; should the estimator gain a term that is not
    proportional, the root of quantity(C) − target is found with Brent's method in log C instead.
    """
    target = _validate.positive(quantity, target)
    reference = _quantity(_estimate(_REFERENCE_FLOPS, hardware), quantity)
    if reference <= 0:
        raise FootprintInputError(
            f"{quantity} does not grow with compute for this hardware and region (it is {reference:g}), "
            "so a cap on it sets no budget"
        )
    flops = _REFERENCE_FLOPS * target / reference
    if math.isclose(_quantity(_estimate(flops, hardware), quantity), target, rel_tol=1e-9):
        return flops

    def gap(log10_flops: float) -> float:
        return _quantity(_estimate(10.0**log10_flops, hardware), quantity) - target

    return float(10.0 ** brentq(gap, 10.0, 35.0, xtol=1e-12, rtol=1e-12))


def budget_flops(kind: str, value: float, hardware: Mapping[str, Any] | None = None) -> float:
    """A training budget stated any of the planner's ways, as FLOPs.

    Parameters
    ----------
    kind : str
        One of :data:`BUDGET_KINDS`: ``flops``; ``accelerator_days`` [device·day] (all devices together, e.g.
        1,000 H100-days = 125 days on 8 GPUs); ``energy_kwh`` [kWh] facility energy cap; ``co2e_kg``
        [kg CO2e] total (operational + embodied) carbon cap.
    value : float
        The budget in the unit of ``kind``, > 0.
    hardware : mapping, optional
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; required for every kind but
        ``flops``.

    Returns
    -------
    float
        Training compute [FLOP].

    Notes
    -----
    Accelerator-days D give GPU-hours 24·D, and FLOPs = 24·D · (FLOP per GPU-hour at this MFU and peak), read
    from the estimator (see :func:`flops_for_footprint`).
    """
    if kind not in BUDGET_KINDS:
        from fmfootprint.errors import UnknownNameError

        raise UnknownNameError("budget kind", kind, BUDGET_KINDS)
    value = _validate.positive(f"budget ({BUDGET_KINDS[kind]})", value)
    if kind == "flops":
        return value
    if not hardware:
        raise FootprintInputError(f"a budget in {BUDGET_KINDS[kind]} needs the accelerator, MFU and region")
    if kind == "accelerator_days":
        return flops_for_footprint("gpu_hours", 24.0 * value, hardware)
    return flops_for_footprint(kind, value, hardware)


def plan_with_hardware(
    compute_flops: float,
    hardware: Mapping[str, Any],
    law: Any = "hoffmann2022",
    unique_tokens: float | None = None,
) -> dict[str, Any]:
    """:func:`fmfootprint.planning.plan` for a budget, with the footprint on any estimator settings.

    Parameters
    ----------
    compute_flops : float
        Training budget [FLOP].
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments (gpu, gpus, mfu, region, pue …).
    law : str, ChinchillaLaw or mapping
        As for :func:`~fmfootprint.planning.plan`.
    unique_tokens : float, optional
        Unique tokens available [tokens] (data-constrained plan).

    Returns
    -------
    dict
        ``plan(compute_flops=…, law=…, unique_tokens=…).to_dict()`` with
        ``footprint = estimate(flops=plan.compute_flops, **hardware).to_dict()``: the same keys and numbers
        as ``plan(…, hardware=hardware).to_dict()`` whenever ``plan`` accepts that hardware.
    """
    from fmfootprint.planning import plan

    return plan(
        compute_flops=compute_flops, law=law, unique_tokens=unique_tokens, hardware=hardware
    ).to_dict()


def compare_regions(
    compute_flops: float, regions: Iterable[str], hardware: Mapping[str, Any]
) -> pd.DataFrame:
    """The same training run estimated in several grid regions.

    Parameters
    ----------
    compute_flops : float
        Training compute [FLOP].
    regions : iterable of str
        Region codes (any form :func:`fmfootprint.catalog.grid.get_region` accepts); duplicates are dropped.
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; its ``region`` is replaced by each
        of ``regions`` in turn (a ``pue`` or ``grid_intensity`` given here applies to all regions).

    Returns
    -------
    pandas.DataFrame
        One row per region, lowest total carbon first, with columns region, name, grid_intensity_g_per_kwh,
        pue, energy_kwh, co2e_operational_kg, co2e_embodied_kg, co2e_kg, water_l, and the
        ``co2e_kg`` range (co2e_kg_low, co2e_kg_high) when the estimator gives one.
    """
    from fmfootprint.catalog.grid import get_region

    compute_flops = _validate.positive("compute_flops", compute_flops)
    base = {k: v for k, v in hardware.items() if k != "region"}
    rows = []
    seen: set[str] = set()
    for code in regions:
        region = get_region(code)
        if region.code in seen:
            continue
        seen.add(region.code)
        result = _estimate(compute_flops, {**base, "region": region.code}).to_dict()
        low, high = result.get("ranges", {}).get("co2e_kg", (float("nan"), float("nan")))
        rows.append(
            {
                "region": region.code,
                "name": region.name,
                "grid_intensity_g_per_kwh": result["grid_intensity_g_per_kwh"],
                "pue": result["pue"],
                "energy_kwh": result["energy_kwh"],
                "co2e_operational_kg": result["co2e_operational_kg"],
                "co2e_embodied_kg": result["co2e_embodied_kg"],
                "co2e_kg": result["co2e_kg"],
                "co2e_kg_low": low,
                "co2e_kg_high": high,
                "water_l": result["water_l"],
            }
        )
    if not rows:
        raise FootprintInputError("no regions to compare; pick at least one")
    return pd.DataFrame(rows).sort_values("co2e_kg", kind="stable").reset_index(drop=True)


def inference_tradeoff(
    target_loss: float,
    inference_tokens: float,
    law: Any,
    hardware: Mapping[str, Any] | None = None,
    params: ArrayLike | None = None,
    n: int = 60,
) -> pd.DataFrame:
    """Model sizes that all reach ``target_loss``, with their lifetime compute and (optionally) carbon.

    Parameters
    ----------
    target_loss : float
        Loss every model is trained to [nats/token].
    inference_tokens : float
        Tokens the model will process in its lifetime of serving [-], ≥ 0.
    law : ChinchillaLaw
        The scaling law.
    hardware : mapping, optional
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; adds ``co2e_kg`` (lifetime,
        training + inference on the same hardware, MFU and region).
    params : array_like, optional
        Model sizes [-]; by default ``n`` sizes log-spaced from 1/30 of the compute-optimal size for the
        loss (or 1.2× the smallest size that can reach it) to 3× the compute-optimal size.
    n : int
        Number of default sizes.

    Returns
    -------
    pandas.DataFrame
        Columns params, train_tokens, train_flops, inference_flops, lifetime_flops [FLOP] (and co2e_kg).

    Notes
    -----
    Sardana et al. (2024) minimise 6·N·D_tr + 2·N·D_inf subject to L(N, D_tr) = ℓ; this tabulates that
    objective along the iso-loss curve D_tr = :func:`~fmfootprint.scaling.allocate.tokens_for_loss` (N), using
    :func:`fmfootprint.scaling.flops.training_flops` and :func:`~fmfootprint.scaling.flops.inference_flops`.

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal: Accounting for Inference in Language Model Scaling
    Laws. arXiv:2401.00448, eq. 2.
    """
    from fmfootprint.scaling.flops import inference_flops, training_flops

    inference_tokens = _validate.non_negative("inference_tokens", inference_tokens)
    if params is None:
        from fmfootprint.scaling.allocate import compute_optimal, frontier_compute_for_loss

        # Sizes around the compute-optimal model for this loss (serving pushes the optimum below it),
        # kept above the smallest size that can reach the loss at all, A/N^α = ℓ − E.
        chinchilla = float(compute_optimal(frontier_compute_for_loss(target_loss, law), law).params)
        n_min = (law.A / (target_loss - law.E)) ** (1.0 / law.alpha)
        params = np.geomspace(max(chinchilla / 30.0, n_min * 1.2), chinchilla * 3.0, int(n))
    params = _validate.positive_array("params", params)
    tokens = np.asarray(tokens_for_loss(params, target_loss, law), dtype=float)
    keep = np.isfinite(tokens)
    params, tokens = params[keep], tokens[keep]
    train = np.asarray(training_flops(params, tokens), dtype=float)
    serve = (
        np.asarray(inference_flops(params, inference_tokens), dtype=float) * np.ones_like(params)
        if inference_tokens > 0
        else np.zeros_like(params)
    )
    table = pd.DataFrame(
        {
            "params": params,
            "train_tokens": tokens,
            "train_flops": train,
            "inference_flops": serve,
            "lifetime_flops": train + serve,
        }
    )
    if hardware:
        per_flop = _quantity(_estimate(_REFERENCE_FLOPS, hardware), "co2e_kg") / _REFERENCE_FLOPS
        table["co2e_kg"] = table["lifetime_flops"] * per_flop
    return table


@dataclass(frozen=True)
class CarbonOptimal:
    """The allocation and region with the least lifetime carbon for a target loss.

    Attributes
    ----------
    region : str
        Best region code.
    params, tokens : float
        Model parameters [-] and training tokens [-].
    loss : float
        Loss reached [nats/token].
    train_flops, lifetime_flops : float
        Training compute and training + inference compute [FLOP].
    inference_tokens : float
        Lifetime inference tokens assumed [-].
    co2e_kg : float
        Lifetime carbon in the best region [kg CO2e], training + inference.
    train_co2e_kg : float
        Training carbon alone in the best region [kg CO2e].
    baseline_co2e_kg : float
        Lifetime carbon of the compute-optimal model for the same loss in the baseline region [kg CO2e].
    baseline_region : str
        The region the baseline is estimated in (the planner's chosen region).
    chinchilla_params, chinchilla_lifetime_flops : float
        The compute-optimal model for the same loss [-] and its lifetime compute [FLOP].
    by_region : dict
        Lifetime carbon of the best allocation in every region compared {code: kg CO2e}.
    """

    region: str
    params: float
    tokens: float
    loss: float
    train_flops: float
    lifetime_flops: float
    inference_tokens: float
    co2e_kg: float
    train_co2e_kg: float
    baseline_co2e_kg: float
    baseline_region: str
    chinchilla_params: float
    chinchilla_lifetime_flops: float
    by_region: dict[str, float] = field(default_factory=dict)

    @property
    def saving_fraction(self) -> float:
        """1 − co2e_kg / baseline_co2e_kg [-]."""
        return 1.0 - self.co2e_kg / self.baseline_co2e_kg if self.baseline_co2e_kg > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "params": self.params,
            "tokens": self.tokens,
            "loss": self.loss,
            "train_flops": self.train_flops,
            "lifetime_flops": self.lifetime_flops,
            "inference_tokens": self.inference_tokens,
            "co2e_kg": self.co2e_kg,
            "train_co2e_kg": self.train_co2e_kg,
            "baseline_co2e_kg": self.baseline_co2e_kg,
            "baseline_region": self.baseline_region,
            "chinchilla_params": self.chinchilla_params,
            "chinchilla_lifetime_flops": self.chinchilla_lifetime_flops,
            "saving_fraction": self.saving_fraction,
            "by_region": dict(self.by_region),
        }


def carbon_optimal(
    target_loss: float,
    law: Any,
    hardware: Mapping[str, Any],
    regions: Sequence[str],
    inference_tokens: float = 0.0,
) -> CarbonOptimal:
    """Allocation and region that minimise lifetime carbon (training + inference) for a target loss.

    Parameters
    ----------
    target_loss : float
        Loss to reach [nats/token].
    law : ChinchillaLaw
        The scaling law.
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments (``gpu``, ``gpus``, ``mfu``, and
        the baseline ``region``); inference is assumed to run on the same accelerators at the same MFU in the
        same region as training.
    regions : sequence of str
        Candidate region codes (the baseline region is added if missing).
    inference_tokens : float
        Lifetime inference tokens [-], ≥ 0.

    Returns
    -------
    CarbonOptimal

    Notes
    -----
    At fixed hardware and MFU the estimator's carbon is c_r · FLOPs in region r (operational: energy ∝ FLOPs
    times the region's PUE and grid intensity; embodied: amortised per GPU-hour ∝ FLOPs). So
    min over (N, D_tr, r) of c_r · (6·N·D_tr + 2·N·D_inf) subject to L(N, D_tr) = ℓ separates: the
    allocation is Sardana et al.'s inference-optimal one
    (:func:`fmfootprint.scaling.allocate.inference_optimal`, the Chinchilla-optimal one when D_inf = 0) and
    the region is the one with the smallest c_r.

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal. arXiv:2401.00448, eq. 2.
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 4.
    """
    from fmfootprint.catalog.grid import get_region
    from fmfootprint.scaling.allocate import inference_optimal

    inference_tokens = _validate.non_negative("inference_tokens", inference_tokens)
    baseline_region = hardware.get("region")
    candidates = list(regions)
    if baseline_region and baseline_region not in candidates:
        candidates.append(baseline_region)
    best = inference_optimal(target_loss, inference_tokens, law)
    params, tokens = float(best.params), float(best.tokens)
    train, lifetime = float(best.compute_flops), float(best.lifetime_flops)
    table = compare_regions(lifetime, candidates, hardware)
    winner = table.iloc[0]
    by_region = dict(zip(table["region"], table["co2e_kg"].astype(float), strict=True))
    # Baseline: the compute-optimal model for the same loss (blind to inference), in the chosen region.
    base_code = get_region(baseline_region).code if baseline_region else str(winner["region"])
    baseline = _quantity(
        _estimate(float(best.chinchilla_lifetime_flops), {**hardware, "region": base_code}), "co2e_kg"
    )
    train_co2e = _quantity(_estimate(train, {**hardware, "region": str(winner["region"])}), "co2e_kg")
    return CarbonOptimal(
        region=str(winner["region"]),
        params=params,
        tokens=tokens,
        loss=float(best.loss),
        train_flops=train,
        lifetime_flops=lifetime,
        inference_tokens=inference_tokens,
        co2e_kg=float(winner["co2e_kg"]),
        train_co2e_kg=train_co2e,
        baseline_co2e_kg=baseline,
        baseline_region=base_code,
        chinchilla_params=float(best.chinchilla_params),
        chinchilla_lifetime_flops=float(best.chinchilla_lifetime_flops),
        by_region=by_region,
    )
