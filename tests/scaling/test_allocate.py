from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.allocate import (
    compute_optimal,
    data_constrained_optimal,
    frontier_compute_for_loss,
    inference_optimal,
    isoflop_curve,
    optimal_params,
    optimal_tokens,
)
from fmfootprint.scaling.constrained import data_constrained_loss, effective_tokens
from fmfootprint.scaling.laws import PRESETS, ChinchillaLaw, get_law

LAWS = [
    PRESETS[name] for name in ("hoffmann2022", "hoffmann2022-unrounded", "besiroglu2024", "muennighoff2023")
]
budgets = st.floats(min_value=1e15, max_value=1e27)


def _numeric_optimum(law: ChinchillaLaw, c: float) -> float:
    """argmin_N L(N, C/(6N)) by bounded scalar search in log N (the check along 6ND = C)."""
    result = minimize_scalar(
        lambda x: law.loss(np.exp(x), c / (6 * np.exp(x))),
        bounds=(np.log(1e3), np.log(c / 6 / 1e3)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return float(np.exp(result.x))


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.name)
@pytest.mark.parametrize("c", [1e18, 5.88e23, 1e26])
def test_eq4_matches_numerical_minimum_along_6ND(law: ChinchillaLaw, c: float) -> None:
    alloc = compute_optimal(c, law)
    assert alloc.params == pytest.approx(_numeric_optimum(law, c), rel=1e-6)
    assert 6 * alloc.params * alloc.tokens == pytest.approx(c, rel=1e-12)
    assert alloc.loss == pytest.approx(law.loss(alloc.params, alloc.tokens), rel=1e-12)
    assert alloc.tokens_per_param == pytest.approx(alloc.tokens / alloc.params)


def test_vectorised_over_budgets() -> None:
    law = PRESETS["hoffmann2022"]
    budgets_ = np.geomspace(1e18, 1e25, 7)
    alloc = compute_optimal(budgets_, law)
    assert alloc.params.shape == (7,)
    for i, c in enumerate(budgets_):
        assert alloc.params[i] == pytest.approx(compute_optimal(c, law).params, rel=1e-12)
    assert set(alloc.to_dict()) == {"compute_flops", "params", "tokens", "loss", "tokens_per_param"}
    assert isinstance(alloc.to_dict()["params"], list)


def test_hoffmann_exponents() -> None:
    # a = β/(α+β): with Epoch's Table 1, a = 0.5126 (Besiroglu et al. 2024).
    law = PRESETS["besiroglu2024"]
    n1, n2 = compute_optimal(np.array([1e20, 1e21]), law).params
    assert np.log10(n2 / n1) == pytest.approx(0.3658 / (0.3478 + 0.3658))


@settings(max_examples=60, deadline=None)
@given(c=budgets, law_index=st.integers(0, 3), factor=st.floats(min_value=1.001, max_value=100.0))
def test_frontier_optimality(c: float, law_index: int, factor: float) -> None:
    """The loss at the optimum is ≤ the loss at any other point on 6ND = C."""
    law = LAWS[law_index]
    alloc = compute_optimal(c, law)
    for n in (alloc.params * factor, alloc.params / factor):
        assert alloc.loss <= law.loss(n, c / (6 * n)) * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(c=budgets, law_index=st.integers(0, 3))
def test_allocation_round_trips(c: float, law_index: int) -> None:
    law = LAWS[law_index]
    alloc = compute_optimal(c, law)
    assert optimal_tokens(alloc.params, law) == pytest.approx(alloc.tokens, rel=1e-9)
    assert optimal_params(alloc.tokens, law) == pytest.approx(alloc.params, rel=1e-9)
    assert frontier_compute_for_loss(alloc.loss, law) == pytest.approx(c, rel=1e-7)


@settings(max_examples=60, deadline=None)
@given(
    n=st.floats(min_value=1e6, max_value=1e13),
    d=st.floats(min_value=1e8, max_value=1e15),
    factor=st.floats(min_value=1.01, max_value=1e3),
    law_index=st.integers(0, 3),
)
def test_loss_decreases_in_size_and_tokens(n: float, d: float, factor: float, law_index: int) -> None:
    law = LAWS[law_index]
    base = law.loss(n, d)
    assert law.loss(n * factor, d) < base
    assert law.loss(n, d * factor) < base
    assert base > law.E


def test_isoflop_curve_has_its_minimum_at_the_optimum() -> None:
    law = PRESETS["hoffmann2022"]
    sizes, losses = isoflop_curve(1e22, law, n=401)
    best = sizes[np.argmin(losses)]
    assert best == pytest.approx(compute_optimal(1e22, law).params, rel=0.02)
    explicit, losses2 = isoflop_curve(1e22, law, params=[1e9, 2e9])
    assert losses2 == pytest.approx(law.loss(explicit, 1e22 / (6 * explicit)))


# ---------------------------------------------------------------- data-constrained (Muennighoff et al.)


def test_muennighoff_worked_examples_to_1e9() -> None:
    law = get_law("muennighoff2023")
    assert data_constrained_loss(6.34e9, 242e9, 25e9, law) == pytest.approx(2.2256440890, abs=1e-9)
    assert data_constrained_loss(8.67e9, 178e9, 25e9, law) == pytest.approx(2.2269634075, abs=1e-9)


def test_data_constrained_loss_equals_chinchilla_without_repeats() -> None:
    law = get_law("muennighoff2023")
    # One epoch over plenty of unique data and a size below the compute-optimal one for it: no penalty.
    assert data_constrained_loss(1e9, 20e9, 1e12, law) == pytest.approx(law.loss(1e9, 20e9), rel=1e-12)
    assert effective_tokens(100e9, 10e9, 15.387756) < 100e9


def test_data_constrained_optimum_matches_datablations_readme() -> None:
    # huggingface/datablations README, "Parametric Fit": for the budget of 8.67e9 params × 178e9 tokens
    # (6ND = 9.26e21 ≈ 1e22 FLOPs) with 25e9 unique tokens, the optimum is 227B tokens, 6.8B parameters.
    law = get_law("muennighoff2023")
    alloc = data_constrained_optimal(6 * 8.67e9 * 178e9, 25e9, law)
    assert alloc.tokens == pytest.approx(227e9, rel=0.01)
    assert alloc.params == pytest.approx(6.8e9, rel=0.01)
    assert alloc.tokens / 25e9 == pytest.approx(9.1, rel=0.01)
    # Its loss beats both models of the README's Figure 1.
    assert alloc.loss < 2.2256440890


def test_data_constrained_optimum_is_optimal_along_the_budget() -> None:
    law = get_law("muennighoff2023")
    c = np.array([1e21, 1e22, 1e23])
    alloc = data_constrained_optimal(c, 25e9, law)
    for i in range(3):
        for factor in (1.05, 1 / 1.05, 2.0, 0.5):
            n = alloc.params[i] * factor
            assert alloc.loss[i] <= data_constrained_loss(n, c[i] / (6 * n), 25e9, law) + 1e-12
    # With unlimited unique data the data-constrained optimum is the Chinchilla one.
    big = data_constrained_optimal(1e21, 1e15, law)
    assert big.params == pytest.approx(compute_optimal(1e21, law).params, rel=1e-6)


def test_data_constrained_needs_the_constants() -> None:
    with pytest.raises(FootprintInputError, match="muennighoff2023"):
        data_constrained_optimal(1e22, 25e9, PRESETS["hoffmann2022"])


# ------------------------------------------------------------------- inference-aware (Sardana et al.)

SARDANA_LAW = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283, name="sardana-fig1")


