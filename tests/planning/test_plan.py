"""fmfootprint.planning.plan: the planned model for a budget, a size or a loss, and its footprint."""

from __future__ import annotations

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.planning import budget_flops, plan
from fmfootprint.scaling.allocate import compute_optimal, data_constrained_optimal
from fmfootprint.scaling.laws import PRESETS

PLAN_KEYS = {"compute_flops", "params", "tokens", "loss", "tokens_per_param", "law"}
H100 = {"gpu": "H100", "gpus": 64, "mfu": 0.4, "region": "FR"}


def test_plan_compute_calls_the_library() -> None:
    result = plan(compute_flops=1e23, law="besiroglu2024")
    expected = compute_optimal(1e23, PRESETS["besiroglu2024"])
    assert result.params == expected.params
    assert result.law == "besiroglu2024"
    assert set(result.to_dict()) >= PLAN_KEYS


def test_plan_params_and_target_loss_modes() -> None:
    law = PRESETS["besiroglu2024"]  # the default
    alloc = compute_optimal(1e22, law)
    by_size = plan(params=alloc.params)
    assert by_size.tokens == pytest.approx(alloc.tokens, rel=1e-9)
    by_loss = plan(target_loss=alloc.loss)
    assert by_loss.compute_flops == pytest.approx(1e22, rel=1e-7)


def test_plan_unique_tokens_defaults_to_muennighoff() -> None:
    result = plan(compute_flops=1e22, unique_tokens=25e9)
    assert result.law == "muennighoff2023"
    assert plan(compute_flops=1e22).law == "besiroglu2024"
    with pytest.raises(FootprintInputError, match="no data-constrained constants"):
        plan(compute_flops=1e22, unique_tokens=25e9, law="hoffmann2022")


def test_plan_data_constrained() -> None:
    result = plan(compute_flops=1e22, unique_tokens=25e9, law="muennighoff2023")
    assert result.params == data_constrained_optimal(1e22, 25e9, PRESETS["muennighoff2023"]).params
    assert result.to_dict()["unique_tokens"] == 25e9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one"),
        ({"accelerator_days": 10, "params": 1e9}, "exactly one"),
        ({"compute_flops": 1e22, "params": 1e9}, "exactly one"),
        ({"compute_flops": 0}, "compute_flops must be > 0"),
        ({"compute_flops": float("nan")}, "compute_flops must be finite"),
        ({"params": -1}, "params must be > 0"),
        ({"params": float("inf")}, "params must be finite"),
        ({"target_loss": 0}, "target_loss must be > 0"),
        ({"target_loss": 1.0}, "irreducible loss"),
        ({"compute_flops": 1e22, "inference_tokens": 1e12}, "inference_tokens needs target_loss"),
        ({"compute_flops": 1e22, "unique_tokens": -5, "law": "muennighoff2023"}, "unique_tokens must be > 0"),
        ({"compute_flops": 1e22, "law": "kaplan2020"}, "kaplan2020"),
    ],
)
def test_plan_bad_input(kwargs, message) -> None:
    with pytest.raises(FootprintInputError, match=message):
        plan(**kwargs)


def test_plan_unknown_law_is_a_value_error() -> None:
    with pytest.raises(UnknownNameError, match="valid laws: hoffmann2022"):
        plan(compute_flops=1e22, law="chinchila")


def test_plan_with_hardware_holds_the_estimate_and_nests_its_json() -> None:
    result = plan(compute_flops=1e22, hardware=H100)
    expected = estimate(flops=1e22, **H100)
    assert result.footprint == expected
    assert result.to_dict()["footprint"] == expected.to_dict()
    assert "budget" not in result.to_dict()  # a budget in FLOPs is the plan's compute_flops already
    # Other estimate() settings pass through; None means "not set".
    with_pue = plan(compute_flops=1e22, hardware={**H100, "pue": 1.1, "precision": None})
    assert with_pue.footprint == estimate(flops=1e22, **H100, pue=1.1)
    assert plan(compute_flops=1e22).footprint is None


@pytest.mark.parametrize(("key", "suggestion"), [("cpu", "gpu"), ("flops", "peak_tflops"), ("hours", None)])
def test_plan_rejects_unknown_hardware_keys_naming_them(key, suggestion) -> None:
    with pytest.raises(UnknownNameError, match=f"unknown hardware key '{key}'") as info:
        plan(compute_flops=1e22, hardware={**H100, key: 1})
    if suggestion:
        assert suggestion in info.value.suggestions


@pytest.mark.parametrize(
    ("kind", "value"), [("accelerator_days", 1000.0), ("energy_kwh", 2e5), ("co2e_kg", 5e4)]
)
def test_plan_takes_every_budget_kind(kind, value) -> None:
    result = plan(**{kind: value}, hardware=H100)
    flops = budget_flops(kind, value, H100)
    assert result.compute_flops == pytest.approx(flops, rel=1e-12)
    assert result.params == pytest.approx(compute_optimal(flops, PRESETS["besiroglu2024"]).params, rel=1e-9)
    assert (result.budget_kind, result.budget, result.mode) == (kind, value, "compute")
    assert result.to_dict()["budget"]["kind"] == kind
    if kind != "accelerator_days":
        assert getattr(result.footprint, kind) == pytest.approx(value, rel=1e-9)
    else:
        assert result.footprint.gpu_hours == pytest.approx(24 * value, rel=1e-9)


def test_a_budget_in_accelerator_days_needs_hardware() -> None:
    with pytest.raises(FootprintInputError, match="needs the accelerator"):
        plan(accelerator_days=1000)
