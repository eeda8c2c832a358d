"""Planning a training run: a budget, a model size or a target loss → (N, D, C, loss) and its footprint.

- :func:`plan` and :class:`Plan` (:mod:`.plan`): the planned model, with the estimator's
  :class:`~fmfootprint.footprint.estimate.Estimate` of its compute when hardware is given;
- budgets in FLOPs, accelerator-days, an energy or a carbon cap (:mod:`.budgets`);
- the same run across grid regions (:mod:`.regions`);
- the carbon-optimal model and region for a loss (:mod:`.carbon`);
- model size vs lifetime compute at one loss (:mod:`.inference`);
- the spread of the published laws for one budget (:mod:`.spread`).

The CLI (``fmfootprint plan``) and the app call these; the formulas live in :mod:`fmfootprint.scaling` and
:mod:`fmfootprint.footprint`.
"""

from __future__ import annotations

from fmfootprint.planning._hardware import HARDWARE_KEYS, check_hardware
from fmfootprint.planning.budgets import BUDGET_KINDS, FOOTPRINT_QUANTITIES, budget_flops, flops_for_footprint
from fmfootprint.planning.carbon import CarbonOptimal, carbon_optimal
from fmfootprint.planning.inference import InferenceTradeoff, inference_tradeoff
from fmfootprint.planning.plan import LawLike, Plan, plan, resolve_law
from fmfootprint.planning.regions import (
    COMPARISON_REGIONS,
    RegionComparison,
    RegionRow,
    compare_regions,
)
from fmfootprint.planning.spread import LawSpread, published_spread

__all__ = [
    "BUDGET_KINDS",
    "COMPARISON_REGIONS",
    "FOOTPRINT_QUANTITIES",
    "HARDWARE_KEYS",
    "CarbonOptimal",
    "InferenceTradeoff",
    "LawLike",
    "LawSpread",
    "Plan",
    "RegionComparison",
    "RegionRow",
    "budget_flops",
    "carbon_optimal",
    "check_hardware",
    "compare_regions",
    "flops_for_footprint",
    "inference_tradeoff",
    "plan",
    "published_spread",
    "resolve_law",
]
