"""The uncertain inputs of a footprint, their stated ranges, and the values an estimate lists as used.

Every uncertain factor of an estimate (power per accelerator, PUE, grid intensity, WUE, EWIF, embodied kg)
is a :class:`Factor` with a central value and a low/high range. A value the user states is exact (its
range has zero width); a catalog, provider or default value carries the range below. The footprint is
monotone in each factor, so :func:`corner_grid` (every corner of the factor box) gives its exact low and
high; :mod:`fmfootprint.footprint.uncertainty` samples the same ranges for Monte Carlo.

Stated ranges (documented in docs/methodology.md)
--------------------------------------------------
====================  =====================================  =================================================
factor                 range                                  why
====================  =====================================  =================================================
power (default)        0.54–1.0 × TDP around 0.75             see :mod:`fmfootprint.footprint.power`
PUE (catalog region,   central ± 0.05 (≥ 1)                   Google regions' trailing-12-month PUE spread
provider fleet)                                               1.08–1.14 around the 1.10 fleet value
PUE (default)          1.1–2.4                                LBNL data-centre range (as cited by Patterson
                                                              et al. 2021)
intensity (catalog)    central ± 20 %                         annual average; the run's hours, the year and
                                                              the lifecycle/direct basis move it
intensity (default)    10th–90th percentile of countries      an unknown location could be any grid
WUE (catalog)          central ± 50 %                         on-site WUE varies with season and climate
WUE (default)          0–1.9 L/kWh                            closed loop (Morrison et al. 2025) to Li et al.
                                                              2023 Table 1's highest (Indonesia)
EWIF (catalog)         central ± 30 %                         state/country averages of WRI (Reig et al. 2020)
EWIF (default)         1.287–9.501 L/kWh                      Li et al. 2023 Table 1 extremes (Texas,
                                                              Washington)
embodied kg/GPU        the class's published low–high         per class in data/hardware (A100 150–318,
(catalog)              (else 1–2.12 × central)                Hopper 150–463, Blackwell 150–798, TPU 19–463);
                                                              Luccioni et al. 2023 call 150 kg a lower bound;
                                                              Chien et al. 2023 put an A100 share at 318 kg
====================  =====================================  =================================================
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmfootprint import _validate
from fmfootprint.catalog.grid import list_regions
from fmfootprint.footprint.site import Origin, Site

__all__ = [
    "RANGE_SOURCES",
    "SITE_FACTORS",
    "Assumption",
    "Factor",
    "corner_grid",
    "site_factors",
]

Arrays = dict[str, NDArray[np.float64]]

# Stated ranges (see the module docstring). Relative ranges are (low multiplier, high multiplier).
PUE_CATALOG_SPREAD = 0.05
PUE_DEFAULT_RANGE = (1.1, 2.4)
INTENSITY_CATALOG_RELATIVE = (0.8, 1.2)
INTENSITY_DEFAULT_PERCENTILES = (10.0, 90.0)
WUE_CATALOG_RELATIVE = (0.5, 1.5)
WUE_DEFAULT_RANGE = (0.0, 1.9)
EWIF_CATALOG_RELATIVE = (0.7, 1.3)
EWIF_DEFAULT_RANGE = (1.287, 9.501)
EMBODIED_GPU_CATALOG_RELATIVE = (1.0, 318.0 / 150.0)

RANGE_SOURCES = {
    "pue_catalog": "range ±0.05: Google region trailing-12-month PUE spans 1.08-1.14 around 1.10 (fleet)",
    "pue_provider": "range ±0.05: Google region trailing-12-month PUE spans 1.08-1.14 around 1.10 (fleet)",
    "pue_default": "range 1.1-2.4: LBNL data-centre PUE range (as cited by Patterson et al. 2021)",
    "intensity_catalog": "range ±20 %: an annual average; the run's hours, the year and the basis move it",
    "intensity_default": "range: 10th-90th percentile of the catalog's country intensities",
    "wue_catalog": "range ±50 %: on-site WUE varies with season and climate (Li et al. 2023)",
    "wue_default": "range 0-1.9 L/kWh: closed loop (Morrison et al. 2025) to Li et al. 2023 Tab. 1 maximum",
    "ewif_catalog": "range ±30 %: regional averages of WRI factors (Reig et al. 2020)",
    "ewif_default": "range 1.287-9.501 L/kWh: Li et al. 2023 Tab. 1 extremes (Texas, Washington)",
    "embodied_catalog": (
        "range 1-2.12x: 150 kg is a lower bound (Luccioni et al. 2023); 318 kg per A100 (Chien et al. 2023)"
    ),
}
"""Why each range is what it is, keyed ``<factor>_<origin>``; quoted in the sources of an estimate."""

SITE_FACTORS: tuple[str, ...] = ("pue", "grid_intensity_g_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh")
"""The site's factors, in the order an estimate lists them (Monte Carlo draws them in this order)."""

_SITE_UNITS = {
    "pue": "-",
    "grid_intensity_g_per_kwh": "gCO2e/kWh",
    "wue_l_per_kwh": "L/kWh (IT)",
    "ewif_l_per_kwh": "L/kWh",
}
_RANGE_STEMS = {
    "pue": "pue",
    "grid_intensity_g_per_kwh": "intensity",
    "wue_l_per_kwh": "wue",
    "ewif_l_per_kwh": "ewif",
}
_CATALOG_RELATIVE = {
    "grid_intensity_g_per_kwh": INTENSITY_CATALOG_RELATIVE,
    "wue_l_per_kwh": WUE_CATALOG_RELATIVE,
    "ewif_l_per_kwh": EWIF_CATALOG_RELATIVE,
}


