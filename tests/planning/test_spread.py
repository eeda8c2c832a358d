"""fmfootprint.planning.spread and the plan's published-laws spread and extrapolation warnings."""

from __future__ import annotations

import json

import pytest

from fmfootprint.planning import LawSpread, plan, published_spread
from fmfootprint.planning.spread import spread_bounds
from fmfootprint.scaling.allocate import compute_optimal
from fmfootprint.scaling.laws import PRESETS

H100 = {"gpu": "H100", "gpus": 8, "mfu": 0.4, "region": "FR"}


def test_the_default_plan_at_chinchilla_scale_is_about_20_tokens_per_parameter() -> None:
    result = plan(compute_flops=3.42e22)
    assert result.law == "besiroglu2024"
    assert 15 <= result.tokens_per_param <= 25
    assert result.tokens_per_param == pytest.approx(19.75, abs=0.01)
    # The rounded constants as printed give ~70 (the reason the default changed).
    assert plan(compute_flops=3.42e22, law="hoffmann2022").tokens_per_param == pytest.approx(70.49, abs=0.01)


def test_published_spread_is_each_presets_compute_optimum() -> None:
    rows = published_spread(3.42e22)
    assert [row.law for row in rows] == list(PRESETS)
    for row in rows:
        expected = compute_optimal(3.42e22, PRESETS[row.law])
        assert (row.params, row.tokens, row.loss) == pytest.approx(
            (expected.params, expected.tokens, expected.loss)
        )
        assert row.title == PRESETS[row.law].title
        assert set(row.to_dict()) == {"law", "title", "params", "tokens", "tokens_per_param", "loss"}
    low, high = spread_bounds(rows, "params")
    assert low == pytest.approx(8.99e9, rel=1e-3)  # hoffmann2022
    assert high == pytest.approx(1.705e10, rel=1e-3)  # muennighoff2023
    assert spread_bounds(rows, "tokens_per_param") == pytest.approx((19.61, 70.49), abs=0.01)
    with pytest.raises(ValueError, match="compute_flops must be > 0"):
        published_spread(0)


def test_a_budget_plan_carries_the_spread_and_its_json_adds_the_key() -> None:
    result = plan(compute_flops=3.42e22)
    assert result.published_laws == published_spread(3.42e22)
    assert all(isinstance(row, LawSpread) for row in result.published_laws)
    payload = result.to_dict()
    assert [row["law"] for row in payload["published_laws"]] == list(PRESETS)
    json.dumps(payload)  # serialisable
    by_days = plan(accelerator_days=1000, hardware=H100)
    assert by_days.published_laws == published_spread(by_days.compute_flops)
    # Not a budget, or a data-constrained plan: no spread, no key.
    for other in (plan(params=7e9), plan(target_loss=2.2), plan(compute_flops=1e22, unique_tokens=25e9)):
        assert other.published_laws == ()
        assert "published_laws" not in other.to_dict()


def test_a_plan_inside_the_fitted_range_has_no_warnings() -> None:
    result = plan(compute_flops=1e21)
    assert result.warnings == ()
    assert result.to_dict()["warnings"] == []


def test_a_plan_outside_the_fitted_range_says_by_how_much() -> None:
    result = plan(compute_flops=3.42e22)
    assert "compute 3.4e22 is 2.63× above the largest fitted compute (1.3e22)" in result.warnings
    assert any(
        text.startswith("params 1.7e10 is 1.05× above the largest fitted model") for text in result.warnings
    )
    assert result.to_dict()["warnings"] == list(result.warnings)
    big = plan(params=4e10)
    assert big.warnings[0] == "params 4e10 is 2.47× above the largest fitted model (1.6e10)"
    small = plan(compute_flops=1e17)
    assert any("below the smallest fitted compute (1.4e18)" in text for text in small.warnings)


def test_a_law_without_a_fitted_range_gives_no_warnings() -> None:
    law = {"E": 1.8, "A": 480.0, "B": 2000.0, "alpha": 0.35, "beta": 0.36}
    assert plan(compute_flops=1e26, law=law).warnings == ()


def test_spread_text_is_what_the_surfaces_show() -> None:
    from fmfootprint.planning.spread import spread_text

    assert spread_text(published_spread(3.42e22)) == "9–17B parameters, 20–70 tokens/param (4 laws)"
    assert spread_text(published_spread(1e20)) == "640–920M parameters, 20–40 tokens/param (4 laws)"
    assert spread_text(()) == ""
