"""Grid carbon intensity, PUE and water factors by location, read from ``data/grid_intensity/``.

Regions are countries (ISO 3166-1), subdivisions (ISO 3166-2: US states, Canadian provinces), Electricity
Maps zones (US balancing authorities such as ``US-MIDA-PJM``, bidding zones such as ``SE-SE3``, Indian
regional grids such as ``IN-WE``) and cloud regions of AWS, GCP and Azure. ``get_region`` accepts

- ISO 3166-1 alpha-2 or alpha-3 codes in any case (``FR``, ``fra``) and English country names;
- ISO 3166-2 codes (``US-CA``, ``ca-qc``) and place names (``Iowa``, ``Quebec``, ``Iowa (US-IA)``);
- Electricity Maps zone codes and names (``US-CAL-CISO``, ``PJM Interconnection``);
- cloud regions with or without a provider prefix (``aws:us-east-1``, ``us-east-1``,
  ``gcp:europe-west1``, ``azure:westeurope``, ``azure:West Europe``). A name that matches regions at
  several providers is an error naming them all.

Intensity: where the location draws from a known Electricity Maps zone (a country or province with a zone
of the same code, a US state through the balancing authority serving most of its load, a cloud region
mapped to its grid, or a zone itself), the default is the zone's value of the newest year (2025):
lifecycle, consumption-based, ODbL-1.0 (attribution "Electricity Maps"). Elsewhere the openly licensed
value: countries Ember via OWID (lifecycle, 2021–2023), GCP regions Google's own 2024 figures (lifecycle,
kept as GCP's default). So every default is lifecycle. ``intensity_source="catalog"`` asks for the openly
licensed value, which for US states is EPA eGRID2016 and for Canadian provinces combustion from the 2023
mix: both **direct**, labelled so (``Region.intensity_basis``), and refused by comparisons that would mix
them with lifecycle values (:func:`fmfootprint.catalog.basis.require_one_basis`). ``year=`` pins an
Electricity Maps year. Every intensity carries its year, basis, accounting and source. See
``data/SOURCES.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from fmfootprint.catalog._records import cloud_region, geo_region, with_zone, zone_region
from fmfootprint.catalog._region import GridDefaults, Region
from fmfootprint.catalog._tables import read_table
from fmfootprint.catalog.names import INTENSITY_SOURCES, KINDS, PROVIDERS
from fmfootprint.catalog.zones import zone_codes, zone_value
from fmfootprint.errors import FootprintInputError, UnknownNameError, normalize_name

__all__ = [
    "INTENSITY_SOURCES",
    "PROVIDERS",
    "GridDefaults",
    "Region",
    "get_region",
    "grid_defaults",
    "list_regions",
    "region_codes",
]

_PROVIDER_ALIASES = {
    "aws": "aws",
    "amazon": "aws",
    "gcp": "gcp",
    "google": "gcp",
    "gcloud": "gcp",
    "azure": "azure",
    "az": "azure",
    "microsoft": "azure",
}
_SOURCE_ALIASES = {**{name: name for name in INTENSITY_SOURCES}, "ember": "catalog"}
_NAME_WITH_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]+)\)\s*$")


def _place_key(text: str) -> str:
    """A name key without accents: 'Québec' and 'Quebec' match."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return normalize_name(plain)


def _pick(region: Region, year: int | None, source: str | None) -> Region:
    """The intensity a caller asked for: Electricity Maps or the catalog's, and its year."""
    if source is not None:
        key = _SOURCE_ALIASES.get(str(source).strip().lower())
        if key is None:
            raise UnknownNameError("intensity source", str(source), INTENSITY_SOURCES)
        source = key
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise FootprintInputError(f"data year must be a whole year such as 2023, got {year!r}")
    has_zone = bool(region.grid_zone)
    if region.kind == "zone" and source == "catalog":
        raise FootprintInputError(
            f"{region.code} is an Electricity Maps zone with no openly licensed catalog value; "
            "drop the intensity source 'catalog'"
        )
    if source == "electricitymaps" and not has_zone:
        raise FootprintInputError(
            f"no Electricity Maps zone is known for {region.code}; use the catalog value "
            f"({region.intensity_year}) or give the zone itself as region"
        )
    # GCP keeps Google's own figure by default (itself from Electricity Maps hourly data).
    wants_zone = source == "electricitymaps" or (source is None and has_zone and region.provider != "gcp")
    if wants_zone or region.kind == "zone":
        return with_zone(region, year)
    if year is not None and year != region.intensity_year:
        zone_hint = f"; Electricity Maps years via zone {region.grid_zone}" if has_zone else ""
        raise FootprintInputError(
            f"{region.code} has a catalog intensity for {region.intensity_year} only{zone_hint}"
        )
    return region


@dataclass(frozen=True)
class _Index:
    regions: tuple[Region, ...]
    by_code: dict[str, Region]  # upper-case ISO and zone codes -> region
    by_cloud_name: dict[str, tuple[Region, ...]]  # lower-case region name without prefix
    by_key: dict[str, tuple[Region, ...]]  # normalised names and codes
    by_place: dict[str, tuple[Region, ...]]  # subdivision and zone names (after country names)


