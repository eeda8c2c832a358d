"""Electricity Maps zones: the ODbL file reproduces its verbatim source, stays apart from the open files,
and zones, cloud regions and place names resolve with the newest year by default or a pinned one."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from fmfootprint._resources import data_dir
from fmfootprint.catalog import get_region, list_regions
from fmfootprint.catalog.zones import zone_codes, zone_value, zone_years
from fmfootprint.errors import FootprintInputError, UnknownNameError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data-sources" / "electricitymaps-yearly"
ZONES_FILE = "grid_intensity/electricitymaps_zones.csv"
SHARE_ALIKE = ("ODbL", "CC-BY-SA", "BY-SA")


def _module(path: Path) -> dict:
    """The `data` object of a CO2.js yearly module, read independently of the build script."""
    body = path.read_text(encoding="utf-8").split("const data =", 1)[1]
    body = re.sub(r"\\x([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), body)
    return json.JSONDecoder().raw_decode(body.strip())[0]


def _rows(relative: str) -> list[dict[str, str]]:
    with (data_dir() / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("year", [2023, 2025])
def test_zone_rows_match_the_verbatim_file(catalog_fixtures, year):
    source = _module(catalog_fixtures / "electricitymaps" / f"yearly_{year}.js")
    ours = {r["zone"]: r for r in _rows(ZONES_FILE) if r["year"] == str(year)}
    assert len(source) == 352
    assert set(ours) == set(source)
    for zone, entry in source.items():
        row = ours[zone]
        assert float(row["intensity_g_per_kwh"]) == entry["carbonIntensity"]["value"], zone
        assert entry["carbonIntensity"]["unit"] == "gCO2eq/kWh"
        assert float(row["carbon_free_percent"]) == entry["carbonFreeEnergy"]["value"], zone
        assert float(row["renewable_percent"]) == entry["renewableEnergy"]["value"], zone
        assert row["name"] == entry["zone"]["zoneName"], zone


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this clone")
def test_every_year_matches_the_shared_copies():
    ours = {(r["zone"], int(r["year"])): float(r["intensity_g_per_kwh"]) for r in _rows(ZONES_FILE)}
    for year in range(2021, 2026):
        source = _module(SHARED / f"yearly_{year}.js")
        for zone, entry in source.items():
            assert ours[(zone, year)] == entry["carbonIntensity"]["value"], (zone, year)
    assert len(ours) == 352 * 5


def test_every_zone_row_carries_year_basis_source_attribution_and_odbl():
    rows = _rows(ZONES_FILE)
    assert len(rows) == 352 * 5
    for row in rows:
        assert 2021 <= int(row["year"]) <= 2025
        assert row["basis"] == "lifecycle"  # Electricity Maps: life-cycle emission factors by default
        assert row["accounting"] == "consumption"  # flow-traced, imports included
        assert row["licence"] == "ODbL-1.0"
        assert row["attribution"] == "Electricity Maps"
        assert f"yearly_{row['year']}" in row["source"]
        assert 0 <= float(row["intensity_g_per_kwh"]) <= 1500


def test_no_share_alike_value_in_an_open_file():
    """ODbL (and CC BY-SA) data lives only in its own file; the CC BY / public-domain files carry none."""
    for path in sorted(data_dir().rglob("*.csv")):
        relative = path.relative_to(data_dir()).as_posix()
        if relative == ZONES_FILE:
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        licence_columns = [c for c in (rows[0] if rows else {}) if c.endswith("licence")]
        for row in rows:
            for column in licence_columns:
                assert not any(token in row[column] for token in SHARE_ALIKE), (relative, column, row)
            # no Electricity Maps figure is copied in: intensities cite their own open sources
            for column in ("intensity_source", "source"):
                assert "Electricity Maps yearly" not in row.get(column, ""), (relative, row)
    # the cloud table names a zone (a key into the ODbL file) but holds no value of it
    cloud = _rows("grid_intensity/cloud_regions.csv")
    assert {r["grid_zone"] for r in cloud} - {""} <= set(zone_codes())
    assert not any("carbon_free" in column for column in cloud[0])


def test_zones_resolve_with_their_names_and_the_newest_year():
    # Electricity Maps 2025 yearly averages (yearly_2025.js): PJM 418, CAISO 208, SE3 20, Western India 653
    expected = {"US-MIDA-PJM": 418, "US-CAL-CISO": 208, "SE-SE3": 20, "IN-WE": 653}
    for code, value in expected.items():
        region = get_region(code)
        assert (region.code, region.kind, region.intensity_year) == (code, "zone", 2025)
        assert region.intensity_g_per_kwh == value
        assert region.intensity_basis == "lifecycle"
        assert region.intensity_accounting == "consumption"
        assert region.licence == "ODbL-1.0"
        assert "Electricity Maps" in region.intensity_source
    assert get_region("US-MIDA-PJM").name == "PJM Interconnection (PJM)"
    assert get_region("us-mida-pjm").code == "US-MIDA-PJM"
    assert get_region("PJM Interconnection").code == "US-MIDA-PJM"
    assert get_region("Western India").code == "IN-WE"


def test_a_pinned_year_reproduces_that_years_value():
    # yearly_2023.js: PJM 401 g/kWh; yearly_2021.js: 439
    assert get_region("US-MIDA-PJM", year=2023).intensity_g_per_kwh == 401
    assert get_region("aws:us-east-1", year=2023).intensity_g_per_kwh == 401
    assert get_region("US-MIDA-PJM", year=2021).intensity_g_per_kwh == 439
    assert zone_years("US-MIDA-PJM") == (2021, 2022, 2023, 2024, 2025)
    assert zone_value("FR", 2023).intensity_g_per_kwh == 49
    with pytest.raises(FootprintInputError, match="published years: 2021, 2022, 2023, 2024, 2025"):
        get_region("US-MIDA-PJM", year=2019)
    with pytest.raises(FootprintInputError, match="2023 only"):
        get_region("CL", year=2022)  # a country without a zone has its Ember year only
    # a US state's zone (the balancing authority serving most of its load) gives every year
    assert (
        get_region("US-IA", year=2023).intensity_g_per_kwh
        == get_region("US-MIDW-MISO", year=2023).intensity_g_per_kwh
    )


def test_cloud_regions_map_to_their_grid_zone_with_the_mapping_source():
    pjm = get_region("US-MIDA-PJM").intensity_g_per_kwh
    for code in ("aws:us-east-1", "aws:us-east-2", "azure:eastus"):
        region = get_region(code)
        assert region.grid_zone == "US-MIDA-PJM"
        assert region.intensity_g_per_kwh == pjm
        assert "PJM" in region.grid_zone_source
        assert "ODbL-1.0" in region.licence
    assert get_region("aws:us-west-2").grid_zone == "US-NW-BPAT"
    assert get_region("aws:us-west-2").intensity_g_per_kwh == get_region("US-NW-BPAT").intensity_g_per_kwh
    assert get_region("aws:eu-north-1").grid_zone == "SE-SE3"
    assert get_region("aws:ap-south-1").grid_zone == "IN-WE"
    # GCP keeps Google's own 2024 value by default; the zone stays selectable
    gcp = get_region("gcp:us-east4")
    assert (gcp.intensity_year, gcp.intensity_dataset) == (2024, "catalog")
    assert get_region("gcp:us-east4", intensity_source="electricitymaps").intensity_g_per_kwh == pjm


def test_country_default_is_electricity_maps_and_ember_stays_selectable():
    france = get_region("France")
    assert (france.code, france.intensity_g_per_kwh, france.intensity_year) == ("FR", 31, 2025)
    assert france.intensity_dataset == "electricitymaps"
    ember = get_region("FR", intensity_source="ember")
    assert ember.intensity_dataset == "catalog"
    assert ember.intensity_g_per_kwh == 56.039  # Ember via OWID (codecarbon global_energy_mix.json)
    assert ember.intensity_accounting == "production"
    with pytest.raises(FootprintInputError, match="no openly licensed catalog value"):
        get_region("US-MIDA-PJM", intensity_source="catalog")
    with pytest.raises(FootprintInputError, match="no Electricity Maps zone"):
        get_region("CL", intensity_source="electricitymaps")
    with pytest.raises(UnknownNameError):
        get_region("FR", intensity_source="iea")


def test_place_names_resolve_with_suggestions_on_typos():
    assert get_region("Iowa").code == "US-IA"
    assert get_region("Iowa (US-IA)").code == "US-IA"
    assert get_region("Quebec").code == "CA-QC"
    assert get_region("Québec").code == "CA-QC"
    assert get_region("France").code == "FR"
    assert get_region("Georgia").code == "GE"  # a country name wins over a US state's
    with pytest.raises(UnknownNameError) as info:
        get_region("Iwoa")
    assert "Iowa" in info.value.suggestions
    with pytest.raises(UnknownNameError) as info:
        get_region("Quebc")
    assert "Quebec" in info.value.suggestions


def test_regions_list_every_zone_with_year_basis_source_and_licence():
    records = [r.to_dict() for r in list_regions()]
    zoned = {r["grid_zone"]: r for r in records if r["kind"] != "cloud" and r["grid_zone"]}
    assert set(zoned) == set(zone_codes())
    assert len(zoned) == 352
    for record in zoned.values():
        assert record["intensity_year"] == 2025
        assert record["intensity_basis"] == "lifecycle"
        assert "Electricity Maps" in record["intensity_source"]
        assert "ODbL-1.0" in record["licence"]
    pinned = {r.code: r for r in list_regions(kind="zone", year=2023)}
    assert pinned["US-MIDA-PJM"].intensity_g_per_kwh == 401


def test_every_planner_label_resolves_to_its_region():
    # the app lists regions as "<name> (<code>)" (app/ui.py); each label must give back its own region
    for region in list_regions():
        assert get_region(f"{region.name} ({region.code})").code == region.code
    assert get_region("PJM Interconnection (PJM) (US-MIDA-PJM)").code == "US-MIDA-PJM"
    assert get_region("Iowa (us-central1) (gcp:us-central1)").code == "gcp:us-central1"
