"""Bounded work in fit and bootstrap: memory that does not grow with rows × starts, capped resamples,
progress that counts every resample."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling import _objective as obj
from fmfootprint.scaling import _search
from fmfootprint.scaling.fit import MAX_BOOTSTRAP, MAX_BOOTSTRAP_CELLS, bootstrap, fit
from fmfootprint.scaling.laws import ChinchillaLaw

TRUE = ChinchillaLaw(E=1.8, A=480.0, B=2100.0, alpha=0.35, beta=0.37)


def _many_runs(rows: int, seed: int = 1, noise: float = 0.01) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 10 ** rng.uniform(7, 10, rows)
    d = n * 10 ** rng.uniform(0.5, 2.5, rows)
    loss = np.asarray(TRUE.loss(n, d)) * np.exp(rng.normal(0.0, noise, rows))
    return pd.DataFrame({"params": n, "tokens": d, "loss": loss})


def test_chunked_objective_gradient_and_hessian_equal_the_whole(sardana_runs, monkeypatch) -> None:
    data = obj.Data(*(sardana_runs[c].to_numpy() for c in ("params", "tokens", "loss")))
    theta = obj.initial_grid()[::150] * 0.5 + np.array([3.0, 4.0, 0.3, 0.1, 0.1])
    weights = np.random.default_rng(0).integers(0, 3, size=(len(theta), data.n)).astype(float)
    whole = obj.objective_gradient_hessian(theta, data, weights)
    whole_f = obj.objective(theta, data)
    monkeypatch.setattr(obj, "MAX_CELLS", 7 * len(theta))  # slices of 7 runs
    assert len(obj._blocks(len(theta), data, weights)) == -(-data.n // 7)
    for got, want in zip(obj.objective_gradient_hessian(theta, data, weights), whole, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(obj.objective(theta, data), whole_f, rtol=1e-12)


def test_a_fit_of_200000_runs_stays_far_below_rows_times_starts() -> None:
    runs = _many_runs(200_000)
    tracemalloc.start()
    try:
        result = fit(runs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The old code held 4,500 starts × 200,000 runs × 8 bytes = 7.2 GB per temporary array.
    assert peak < 600e6
    assert result.n_points == 200_000
    assert result.law.alpha == pytest.approx(TRUE.alpha, abs=0.01)
    assert pytest.approx(TRUE.E, abs=0.02) == result.law.E


def test_the_subsample_screen_finds_the_optimum_of_the_full_screen(monkeypatch) -> None:
    runs = _many_runs(_search.SCREEN_ROWS + 2_000, seed=3, noise=0.02)
    screened = fit(runs)  # grid screened on 10,000 of the 12,000 runs, refined on all
    monkeypatch.setattr(_search, "SCREEN_ROWS", 10**9)
    full = fit(runs)  # grid screened on all runs
    assert screened.objective <= full.objective * (1 + 1e-9)
    np.testing.assert_allclose(screened.theta, full.theta, rtol=1e-5)


def test_bootstrap_resamples_are_capped_with_one_line() -> None:
    runs = _many_runs(300)
    with pytest.raises(FootprintInputError, match="at most 100,000 resamples, got 100,000,000"):
        bootstrap(runs, n=100_000_000)
    with pytest.raises(FootprintInputError, match="exceeds the limit of 25,000,000") as info:
        bootstrap(runs, n=MAX_BOOTSTRAP)
    assert f"bootstrap n <= {MAX_BOOTSTRAP_CELLS // 300:,}" in str(info.value)


def test_resample_weights_drawn_in_blocks_are_one_draw(monkeypatch) -> None:
    monkeypatch.setattr(obj, "MAX_CELLS", 3 * 50)  # blocks of 3 resamples
    blocked = _search.resample_weights(np.random.default_rng(9), 10, 50)
    draws = np.random.default_rng(9).integers(0, 50, size=(10, 50))
    whole = np.stack([np.bincount(row, minlength=50) for row in draws]).astype(float)
    np.testing.assert_array_equal(blocked, whole)
    assert (blocked.sum(axis=1) == 50).all()


def test_bootstrap_progress_counts_every_resample(sardana_runs, capsys) -> None:
    calls: list[tuple[int, int]] = []
    result = bootstrap(
        sardana_runs, n=60, seed=2, on_progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (60, 60)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert result.convergence_text() == f"{result.converged} of 60 resamples converged"
    assert result.not_converged == 60 - result.converged
    # Not a terminal: the default draws no bar.
    assert capsys.readouterr().err == ""


def test_newton_counts_rows_that_hit_the_iteration_limit(sardana_runs) -> None:
    data = obj.Data(*(sardana_runs[c].to_numpy() for c in ("params", "tokens", "loss")))
    counted: list[int] = []
    with np.errstate(all="ignore"):
        _, _, converged = obj.newton(obj.initial_grid()[:40], data, max_iter=2, on_converged=counted.append)
    assert sum(counted) == 40
    assert converged.sum() < 40  # two iterations are not enough for most starts


def test_the_exhaustive_method_is_refused_past_its_run_limit() -> None:
    runs = _many_runs(_search.SCREEN_ROWS + 1)
    with pytest.raises(FootprintInputError, match="at most 10,000 runs, got 10,001; use method screen"):
        fit(runs, method="exhaustive")