@lru_cache(maxsize=1)
def _index() -> _Index:
    zones = set(zone_codes())
    countries = [
        geo_region(r, kind="country", code=r["alpha2"], alpha2=r["alpha2"], alpha3=r["alpha3"])
        for r in read_table("grid_intensity/countries.csv")
    ]
    alpha3 = {r.country_alpha2: r.country_alpha3 for r in countries}
    subdivisions = [
        geo_region(
            r,
            kind="subdivision",
            code=r["code"],
            alpha2=r["country_alpha2"],
            alpha3=alpha3[r["country_alpha2"]],
        )
        for r in read_table("grid_intensity/subdivisions.csv")
    ]
    same = "the location's code is an Electricity Maps zone"
    countries = [
        replace(r, grid_zone=r.code, grid_zone_source=same) if r.code in zones else r for r in countries
    ]
    # subdivisions carry their zone in their row (a province's own code, a US state's balancing authority)
    known = {r.code for r in countries} | {r.code for r in subdivisions}
    zone_only = [zone_region(zone_value(z)) for z in sorted(zones - known)]
    clouds = [cloud_region(r) for r in read_table("grid_intensity/cloud_regions.csv")]

    by_code: dict[str, Region] = {}
    for region in countries:
        by_code[region.country_alpha2] = region
        by_code[region.country_alpha3] = region
    for region in subdivisions + zone_only:
        by_code[region.code] = region

    by_cloud_name: dict[str, list[Region]] = {}
    by_key: dict[str, list[Region]] = {}
    by_place: dict[str, list[Region]] = {}

    def add(mapping: dict[str, list[Region]], key: str, region: Region) -> None:
        bucket = mapping.setdefault(key, [])
        if region not in bucket:
            bucket.append(region)

    for region in countries:
        add(by_key, _place_key(region.name), region)
    for region in subdivisions:
        add(by_key, normalize_name(region.code), region)
        add(by_place, _place_key(region.name), region)
    for region in zone_only:
        add(by_key, normalize_name(region.code), region)
        value = zone_value(region.code)
        for label in (value.name, value.display_name):
            if label:
                add(by_place, _place_key(label), region)
    for region in clouds:
        bare = region.code.split(":", 1)[1]
        add(by_cloud_name, bare.lower(), region)
        add(by_key, normalize_name(bare), region)
        add(by_key, normalize_name(region.name), region)
    return _Index(
        regions=tuple(countries + subdivisions + zone_only + clouds),
        by_code=by_code,
        by_cloud_name={k: tuple(v) for k, v in by_cloud_name.items()},
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_place={k: tuple(v) for k, v in by_place.items()},
    )


def _one(text: str, matches: tuple[Region, ...]) -> Region:
    if len(matches) == 1:
        return matches[0]
    codes = ", ".join(r.code for r in matches)
    raise FootprintInputError(f"ambiguous region {text!r}: it matches {codes}; add the provider prefix")


def _cloud_lookup(text: str, provider: str, name: str) -> Region:
    index = _index()
    exact = tuple(r for r in index.by_cloud_name.get(name.strip().lower(), ()) if r.provider == provider)
    if exact:
        return exact[0]
    loose = tuple(r for r in index.by_key.get(normalize_name(name), ()) if r.provider == provider)
    if loose:
        return _one(text, loose)
    choices = [r.code for r in index.regions if r.provider == provider]
    raise UnknownNameError(f"{provider} region", text, choices)


def get_region(code: str | Region, *, year: int | None = None, intensity_source: str | None = None) -> Region:
    """The region for a code or name, with the intensity of the asked source and year.

    Parameters
    ----------
    code : str or Region
        ISO 3166 code, country or place name (``Iowa``, ``Iowa (US-IA)``), Electricity Maps zone code
        or name, or cloud region (with or without provider prefix).
    year : int, optional
        Pin the Electricity Maps year (2021–2025) for reproducibility; default the newest. A location
        without a zone accepts only its catalog value's own year.
    intensity_source : {"electricitymaps", "catalog"}, optional
        Default: Electricity Maps where the location's zone is known (GCP regions: Google's figure),
        else the catalog's. ``"catalog"`` (alias ``"ember"``) asks for the openly licensed value.

    Raises
    ------
    UnknownNameError
        If nothing matches; the message offers up to three close codes or names.
    FootprintInputError
        If an unprefixed name matches cloud regions at more than one provider, or the asked year or
        source does not exist for the region.
    """
    if isinstance(code, Region):
        if year is None and intensity_source is None:
            return code
        code = code.code
    return _pick(_lookup(code), year, intensity_source)


