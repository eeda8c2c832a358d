"""The planner's one hardware checker: which estimator settings a plan may carry, checked once.

A *hardware* mapping holds the keyword arguments of :func:`fmfootprint.footprint.estimate.estimate` that say
where and how the run happens (``gpu``, ``gpus``, ``mfu``, ``region``, ``pue``, ``precision`` …). The size
of the run is the plan's (its FLOPs), so the estimator's run-size arguments are not hardware settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fmfootprint.errors import UnknownNameError
from fmfootprint.footprint.estimate import ESTIMATE_PARAMETERS, Estimate, estimate

__all__ = ["HARDWARE_KEYS", "check_hardware", "estimate_at"]

# The estimator's ways to state how big a run is; a plan states it in FLOPs.
_RUN_SIZE = frozenset({"flops", "hours", "gpu_hours", "energy_kwh"})

HARDWARE_KEYS: tuple[str, ...] = tuple(name for name in ESTIMATE_PARAMETERS if name not in _RUN_SIZE)
"""The :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments a hardware mapping may hold."""


def check_hardware(hardware: Mapping[str, Any] | None) -> dict[str, Any]:
    """A hardware mapping with known keys only, without the unset (None) ones.

    Parameters
    ----------
    hardware : mapping or None
        Estimator settings by name (:data:`HARDWARE_KEYS`); None is no settings.

    Returns
    -------
    dict
        The settings that are not None, ready for ``estimate(flops=…, **settings)``. The values themselves
        are checked by the estimator, which names the bad one.

    Raises
    ------
    UnknownNameError
        A key that is not a hardware setting (``flops`` included: the plan sets the compute), with the
        closest valid keys.
    """
    if hardware is None:
        return {}
    unknown = sorted(set(hardware) - set(HARDWARE_KEYS))
    if unknown:
        raise UnknownNameError("hardware key", unknown[0], HARDWARE_KEYS)
    return {key: value for key, value in hardware.items() if value is not None}


def estimate_at(compute_flops: float, settings: Mapping[str, Any]) -> Estimate:
    """The estimate for ``compute_flops`` [FLOP] on settings that passed :func:`check_hardware`."""
    return estimate(flops=compute_flops, **settings)
