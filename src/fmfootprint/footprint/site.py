"""Where a run ran: grid intensity, PUE and water factors, each given, from the catalog, or a default.

The one site resolver of the package: the estimator (:func:`fmfootprint.footprint.estimate.estimate`) and
the tracker (:class:`fmfootprint.measure.tracker.Tracker`) both call :func:`resolve_site`.

Each factor is taken from the first of

1. ``given``: the value passed explicitly;
2. ``catalog``: the region's own figure (:func:`fmfootprint.catalog.grid.get_region`);
3. ``provider``: for a cloud region without a PUE of its own, its provider's fleet PUE;
4. ``default``: the catalog's value for an unknown location or data centre
   (:func:`fmfootprint.catalog.grid.grid_defaults`); off-site water (EWIF) of a location without its own
   is its UN M49 region's generation-weighted default, else the world's
   (:func:`fmfootprint.catalog.water.ewif_default`), never another country's figure.

:attr:`Site.origins` says which step each factor came from (the estimator's ranges depend on it) and
:attr:`Site.sources` cites it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from fmfootprint import _validate
from fmfootprint.catalog.grid import Region, get_region, grid_defaults
from fmfootprint.catalog.water import ewif_default
from fmfootprint.errors import FootprintInputError

__all__ = ["ORIGINS", "Origin", "Site", "resolve_site"]

Origin = Literal["given", "catalog", "provider", "default"]
ORIGINS: tuple[Origin, ...] = ("given", "catalog", "provider", "default")
"""Where a site factor can come from, in order of precedence."""

_KEYS = ("grid_intensity_g_per_kwh", "pue", "wue_l_per_kwh", "ewif_l_per_kwh")


@dataclass(frozen=True)
class Site:
    """Conversion factors of a site, each with its origin and source.

    Attributes
    ----------
    region : str or None
        Canonical region code (``FR``, ``US-CA``, ``aws:us-east-1``); None when no region was given.
    country_alpha3 : str or None
        ISO 3166-1 alpha-3 code of the region's country.
    grid_intensity_g_per_kwh : float
        Location-based grid carbon intensity [gCO2e/kWh].
    pue : float
        Power usage effectiveness [-].
    wue_l_per_kwh : float
        On-site water usage effectiveness [L/kWh of IT energy].
    ewif_l_per_kwh : float
        Off-site electricity water intensity factor [L/kWh].
    sources : dict
        ``{factor: citation}`` for each factor (``"given"`` for an explicit value).
    origins : dict
        ``{factor: origin}``, one of :data:`ORIGINS` for each factor.
    region_name : str or None
        Readable name of the region.
    intensity_year : int or None
        Year the grid intensity describes; None when it was given.
    intensity_basis : str or None
        ``"lifecycle"`` or ``"direct"``; None when the intensity was given.
    """

    region: str | None
    country_alpha3: str | None
    grid_intensity_g_per_kwh: float
    pue: float
    wue_l_per_kwh: float
    ewif_l_per_kwh: float
    sources: dict[str, str]
    origins: dict[str, Origin] = field(default_factory=dict)
    region_name: str | None = None
    intensity_year: int | None = None
    intensity_basis: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Site:
        """A site from :meth:`to_dict`, also as written before ``origins`` and ``region_name`` existed.

        Older records lack ``origins``; they are read back from the source texts, which said ``given``,
        ``<provider> fleet: …`` or ``default…`` (anything else cites the catalog).
        """
        sources = {str(key): str(value) for key, value in dict(data.get("sources", {})).items()}
        stored = data.get("origins")
        if stored is None:
            origins = {key: _origin_of(text) for key, text in sources.items()}
        else:
            origins = {str(key): _check_origin(value) for key, value in dict(stored).items()}
        return cls(
            region=data.get("region"),
            country_alpha3=data.get("country_alpha3"),
            grid_intensity_g_per_kwh=float(data["grid_intensity_g_per_kwh"]),
            pue=float(data["pue"]),
            wue_l_per_kwh=float(data.get("wue_l_per_kwh", 0.0)),
            ewif_l_per_kwh=float(data.get("ewif_l_per_kwh", 0.0)),
            sources=sources,
            origins=origins,
            region_name=data.get("region_name"),
            intensity_year=data.get("intensity_year"),
            intensity_basis=data.get("intensity_basis"),
        )


def _check_origin(value: Any) -> Origin:
    for origin in ORIGINS:
        if value == origin:
            return origin
    raise FootprintInputError(f"site origin must be one of {', '.join(ORIGINS)}, got {value!r}")


def _origin_of(source: str) -> Origin:
    if source == "given":
        return "given"
    if source.startswith("default"):
        return "default"
    head = source.partition(":")[0]
    return "provider" if head.endswith(" fleet") else "catalog"


def resolve_site(
    region: str | Region | None = None,
    *,
    grid_intensity_g_per_kwh: float | None = None,
    pue: float | None = None,
    wue_l_per_kwh: float | None = None,
    ewif_l_per_kwh: float | None = None,
    data_year: int | None = None,
    intensity_source: str | None = None,
) -> Site:
    """Conversion factors for ``region``: each given › the region's › its provider's fleet › the default.

    Parameters
    ----------
    region : str or Region, optional
        A region code understood by :func:`fmfootprint.catalog.grid.get_region` (``FR``, ``US-CA``,
        ``aws:us-east-1``), or a catalog record already pinned to a year / source. Unknown codes raise
        UnknownNameError with suggestions. None: the defaults.
    grid_intensity_g_per_kwh : float, optional
        Grid carbon intensity [gCO2e/kWh], in [0, 2000]; overrides the region's.
    pue : float, optional
        Power usage effectiveness [-], in [1, 3]; overrides the region's (or the default).
    wue_l_per_kwh : float, optional
        On-site water usage effectiveness [L/kWh of IT energy], in [0, 20].
    ewif_l_per_kwh : float, optional
        Off-site electricity water intensity factor [L/kWh], in [0, 100].
    data_year : int, optional
        Pin the year of the region's Electricity Maps intensity (2021–2025) for reproducibility;
        default the newest (:func:`fmfootprint.catalog.grid.get_region` ``year=``). Needs ``region``.
    intensity_source : {"electricitymaps", "catalog"}, optional
        Which dataset gives the region's intensity; default Electricity Maps where the region's zone is
        known, else the openly licensed catalog value. Needs ``region``.

    Returns
    -------
    Site
        The four factors with ``origins`` and ``sources``. A fully given site without a region reads no
        catalog file.

    Raises
    ------
    FootprintInputError
        A given value out of its plausibility bound (:data:`fmfootprint._validate.BOUNDS`), or ``region``
        not a non-empty string.
    UnknownNameError
        ``region`` not in the catalog (the message suggests close codes).
    """
    given = {
        "grid_intensity_g_per_kwh": _given(
            _validate.bounded, "grid_intensity_g_per_kwh", grid_intensity_g_per_kwh
        ),
        "pue": _given(_validate.bounded, "pue", pue),
        "wue_l_per_kwh": _given(_validate.bounded, "wue_l_per_kwh", wue_l_per_kwh),
        "ewif_l_per_kwh": _given(_validate.bounded, "ewif_l_per_kwh", ewif_l_per_kwh),
    }
    if (
        region is not None
        and not isinstance(region, Region)
        and (not isinstance(region, str) or not region.strip())
    ):
        raise FootprintInputError(f"region must be a region code, got {region!r}")
    if region is None and (data_year is not None or intensity_source is not None):
        raise FootprintInputError("a data year or intensity source needs a region")
    found = (
        get_region(region, year=data_year, intensity_source=intensity_source) if region is not None else None
    )
    values: dict[str, float] = {}
    origins: dict[str, Origin] = {}
    sources: dict[str, str] = {}
    for key in _KEYS:
        values[key], origins[key], sources[key] = _resolve(key, given[key], found)
    return Site(
        region=found.code if found is not None else None,
        country_alpha3=found.country_alpha3 if found is not None else None,
        grid_intensity_g_per_kwh=values["grid_intensity_g_per_kwh"],
        pue=values["pue"],
        wue_l_per_kwh=values["wue_l_per_kwh"],
        ewif_l_per_kwh=values["ewif_l_per_kwh"],
        sources=sources,
        origins=origins,
        region_name=found.name if found is not None else None,
        **_intensity_meta(origins["grid_intensity_g_per_kwh"], found),
    )


def _intensity_meta(origin: Origin, region: Region | None) -> dict[str, Any]:
    """The year and basis of the intensity used (the world default: Ember's, lifecycle)."""
    if origin == "catalog" and region is not None:
        return {"intensity_year": region.intensity_year, "intensity_basis": region.intensity_basis}
    if origin == "default":
        defaults = grid_defaults()
        return {
            "intensity_year": defaults.world_intensity_year,
            "intensity_basis": defaults.world_intensity_basis,
        }
    return {"intensity_year": None, "intensity_basis": None}


def _given(check: Callable[[str, Any], float], name: str, value: float | None) -> float | None:
    return None if value is None else check(name, value)


def _resolve(key: str, given: float | None, region: Region | None) -> tuple[float, Origin, str]:
    """One factor: (value, origin, source)."""
    if given is not None:
        return given, "given", "given"
    if region is not None:
        value, detail, cited = _from_region(region, key)
        if value is not None:
            return float(value), "catalog", f"{region.code}{detail}: {cited or 'fmfootprint catalog'}"
    defaults = grid_defaults()
    provider = region.provider if region is not None else None
    if key == "pue" and provider is not None and provider in defaults.provider_pue:
        fleet = defaults.provider_pue[provider]
        cited = (defaults.provider_pue_sources or {}).get(provider, defaults.provider_pue_source)
        return float(fleet), "provider", f"{provider} fleet: {cited}"
    fallbacks = {
        "grid_intensity_g_per_kwh": (defaults.world_intensity_g_per_kwh, defaults.world_intensity_source),
        "pue": (defaults.pue, defaults.pue_source),
        "wue_l_per_kwh": (defaults.wue_l_per_kwh, defaults.wue_source),
        "ewif_l_per_kwh": (defaults.ewif_l_per_kwh, defaults.ewif_source),
    }
    if key == "ewif_l_per_kwh" and region is not None:  # the location's UN M49 region, else the world
        area = ewif_default(region.country_alpha2)
        fallbacks[key] = (area.ewif_l_per_kwh, area.source)
    value, cited = fallbacks[key]
    missing = "intensity_g_per_kwh" if key == "grid_intensity_g_per_kwh" else key
    where = "no region given" if region is None else f"{region.code} has no {missing}"
    return float(value), "default", f"default ({where}): {cited}"


def _from_region(region: Region, key: str) -> tuple[float | None, str, str]:
    """The region's own figure for ``key``: (value or None, detail for the source, citation)."""
    if key == "grid_intensity_g_per_kwh":
        accounting = f"{region.intensity_accounting}-based" if region.intensity_accounting else ""
        parts = (region.intensity_year, region.intensity_basis, accounting)
        detail = ", ".join(str(x) for x in parts if x)
        return region.intensity_g_per_kwh, f" ({detail})" if detail else "", region.intensity_source
    if key == "pue":
        return region.pue, "", region.pue_source
    if key == "wue_l_per_kwh":
        return region.wue_l_per_kwh, "", region.wue_source
    return region.ewif_l_per_kwh, "", region.ewif_source
