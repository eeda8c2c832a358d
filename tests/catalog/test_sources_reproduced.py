"""The catalog reproduces its sources: Google's 2024 GCP file exactly, eGRID lb/MWh converted, the build
script regenerates data/ byte for byte."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from fmfootprint._resources import data_dir
from fmfootprint.catalog import get_region, list_regions

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
LB_PER_MWH_TO_G_PER_KWH = 0.453592  # 1 lb = 453.592 g, so 1 lb/MWh = 0.453592 g/kWh


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_data", REPO_ROOT / "scripts" / "build_data.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gcp_regions_match_googles_2024_file(catalog_fixtures):
    with (catalog_fixtures / "google_region_carbon_info_2024.csv").open(encoding="utf-8") as handle:
        google = {row["Google Cloud Region"]: row for row in csv.DictReader(handle)}
    ours = {r.code.removeprefix("gcp:"): r for r in list_regions(provider="gcp")}
    assert set(ours) == set(google)
    for name, row in google.items():
        region = ours[name]
        assert region.intensity_g_per_kwh == float(row["Grid carbon intensity (gCO2eq / kWh)"]), name
        assert region.google_cfe == (float(row["Google CFE"]) if row["Google CFE"] else None), name
        assert region.intensity_year == 2024
        assert region.provider == "gcp"
        assert "region-carbon-info" in region.intensity_source


def test_known_gcp_values():
    # Google region-carbon-info 2024 (also quoted in facts.md §D 4d)
    assert get_region("gcp:us-central1").intensity_g_per_kwh == 412.72
    assert get_region("gcp:europe-west9").intensity_g_per_kwh == 16.30
    assert get_region("northamerica-northeast1").intensity_g_per_kwh == 5.48


def test_lb_per_mwh_conversion_of_every_us_state(catalog_fixtures):
    source = json.loads((catalog_fixtures / "codecarbon_usa_emissions_2016.json").read_text())
    assert source["_unit"]["emissions"] == "lbs/MWh"
    states = {k: v for k, v in source.items() if not k.startswith("_") and k != "usa"}
    assert len(states) == 51
    for entry in states.values():
        # the eGRID value is the catalog one (US-AK and US-HI default to their Electricity Maps zones)
        region = get_region(f"US-{entry['regionCode']}", intensity_source="catalog")
        expected = entry["emissions"] * LB_PER_MWH_TO_G_PER_KWH
        assert region.intensity_g_per_kwh == pytest.approx(expected, abs=0.01)
        assert region.intensity_basis == "direct"
        assert region.intensity_year == 2016


def test_lb_per_mwh_conversion_known_value():
    # Wyoming, eGRID2016: 2,026.26 lb/MWh -> 919.1 g/kWh (x 0.453592)
    assert get_region("US-WY", intensity_source="catalog").intensity_g_per_kwh == pytest.approx(
        919.1, abs=0.05
    )
    # the packaged table keeps the source value and unit next to the converted one
    with (data_dir() / "grid_intensity/subdivisions.csv").open(encoding="utf-8") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    for row in rows.values():
        if row["source_unit"] == "lb/MWh":
            assert float(row["intensity_g_per_kwh"]) == pytest.approx(
                float(row["source_value"]) * LB_PER_MWH_TO_G_PER_KWH, abs=0.01
            )


def test_unit_constants_of_the_build_script():
    build = _build_script()
    assert abs(build.LB_PER_MWH_TO_G_PER_KWH - 0.453592) < 1e-6
    assert build.T_PER_KWH_TO_G_PER_KWH == 1e6  # CCF factors are metric t/kWh


def test_canadian_mix_to_intensity_by_hand():
    # codecarbon's method: shares x combustion factors (kg/kWh); hand value 0.5*995.725971 + 0.5*743.8415916
    build = _build_script()
    mix = {"coal": 50.0, "petroleum": 0.0, "naturalGas": 50.0, "hydro": 0.0, "total": 100.0}
    assert build.canada_intensity(mix) == pytest.approx(869.78378, abs=1e-4)
    hydro_only = {"coal": 0, "petroleum": 0, "naturalGas": 0, "hydro": 100, "total": 100}
    assert build.canada_intensity(hydro_only) == 0


def test_li_table_reproduces_gpt3_water():
    """Li et al. 2023 Tab. 1, U.S. average: 1,287 MWh x (0.55 + 1.17 x 3.142) L/kWh = 5.439 ML."""
    us = get_region("US")
    assert us.ewif_l_per_kwh == 3.142
    water_ml = 1287e3 * (0.55 + 1.17 * us.ewif_l_per_kwh) / 1e6
    assert water_ml == pytest.approx(5.439, abs=0.001)
    # Microsoft's Iowa site (Azure Central US) carries its own PUE/WUE from the same table
    central = get_region("azure:centralus")
    assert (central.pue, central.wue_l_per_kwh, central.ewif_l_per_kwh) == (1.16, 0.14, 3.104)


@pytest.mark.skipif(not (SHARED / "data-sources").is_dir(), reason="../shared is not beside this clone")
def test_build_script_regenerates_data_byte_identically(tmp_path):
    build = _build_script()
    build.build(SHARED, tmp_path)
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    shipped = sorted(
        p.relative_to(data_dir())
        for folder in ("grid_intensity", "hardware")
        for p in (data_dir() / folder).rglob("*.csv")
    )
    assert produced == shipped
    for relative in [*produced, Path("SOURCES.md")]:
        assert (tmp_path / relative).read_bytes() == (data_dir() / relative).read_bytes(), relative


def test_transcribed_tables_cite_every_row():
    """scripts/tables/*.csv: each table has a citation column and no row leaves it blank."""
    build = _build_script()
    tables = sorted(build.TABLES.glob("*.csv"))
    assert len(tables) >= 5
    for path in tables:
        rows = build.read_table(path.name)  # refuses a row whose `source` is blank
        assert rows, path.name
        columns = [c for c in rows[0] if c in ("source", "citation") or c.endswith("_source")]
        if path.name == "place_codes.csv":  # names -> ISO 3166 codes; the `table` column names the file
            continue
        assert columns, f"{path.name} has no citation column"
        for row in rows:
            assert all(row[c] for c in columns if c in ("source", "citation")), (path.name, row)
            # `*_source` cells and `SRC_...` cells are keys into citations.csv
            keys = [row[c] for c in columns if c.endswith("_source") or row[c].startswith("SRC_")]
            assert all(key in build.CITATIONS for key in keys if key), (path.name, row)
