"""Uncertainty of a footprint estimate: stated ranges of its factors, bounds and seeded Monte Carlo.

Every uncertain factor of an estimate (power per accelerator, PUE, grid intensity, WUE, EWIF, embodied kg)
is a :class:`Factor` with a central value and a low/high range. A value the user states is exact (its
range has zero width); a catalog, provider or default value carries the stated range of
:mod:`fmfootprint.footprint.factors` (where :class:`Factor` and the ranges live; re-exported here).

- :func:`bounds` evaluates a vectorised model at every corner of the factor box. The footprint is monotone
  in each factor, so the corners give its exact low and high; this is what :class:`Estimate.ranges`
  reports (cheap: at most 2^7 points).
- :func:`monte_carlo` samples every factor from a triangular distribution (low, mode = central, high) with
  a seeded :class:`numpy.random.Generator` and returns percentiles of every output.

This module sits above :mod:`fmfootprint.footprint.estimate` (it takes an :class:`Estimate`); nothing in
the estimator imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.footprint.factors import Factor, corner_grid

__all__ = [
    "Factor",
    "UncertaintyResult",
    "bounds",
    "corner_grid",
    "monte_carlo",
    "sample_factors",
]

Arrays = dict[str, NDArray[np.float64]]

MAX_SAMPLES = 10_000_000
"""Most Monte Carlo samples [-]: every output keeps its n samples in memory."""


def bounds(
    model: Callable[[Mapping[str, Any]], Mapping[str, Any]], factors: Sequence[Factor]
) -> dict[str, tuple[float, float]]:
    """Low and high of every output of ``model`` over the corners of the factor box.

    Parameters
    ----------
    model : callable
        Vectorised model: a mapping of factor arrays → a mapping of output arrays (or scalars).
    factors : sequence of Factor
        The model's inputs and their ranges.

    Returns
    -------
    dict
        ``{output: (low, high)}``. Exact for models monotone in each factor (interval arithmetic).
    """
    outputs = model(corner_grid(factors))
    return {key: (float(np.min(value)), float(np.max(value))) for key, value in outputs.items()}


def _triangular(rng: np.random.Generator, factor: Factor, n: int) -> NDArray[np.float64]:
    # Inverse CDF of the triangular distribution, so that a zero-width side needs no special case.
    low, mode, high = factor.low, factor.central, factor.high
    width = high - low
    u = rng.random(n)
    split = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, left, right)


def sample_factors(factors: Sequence[Factor], n: int, rng: np.random.Generator) -> Arrays:
    """``n`` samples of every factor: triangular(low, central, high); exact factors are constant arrays."""
    return {f.name: np.full(n, f.central) if f.exact else _triangular(rng, f, n) for f in factors}


@dataclass(frozen=True)
class UncertaintyResult:
    """Percentiles of every output of an estimate from Monte Carlo samples.

    Attributes
    ----------
    n : int
        Number of samples.
    seed : int
        Seed of the :class:`numpy.random.Generator`.
    level : float
        Central probability of the interval [-] (0.9 → 5th and 95th percentiles).
    intervals : dict
        ``{output: (low, median, high)}`` in the output's unit.
    samples : dict
        ``{output: array}``, the raw samples (not in ``to_dict``).
    """

    n: int
    seed: int
    level: float
    intervals: dict[str, tuple[float, float, float]]
    samples: dict[str, NDArray[np.float64]] = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed,
            "level": self.level,
            "intervals": {key: list(value) for key, value in self.intervals.items()},
        }


def monte_carlo(
    estimate: Estimate, n: int = 100_000, *, seed: int = 0, level: float = 0.9
) -> UncertaintyResult:
    """Seeded, vectorised Monte Carlo of an estimate over the stated ranges of its factors.

    Parameters
    ----------
    estimate : Estimate
        A result of :func:`fmfootprint.footprint.estimate.estimate`.
    n : int, optional
        Number of samples [-], 1 to 10,000,000. Default 100,000.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`. Default 0.
    level : float, optional
        Central probability of the reported interval [-], in (0, 1]. Default 0.9.

    Returns
    -------
    UncertaintyResult
        ``intervals[key] = (low, median, high)`` for every numeric output of the estimate.

    Notes
    -----
    Each factor is drawn independently from a triangular distribution with mode at its central value and
    support at its stated range; exact (user-stated) factors stay constant.
    """
    n = _validate.positive_int("n", n)
    if n > MAX_SAMPLES:
        raise FootprintInputError(f"n must be <= {MAX_SAMPLES:,}, got {n:,}")
    level = _validate.fraction("level", level)
    rng = np.random.default_rng(seed)
    samples = estimate.evaluate(sample_factors(estimate.factors, n, rng))
    tail = 100.0 * (1.0 - level) / 2.0
    arrays = {key: np.broadcast_to(np.asarray(value, dtype=float), (n,)) for key, value in samples.items()}
    # Outputs whose bounds have zero width are constant: no need to partition them (that is the cost).
    constant = {key for key, (low, high) in estimate.ranges.items() if low == high}
    varying = [key for key in arrays if key not in constant]
    intervals: dict[str, tuple[float, float, float]] = {}
    if varying:
        table = np.percentile(np.stack([arrays[key] for key in varying]), [tail, 50.0, 100.0 - tail], axis=1)
        for i, key in enumerate(varying):
            intervals[key] = (float(table[0, i]), float(table[1, i]), float(table[2, i]))
    for key in constant & arrays.keys():
        value = float(arrays[key][0])
        intervals[key] = (value, value, value)
    intervals = {key: intervals[key] for key in arrays}  # in the estimate's output order
    return UncertaintyResult(n=n, seed=int(seed), level=level, intervals=intervals, samples=arrays)