def _lookup(code: str) -> Region:
    if not isinstance(code, str) or not code.strip():
        raise FootprintInputError(f"region must be a non-empty string, got {code!r}")
    text = code.strip()
    index = _index()
    labelled = _NAME_WITH_CODE.match(text)
    if labelled:  # 'Iowa (US-IA)', as the planner lists regions: the code in brackets decides
        try:
            return _lookup(labelled.group("code"))
        except UnknownNameError:
            pass  # not a code in brackets: the whole text is the name

    if ":" in text:
        prefix, _, name = text.partition(":")
        provider = _PROVIDER_ALIASES.get(prefix.strip().lower())
        if provider is None:
            raise FootprintInputError(
                f"unknown cloud provider {prefix.strip()!r} in {text!r}; use aws, gcp or azure"
            )
        return _cloud_lookup(text, provider, name)

    iso = re.sub(r"[\s_]+", "-", text.upper())
    if iso in index.by_code:
        return index.by_code[iso]
    exact = index.by_cloud_name.get(text.lower())
    if exact:
        return _one(text, exact)
    for mapping, key in ((index.by_key, normalize_name(text)), (index.by_key, _place_key(text))):
        loose = mapping.get(key)
        if loose:
            return _one(text, loose)
    place = index.by_place.get(_place_key(text))
    if place:
        return _one(text, place)
    country, dash, _ = iso.partition("-")
    if dash and country in index.by_code:
        # A code without data of its own: offer the country and its subdivisions and zones first.
        choices = [index.by_code[country].code]
        choices += [r.code for r in index.regions if r.kind != "cloud" and r.country_alpha2 == country]
    else:
        choices = [r.code for r in index.regions]
        choices += [r.name for r in index.regions if r.kind in ("country", "subdivision")]
    raise UnknownNameError("region", text, choices)


def region_codes() -> list[str]:
    """Every code :func:`get_region` accepts exactly as written, sorted: ISO 3166-1 alpha-2 and alpha-3,
    ISO 3166-2, Electricity Maps zone codes and ``provider:region`` cloud codes.

    ``scripts/build_data.py`` writes the same list to ``data/grid_intensity/region_codes.txt``, which
    ``fmfootprint track`` reads to accept a ``--region`` before it launches its command, without loading
    the catalog (:mod:`fmfootprint.cli._fast_track`); a test keeps the two equal.
    """
    index = _index()
    return sorted({*index.by_code, *(r.code for r in index.regions if r.kind == "cloud")})


def list_regions(
    provider: str | None = None,
    kind: str | None = None,
    *,
    year: int | None = None,
    intensity_source: str | None = None,
) -> list[Region]:
    """Regions in catalog order (countries, subdivisions, zones, cloud regions), optionally filtered.

    Parameters
    ----------
    provider : {"aws", "gcp", "azure"}, optional
        Only this provider's cloud regions.
    kind : {"country", "subdivision", "zone", "cloud"}, optional
        Only regions of this kind.
    year, intensity_source : optional
        As in :func:`get_region`; a region without the asked year or source is left out.
    """
    regions = list(_default_regions() if year is None and intensity_source is None else _index().regions)
    if provider is not None:
        key = _PROVIDER_ALIASES.get(str(provider).strip().lower())
        if key is None:
            raise FootprintInputError(f"unknown cloud provider {provider!r}; use aws, gcp or azure")
        regions = [r for r in regions if r.provider == key]
    if kind is not None:
        if kind not in KINDS:
            raise UnknownNameError("region kind", str(kind), KINDS)
        regions = [r for r in regions if r.kind == kind]
    if year is None and intensity_source is None:
        return regions
    if intensity_source is not None and str(intensity_source).strip().lower() not in _SOURCE_ALIASES:
        raise UnknownNameError("intensity source", str(intensity_source), INTENSITY_SOURCES)
    picked = []
    for region in regions:
        try:
            picked.append(_pick(region, year, intensity_source))
        except FootprintInputError:
            continue  # this region has no value for the asked year or source
    return picked


@lru_cache(maxsize=1)
def _default_regions() -> tuple[Region, ...]:
    return tuple(_pick(region, None, None) for region in _index().regions)


@lru_cache(maxsize=1)
def grid_defaults() -> GridDefaults:
    """World-average intensity, unknown-data-centre PUE and WUE, and default EWIF, with sources."""
    rows = {row["parameter"]: row for row in read_table("grid_intensity/defaults.csv")}
    provider_pue = {p: float(rows[f"{p}_pue"]["value"]) for p in PROVIDERS}
    return GridDefaults(
        world_intensity_g_per_kwh=float(rows["world_intensity_g_per_kwh"]["value"]),
        world_intensity_source=rows["world_intensity_g_per_kwh"]["source"],
        pue=float(rows["pue"]["value"]),
        pue_source=rows["pue"]["source"],
        wue_l_per_kwh=float(rows["wue_l_per_kwh"]["value"]),
        wue_source=rows["wue_l_per_kwh"]["source"],
        ewif_l_per_kwh=float(rows["ewif_l_per_kwh"]["value"]),
        ewif_source=rows["ewif_l_per_kwh"]["source"],
        provider_pue=provider_pue,
        provider_pue_source="provider fleet PUE (sustainability reports, see provider_pue_sources)",
        provider_pue_sources={
            p: f"{rows[f'{p}_pue']['source']} [{rows[f'{p}_pue']['year']}]" for p in PROVIDERS
        },
        world_intensity_year=int(rows["world_intensity_g_per_kwh"]["year"]),
        world_intensity_basis=rows["world_intensity_g_per_kwh"]["basis"],
    )
