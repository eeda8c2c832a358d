"""Data-constrained loss (Muennighoff et al. 2023, eq. 5) against the datablations reference function."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.scaling.constrained import data_constrained_loss, effective_params, effective_tokens
from fmfootprint.scaling.laws import PRESETS

LAW = PRESETS["muennighoff2023"]


def test_more_unique_tokens_than_seen_counts_only_the_seen_ones_in_both_terms() -> None:
    # huggingface/datablations README, "Parametric Fit": scaling_law(N, D, U) asserts U <= D and its
    # optimal_allocation passes U = min(U_BASE, D), which feeds both U_N = min(N, D_to_N(U)) and the data
    # term. scaling_law(10e9, 50e9, min(100e9, 50e9)) = 2.2855845081547983 (evaluated with the README's
    # constants). Passing the raw U = 100e9 to U_N instead gave 2.2772669652.
    assert data_constrained_loss(10e9, 50e9, 100e9, LAW) == pytest.approx(2.2855845082, abs=1e-9)
    assert data_constrained_loss(10e9, 50e9, 100e9, LAW) == pytest.approx(
        data_constrained_loss(10e9, 50e9, 50e9, LAW), rel=1e-15
    )
    assert data_constrained_loss(10e9, 50e9, 100e9, LAW) != pytest.approx(2.2772669652, abs=1e-6)


def test_unique_tokens_above_tokens_match_the_terms_built_by_hand() -> None:
    n, d, u = np.array([10e9, 3e9]), np.array([50e9, 400e9]), np.array([100e9, 25e9])
    seen = np.minimum(u, d)
    by_hand = (
        LAW.E
        + LAW.A / np.asarray(effective_params(n, seen, LAW)) ** LAW.alpha
        + LAW.B / np.asarray(effective_tokens(d, seen, LAW.r_d_star)) ** LAW.beta
    )
    np.testing.assert_allclose(data_constrained_loss(n, d, u, LAW), by_hand, rtol=1e-15)
