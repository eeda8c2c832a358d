"""fmfootprint.planning.inference: sizes along one iso-loss curve, with lifetime compute and carbon."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.planning import inference_tradeoff
from fmfootprint.scaling.allocate import (
    compute_optimal,
    frontier_compute_for_loss,
    inference_optimal,
    tokens_for_loss,
)
from fmfootprint.scaling.laws import ChinchillaLaw, get_law

# Explicit hardware (no catalog look-up): H100 SXM dense bf16 peak 989 TFLOP/s (NVIDIA H100 datasheet).
HARDWARE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "planning" / "explicit_hardware.json").read_text()
)

# Sardana et al. (2024) Fig. 1 law.
SARDANA = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283, name="sardana-fig1")


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
    table = inference_tradeoff(2.0453, 2e12, SARDANA, params=np.geomspace(3e9, 2e10, 400))
    np.testing.assert_allclose(SARDANA.loss(table.params, table.train_tokens), 2.0453, rtol=1e-12)
    np.testing.assert_allclose(
        table.lifetime_flops, 6 * table.params * table.train_tokens + 2 * table.params * 2e12, rtol=1e-12
    )
    best = table.best_index
    assert table.params[best] == pytest.approx(7e9, rel=0.06)
    assert table.train_tokens[best] == pytest.approx(1.25e12, rel=0.06)
    # The library's optimiser agrees with the tabulated minimum to the grid's resolution (0.5 %).
    exact = inference_optimal(2.0453, 2e12, SARDANA)
    assert table.params[best] == pytest.approx(exact.params, rel=0.006)


def test_inference_tradeoff_default_grid_brackets_the_optimum_and_carbon_is_per_flop() -> None:
    law = get_law("hoffmann2022")
    table = inference_tradeoff(2.1, 1e12, law, hardware=HARDWARE)
    chinchilla = compute_optimal(frontier_compute_for_loss(2.1, law), law).params
    assert table.params.min() < inference_optimal(2.1, 1e12, law).params < chinchilla < table.params.max()
    per_flop = estimate(flops=1e22, **HARDWARE).co2e_kg / 1e22
    np.testing.assert_allclose(table.co2e_kg, table.lifetime_flops * per_flop, rtol=1e-9)
    assert math.isclose(table.train_flops[0], 6 * table.params[0] * table.train_tokens[0])
    frame = table.to_frame()
    np.testing.assert_array_equal(frame["co2e_kg"], table.co2e_kg)


def test_inference_tradeoff_without_serving_or_hardware() -> None:
    table = inference_tradeoff(2.1, 0, "hoffmann2022")
    assert table.co2e_kg is None
    assert "co2e_kg" not in table.to_frame()
    np.testing.assert_array_equal(table.inference_flops, 0.0)
    np.testing.assert_array_equal(table.lifetime_flops, table.train_flops)
    with pytest.raises(FootprintInputError, match="inference_tokens must be >= 0"):
        inference_tradeoff(2.1, -1, "hoffmann2022")


def test_inference_tradeoff_on_a_catalog_accelerator_serves_through_the_serving_model() -> None:
    from fmfootprint.serving import inference

    hw = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "FR"}
    sizes = np.array([1e9, 8e9, 70e9])
    table = inference_tradeoff(2.1, 1e12, "hoffmann2022", hardware=hw, params=sizes)
    per_flop = estimate(flops=1e21, **hw).co2e_kg / 1e21
    assert table.serving_g_per_token is not None
    assert table.co2e_kg is not None
    for i, size in enumerate(table.params):
        query = inference(size, gpu="H100 SXM", input_tokens=1000, output_tokens=500, region="FR")
        per_token = query.co2e_g_per_query / 1500.0
        assert table.serving_g_per_token[i] == pytest.approx(per_token, rel=1e-12)
        serving_kg = 1e12 * per_token / 1000.0
        assert table.co2e_kg[i] == pytest.approx(table.train_flops[i] * per_flop + serving_kg, rel=1e-9)
    # A bigger model costs more to serve per token.
    assert np.all(np.diff(table.serving_g_per_token) > 0)
