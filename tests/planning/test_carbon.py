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

H100 = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}


def test_carbon_optimal_picks_the_inference_optimal_model_in_the_cleanest_region() -> None:
    law = get_law("hoffmann2022")
    regions = ["US-IA", "CA-QC", "PL", "FR"]
    best = carbon_optimal(2.1, law, {**H100, "region": "US-IA"}, regions, inference_tokens=2e12)
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
    assert best.to_dict()["by_region"] == best.by_region
    assert list(best.by_region) == [row.region for row in best.regions]


def test_carbon_optimal_without_inference_is_chinchilla() -> None:
    law = get_law("hoffmann2022")
    best = carbon_optimal(2.1, law, {**H100, "region": "CA-QC"}, ["CA-QC"])
    chinchilla = compute_optimal(frontier_compute_for_loss(2.1, law), law)
    assert best.params == pytest.approx(chinchilla.params, rel=1e-6)
    assert best.lifetime_flops == pytest.approx(best.train_flops, rel=1e-12)
