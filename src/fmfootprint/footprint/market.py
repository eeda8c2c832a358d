"""Market-based operational carbon, reported next to (never instead of) the location-based figure.

The estimator's carbon is location-based: energy × the grid's average intensity. A market-based figure
credits the carbon-free electricity a buyer contracts or a provider matches (GHG Protocol Scope 2
Guidance, 2015, ch. 6: the market-based method). Here it is the location-based operational carbon times
the share of electricity that is *not* carbon-free, with the carbon-free-energy (CFE) share given by the
user or published by the provider (Google's hourly CFE % per GCP region, region-carbon-info 2024).

It is an approximation: the non-matched share is counted at the grid average, not at the residual mix the
GHG Protocol asks for (which is higher once others' claims are removed), so the market-based figure here
is a lower estimate. Embodied carbon is not affected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint import _validate
from fmfootprint.catalog.grid import get_region
from fmfootprint.errors import FootprintInputError

__all__ = ["MarketBased", "market_based", "market_based_co2e_kg"]


def market_based_co2e_kg(location_co2e_kg: ArrayLike, cfe_fraction: ArrayLike) -> NDArray[np.float64] | float:
    """Operational carbon after crediting a carbon-free-energy share.

    Parameters
    ----------
    location_co2e_kg : array_like
        Location-based operational carbon [kgCO2e] (energy × grid intensity).
    cfe_fraction : array_like
        Share of the electricity matched by carbon-free energy [-], in [0, 1].

    Returns
    -------
    array_like
        Market-based operational carbon [kgCO2e].

    Notes
    -----
    CO2e_market = CO2e_location · (1 − CFE); the unmatched share at the grid average (GHG Protocol Scope 2
    Guidance 2015, ch. 6, would use the residual mix).

    References
    ----------
    World Resources Institute (2015). GHG Protocol Scope 2 Guidance, ch. 6 (market-based method).
    Google Cloud (2024). Carbon free energy for Google Cloud regions (region-carbon-info), "Google CFE".
    """
    return np.multiply(location_co2e_kg, np.subtract(1.0, cfe_fraction))


@dataclass(frozen=True)
class MarketBased:
    """A market-based operational carbon figure, with the location-based one it is next to.

    Attributes
    ----------
    location_co2e_kg : float
        Location-based operational carbon [kgCO2e] (the estimate's own figure).
    market_co2e_kg : float
        Market-based operational carbon [kgCO2e].
    location_range_kg, market_range_kg : tuple of float
        (low, high) of each [kgCO2e].
    cfe_fraction : float
        Carbon-free-energy share credited [-].
    cfe_source : str
        Where the share comes from (``given`` or the provider's publication).
    """

    location_co2e_kg: float
    market_co2e_kg: float
    location_range_kg: tuple[float, float]
    market_range_kg: tuple[float, float]
    cfe_fraction: float
    cfe_source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def market_based(estimate: Any, cfe_fraction: float | None = None) -> MarketBased:
    """The market-based operational carbon of ``estimate``, next to its location-based figure.

    Parameters
    ----------
    estimate : Estimate
        A result of :func:`fmfootprint.footprint.estimate.estimate`.
    cfe_fraction : float, optional
        Carbon-free-energy share [-], in [0, 1]. Default: the provider-published share of the estimate's
        region (Google CFE for GCP regions); an error where none is published.

    Raises
    ------
    FootprintInputError
        A share out of [0, 1], or none given and none published for the region.
    """
    if cfe_fraction is not None:
        share = _validate.as_float("cfe_fraction", cfe_fraction)
        if not 0.0 <= share <= 1.0:
            raise FootprintInputError(f"cfe_fraction must be in [0, 1], got {cfe_fraction!r}")
        source = "given"
    else:
        region = get_region(estimate.region) if estimate.region else None
        if region is None or region.google_cfe is None:
            where = region.code if region is not None else "an estimate without a region"
            raise FootprintInputError(
                f"no provider-published carbon-free-energy share for {where}; give cfe_fraction (0-1)"
            )
        share = float(region.google_cfe)
        source = f"{region.code}: Google CFE {share:.0%} (2024, hourly-matched; region-carbon-info)"
    location = float(estimate.co2e_operational_kg)
    low, high = estimate.ranges.get("co2e_operational_kg", (location, location))
    return MarketBased(
        location_co2e_kg=location,
        market_co2e_kg=float(market_based_co2e_kg(location, share)),
        location_range_kg=(float(low), float(high)),
        market_range_kg=(float(market_based_co2e_kg(low, share)), float(market_based_co2e_kg(high, share))),
        cfe_fraction=share,
        cfe_source=source,
    )
