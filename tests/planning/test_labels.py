"""fmfootprint.planning.labels: human rows for the assumptions and the region comparison."""

from __future__ import annotations

import pytest

from fmfootprint.planning import compare_regions, plan
from fmfootprint.planning.labels import REGION_COLUMNS, assumption_rows, region_rows
from fmfootprint.units import format_number

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def test_assumptions_have_human_labels_and_name_the_budget_kind() -> None:
    rows = {row["Assumption"]: row for row in assumption_rows(plan(accelerator_days=1000, hardware=HARDWARE))}
    assert "Compute budget" in rows
    assert "flops" not in rows
    assert rows["Compute budget"]["Source"] == "accelerator-days: given (1,000 accelerator-days)"
    assert rows["Grid carbon intensity"]["Unit"] == "gCO2e/kWh"
    assert rows["Number of accelerators"]["Value"] == "8"
    flops = {r["Assumption"]: r for r in assumption_rows(plan(compute_flops=1e23, hardware=HARDWARE))}
    assert flops["Compute budget"]["Source"] == "given"
    assert assumption_rows(plan(compute_flops=1e23)) == []


def test_region_rows_use_the_headline_units() -> None:
    comparison = compare_regions(1e24, ["US-IA", "CA-QC"], HARDWARE)
    rows = region_rows(comparison)
    assert list(rows[0]) == list(REGION_COLUMNS)
    assert rows[0]["Region"] == "Quebec (CA-QC)"  # lowest carbon first
    iowa = comparison.row("US-IA").estimate
    assert rows[1]["Carbon [t CO2e]"] == format_number(iowa.co2e_kg / 1000)
    assert rows[1]["Energy [MWh]"] == format_number(iowa.energy_kwh / 1000)
    assert rows[1]["Water [m³]"] == format_number(iowa.water_l / 1000)
    assert "," in rows[1]["Water [m³]"]  # 1e24 FLOP use thousands of m³ → separators
    low, high = comparison.row("US-IA").co2e_kg_range
    assert rows[1]["Carbon range [t CO2e]"] == f"{format_number(low / 1000)} – {format_number(high / 1000)}"
    assert float(rows[1]["Carbon [t CO2e]"].replace(",", "")) == pytest.approx(iowa.co2e_kg / 1000, rel=1e-2)
