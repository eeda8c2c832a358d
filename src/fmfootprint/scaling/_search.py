"""The search behind :func:`fmfootprint.scaling.fit.fit`: grid screen, batched Newton, L-BFGS-B polish.

Memory is bounded whatever the rows × starts: every objective evaluation is summed over slices of the runs
(:data:`fmfootprint.scaling._objective.MAX_CELLS`), and with more than :data:`SCREEN_ROWS` runs the grid is
screened on a fixed subsample of :data:`SCREEN_ROWS` runs, and only the best distinct optima found there are
refined on all runs (the fit of 10⁶ runs once tried to hold 4,500 starts × 10⁶ runs, 33.5 GiB).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling import _objective as obj
from fmfootprint.scaling.forms import Form

FloatArray = NDArray[np.float64]

#: Runs above which the grid is screened on a subsample [runs]; at or below it, on all runs.
SCREEN_ROWS = 10_000
#: Distinct optima of the subsample screen refined on all runs.
REFINE = 4
#: Most bootstrap resamples one call draws (4,000 is the published choice; 10⁸ once ran out of memory).
MAX_BOOTSTRAP = 100_000
#: Most resamples × runs [weights]: the resample weights alone are 8 bytes each (25,000,000 → 200 MB).
MAX_BOOTSTRAP_CELLS = 25_000_000


def polish(phi: FloatArray, data: obj.Data, form: Form) -> tuple[FloatArray, float]:
    """L-BFGS-B from ``phi`` with the analytic gradient at tight tolerance; (φ, objective)."""
    basis = form.projection() if form.tied else None

    def fun(x: FloatArray) -> tuple[float, FloatArray]:
        if basis is None:
            f, g = obj.objective_and_gradient(x[None, :], data)
            return float(f[0]), g[0]
        f, g = obj.objective_and_gradient((basis @ x)[None, :], data)
        return float(f[0]), g[0] @ basis

    result = minimize(
        fun, phi, jac=True, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-13, "maxiter": 5000}
    )
    return np.asarray(result.x, dtype=float), float(result.fun)


def distinct(thetas: FloatArray, values: FloatArray, tol: float = 1e-4) -> FloatArray:
    """Rows of ``thetas`` (sorted by value) that differ from every earlier kept row by more than ``tol``."""
    kept: list[FloatArray] = []
    for i in np.argsort(values):
        if all(np.max(np.abs(thetas[i] - k)) > tol for k in kept):
            kept.append(thetas[i])
    return np.array(kept) if kept else np.empty((0, thetas.shape[1] if thetas.ndim == 2 else 5))


def _newton(
    starts: FloatArray, data: obj.Data, form: Form, on_converged: Callable[[int], object] | None = None
) -> tuple[FloatArray, FloatArray]:
    projection = form.projection() if form.tied else None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        phis, values, _ = obj.newton(starts, data, on_converged=on_converged, projection=projection)
    return phis, values


def screen_starts(grid: FloatArray, data: obj.Data, form: Form, keep: int) -> tuple[FloatArray, FloatArray]:
    """Optimise the ``keep`` best grid starts (φ rows) on ``data``; returns the optima and objectives."""
    # Far-off starts overflow harmlessly to inf/nan; they are screened out or rejected by the line search.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        start_values = obj.objective(form.to_theta(grid), data)
    order = np.argsort(np.where(np.isfinite(start_values), start_values, np.inf))[:keep]
    return _newton(grid[order], data, form)


def search(
    grid: FloatArray,
    data: obj.Data,
    form: Form,
    *,
    keep: int,
    exhaustive: bool,
    on_converged: Callable[[int], object] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The optimised starts (φ rows) and their objectives on all runs of ``data``.

    ``exhaustive``: every grid start on all runs. Otherwise the ``keep`` best starts, screened and optimised
    on all runs when there are at most :data:`SCREEN_ROWS`, else on a fixed subsample and then the
    :data:`REFINE` best distinct optima re-optimised on all runs.
    """
    if exhaustive:
        return _newton(grid, data, form, on_converged)
    if data.n <= SCREEN_ROWS:
        return screen_starts(grid, data, form, keep)
    # A fixed subsample (seeded, sorted), so the same runs always give the same fit.
    rows = np.sort(np.random.default_rng(0).choice(data.n, size=SCREEN_ROWS, replace=False))
    phis, values = screen_starts(grid, data.part(rows), form, keep)
    finite = np.isfinite(values)
    starts = distinct(phis[finite], values[finite])[:REFINE]
    if len(starts) == 0:
        return phis, values
    return _newton(starts, data, form)


def best(phis: FloatArray, values: FloatArray, data: obj.Data, form: Form) -> tuple[FloatArray, float, int]:
    """Polish the three best optima; (best φ, its objective, starts within 1e-6 of it)."""
    best_rows = np.argsort(values)[:3]
    polished = [polish(phis[i], data, form) for i in best_rows]
    candidates = [(values[i], phis[i]) for i in best_rows] + [(f, t) for t, f in polished]
    best_value, best_phi = min(candidates, key=lambda pair: pair[0])
    converged = int(np.sum(np.abs(values - best_value) <= 1e-6 * abs(best_value)))
    return np.asarray(best_phi, dtype=float), float(best_value), max(converged, 1)


def resample_weights(rng: np.random.Generator, count: int, size: int) -> NDArray[np.float64]:
    """(count, size) draw counts per run, drawn in blocks (the same stream as one draw, less memory)."""
    weights = np.empty((count, size))
    block = max(1, obj.MAX_CELLS // size)
    for lo in range(0, count, block):
        rows = min(block, count - lo)
        draws = rng.integers(0, size, size=(rows, size))
        counts = np.bincount((draws + np.arange(rows)[:, None] * size).ravel(), minlength=rows * size)
        weights[lo : lo + rows] = counts.reshape(rows, size)
    return weights


def check_bootstrap_count(n: int, size: int) -> int:
    """``n`` as an int; refused unless 1 <= n <= MAX_BOOTSTRAP and n × size <= MAX_BOOTSTRAP_CELLS."""
    count = int(n)
    if count != n or count < 1:
        raise FootprintInputError(f"bootstrap n must be a whole number >= 1, got {n!r}")
    if count > MAX_BOOTSTRAP:
        raise FootprintInputError(f"bootstrap n must be at most {MAX_BOOTSTRAP:,} resamples, got {count:,}")
    if count * size > MAX_BOOTSTRAP_CELLS:
        most = MAX_BOOTSTRAP_CELLS // size
        hint = f"use bootstrap n <= {most:,}" if most else "fit fewer runs"
        raise FootprintInputError(
            f"bootstrap n of {count:,} resamples x {size:,} runs exceeds the limit of "
            f"{MAX_BOOTSTRAP_CELLS:,} resample weights; {hint}"
        )
    return count
