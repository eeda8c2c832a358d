"""fmfootprint.planning.carbon: the model and region with the least lifetime carbon for a loss."""

from __future__ import annotations

import pytest

from fmfootprint.footprint.estimate import estimate
from fmfootprint.planning import carbon_optimal
from fmfootprint.scaling.allocate import (
    compute_optimal,
    frontier_compute_for_loss,
    inference_optimal,
    tokens_for_loss,
)
from fmfootprint.scaling.laws import get_law
from fmfootprint.serving import inference

H100 = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}


def _per_token(params: float, region: str) -> float:
    """The serving model's carbon per token for the planner's reference query (1,000 in, 500 out)."""
    query = inference(params, gpu="H100 SXM", input_tokens=1000, output_tokens=500, region=region)
    return query.co2e_g_per_query / 1500.0


def test_carbon_optimal_picks_the_inference_optimal_model_in_the_cleanest_region() -> None:
    law = get_law("hoffmann2022")
    regions = ["US-IA", "CA-QC", "PL", "FR"]
    best = carbon_optimal(2.1, law, {**H100, "region": "US-IA"}, regions, inference_tokens=2e12)
    exact = inference_optimal(2.1, 2e12, law)
    assert best.params == exact.params
    assert best.tokens == exact.tokens
    assert best.lifetime_flops == pytest.approx(exact.lifetime_flops, rel=1e-12)
    # The winner has the least lifetime carbon of every region compared: the estimator's training carbon
    # plus the serving model's carbon per token × the inference tokens (the lifecycle's inference stage).
    for code in regions:
        train = estimate(flops=best.train_flops, **H100, region=code).co2e_kg
        per_token = _per_token(best.params, code)
        assert best.serving_g_per_token[code] == pytest.approx(per_token, rel=1e-12)
        assert best.by_region[code] == pytest.approx(train + 2e12 * per_token / 1000.0, rel=1e-12)
        assert best.co2e_kg <= best.by_region[code]
    assert best.region == min(best.by_region, key=best.by_region.get)
    assert best.inference_co2e_kg == pytest.approx(2e12 * _per_token(best.params, best.region) / 1000.0)
    # The serving model, not 2·N FLOPs at 40 % MFU, prices the tokens.
    flop_priced = estimate(flops=2 * best.params * 2e12, **H100, region=best.region).co2e_kg
    assert best.inference_co2e_kg != pytest.approx(flop_priced, rel=0.05)
    # Moving along the iso-loss curve away from the optimum (either way) costs more carbon in that region.
    for factor in (0.7, 1.4):
        n = best.params * factor
        d = float(tokens_for_loss(n, 2.1, law))
        other = estimate(flops=6 * n * d, **H100, region=best.region).co2e_kg
        other += 2e12 * _per_token(n, best.region) / 1000.0
        assert other > best.co2e_kg
    # Baseline: Chinchilla-optimal model for the same loss, in the chosen region (Iowa).
    chin_train = 6 * exact.chinchilla_params * exact.chinchilla_tokens
    base = estimate(flops=chin_train, **H100, region="US-IA").co2e_kg
    base += 2e12 * _per_token(exact.chinchilla_params, "US-IA") / 1000.0
    assert best.baseline_co2e_kg == pytest.approx(base, rel=1e-12)
    assert 0 < best.saving_fraction < 1
    assert best.train_co2e_kg == pytest.approx(
        estimate(flops=best.train_flops, **H100, region=best.region).co2e_kg, rel=1e-12
    )
    assert best.to_dict()["by_region"] == best.by_region
    assert sorted(best.by_region) == sorted(row.region for row in best.regions)
    assert list(best.by_region.values()) == sorted(best.by_region.values())


def test_carbon_optimal_without_inference_is_chinchilla() -> None:
    law = get_law("hoffmann2022")
    best = carbon_optimal(2.1, law, {**H100, "region": "CA-QC"}, ["CA-QC"])
    chinchilla = compute_optimal(frontier_compute_for_loss(2.1, law), law)
    assert best.params == pytest.approx(chinchilla.params, rel=1e-6)
    assert best.lifetime_flops == pytest.approx(best.train_flops, rel=1e-12)


def test_explicit_hardware_without_a_catalog_accelerator_prices_serving_as_flops() -> None:
    law = get_law("hoffmann2022")
    hw = {"gpus": 8, "mfu": 0.4, "peak_tflops": 989.0, "power_w": 700.0, "grid_intensity": 400.0}
    best = carbon_optimal(2.1, law, hw, ["FR"], inference_tokens=2e12)
    assert best.serving_g_per_token is None
    lifetime = estimate(flops=best.lifetime_flops, **hw, region="FR").co2e_kg
    assert best.co2e_kg == pytest.approx(lifetime, rel=1e-12)
