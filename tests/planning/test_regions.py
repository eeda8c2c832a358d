"""fmfootprint.planning.regions: the same run in several regions, each row the estimator's own result."""

from __future__ import annotations

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.planning import COMPARISON_REGIONS, compare_regions
from fmfootprint.planning.regions import ROW_KEYS

H100 = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}


def test_compare_regions_rows_are_the_estimator_and_sorted() -> None:
    table = compare_regions(1e23, ["US-IA", "CA-QC", "fr", "FRA"], {**H100, "region": "US-IA"})
    # aliases once, lowest carbon first (Electricity Maps 2025: FR 31, CA-QC 41; US-IA its MISO zone 501)
    assert [row.region for row in table] == ["FR", "CA-QC", "US-IA"]
    for row in table:
        assert row.estimate == estimate(flops=1e23, **H100, region=row.region)
        flat = row.to_dict()
        assert (flat["co2e_kg_low"], flat["co2e_kg_high"]) == row.estimate.ranges["co2e_kg"]
    with pytest.raises(FootprintInputError, match="unknown region"):
        compare_regions(1e23, ["Atlantis"], H100)
    with pytest.raises(FootprintInputError, match="no regions"):
        compare_regions(1e23, [], H100)


def test_compare_regions_applies_a_given_pue_everywhere() -> None:
    table = compare_regions(1e23, ["US-IA", "CA-QC"], {**H100, "pue": 1.1})
    assert {row.estimate.pue for row in table} == {1.1}


def test_compare_regions_frame_and_dict_carry_the_rows() -> None:
    table = compare_regions(1e23, COMPARISON_REGIONS, H100)
    assert len(table) == len(COMPARISON_REGIONS)
    frame = table.to_frame()
    assert list(frame.columns) == list(ROW_KEYS)
    assert list(frame["region"]) == [row.region for row in table]
    assert list(frame["co2e_kg"]) == sorted(frame["co2e_kg"])
    assert table.to_dict()[0] == table.best.to_dict()
    assert table.row("ca-qc").region == "CA-QC"
    with pytest.raises(FootprintInputError, match="not in this comparison"):
        compare_regions(1e23, ["FR"], H100).row("DE")
