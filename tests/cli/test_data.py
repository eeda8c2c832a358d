"""``fmfootprint data gpus`` / ``fmfootprint data regions``."""

from __future__ import annotations

import json

import pytest

from fmfootprint.cli.main import main
from fmfootprint.errors import FootprintInputError


def test_data_gpus_json(capsys):
    assert main(["data", "gpus", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) >= 25
    h100 = next(r for r in records if r["name"] == "H100 SXM")
    assert h100["tdp_w"] == 700
    assert h100["peak_tflops"]["bf16"] == 989.4
    assert all(r["source"] and r["licence"] for r in records)


def test_data_gpus_table(capsys):
    assert main(["data", "gpus"]) == 0
    out = capsys.readouterr().out
    assert "H100 SXM" in out
    assert "TPU v5p" in out
    assert "TDP W" in out
    line = next(line for line in out.splitlines() if line.startswith("H100 SXM "))
    assert "700" in line
    assert "989.4" in line


@pytest.mark.parametrize(("provider", "count"), [("gcp", 44), ("aws", 37), ("azure", 56)])
def test_data_regions_provider_json(capsys, provider, count):
    assert main(["data", "regions", "--provider", provider, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == count
    assert all(r["code"].startswith(provider + ":") and r["provider"] == provider for r in records)


def test_data_regions_table(capsys):
    assert main(["data", "regions"]) == 0
    out = capsys.readouterr().out
    assert "gCO2e/kWh" in out
    assert any(line.startswith("FR ") for line in out.splitlines())
    assert any(line.startswith("azure:westeurope ") for line in out.splitlines())


def test_data_regions_bad_provider_exits_2(capsys):
    assert main(["data", "regions", "--provider", "oracle"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_data_regions_json_has_the_352_zones_with_year_basis_source_and_licence(capsys):
    assert main(["data", "regions", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    zoned = {r["grid_zone"]: r for r in records if r["kind"] != "cloud" and r["grid_zone"]}
    assert len(zoned) == 352  # Electricity Maps yearly files (CO2.js 0.19.0): 352 zones
    for record in zoned.values():
        assert record["intensity_year"] == 2025
        assert record["intensity_basis"] == "lifecycle"
        assert record["intensity_accounting"] == "consumption"
        assert "Electricity Maps yearly average 2025" in record["intensity_source"]
        assert "ODbL-1.0" in record["licence"]
    pjm = zoned["US-MIDA-PJM"]
    assert (pjm["code"], pjm["kind"], pjm["intensity_g_per_kwh"]) == ("US-MIDA-PJM", "zone", 418)


def test_data_regions_pinned_year_and_catalog_source(capsys):
    assert main(["data", "regions", "--kind", "zone", "--data-year", "2023", "--json"]) == 0
    zones = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert zones["US-MIDA-PJM"]["intensity_g_per_kwh"] == 401  # yearly_2023.js
    assert main(["data", "regions", "--kind", "country", "--intensity-source", "ember", "--json"]) == 0
    countries = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert countries["FR"]["intensity_g_per_kwh"] == 56.039  # Ember via OWID
    assert countries["FR"]["intensity_dataset"] == "catalog"


def test_data_gpus_table_shows_memory_bandwidth(capsys):
    assert main(["data", "gpus"]) == 0
    out = capsys.readouterr().out
    assert "TB/s" in out
    line = next(line for line in out.splitlines() if line.startswith("H100 SXM "))
    assert "3.35" in line  # NVIDIA H100 datasheet: 3.35 TB/s


def test_estimate_uses_the_pjm_zone_and_a_pinned_year(capsys):
    base = ["estimate", "--gpu", "H100", "--gpus", "8", "--hours", "10", "--json"]
    for region in ("US-MIDA-PJM", "aws:us-east-1"):
        assert main([*base, "--region", region]) == 0
        payload = json.loads(capsys.readouterr().out)
        assert payload["grid_intensity_g_per_kwh"] == 418  # Electricity Maps 2025, PJM
        source = next(a["source"] for a in payload["assumptions"] if a["name"] == "grid_intensity_g_per_kwh")
        assert "(2025, lifecycle, consumption-based): Electricity Maps yearly average 2025" in source
    assert main([*base, "--region", "US-MIDA-PJM", "--data-year", "2023"]) == 0
    assert json.loads(capsys.readouterr().out)["grid_intensity_g_per_kwh"] == 401
    assert main([*base, "--region", "US-IA", "--data-year", "2023", "--intensity-source", "catalog"]) == 2
    assert "2016 only" in capsys.readouterr().err  # eGRID2016, direct: one year


def test_estimate_market_based_is_reported_next_to_the_location_based_figure(capsys):
    base = ["estimate", "--gpu", "H100", "--gpus", "8", "--hours", "10", "--region", "gcp:europe-west1"]
    assert main([*base, "--market-based", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    market = payload["market_based"]
    assert market["location_co2e_kg"] == payload["co2e_operational_kg"]
    assert market["market_co2e_kg"] == pytest.approx(payload["co2e_operational_kg"] * (1 - 0.84))
    assert main([*base, "--cfe-fraction", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "market-based CO2e operational" in out
    assert "location-based" in out
    assert main(["estimate", "--gpu", "H100", "--hours", "1", "--region", "FR", "--market-based"]) == 2
    assert "--cfe-fraction" in capsys.readouterr().err


def test_intensity_choices_match_the_catalog_and_track_pins_a_year():
    import argparse

    from fmfootprint.catalog.grid import INTENSITY_SOURCES
    from fmfootprint.cli._region_args import INTENSITY_CHOICES
    from fmfootprint.cli.track import _checked_region
    from fmfootprint.footprint.site import resolve_site

    assert (*INTENSITY_SOURCES, "ember") == INTENSITY_CHOICES
    args = argparse.Namespace(region="US-MIDA-PJM", data_year=2023, intensity_source=None)
    pinned = _checked_region(args)
    site = resolve_site(pinned)  # the tracker's site resolver takes the pinned record
    assert (site.region, site.grid_intensity_g_per_kwh, site.intensity_year) == ("US-MIDA-PJM", 401, 2023)
    assert _checked_region(argparse.Namespace(region="FR", data_year=None, intensity_source=None)) == "FR"
    with pytest.raises(FootprintInputError, match="need --region"):
        _checked_region(argparse.Namespace(region=None, data_year=2023, intensity_source=None))


def test_estimate_tpu_v5p_answers_with_a_range_and_a_modelled_power(capsys):
    argv = ["estimate", "--gpu", "tpu v5p", "--gpus", "8", "--hours", "10", "--region", "US-IA"]
    assert main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    low, high = payload["ranges"]["co2e_kg"]
    assert low < payload["co2e_kg"] < high
    power = next(a for a in payload["assumptions"] if a["name"] == "power_w")
    assert "modelled power" in power["source"]
    assert main(argv) == 0
    assert "modelled power: TDP 320 W (range 192-641" in capsys.readouterr().out
