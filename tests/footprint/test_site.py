"""resolve_site(): each factor given › the region's › its provider's fleet › the default, with sources."""

from __future__ import annotations

import dataclasses

import pytest

from fmfootprint.catalog import grid
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint import site as site_module
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.site import ORIGINS, Site, resolve_site

FACTORS = ("grid_intensity_g_per_kwh", "pue", "wue_l_per_kwh", "ewif_l_per_kwh")


def test_given_values_win_over_the_region() -> None:
    site = resolve_site(
        "gcp:europe-west1", grid_intensity_g_per_kwh=10, pue=1.3, wue_l_per_kwh=0.2, ewif_l_per_kwh=1.5
    )
    assert (site.grid_intensity_g_per_kwh, site.pue, site.wue_l_per_kwh, site.ewif_l_per_kwh) == (
        10,
        1.3,
        0.2,
        1.5,
    )
    assert site.origins == dict.fromkeys(FACTORS, "given")
    assert site.sources == dict.fromkeys(FACTORS, "given")
    assert (site.region, site.country_alpha3) == ("gcp:europe-west1", "BEL")


def test_catalog_region_values_cite_the_region_and_the_intensity_year_and_basis() -> None:
    region = grid.get_region("gcp:europe-west1")
    site = resolve_site("europe-west1")
    assert site.region == region.code
    assert site.region_name == region.name
    assert site.grid_intensity_g_per_kwh == region.intensity_g_per_kwh
    assert site.pue == region.pue
    assert site.origins["grid_intensity_g_per_kwh"] == site.origins["pue"] == "catalog"
    assert site.sources["grid_intensity_g_per_kwh"] == (
        f"{region.code} ({region.intensity_year}, {region.intensity_basis}): {region.intensity_source}"
    )
    assert site.sources["pue"] == f"{region.code}: {region.pue_source}"
    assert (site.intensity_year, site.intensity_basis) == (2024, "lifecycle")  # Google's 2024 file


def test_a_country_has_no_pue_or_wue_of_its_own_so_they_are_defaults() -> None:
    defaults = grid.grid_defaults()
    site = resolve_site("FR")
    assert site.origins["grid_intensity_g_per_kwh"] == "catalog"
    assert site.origins["pue"] == site.origins["wue_l_per_kwh"] == "default"
    assert site.pue == defaults.pue
    assert site.wue_l_per_kwh == defaults.wue_l_per_kwh
    assert site.sources["pue"] == f"default (FR has no pue): {defaults.pue_source}"


def test_no_region_takes_every_default_and_says_so() -> None:
    defaults = grid.grid_defaults()
    site = resolve_site()
    assert (site.region, site.country_alpha3, site.region_name) == (None, None, None)
    assert site.origins == dict.fromkeys(FACTORS, "default")
    assert site.grid_intensity_g_per_kwh == defaults.world_intensity_g_per_kwh
    assert site.ewif_l_per_kwh == defaults.ewif_l_per_kwh
    assert site.sources["grid_intensity_g_per_kwh"] == (
        f"default (no region given): {defaults.world_intensity_source}"
    )


def test_a_cloud_region_without_its_own_pue_takes_its_provider_fleet_pue(monkeypatch) -> None:
    without_pue = dataclasses.replace(grid.get_region("aws:us-east-1"), pue=None, pue_source="")
    monkeypatch.setattr(site_module, "get_region", lambda code, **_: without_pue)
    defaults = grid.grid_defaults()
    site = resolve_site("aws:us-east-1")
    assert site.pue == defaults.provider_pue["aws"]
    assert site.origins["pue"] == "provider"
    assert site.sources["pue"] == f"aws fleet: {(defaults.provider_pue_sources or {})['aws']}"
    assert "AWS sustainability" in site.sources["pue"]
    assert resolve_site("aws:us-east-1", pue=1.4).origins["pue"] == "given"


def test_the_estimator_and_the_tracker_read_the_same_site() -> None:
    site = resolve_site("US-CA", pue=1.2)
    result = estimate(power_w=300, gpu_hours=10, region="US-CA", pue=1.2)
    assert result.region == site.region
    assert (result.grid_intensity_g_per_kwh, result.pue) == (site.grid_intensity_g_per_kwh, site.pue)
    assert (result.wue_l_per_kwh, result.ewif_l_per_kwh) == (site.wue_l_per_kwh, site.ewif_l_per_kwh)
    source = next(a.source for a in result.assumptions if a.name == "grid_intensity_g_per_kwh")
    assert source.startswith(site.sources["grid_intensity_g_per_kwh"] + "; range")


