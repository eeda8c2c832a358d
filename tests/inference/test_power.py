"""Step overheads, power from utilisation, and one query's accelerator energy (serving/power.py)."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.serving import constants, power
from fmfootprint.serving.query import inference

LLAMA_8B_H100 = {
    "params": 8.03e9,
    "active": 8.03e9,
    "bytes": 2.0,
    "kv": 131_072.0,
    "context": 700.0,
    "input": 500.0,
    "output": 400.0,
    "n": 1.0,
    "bandwidth": 3.35e12,
    "peak": 989.4e12,
    "tdp": 700.0,
    "layers": 32.0,
}


def test_power_rises_linearly_from_the_floor_to_the_peak() -> None:
    u = np.array([0.0, 0.25, 1.0, 1.7])
    fraction = power.power_fraction(0.6, 1.0, u)
    np.testing.assert_allclose(fraction, [0.6, 0.7, 1.0, 1.0])


def test_layers_match_llama_3_1_within_the_documented_error() -> None:
    np.testing.assert_allclose(power.layers([8.03e9, 405.9e9]), [32.0, 126.0], rtol=0.02)
    assert 60 < float(power.layers(70.6e9)) < 80  # 68 against 80 layers: stated in the docstring


def test_all_reduces_only_when_the_replica_spans_several_accelerators() -> None:
    one, four = power.step_overhead_s(80, [1, 4], 8, 70e-6, 45e-6, 30e-6)
    assert one == pytest.approx(80 * 70e-6 + 8 * 30e-6)
    assert four - one == pytest.approx(2 * 80 * 45e-6)


def test_utilisation_and_power_rise_with_batch_and_large_batches_turn_compute_bound() -> None:
    batch = np.array([1.0, 8.0, 64.0, 512.0, 4096.0])
    out = power.accelerator_query(LLAMA_8B_H100, batch, constants.FITTED)
    assert np.all(np.diff(out["utilisation"]) > 0)
    assert np.all(np.diff(out["power_w"]) > 0)
    assert np.all(np.diff(out["energy_j"]) < 0)  # the step is shared by more sequences
    assert out["power_w"][0] < 0.75 * 700 < out["power_w"][-1] <= 700
    # at batch 4096 the weight matmuls are compute-bound: the compute roof exceeds streaming the weights
    compute = power.decode_compute_s(8.03e9, 4096.0, 1, 989.4e12, constants.DECODE_COMPUTE_EFFICIENCY)
    assert compute > 16.06e9 / (3.35e12 * constants.MEMORY_EFFICIENCY)


def test_a_given_power_fraction_is_a_constant_draw() -> None:
    low = inference(8e9, gpu="H100", input_tokens=500, output_tokens=400, batch=8, power_fraction=0.5)
    high = inference(8e9, gpu="H100", input_tokens=500, output_tokens=400, batch=8, power_fraction=1.0)
    assert high.energy_accelerator_wh_per_query == pytest.approx(2 * low.energy_accelerator_wh_per_query)
    sources = {item.name: item.source for item in low.assumptions}
    assert sources["power_floor_fraction"] == sources["power_peak_fraction"] == "given (power_fraction)"
