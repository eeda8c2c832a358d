"""Off-site water defaults for a location without its own EWIF: its UN M49 region's, else the world's.

``scripts/build_data.py`` writes ``data/grid_intensity/water_defaults.csv``: for each UN M49 region
(Africa, Americas, Asia, Europe, Oceania) and for the world, the generation-weighted mean

    EWIF_area = sum_c G_c EWIF_c / sum_c G_c

over the countries c of the area that have their own EWIF (Li et al. 2023 Table 1, from WRI / Reig et al.
2020), G_c the country's generation [TWh] (Ember via OWID). A region with fewer than two such countries
takes the world value, and its source says so. A location is never given another country's figure: a
Belgian region gets Europe's default (Denmark, Finland, Ireland, the Netherlands, Sweden), not the US
average.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fmfootprint.catalog._tables import read_table

__all__ = ["EwifDefault", "ewif_default"]


@dataclass(frozen=True)
class EwifDefault:
    """The off-site EWIF default of an area.

    Attributes
    ----------
    area : str
        ``"Europe"``, ``"Asia"``, ... (UN M49 region) or ``"World"``.
    ewif_l_per_kwh : float
        Off-site electricity water intensity factor [L/kWh] (consumption).
    countries : tuple of str
        ISO 3166-1 alpha-2 codes of the countries averaged.
    source : str
        How the value was computed, with the citations of the countries' values and weights.
    """

    area: str
    ewif_l_per_kwh: float
    countries: tuple[str, ...]
    source: str


@lru_cache(maxsize=1)
def _areas() -> dict[str, EwifDefault]:
    return {
        row["area"]: EwifDefault(
            area=row["area"],
            ewif_l_per_kwh=float(row["ewif_l_per_kwh"]),
            countries=tuple(row["countries"].split()),
            source=row["source"],
        )
        for row in read_table("grid_intensity/water_defaults.csv")
    }


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    return {row["alpha2"]: row["region"] for row in read_table("grid_intensity/m49_regions.csv")}


def ewif_default(country_alpha2: str | None) -> EwifDefault:
    """The EWIF default of the country's UN M49 region, or the world's (no or an unlisted country).

    Parameters
    ----------
    country_alpha2 : str or None
        ISO 3166-1 alpha-2 code of the location's country.
    """
    areas = _areas()
    region = _regions().get((country_alpha2 or "").upper())
    return areas.get(region or "World", areas["World"])
