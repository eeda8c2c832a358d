"""fmfootprint.scaling: scaling laws, compute allocation, fitting and FLOP counts.

See :mod:`~fmfootprint.scaling.laws`, :mod:`~fmfootprint.scaling.allocate`, :mod:`~fmfootprint.scaling.fit`,
:mod:`~fmfootprint.scaling.constrained` and :mod:`~fmfootprint.scaling.flops`.

The names below are re-exported lazily, so that importing one submodule (``fmfootprint laws`` needs only
:mod:`~fmfootprint.scaling.laws`) does not load scipy and pandas, which fitting and allocation use.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from fmfootprint._lazy import load_export

if TYPE_CHECKING:
    from fmfootprint.scaling.allocate import (
        Allocation,
        InferenceAllocation,
        compute_optimal,
        data_constrained_optimal,
        frontier_compute_for_loss,
        inference_optimal,
        isoflop_curve,
        optimal_params,
        optimal_tokens,
    )
    from fmfootprint.scaling.constrained import data_constrained_loss
    from fmfootprint.scaling.fit import BootstrapResult, FitResult, bootstrap, fit, load_runs
    from fmfootprint.scaling.flops import inference_flops, training_flops, transformer_flops
    from fmfootprint.scaling.laws import PRESETS, ChinchillaLaw, KaplanLaw, get_law, law_names, load_law

_EXPORTS: dict[str, str] = {
    "Allocation": "fmfootprint.scaling.allocate",
    "InferenceAllocation": "fmfootprint.scaling.allocate",
    "compute_optimal": "fmfootprint.scaling.allocate",
    "data_constrained_optimal": "fmfootprint.scaling.allocate",
    "frontier_compute_for_loss": "fmfootprint.scaling.allocate",
    "inference_optimal": "fmfootprint.scaling.allocate",
    "isoflop_curve": "fmfootprint.scaling.allocate",
    "optimal_params": "fmfootprint.scaling.allocate",
    "optimal_tokens": "fmfootprint.scaling.allocate",
    "data_constrained_loss": "fmfootprint.scaling.constrained",
    "BootstrapResult": "fmfootprint.scaling.fit",
    "FitResult": "fmfootprint.scaling.fit",
    "bootstrap": "fmfootprint.scaling.fit",
    "fit": "fmfootprint.scaling.fit",
    "load_runs": "fmfootprint.scaling.fit",
    "inference_flops": "fmfootprint.scaling.flops",
    "training_flops": "fmfootprint.scaling.flops",
    "transformer_flops": "fmfootprint.scaling.flops",
    "PRESETS": "fmfootprint.scaling.laws",
    "ChinchillaLaw": "fmfootprint.scaling.laws",
    "KaplanLaw": "fmfootprint.scaling.laws",
    "get_law": "fmfootprint.scaling.laws",
    "law_names": "fmfootprint.scaling.laws",
    "load_law": "fmfootprint.scaling.laws",
}

__all__ = [
    "PRESETS",
    "Allocation",
    "BootstrapResult",
    "ChinchillaLaw",
    "FitResult",
    "InferenceAllocation",
    "KaplanLaw",
    "bootstrap",
    "compute_optimal",
    "data_constrained_loss",
    "data_constrained_optimal",
    "fit",
    "frontier_compute_for_loss",
    "get_law",
    "inference_flops",
    "inference_optimal",
    "isoflop_curve",
    "law_names",
    "load_law",
    "load_runs",
    "optimal_params",
    "optimal_tokens",
    "training_flops",
    "transformer_flops",
]


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, name)


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """The package, whose ``fit`` stays the function when the submodule of the same name is imported.

    Importing ``fmfootprint.scaling.fit`` binds the submodule as the package's ``fit`` attribute; an eager
    ``from .fit import fit`` used to overwrite it with the function, and this keeps that meaning.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
