"""The catalog's record types: a region with its factors, and the defaults for unknown locations."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["GridDefaults", "Region"]


@dataclass(frozen=True)
class Region:
    """A location with its grid carbon intensity and data-centre factors.

    Attributes
    ----------
    code : str
        Canonical code: ``"FR"``, ``"US-CA"``, ``"CA-QC"``, ``"US-MIDA-PJM"``, ``"aws:us-east-1"``.
    name : str
        Readable name.
    kind : str
        ``"country"``, ``"subdivision"``, ``"zone"`` (an Electricity Maps zone that is neither) or
        ``"cloud"``.
    country_alpha2, country_alpha3 : str
        ISO 3166-1 codes of the country.
    provider : str or None
        ``"aws"``, ``"gcp"``, ``"azure"`` for cloud regions, else None.
    intensity_g_per_kwh : float
        Grid carbon intensity [gCO2e/kWh] (location-based).
    intensity_year : int
        Year the intensity describes.
    intensity_basis : str
        ``"lifecycle"`` (incl. upstream emissions) or ``"direct"`` (combustion only); every intensity
        carries one.
    intensity_source : str
        Citation for the intensity.
    pue : float or None
        Power usage effectiveness of the provider's data centres here [-]; None for plain locations.
    pue_source : str
    wue_l_per_kwh : float or None
        On-site water usage effectiveness [L/kWh of IT energy]; None where not published.
    wue_source : str
    ewif_l_per_kwh : float or None
        Off-site energy-water intensity factor of the electricity [L/kWh]; None where not sourced.
    ewif_source : str
    licence : str
        Licence tokens of every value in the row (``fact`` = published figure quoted with citation).
    location_code : str
        ISO code of where a cloud region is (``"US-VA"``, ``"NL"``); the region's own code otherwise.
    google_cfe : float or None
        Google's carbon-free-energy fraction for GCP regions (2024) [-].
    grid_zone : str
        The Electricity Maps zone the location draws from (``"US-MIDA-PJM"``), ``""`` where none is known.
    grid_zone_source : str
        Why a cloud region maps to its zone (the mapping's source).
    intensity_accounting : str
        ``"consumption"`` (flow-traced, imports included: Electricity Maps) or ``"production"``
        (generation in the location: Ember, eGRID, CER, Google).
    intensity_dataset : str
        ``"electricitymaps"`` or ``"catalog"`` (the openly licensed value): see
        :data:`fmfootprint.catalog.grid.INTENSITY_SOURCES`.
    intensity_years : tuple of int
        Years the intensity can be pinned to (``get_region(..., year=)``).
    carbon_free_fraction : float or None
        Carbon-free share of the grid's electricity in ``intensity_year`` [-] (Electricity Maps), else
        None.
    """

    code: str
    name: str
    kind: str
    country_alpha2: str
    country_alpha3: str
    provider: str | None
    intensity_g_per_kwh: float
    intensity_year: int
    intensity_basis: str
    intensity_source: str
    pue: float | None
    pue_source: str
    wue_l_per_kwh: float | None
    wue_source: str
    ewif_l_per_kwh: float | None
    ewif_source: str
    licence: str
    location_code: str = ""
    google_cfe: float | None = None
    grid_zone: str = ""
    grid_zone_source: str = ""
    intensity_accounting: str = ""
    intensity_dataset: str = "catalog"
    intensity_years: tuple[int, ...] = ()
    carbon_free_fraction: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GridDefaults:
    """Values used when a location or data centre is unknown, each with its source.

    Attributes
    ----------
    world_intensity_g_per_kwh : float
        World average grid intensity [gCO2e/kWh] (lifecycle, generation-weighted).
    pue : float
        PUE of an unknown data centre [-].
    wue_l_per_kwh : float
        On-site WUE of an unknown data centre [L/kWh].
    ewif_l_per_kwh : float
        Off-site EWIF of unknown electricity [L/kWh].
    provider_pue : dict
        Fleet PUE per cloud provider [-], from each provider's most recent report.
    provider_pue_sources : dict
        Citation (report and year) of each provider's fleet PUE.
    world_intensity_year : int or None
        Newest year among the country values averaged.
    world_intensity_basis : str
        Basis of the world average (``"lifecycle"``).
    """

    world_intensity_g_per_kwh: float
    world_intensity_source: str
    pue: float
    pue_source: str
    wue_l_per_kwh: float
    wue_source: str
    ewif_l_per_kwh: float
    ewif_source: str
    provider_pue: dict[str, float]
    provider_pue_source: str
    provider_pue_sources: dict[str, str] | None = None
    world_intensity_year: int | None = None
    world_intensity_basis: str = "lifecycle"

    def __hash__(self) -> int:
        return hash((self.world_intensity_g_per_kwh, self.pue, self.wue_l_per_kwh, self.ewif_l_per_kwh))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
