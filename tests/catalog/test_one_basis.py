"""One intensity basis per comparison (issue 15): every default is lifecycle; mixed bases are refused.

US states default to the Electricity Maps zone of the balancing authority serving most of their load
(``scripts/tables/state_zones.csv``), Canadian provinces to their own zone; the direct eGRID2016 / CER 2023
values stay selectable with ``intensity_source="catalog"``, labelled ``direct``, and the region
comparison, the carbon-optimal pick and the merge of runs refuse to set them beside lifecycle values.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from fmfootprint.catalog import get_region, list_regions
from fmfootprint.catalog.basis import basis_of_source, require_one_basis
from fmfootprint.catalog.zones import zone_value
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.site import resolve_site
from fmfootprint.measure.combine import combine
from fmfootprint.measure.summary import session_summary
from fmfootprint.planning.carbon import carbon_optimal
from fmfootprint.planning.regions import compare_regions
from fmfootprint.scaling.laws import get_law

TABLES = Path(__file__).resolve().parents[2] / "scripts" / "tables"
H100 = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}


def test_every_pair_of_catalog_locations_has_one_basis_by_default():
    regions = list_regions()
    assert len(regions) == 553
    by_code = {r.code: get_region(r.code).intensity_basis for r in regions}  # the lookup path too
    pairs = 0
    for (a, basis_a), (b, basis_b) in itertools.combinations(by_code.items(), 2):
        assert basis_a == basis_b, (a, basis_a, b, basis_b)
        pairs += 1
    assert pairs == 553 * 552 // 2
    assert set(by_code.values()) == {"lifecycle"}
    # and the estimator's site says so for each (year and basis in the intensity's source)
    for code in ("US-IA", "US-WY", "CA-QC", "FR", "gcp:us-central1", "azure:westus2", "aws:us-gov-east-1"):
        site = resolve_site(code)
        assert site.intensity_basis == "lifecycle"
        assert basis_of_source(site.sources["grid_intensity_g_per_kwh"]) == "lifecycle"


def test_us_states_take_the_zone_of_their_balancing_authority_each_row_sourced():
    with (TABLES / "state_zones.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 51  # 50 states and DC
    for row in rows:
        assert row["reason"]
        assert row["source"] == "SRC_EIA861_BA"
        region = get_region(row["state"])
        assert region.grid_zone == row["zone"]
        assert region.intensity_g_per_kwh == zone_value(row["zone"]).intensity_g_per_kwh
        assert (region.intensity_basis, region.intensity_year) == ("lifecycle", 2025)
    # Electricity Maps 2025 yearly averages: MISO 501, CAISO 208, ERCOT 363, NYISO 314 g/kWh
    assert {s: get_region(s).intensity_g_per_kwh for s in ("US-IA", "US-CA", "US-TX", "US-NY")} == {
        "US-IA": 501,
        "US-CA": 208,
        "US-TX": 363,
        "US-NY": 314,
    }
    assert get_region("CA-QC").intensity_g_per_kwh == 41  # Electricity Maps 2025, zone CA-QC


def test_the_direct_values_stay_selectable_and_labelled():
    iowa = get_region("US-IA", intensity_source="catalog")
    # eGRID2016 Iowa 997.86 lb/MWh x 0.45359237 = 452.6 g/kWh, direct combustion
    assert (iowa.intensity_g_per_kwh, iowa.intensity_year, iowa.intensity_basis) == (452.621, 2016, "direct")
    quebec = get_region("CA-QC", intensity_source="catalog")
    assert (quebec.intensity_basis, quebec.intensity_year) == ("direct", 2023)
    site = resolve_site("US-IA", intensity_source="catalog")
    assert site.intensity_basis == "direct"
    assert site.sources["grid_intensity_g_per_kwh"].startswith("US-IA (2016, direct")
    direct = [r.code for r in list_regions(intensity_source="catalog") if r.intensity_basis == "direct"]
    in_states = {
        r.code
        for r in list_regions(intensity_source="catalog")
        if r.kind == "subdivision"
        or (r.provider in ("aws", "azure") and r.location_code[:3] in ("US-", "CA-"))
    }
    assert set(direct) == in_states  # 51 eGRID rows, 13 provinces, the AWS/Azure regions located there
    assert len(direct) == 83


def test_compare_regions_refuses_a_mixed_pair_naming_both():
    with pytest.raises(FootprintInputError, match=r"US-IA is direct, FR is lifecycle"):
        compare_regions(1e23, ["US-IA", "FR"], {**H100, "intensity_source": "catalog"})
    with pytest.raises(FootprintInputError, match=r"CA-QC is direct, FR is lifecycle|FR is lifecycle, CA-QC"):
        compare_regions(1e23, ["CA-QC", "FR"], {**H100, "intensity_source": "catalog"})
    # one basis is fine: two direct values, or the default (lifecycle everywhere), or one given intensity
    both_direct = compare_regions(1e23, ["US-IA", "CA-QC"], {**H100, "intensity_source": "catalog"})
    assert [row.region for row in both_direct] == ["CA-QC", "US-IA"]
    assert len(compare_regions(1e23, ["US-IA", "FR"], H100)) == 2
    assert len(compare_regions(1e23, ["US-IA", "FR"], {**H100, "grid_intensity": 100.0})) == 2


def test_carbon_optimal_refuses_a_mixed_pair():
    law = get_law("hoffmann2022")
    with pytest.raises(FootprintInputError, match="across intensity bases"):
        carbon_optimal(2.1, law, {**H100, "region": "US-IA", "intensity_source": "catalog"}, ["FR"])
    best = carbon_optimal(2.1, law, {**H100, "region": "US-IA"}, ["FR"])
    assert best.region == "FR"


def _session(region: str, session: str, **site_options: str) -> object:
    site = resolve_site(region, **site_options).to_dict()
    start = {
        "type": "start", "session_id": session, "time": 1.7e9, "project": "p", "stage": "final",
        "interval_s": 1.0, "site": site, "rank": {"hostname": session},
        "gpus": [{"index": 0, "uuid": f"GPU-{session}", "name": "NVIDIA H100 80GB HBM3",
                  "method": "energy_counter"}],
    }  # fmt: skip
    readings = [{"uuid": f"GPU-{session}", "energy_j": 3.6e6, "method": "energy_counter"}]
    sample = {"elapsed_s": 3600.0, "cpu_energy_kwh": 0.1, "ram_energy_kwh": 0.05, "gpus": readings}
    return session_summary(start, sample, {"exit_code": 0, "elapsed_s": 3600.0})


def test_merge_across_regions_refuses_mixed_bases():
    lifecycle = _session("FR", "a")
    direct = _session("US-IA", "b", intensity_source="catalog")
    with pytest.raises(
        FootprintInputError, match="cannot merge runs across intensity bases: FR is lifecycle"
    ):
        combine([lifecycle, direct])
    merged = combine([lifecycle, _session("US-IA", "c")])  # both lifecycle by default
    assert merged.region == "FR+US-IA"


def test_require_one_basis_leaves_given_values_out():
    assert require_one_basis([("a", None), ("b", "direct"), ("c", "direct")], what="x") == "direct"
    assert require_one_basis([("a", None)], what="x") is None
    assert basis_of_source("given") is None
    assert basis_of_source("default (no region given): ...") == "lifecycle"


def test_every_compared_intensity_shows_its_basis_and_year(capsys):
    from fmfootprint.cli.main import main
    from fmfootprint.planning.labels import region_rows

    comparison = compare_regions(1e23, ["US-IA", "CA-QC"], H100)
    assert [row["Grid basis"] for row in region_rows(comparison)] == ["lifecycle, 2025", "lifecycle, 2025"]
    assert comparison.to_dict()[0]["intensity_basis"] == "lifecycle"
    assert comparison.to_dict()[0]["intensity_year"] == 2025
    direct = compare_regions(1e23, ["US-IA"], {**H100, "intensity_source": "catalog"})
    assert region_rows(direct)[0]["Grid basis"] == "direct, 2016"  # eGRID2016
    given = compare_regions(1e23, ["US-IA"], {**H100, "grid_intensity": 100.0})
    assert region_rows(given)[0]["Grid basis"] == "given"
    base = ["estimate", "--gpu", "H100", "--gpus", "8", "--hours", "10", "--region", "US-IA"]
    assert main(base) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("grid intensity"))
    assert line.startswith("grid intensity           501 gCO2e/kWh")
    assert line.endswith("(lifecycle, 2025)")
    assert main([*base, "--intensity-source", "catalog"]) == 0
    assert "(direct, 2016)" in capsys.readouterr().out
