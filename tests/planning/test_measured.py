"""fmfootprint.planning.measured: a plan's footprint beside a tracked run's totals, with the ratio."""

from __future__ import annotations

import json

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.planning import plan
from fmfootprint.planning.measured import QUANTITIES, planned_vs_measured

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "FR"}


def test_each_quantity_side_by_side_with_measured_over_planned() -> None:
    planned = plan(compute_flops=1e21, hardware=HARDWARE)
    run = {"gpu_hours": 50.0, "duration_s": 7200.0, "energy_kwh": 40.0, "co2e_kg": 3.0, "water_l": None}
    rows = {row.key: row for row in planned_vs_measured(planned, run)}
    assert list(rows) == [q[0] for q in QUANTITIES]
    footprint = planned.footprint
    assert rows["energy_kwh"].planned == pytest.approx(footprint.energy_kwh / 1000)
    assert rows["energy_kwh"].measured == pytest.approx(0.04)
    assert rows["energy_kwh"].ratio == pytest.approx(40.0 / footprint.energy_kwh)
    assert rows["hours"].measured == pytest.approx(2.0)  # 7,200 s
    assert rows["hours"].ratio == pytest.approx(2.0 / footprint.hours)
    assert rows["co2e_kg"].unit == "t CO2e"
    # Unknown on one side: None, never 0.
    assert rows["water_l"].measured is None
    assert rows["water_l"].ratio is None
    assert rows["co2e_operational_kg"].measured is None
    # The plan's JSON (as saved by the app or `plan --json`) gives the same rows.
    saved = json.loads(json.dumps(planned.to_dict()))
    assert planned_vs_measured(saved, run) == planned_vs_measured(planned, run)
    assert rows["gpu_hours"].to_dict()["ratio"] == pytest.approx(50.0 / footprint.gpu_hours)


def test_a_plan_without_footprint_is_refused() -> None:
    with pytest.raises(FootprintInputError, match="no footprint"):
        planned_vs_measured(plan(compute_flops=1e21), {"energy_kwh": 1.0})
    with pytest.raises(FootprintInputError, match="JSON object"):
        planned_vs_measured([1, 2], {})
