"""inference(): a frozen result with ranges and sources; batch, precision, MoE, scope and site move it."""

from __future__ import annotations

import dataclasses

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.serving.query import inference
from fmfootprint.serving.result import RANGED_KEYS

QUERY = {"gpu": "H100", "input_tokens": 1000, "output_tokens": 500}


def test_result_is_frozen_with_every_range_and_source() -> None:
    result = inference(70e9, **QUERY, batch=64)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.batch_size = 1  # type: ignore[misc]
    for key in RANGED_KEYS:
        low, high = result.ranges[key]
        assert low <= getattr(result, key) <= high, key
    assert all(item.source for item in result.assumptions)
    names = {item.name for item in result.assumptions}
    assert {
        "memory_bandwidth_tb_s",
        "pue",
        "grid_intensity_g_per_kwh",
        "power_floor_fraction",
        "sequence_overhead_s",
    } <= names
    assert result.accelerators == 4
    data = result.to_dict()
    for key in (
        "energy_wh_per_query",
        "energy_j_per_output_token",
        "co2e_g_per_query",
        "water_ml_per_query",
        "latency_s",
        "accelerators",
        "ranges",
        "assumptions",
    ):
        assert key in data
    assert data["per_1000_queries"]["energy_wh"] == pytest.approx(1000 * result.energy_wh_per_query)


def test_totals_add_up() -> None:
    result = inference(8e9, **QUERY, batch=16, region="FR")
    assert result.co2e_g_per_query == pytest.approx(
        result.co2e_operational_g_per_query + result.co2e_embodied_g_per_query
    )
    assert (
        result.energy_wh_per_query >= result.energy_it_wh_per_query >= result.energy_accelerator_wh_per_query
    )
    assert result.energy_j_per_output_token == pytest.approx(result.energy_wh_per_query * 3600 / 500)


def test_bigger_batch_less_energy_more_latency() -> None:
    small, big = inference(70e9, **QUERY, batch=1), inference(70e9, **QUERY, batch=128)
    assert big.energy_wh_per_query < small.energy_wh_per_query / 10
    assert big.latency_s > small.latency_s


def test_fp8_halves_the_accelerators_and_cuts_energy() -> None:
    bf16, fp8 = inference(70e9, **QUERY, batch=8), inference(70e9, **QUERY, batch=8, precision="fp8")
    assert (bf16.accelerators, fp8.accelerators) == (4, 2)
    assert fp8.energy_wh_per_query < bf16.energy_wh_per_query
    int4 = inference(70e9, **QUERY, batch=8, precision="int4")
    assert int4.accelerators == 1


def test_moe_costs_less_than_dense_of_the_same_total_at_small_batch() -> None:
    dense = inference(46.7e9, **QUERY, batch=1)
    moe = inference(46.7e9, active_params=12.9e9, **QUERY, batch=1)
    assert moe.energy_wh_per_query < dense.energy_wh_per_query / 2
    assert moe.accelerators == dense.accelerators


def test_auto_batch_is_the_least_energy_that_meets_the_target() -> None:
    auto = inference(8e9, **QUERY, latency_target_s=30)
    assert auto.batch_auto
    assert auto.latency_s <= 30
    for batch in (1, 2, 4, 8, 16, 32, 64, 128):
        fixed = inference(8e9, **QUERY, batch=batch)
        assert auto.energy_wh_per_query <= fixed.energy_wh_per_query or fixed.latency_s > 30
    tight = inference(8e9, **QUERY, latency_target_s=0.001)
    assert tight.batch_size == 1
    assert tight.warnings


def test_scope_and_site() -> None:
    full = inference(8e9, **QUERY, batch=32, region="FR")
    acc = inference(8e9, **QUERY, batch=32, region="FR", scope="accelerator")
    assert acc.energy_it_wh_per_query == pytest.approx(acc.energy_accelerator_wh_per_query)
    assert full.energy_it_wh_per_query > 1.3 * acc.energy_it_wh_per_query
    dirty = inference(8e9, **QUERY, batch=32, grid_intensity_g_per_kwh=800)
    assert dirty.co2e_operational_g_per_query > 5 * full.co2e_operational_g_per_query
    assert full.region == "FR"


def test_lifecycle_stage_scales_queries() -> None:
    result = inference(8e9, **QUERY, batch=32)
    stage = result.to_stage(1e6)
    assert stage.stage == "inference"
    assert stage.energy_kwh == pytest.approx(result.energy_wh_per_query * 1e6 / 1000)
    assert stage.co2e_kg == pytest.approx(result.co2e_g_per_query * 1e6 / 1000)
    low, high = stage.ranges["energy_kwh"]
    assert low <= stage.energy_kwh <= high


def test_user_errors() -> None:
    with pytest.raises(UnknownNameError, match="precision"):
        inference(8e9, **QUERY, precision="fp4")
    with pytest.raises(UnknownNameError):
        inference(8e9, gpu="H1000", input_tokens=1, output_tokens=1)
    with pytest.raises(FootprintInputError, match="active_params"):
        inference(8e9, active_params=9e9, **QUERY)
    with pytest.raises(FootprintInputError, match="do not fit"):
        inference(405e9, **QUERY, accelerators=1)
    with pytest.raises(FootprintInputError, match="batch"):
        inference(8e9, **QUERY, batch="many")
    with pytest.raises(FootprintInputError, match="output_tokens"):
        inference(8e9, gpu="H100", input_tokens=10, output_tokens=0)


def test_public_api_is_the_function_even_after_the_package_loads() -> None:
    import fmfootprint
    import fmfootprint.serving.query as query

    assert fmfootprint.inference is query.inference
    assert isinstance(fmfootprint.inference(8e9, **QUERY, batch=4), fmfootprint.InferenceResult)


def test_a_chip_without_bf16_runs_16_bit_at_its_fp16_peak() -> None:
    result = inference(7e9, gpu="V100", input_tokens=100, output_tokens=100, batch=4)
    used = {item.name: item.value for item in result.assumptions}
    assert used["peak_tflops_fp16"] == 125.0
