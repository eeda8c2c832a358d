"""Embodied (manufacturing) carbon of hardware, amortised over its useful life (BLOOM convention)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.units import H_PER_YEAR

__all__ = ["amortized_co2e_kg"]


def amortized_co2e_kg(
    unit_co2e_kg: ArrayLike,
    unit_hours: ArrayLike,
    lifetime_years: ArrayLike,
    usage_fraction: ArrayLike,
) -> NDArray[np.float64] | float:
    """Share of a unit's manufacturing emissions used by a run.

    Parameters
    ----------
    unit_co2e_kg : array_like
        Embodied emissions of one unit (an accelerator or a server without accelerators) [kgCO2e].
    unit_hours : array_like
        Hours the run used the units, summed over units (GPU-hours, or server-hours = GPU-hours / GPUs per
        server) [h].
    lifetime_years : array_like
        Useful life of the hardware [yr], > 0.
    usage_fraction : array_like
        Fraction of its life the hardware is in use [-], in (0, 1].

    Returns
    -------
    array_like
        Embodied emissions attributed to the run [kgCO2e].

    Notes
    -----
    CO2e_emb = kg_unit · unit-hours / (lifetime · 8760 · usage). BLOOM: 150 kg/GPU and 2,500 kg/server over
    6 years at 85 % usage give 0.003 kg per GPU-hour and 0.056 kg per server-hour; 1,082,990 GPU-hours on
    8-GPU servers → 3.64 t (GPUs) + 7.57 t (servers) = 11.2 t.

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §4.1.
    """
    life_hours = np.multiply(np.multiply(lifetime_years, H_PER_YEAR), usage_fraction)
    return np.divide(np.multiply(unit_co2e_kg, unit_hours), life_hours)