def test_a_fully_given_site_without_region_reads_no_catalog(monkeypatch) -> None:
    def refuse() -> None:
        raise AssertionError("the catalog was read")

    monkeypatch.setattr(site_module, "grid_defaults", refuse)
    site = resolve_site(grid_intensity_g_per_kwh=0, pue=1, wue_l_per_kwh=0, ewif_l_per_kwh=0)
    assert site.origins == dict.fromkeys(FACTORS, "given")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"pue": 0.9}, "pue must be >= 1"),
        ({"grid_intensity_g_per_kwh": -1}, "grid_intensity_g_per_kwh must be >= 0"),
        ({"wue_l_per_kwh": float("nan")}, "wue_l_per_kwh must be finite"),
        ({"ewif_l_per_kwh": "a lot"}, "ewif_l_per_kwh must be a number"),
        ({"region": ""}, "region must be a region code"),
    ],
)
def test_bad_values_are_one_line_errors(kwargs, fragment) -> None:
    with pytest.raises(FootprintInputError, match=fragment):
        resolve_site(**kwargs)


def test_unknown_region_suggests_codes() -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        resolve_site("Frnce")


def test_to_dict_and_from_dict_round_trip() -> None:
    site = resolve_site("aws:us-east-1", pue=1.2)
    assert Site.from_dict(site.to_dict()) == site
    assert set(site.origins.values()) <= set(ORIGINS)


def test_a_site_written_before_origins_existed_still_loads() -> None:
    # The start record of a run log written by an earlier version (tests/data/app/runs).
    old = {
        "region": "FR",
        "country_alpha3": None,
        "grid_intensity_g_per_kwh": 50.0,
        "pue": 1.2,
        "wue_l_per_kwh": 0.5,
        "ewif_l_per_kwh": 2.0,
        "sources": {
            "grid_intensity_g_per_kwh": "given",
            "pue": "aws fleet: Cloud Carbon Footprint constants",
            "wue_l_per_kwh": "default: Shehabi et al. (2016)",
            "ewif_l_per_kwh": "FR: Li et al. (2023)",
        },
    }
    site = Site.from_dict(old)
    assert site.origins == {
        "grid_intensity_g_per_kwh": "given",
        "pue": "provider",
        "wue_l_per_kwh": "default",
        "ewif_l_per_kwh": "catalog",
    }
    assert (site.region, site.pue, site.region_name) == ("FR", 1.2, None)
    assert Site.from_dict({"grid_intensity_g_per_kwh": 1, "pue": 1}).wue_l_per_kwh == 0.0


def test_from_dict_rejects_an_unknown_origin() -> None:
    data = resolve_site(pue=1.2).to_dict() | {"origins": {"pue": "guessed"}}
    with pytest.raises(FootprintInputError, match="site origin must be one of"):
        Site.from_dict(data)


def test_a_zone_site_says_year_basis_accounting_and_source() -> None:
    # Electricity Maps yearly averages for US-MIDA-PJM: 418 g/kWh in 2025, 401 in 2023 (yearly_*.js)
    site = resolve_site("US-MIDA-PJM")
    assert (site.grid_intensity_g_per_kwh, site.intensity_year, site.intensity_basis) == (
        418,
        2025,
        "lifecycle",
    )
    assert site.sources["grid_intensity_g_per_kwh"].startswith(
        "US-MIDA-PJM (2025, lifecycle, consumption-based): Electricity Maps yearly average 2025"
    )
    assert "attribution: Electricity Maps" in site.sources["grid_intensity_g_per_kwh"]
    pinned = resolve_site("aws:us-east-1", data_year=2023)
    assert (pinned.grid_intensity_g_per_kwh, pinned.intensity_year) == (401, 2023)
    assert pinned.sources["grid_intensity_g_per_kwh"].startswith("aws:us-east-1 (2023, lifecycle")
    ember = resolve_site("FR", intensity_source="catalog")
    assert (ember.grid_intensity_g_per_kwh, ember.intensity_year) == (56.039, 2023)
    assert "Ember" in ember.sources["grid_intensity_g_per_kwh"]
    assert Site.from_dict(pinned.to_dict()) == pinned
    world = resolve_site()
    assert world.intensity_basis == "lifecycle"
    assert resolve_site("FR", grid_intensity_g_per_kwh=100).intensity_year is None


def test_a_year_or_source_without_a_region_or_out_of_range_is_a_one_line_error() -> None:
    with pytest.raises(FootprintInputError, match="needs a region"):
        resolve_site(data_year=2023)
    with pytest.raises(FootprintInputError, match="published years"):
        resolve_site("US-MIDA-PJM", data_year=2030)
    with pytest.raises(FootprintInputError, match="2016 only"):
        resolve_site("US-IA", data_year=2025, intensity_source="catalog")  # eGRID2016 has one year
    with pytest.raises(UnknownNameError, match="intensity source"):
        resolve_site("FR", intensity_source="iea")


def test_the_estimator_passes_the_year_and_source_through() -> None:
    pinned = estimate(power_w=700, gpu_hours=80, region="US-MIDA-PJM", data_year=2023)
    assert pinned.grid_intensity_g_per_kwh == 401
    newest = estimate(power_w=700, gpu_hours=80, region="aws:us-east-1")
    assert newest.grid_intensity_g_per_kwh == 418
    ember = estimate(power_w=700, gpu_hours=80, region="FR", intensity_source="ember")
    assert ember.grid_intensity_g_per_kwh == 56.039
