"""fmfootprint.planner_tools: budgets stated several ways, iso-loss trade-offs, regions, carbon optima."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmfootprint import planner_tools as pt
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.scaling.allocate import (
    compute_optimal,
    frontier_compute_for_loss,
    inference_optimal,
    tokens_for_loss,
)
from fmfootprint.scaling.laws import ChinchillaLaw, get_law

# Explicit hardware (no catalog look-up): H100 SXM dense bf16 peak 989 TFLOP/s (NVIDIA H100 datasheet).
HARDWARE = {
    "gpus": 8,
    "mfu": 0.4,
    "peak_tflops": 989.0,
    "power_w": 700.0,
    "host_power_w": 1000.0,
    "pue": 1.1,
    "grid_intensity": 400.0,
    "wue": 0.5,
    "ewif": 3.0,
    "embodied_kg_per_gpu": 150.0,
    "server_embodied_kg": 2500.0,
    "gpus_per_server": 8,
    "lifetime_years": 5.0,
    "usage_fraction": 0.85,
}

# Sardana et al. (2024) Fig. 1 law.
SARDANA = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283, name="sardana-fig1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e24", 1e24),
        ("1,000", 1000.0),
        ("2.5T", 2.5e12),
        ("300B", 3e11),
        (" 70 M", 7e7),
        ("1_000k", 1e6),
        (".5", 0.5),
        (42, 42.0),
    ],
)
def test_parse_quantity_reads_what_people_type(text, expected) -> None:
    assert pt.parse_quantity("budget", text) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", "must be a number"),
        ("-5", "must be > 0"),
        ("0", "must be > 0"),
        ("", "empty"),
        ("1e400", "finite"),
        ("nan", "must be a number"),
        ("3 apples", "must be a number"),
    ],
)
def test_parse_quantity_rejects_bad_text_naming_the_field(text, fragment) -> None:
    with pytest.raises(FootprintInputError, match=fragment) as info:
        pt.parse_quantity("Budget (FLOP)", text)
    assert "Budget (FLOP)" in str(info.value)


def test_parse_quantity_allows_zero_when_asked() -> None:
    assert pt.parse_quantity("inference tokens", "0", allow_zero=True) == 0.0
    with pytest.raises(FootprintInputError, match=">= 0"):
        pt.parse_quantity("inference tokens", "-1", allow_zero=True)


def test_accelerator_days_budget_matches_hand_calculation() -> None:
    # 1,000 H100-days at 40 % MFU: 1000 d × 86,400 s/d × 989e12 FLOP/s × 0.4.
    expected = 1000 * 86_400 * 989e12 * 0.4
    flops = pt.budget_flops("accelerator_days", 1000, HARDWARE)
    assert flops == pytest.approx(expected, rel=1e-12)
    assert estimate(flops=flops, **HARDWARE).gpu_hours == pytest.approx(24_000, rel=1e-12)


@pytest.mark.parametrize("kind", ["energy_kwh", "co2e_kg"])
def test_footprint_caps_round_trip_through_the_estimator(kind) -> None:
    flops = pt.budget_flops(kind, 50_000, HARDWARE)
    assert getattr(estimate(flops=flops, **HARDWARE), kind) == pytest.approx(50_000, rel=1e-9)
    # Twice the cap, twice the compute (the estimator is proportional to FLOPs at fixed hardware).
    assert pt.budget_flops(kind, 100_000, HARDWARE) == pytest.approx(2 * flops, rel=1e-9)


def test_flops_budget_is_taken_as_is_and_bad_kinds_are_named() -> None:
    assert pt.budget_flops("flops", 3e23) == 3e23
    with pytest.raises(FootprintInputError, match="unknown budget kind 'gpu_days'"):
        pt.budget_flops("gpu_days", 1.0, HARDWARE)
    with pytest.raises(FootprintInputError, match="needs the accelerator"):
        pt.budget_flops("energy_kwh", 1.0, None)
    with pytest.raises(FootprintInputError, match="must be > 0"):
        pt.budget_flops("flops", -1.0)


def test_tokens_for_loss_reach_the_target_loss() -> None:
    law = get_law("hoffmann2022")
    params = np.geomspace(1e10, 1e12, 7)
    tokens = tokens_for_loss(params, 2.0, law)
    np.testing.assert_allclose(law.loss(params, tokens), 2.0, rtol=1e-12)
    # Too small to ever reach the loss: E + A/N^α ≥ ℓ.
    assert np.isinf(tokens_for_loss([1e3], 2.0, law)).all()
    with pytest.raises(FootprintInputError, match="irreducible"):
        tokens_for_loss([1e9], 1.5, law)


def test_inference_tradeoff_reproduces_sardana_fig1() -> None:
    # Sardana et al. (2024) Fig. 1: loss 2.0453 with 2T inference tokens → about 7B params, 1.25T tokens.
    table = pt.inference_tradeoff(2.0453, 2e12, SARDANA, params=np.geomspace(3e9, 2e10, 400))
    np.testing.assert_allclose(SARDANA.loss(table["params"], table["train_tokens"]), 2.0453, rtol=1e-12)
    np.testing.assert_allclose(
        table["lifetime_flops"],
        6 * table["params"] * table["train_tokens"] + 2 * table["params"] * 2e12,
        rtol=1e-12,
    )
    best = table.loc[table["lifetime_flops"].idxmin()]
    assert best["params"] == pytest.approx(7e9, rel=0.06)
    assert best["train_tokens"] == pytest.approx(1.25e12, rel=0.06)
    # The library's optimiser agrees with the tabulated minimum to the grid's resolution (0.5 %).
    exact = inference_optimal(2.0453, 2e12, SARDANA)
    assert best["params"] == pytest.approx(exact.params, rel=0.006)


def test_inference_tradeoff_default_grid_brackets_the_optimum_and_carbon_is_per_flop() -> None:
    law = get_law("hoffmann2022")
    table = pt.inference_tradeoff(2.1, 1e12, law, hardware=HARDWARE)
    chinchilla = compute_optimal(frontier_compute_for_loss(2.1, law), law).params
    assert (
        table["params"].min() < inference_optimal(2.1, 1e12, law).params < chinchilla < table["params"].max()
    )
    per_flop = estimate(flops=1e22, **HARDWARE).co2e_kg / 1e22
    np.testing.assert_allclose(table["co2e_kg"], table["lifetime_flops"] * per_flop, rtol=1e-9)
    assert math.isclose(
        table["train_flops"].iloc[0], 6 * table["params"].iloc[0] * table["train_tokens"].iloc[0]
    )


H100 = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}


def test_compare_regions_rows_are_the_estimator_and_sorted() -> None:
    table = pt.compare_regions(1e23, ["US-IA", "CA-QC", "fr", "FRA"], {**H100, "region": "US-IA"})
    assert list(table["region"]) == ["CA-QC", "FR", "US-IA"]  # aliases deduplicated, lowest carbon first
    for row in table.itertuples():
        expected = estimate(flops=1e23, **H100, region=row.region).to_dict()
        assert row.co2e_kg == expected["co2e_kg"]
        assert row.energy_kwh == expected["energy_kwh"]
        assert row.water_l == expected["water_l"]
        assert (row.co2e_kg_low, row.co2e_kg_high) == tuple(expected["ranges"]["co2e_kg"])
    with pytest.raises(FootprintInputError, match="unknown region"):
        pt.compare_regions(1e23, ["Atlantis"], H100)
    with pytest.raises(FootprintInputError, match="no regions"):
        pt.compare_regions(1e23, [], H100)


def test_compare_regions_applies_a_given_pue_everywhere() -> None:
    table = pt.compare_regions(1e23, ["US-IA", "CA-QC"], {**H100, "pue": 1.1})
    assert set(table["pue"]) == {1.1}


def test_carbon_optimal_picks_the_inference_optimal_model_in_the_cleanest_region() -> None:
    law = get_law("hoffmann2022")
    regions = ["US-IA", "CA-QC", "PL", "FR"]
    best = pt.carbon_optimal(2.1, law, {**H100, "region": "US-IA"}, regions, inference_tokens=2e12)
    exact = inference_optimal(2.1, 2e12, law)
    assert best.params == exact.params
    assert best.tokens == exact.tokens
    assert best.lifetime_flops == pytest.approx(exact.lifetime_flops, rel=1e-12)
    # The winner has the least lifetime carbon of every region compared, each one the estimator's figure.
    for code in regions:
        lifetime = estimate(flops=best.lifetime_flops, **H100, region=code).co2e_kg
        assert best.by_region[code] == pytest.approx(lifetime, rel=1e-12)
        assert best.co2e_kg <= lifetime
    assert best.region == min(best.by_region, key=best.by_region.get)
    # Moving along the iso-loss curve away from the optimum (either way) costs more carbon in that region.
    for factor in (0.7, 1.4):
        n = best.params * factor
        d = float(tokens_for_loss(n, 2.1, law))
        other = estimate(flops=6 * n * d + 2 * n * 2e12, **H100, region=best.region).co2e_kg
        assert other > best.co2e_kg
    # Baseline: Chinchilla-optimal model for the same loss, in the chosen region (Iowa).
    base = estimate(flops=exact.chinchilla_lifetime_flops, **H100, region="US-IA").co2e_kg
    assert best.baseline_co2e_kg == pytest.approx(base, rel=1e-12)
    assert 0 < best.saving_fraction < 1
    assert best.train_co2e_kg == pytest.approx(
        estimate(flops=best.train_flops, **H100, region=best.region).co2e_kg, rel=1e-12
    )
    assert best.to_dict()["region"] == best.region


def test_carbon_optimal_without_inference_is_chinchilla() -> None:
    law = get_law("hoffmann2022")
    best = pt.carbon_optimal(2.1, law, {**H100, "region": "CA-QC"}, ["CA-QC"])
    chinchilla = compute_optimal(frontier_compute_for_loss(2.1, law), law)
    assert best.params == pytest.approx(chinchilla.params, rel=1e-6)
    assert best.lifetime_flops == pytest.approx(best.train_flops, rel=1e-12)


def test_plan_with_hardware_is_plan_with_hardware_plus_any_estimator_setting() -> None:
    from fmfootprint.planning import plan

    hardware = {**H100, "region": "US-IA"}
    same = pt.plan_with_hardware(3e23, hardware)
    assert same == plan(compute_flops=3e23, law="hoffmann2022", hardware=hardware).to_dict()
    with_pue = pt.plan_with_hardware(
        3e23, {**hardware, "pue": 1.1}, law="muennighoff2023", unique_tokens=1e11
    )
    expected = plan(compute_flops=3e23, law="muennighoff2023", unique_tokens=1e11).to_dict()
    assert {k: v for k, v in with_pue.items() if k != "footprint"} == expected
    assert with_pue["footprint"] == estimate(flops=expected["compute_flops"], **hardware, pue=1.1).to_dict()
    assert with_pue["footprint"]["pue"] == 1.1


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers()))
def test_parse_quantity_never_fails_other_than_with_a_named_input_error(text) -> None:
    message = None
    try:
        value = pt.parse_quantity("Budget", text, allow_zero=True)
    except FootprintInputError as exc:
        message = str(exc)
    if message is None:
        assert math.isfinite(value)
        assert value >= 0
    else:
        assert message.startswith("Budget ")
        assert "\n" not in message


def test_footprint_cap_falls_back_to_root_finding_when_not_proportional(monkeypatch) -> None:
    class Fake:
        def __init__(self, flops: float) -> None:
            self.energy_kwh = 5.0 + flops * 1e-18  # a fixed overhead: not proportional to FLOPs

    monkeypatch.setattr(pt, "_estimate", lambda flops, hardware: Fake(flops))
    assert pt.flops_for_footprint("energy_kwh", 105.0, {}) == pytest.approx(1e20, rel=1e-9)
