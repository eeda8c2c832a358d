"""Region records built from the packaged table rows: countries and subdivisions, cloud regions, zones.

:mod:`fmfootprint.catalog.grid` indexes these records and picks the intensity a caller asks for;
:func:`with_zone` gives a record the yearly value of its Electricity Maps zone (lifecycle,
consumption-based, ODbL-1.0). A subdivision's zone comes from its table row: Canadian provinces are
zones of their own code, US states map to the zone of the balancing authority serving most of their load
(``scripts/tables/state_zones.csv``, with the reason per state).
"""

from __future__ import annotations

from dataclasses import replace

from fmfootprint.catalog._region import Region
from fmfootprint.catalog._tables import licence_tokens, optional_float
from fmfootprint.catalog.zones import ZoneYear, zone_value, zone_years

__all__ = ["cloud_region", "geo_region", "with_zone", "zone_region"]


def geo_region(row: dict[str, str], *, kind: str, code: str, alpha2: str, alpha3: str) -> Region:
    return Region(
        code=code,
        name=row["name"],
        kind=kind,
        country_alpha2=alpha2,
        country_alpha3=alpha3,
        provider=None,
        intensity_g_per_kwh=float(row["intensity_g_per_kwh"]),
        intensity_year=int(row["year"]),
        intensity_basis=row["basis"],
        intensity_source=row["source"],
        pue=None,
        pue_source="",
        wue_l_per_kwh=None,
        wue_source="",
        ewif_l_per_kwh=optional_float(row["ewif_l_per_kwh"]),
        ewif_source=row["ewif_source"],
        licence=licence_tokens(row["licence"], row["ewif_licence"]),
        location_code=code,
        intensity_accounting="production",
        intensity_years=(int(row["year"]),),
        grid_zone=row.get("grid_zone", ""),
        grid_zone_source=row.get("grid_zone_source", ""),
    )


def cloud_region(row: dict[str, str]) -> Region:
    return Region(
        code=f"{row['provider']}:{row['region']}",
        name=row["name"],
        kind="cloud",
        country_alpha2=row["country_alpha2"],
        country_alpha3=row["country_alpha3"],
        provider=row["provider"],
        intensity_g_per_kwh=float(row["intensity_g_per_kwh"]),
        intensity_year=int(row["intensity_year"]),
        intensity_basis=row["intensity_basis"],
        intensity_source=row["intensity_source"],
        pue=optional_float(row["pue"]),
        pue_source=row["pue_source"],
        wue_l_per_kwh=optional_float(row["wue_l_per_kwh"]),
        wue_source=row["wue_source"],
        ewif_l_per_kwh=optional_float(row["ewif_l_per_kwh"]),
        ewif_source=row["ewif_source"],
        licence=licence_tokens(
            row["intensity_licence"],
            row["pue_licence"],
            row["wue_licence"],
            row["ewif_licence"],
            row["region_licence"],
        ),
        location_code=row["location_code"],
        google_cfe=optional_float(row["google_cfe"]),
        grid_zone=row["grid_zone"],
        grid_zone_source=row["grid_zone_source"],
        # Google does not say production- or consumption-based; AWS and Azure take their location's
        intensity_accounting="" if row["provider"] == "gcp" else "production",
        intensity_years=(int(row["intensity_year"]),),
    )


def zone_region(value: ZoneYear) -> Region:
    """A zone that is neither a catalog country nor a subdivision (``US-MIDA-PJM``, ``SE-SE3``)."""
    name = value.name if not value.display_name else f"{value.name} ({value.display_name})"
    return Region(
        code=value.zone,
        name=name,
        kind="zone",
        country_alpha2=value.country_alpha2,
        country_alpha3=value.country_alpha3,
        provider=None,
        intensity_g_per_kwh=value.intensity_g_per_kwh,
        intensity_year=value.year,
        intensity_basis=value.basis,
        intensity_source=value.source,
        pue=None,
        pue_source="",
        wue_l_per_kwh=None,
        wue_source="",
        ewif_l_per_kwh=None,
        ewif_source="",
        licence=value.licence,
        location_code=value.zone,
        grid_zone=value.zone,
        grid_zone_source="the region is an Electricity Maps zone",
    )


def with_zone(region: Region, year: int | None) -> Region:
    """``region`` with the intensity of its Electricity Maps zone in ``year`` (default: the newest)."""
    value = zone_value(region.grid_zone, year)
    source = f"{value.source} [zone {value.zone}: {value.name}; attribution: {value.attribution}]"
    if region.kind == "cloud" and region.grid_zone_source:
        source += f"; zone of this region: {region.grid_zone_source}"
    return replace(
        region,
        intensity_g_per_kwh=value.intensity_g_per_kwh,
        intensity_year=value.year,
        intensity_basis=value.basis,
        intensity_source=source,
        intensity_accounting=value.accounting,
        intensity_dataset="electricitymaps",
        intensity_years=zone_years(value.zone),
        carbon_free_fraction=value.carbon_free_fraction,
        licence=value.licence if region.kind == "zone" else licence_tokens(region.licence, value.licence),
    )
