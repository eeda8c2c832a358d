"""Electricity Maps zones: yearly grid carbon intensity 2021–2025, read from ``data/grid_intensity/``.

The values are Electricity Maps' yearly averages as republished in CO2.js (``@tgwf/co2`` 0.19.0), under
the **Open Database License (ODbL 1.0)**: credit "Electricity Maps"; a database derived from
``electricitymaps_zones.csv`` stays under the ODbL. Basis, as Electricity Maps documents it
(https://www.electricitymaps.com/methodology): lifecycle emission factors, consumption-based
(flow-traced across connected zones). See ``data/SOURCES.md``.

:mod:`fmfootprint.catalog.grid` uses these records to give countries, provinces and cloud regions the
zone value of a year (the newest by default); this module only reads the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fmfootprint.catalog._tables import read_table
from fmfootprint.errors import FootprintInputError

__all__ = ["ZoneYear", "newest_year", "zone_codes", "zone_value", "zone_years"]


@dataclass(frozen=True)
class ZoneYear:
    """One zone's yearly average.

    Attributes
    ----------
    zone : str
        Electricity Maps zone code (``"US-MIDA-PJM"``, ``"SE-SE3"``, ``"FR"``).
    name : str
        Zone name as Electricity Maps writes it (``"PJM Interconnection"``).
    display_name : str
        Short name where Electricity Maps gives one (``"PJM"``), else ``""``.
    country_alpha2, country_alpha3 : str
        ISO 3166-1 codes of the zone's country (Kosovo: ``XK`` / ``XKX``, user-assigned).
    year : int
        Year of the average.
    intensity_g_per_kwh : float
        Yearly average carbon intensity of consumed electricity [gCO2e/kWh].
    renewable_fraction, carbon_free_fraction : float
        Renewable and carbon-free shares of the consumed electricity [-] (published in %).
    basis : str
        ``"lifecycle"``.
    accounting : str
        ``"consumption"`` (flow-traced; imports included).
    source : str
        Citation of the value.
    attribution : str
        ``"Electricity Maps"`` (required by the ODbL).
    licence : str
        ``"ODbL-1.0"``.
    """

    zone: str
    name: str
    display_name: str
    country_alpha2: str
    country_alpha3: str
    year: int
    intensity_g_per_kwh: float
    renewable_fraction: float
    carbon_free_fraction: float
    basis: str
    accounting: str
    source: str
    attribution: str
    licence: str


@lru_cache(maxsize=1)
def _zones() -> dict[str, dict[int, ZoneYear]]:
    table: dict[str, dict[int, ZoneYear]] = {}
    for row in read_table("grid_intensity/electricitymaps_zones.csv"):
        record = ZoneYear(
            zone=row["zone"],
            name=row["name"],
            display_name=row["display_name"],
            country_alpha2=row["country_alpha2"],
            country_alpha3=row["country_alpha3"],
            year=int(row["year"]),
            intensity_g_per_kwh=float(row["intensity_g_per_kwh"]),
            renewable_fraction=float(row["renewable_percent"]) / 100.0,
            carbon_free_fraction=float(row["carbon_free_percent"]) / 100.0,
            basis=row["basis"],
            accounting=row["accounting"],
            source=row["source"],
            attribution=row["attribution"],
            licence=row["licence"],
        )
        table.setdefault(record.zone, {})[record.year] = record
    return table


def zone_codes() -> tuple[str, ...]:
    """Every zone code, sorted."""
    return tuple(sorted(_zones()))


def zone_years(zone: str) -> tuple[int, ...]:
    """The years published for ``zone`` (empty for an unknown zone)."""
    return tuple(sorted(_zones().get(zone, {})))


def newest_year(zone: str) -> int:
    """The newest year published for ``zone``."""
    return max(_zones()[zone])


def zone_value(zone: str, year: int | None = None) -> ZoneYear:
    """The yearly average of ``zone`` in ``year`` (default: the newest year).

    Raises
    ------
    FootprintInputError
        If ``zone`` is not an Electricity Maps zone, or ``year`` is not published for it.
    """
    years = _zones().get(zone)
    if years is None:
        raise FootprintInputError(f"{zone!r} is not an Electricity Maps zone")
    if year is None:
        return years[max(years)]
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        published = ", ".join(str(y) for y in sorted(years))
        raise FootprintInputError(
            f"no Electricity Maps value for {zone} in {year!r}; published years: {published}"
        )
    return years[year]
