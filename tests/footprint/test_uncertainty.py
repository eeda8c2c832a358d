"""Uncertainty: factor ranges, corner bounds (interval arithmetic) and seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.uncertainty import Factor, bounds, monte_carlo, sample_factors


@pytest.fixture
def uncertain():
    # Default power (0.54-1.0 x TDP), catalog region factors and catalog embodied: every factor has a range.
    return estimate(gpu="A100", gpus=64, hours=240, region="aws:us-east-1")


def test_bounds_of_a_monotone_product_are_the_products_of_the_bounds() -> None:
    factors = [Factor("a", 2, 1, 3), Factor("b", 5, 4, 6)]
    result = bounds(lambda v: {"ab": v["a"] * v["b"], "a_over_b": v["a"] / v["b"]}, factors)
    assert result["ab"] == (4, 18)
    assert result["a_over_b"] == pytest.approx((1 / 6, 3 / 4))


def test_triangular_samples_stay_in_range_with_the_right_mean() -> None:
    factor = Factor("x", 0.75, 0.54, 1.0)
    samples = sample_factors([factor], 200_000, np.random.default_rng(1))["x"]
    assert samples.min() >= 0.54
    assert samples.max() <= 1.0
    assert samples.mean() == pytest.approx((0.54 + 0.75 + 1.0) / 3, abs=2e-3)
    lopsided = sample_factors([Factor("y", 1.0, 1.0, 2.0)], 10_000, np.random.default_rng(2))["y"]
    assert lopsided.min() >= 1.0


def test_estimate_ranges_bracket_the_central_values(uncertain) -> None:
    for key in ("energy_kwh", "co2e_operational_kg", "co2e_kg", "water_l"):
        low, high = uncertain.ranges[key]
        assert low < getattr(uncertain, key) < high
    # The catalog's 150 kg per A100 is a lower bound (Luccioni et al. 2023): the range only goes up.
    low, high = uncertain.ranges["co2e_embodied_kg"]
    assert low == uncertain.co2e_embodied_kg < high


def test_monte_carlo_is_seeded_and_inside_the_bounds(uncertain) -> None:
    first = monte_carlo(uncertain, 20_000, seed=7)
    again = monte_carlo(uncertain, 20_000, seed=7)
    other = monte_carlo(uncertain, 20_000, seed=8)
    assert first.intervals == again.intervals
    assert first.intervals != other.intervals
    for key, (low, median, high) in first.intervals.items():
        bound_low, bound_high = uncertain.ranges[key]
        assert bound_low - 1e-9 <= low <= median <= high <= bound_high + 1e-9
    # The median carbon lies near the central estimate (the triangular modes).
    assert first.intervals["co2e_kg"][1] == pytest.approx(uncertain.co2e_kg, rel=0.15)
    assert set(first.to_dict()) == {"n", "seed", "level", "intervals"}


def test_monte_carlo_of_an_exact_estimate_has_zero_width() -> None:
    exact = estimate(gpu_hours=100, power_w=300, pue=1.1, grid_intensity=200, wue=0.2, ewif=2.0)
    result = monte_carlo(exact, 1000, seed=0)
    low, median, high = result.intervals["co2e_kg"]
    assert low == median == high == pytest.approx(exact.co2e_kg)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"n": 0}, "n must be"), ({"n": 10**9}, "n must be <="), ({"level": 1.5}, "level must be")],
)
def test_monte_carlo_bad_input(uncertain, kwargs, fragment) -> None:
    with pytest.raises(FootprintInputError, match=fragment):
        monte_carlo(uncertain, **kwargs)