def test_sardana_figure_1_example() -> None:
    # Sardana et al. 2024, Fig. 1: the Chinchilla-optimal 13B model (ℓ = 2.0453, 576.5B tokens) with 2T
    # inference tokens becomes ≈ 7B parameters on ≈ 1.25T tokens, saving ≈ 1.7e22 FLOPs (17 %).
    chin = compute_optimal(frontier_compute_for_loss(2.0453, SARDANA_LAW), SARDANA_LAW)
    assert chin.params == pytest.approx(13e9, rel=0.01)
    assert chin.tokens == pytest.approx(576.5e9, rel=0.01)
    result = inference_optimal(2.0453, 2e12, SARDANA_LAW)
    assert result.params == pytest.approx(7e9, rel=0.01)
    assert result.tokens == pytest.approx(1.25e12, rel=0.01)
    assert result.flops_saved == pytest.approx(1.7e22, rel=0.01)
    assert result.flops_saved / result.chinchilla_lifetime_flops == pytest.approx(0.17, abs=0.005)
    assert SARDANA_LAW.loss(result.params, result.tokens) == pytest.approx(2.0453, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(excess=st.floats(min_value=0.05, max_value=2.0), d_inf=st.floats(min_value=0.0, max_value=1e14))
def test_inference_optimum_is_never_worse_than_chinchilla(excess: float, d_inf: float) -> None:
    law = PRESETS["hoffmann2022"]
    result = inference_optimal(law.E + excess, d_inf, law)
    assert result.flops_saved >= -1e-9 * result.chinchilla_lifetime_flops
    assert result.params <= result.chinchilla_params * (1 + 1e-6)
    # Perturbing the size along the iso-loss curve costs lifetime FLOPs.
    for factor in (1.02, 0.98):
        n = result.params * factor
        room = excess - law.A / n**law.alpha
        if room > 0:
            d = (law.B / room) ** (1 / law.beta)
            assert 6 * n * d + 2 * n * d_inf >= result.lifetime_flops * (1 - 1e-9)


def test_inference_optimal_with_no_inference_is_chinchilla() -> None:
    law = PRESETS["hoffmann2022"]
    result = inference_optimal(2.0, 0.0, law)
    assert result.params == pytest.approx(result.chinchilla_params, rel=1e-6)
    assert result.flops_saved == pytest.approx(0.0, abs=1e-6 * result.lifetime_flops)


# ------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [0.0, -1e22, float("nan"), float("inf"), "lots"])
def test_bad_budgets(bad) -> None:
    with pytest.raises(ValueError, match="compute_flops"):
        compute_optimal(bad, PRESETS["hoffmann2022"])
    with pytest.raises(ValueError, match="compute_flops"):
        data_constrained_optimal(bad, 25e9, PRESETS["muennighoff2023"])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_sizes_tokens_losses(bad) -> None:
    law = PRESETS["hoffmann2022"]
    with pytest.raises(ValueError, match="params"):
        optimal_tokens(bad, law)
    with pytest.raises(ValueError, match="tokens"):
        optimal_params(bad, law)
    with pytest.raises(ValueError, match="unique_tokens"):
        data_constrained_optimal(1e22, bad, PRESETS["muennighoff2023"])
    with pytest.raises(ValueError, match="target_loss"):
        inference_optimal(bad, 1e12, law)


def test_target_loss_below_irreducible_and_negative_inference() -> None:
    law = PRESETS["hoffmann2022"]
    with pytest.raises(FootprintInputError, match=r"irreducible loss E = 1\.69"):
        inference_optimal(1.5, 1e12, law)
    with pytest.raises(FootprintInputError, match="inference_tokens"):
        inference_optimal(2.0, -1.0, law)


def test_kaplan_cannot_allocate() -> None:
    with pytest.raises(FootprintInputError, match="kaplan2020"):
        compute_optimal(1e22, get_law("kaplan2020"))