@dataclass(frozen=True)
class Assumption:
    """One value an estimate used, with its unit and where it came from."""

    name: str
    value: float | str | None
    unit: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source}


@dataclass(frozen=True)
class Factor:
    """One input of the footprint with its stated range. ``low <= central <= high``, all finite.

    Attributes
    ----------
    name : str
        Model variable it feeds (``power_w``, ``pue``, ``grid_intensity_g_per_kwh``, ``wue_l_per_kwh``, …).
    central, low, high : float
        Central value and range, in ``unit``.
    unit : str
        Unit of the values.
    source : str
        Where the value and its range come from.
    """

    name: str
    central: float
    low: float
    high: float
    unit: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for label, value in (("central", self.central), ("low", self.low), ("high", self.high)):
            _validate.as_float(f"{self.name} {label}", value)
        if not self.low <= self.central <= self.high:
            raise ValueError(
                f"{self.name}: need low <= central <= high, got {self.low}, {self.central}, {self.high}"
            )

    @property
    def exact(self) -> bool:
        """True when the range has zero width (a stated value)."""
        return self.low == self.high

    @classmethod
    def fixed(cls, name: str, value: float, unit: str = "", source: str = "") -> Factor:
        """A stated value, without uncertainty."""
        return cls(name, value, value, value, unit, source)

    @classmethod
    def relative(
        cls, name: str, central: float, multipliers: tuple[float, float], unit: str = "", source: str = ""
    ) -> Factor:
        """``central`` with the range ``central × multipliers``."""
        return cls(name, central, central * multipliers[0], central * multipliers[1], unit, source)

    @classmethod
    def between(
        cls, name: str, central: float, limits: tuple[float, float], unit: str = "", source: str = ""
    ) -> Factor:
        """``central`` with the range ``limits``, widened if needed so that it contains ``central``."""
        return cls(name, central, min(limits[0], central), max(limits[1], central), unit, source)


def corner_grid(factors: Sequence[Factor]) -> Arrays:
    """Every corner of the factor box (only factors with a range vary): arrays of equal length ≤ 2^k.

    Parameters
    ----------
    factors : sequence of Factor
        The inputs and their ranges.

    Returns
    -------
    dict
        ``{name: array}``: length 1 for an exact factor, 2^k for each of the k factors with a range.
    """
    varying = [f for f in factors if not f.exact]
    values: Arrays = {f.name: np.array([f.central]) for f in factors if f.exact}
    if not varying:
        return values
    corners = _corners(len(varying))
    for column, factor in enumerate(varying):
        values[factor.name] = np.where(corners[:, column], factor.high, factor.low)
    return values


@functools.lru_cache(maxsize=32)
def _corners(k: int) -> NDArray[np.bool_]:
    """The 2^k × k table of low (False) / high (True) choices, built once per k (read-only)."""
    table = np.array(list(itertools.product((0, 1), repeat=k)), dtype=bool)
    table.setflags(write=False)
    return table


def site_factors(site: Site) -> tuple[Factor, ...]:
    """The site's PUE, grid intensity, WUE and EWIF as factors, each ranged by where it came from.

    Parameters
    ----------
    site : Site
        A resolved site (:func:`fmfootprint.footprint.site.resolve_site`).

    Returns
    -------
    tuple of Factor
        In the order of :data:`SITE_FACTORS`: a given value is exact; a catalog, provider or default value
        carries the stated range of the module table, and its source says why.
    """
    values = {
        "pue": site.pue,
        "grid_intensity_g_per_kwh": site.grid_intensity_g_per_kwh,
        "wue_l_per_kwh": site.wue_l_per_kwh,
        "ewif_l_per_kwh": site.ewif_l_per_kwh,
    }
    return tuple(_site_factor(key, values[key], site.origins[key], site.sources[key]) for key in SITE_FACTORS)


def _site_factor(name: str, value: float, origin: Origin, source: str) -> Factor:
    unit = _SITE_UNITS[name]
    if origin == "given":
        return Factor.fixed(name, value, unit, source)
    text = f"{source}; {RANGE_SOURCES[_RANGE_STEMS[name] + '_' + origin]}"
    if origin == "default":
        return Factor.between(name, value, _default_range(name), unit, text)
    if name == "pue":  # catalog or provider fleet: an absolute spread, never below 1
        return Factor(
            name, value, max(1.0, value - PUE_CATALOG_SPREAD), value + PUE_CATALOG_SPREAD, unit, text
        )
    return Factor.relative(name, value, _CATALOG_RELATIVE[name], unit, text)


def _default_range(name: str) -> tuple[float, float]:
    if name == "pue":
        return PUE_DEFAULT_RANGE
    if name == "grid_intensity_g_per_kwh":
        return _country_intensity_range()
    if name == "wue_l_per_kwh":
        return WUE_DEFAULT_RANGE
    return EWIF_DEFAULT_RANGE


@functools.lru_cache(maxsize=1)
def _country_intensity_range() -> tuple[float, float]:
    """10th and 90th percentile of the catalog's country intensities, the range for an unknown location.

    The open (Ember) country values, the same dataset as the world average the range surrounds.
    """
    countries = list_regions(kind="country", intensity_source="catalog")
    values = [region.intensity_g_per_kwh for region in countries]
    low, high = np.percentile(values, INTENSITY_DEFAULT_PERCENTILES)
    return float(low), float(high)
