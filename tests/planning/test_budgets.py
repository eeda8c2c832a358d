"""fmfootprint.planning.budgets: a budget stated in FLOPs, accelerator-days, kWh or kg CO2e → FLOPs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.planning import budgets
from fmfootprint.planning.budgets import budget_flops, flops_for_footprint

# Explicit hardware (no catalog look-up): H100 SXM dense bf16 peak 989 TFLOP/s (NVIDIA H100 datasheet).
HARDWARE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "planning" / "explicit_hardware.json").read_text()
)


def test_accelerator_days_budget_matches_hand_calculation() -> None:
    # 1,000 H100-days at 40 % MFU: 1000 d × 86,400 s/d × 989e12 FLOP/s × 0.4.
    expected = 1000 * 86_400 * 989e12 * 0.4
    flops = budget_flops("accelerator_days", 1000, HARDWARE)
    assert flops == pytest.approx(expected, rel=1e-12)
    assert estimate(flops=flops, **HARDWARE).gpu_hours == pytest.approx(24_000, rel=1e-12)


@pytest.mark.parametrize("kind", ["energy_kwh", "co2e_kg"])
def test_footprint_caps_round_trip_through_the_estimator(kind) -> None:
    flops = budget_flops(kind, 50_000, HARDWARE)
    assert getattr(estimate(flops=flops, **HARDWARE), kind) == pytest.approx(50_000, rel=1e-9)
    # Twice the cap, twice the compute (the estimator is proportional to FLOPs at fixed hardware).
    assert budget_flops(kind, 100_000, HARDWARE) == pytest.approx(2 * flops, rel=1e-9)


def test_flops_budget_is_taken_as_is_and_bad_kinds_are_named() -> None:
    assert budget_flops("compute_flops", 3e23) == 3e23
    with pytest.raises(FootprintInputError, match="'accelerator_day'; did you mean accelerator_days"):
        budget_flops("accelerator_day", 1.0, HARDWARE)
    with pytest.raises(FootprintInputError, match="needs the accelerator"):
        budget_flops("energy_kwh", 1.0, None)
    with pytest.raises(FootprintInputError, match="must be > 0"):
        budget_flops("compute_flops", -1.0)


def test_water_cap_and_unknown_quantities() -> None:
    flops = flops_for_footprint("water_l", 1e6, HARDWARE)
    assert estimate(flops=flops, **HARDWARE).water_l == pytest.approx(1e6, rel=1e-9)
    with pytest.raises(FootprintInputError, match="unknown footprint quantity 'energy'"):
        flops_for_footprint("energy", 1.0, HARDWARE)
    with pytest.raises(FootprintInputError, match="does not grow with compute"):
        flops_for_footprint(
            "co2e_kg",
            1.0,
            {**HARDWARE, "grid_intensity": 0.0, "embodied_kg_per_gpu": 0.0, "server_embodied_kg": 0.0},
        )


def test_footprint_cap_falls_back_to_root_finding_when_not_proportional(monkeypatch) -> None:
    class Fake:
        def __init__(self, flops: float) -> None:
            self.energy_kwh = 5.0 + flops * 1e-18  # a fixed overhead: not proportional to FLOPs

    monkeypatch.setattr(budgets, "estimate_at", lambda flops, settings: Fake(flops))
    assert flops_for_footprint("energy_kwh", 105.0, {}) == pytest.approx(1e20, rel=1e-9)
