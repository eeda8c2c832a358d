"""Fitting a Chinchilla law to training runs (Hoffmann et al. 2022, App. D.2) and bootstrapping it.

The procedure is App. D.2 exactly: parameters θ = (a, b, e, α, β) with A = e^a, B = e^b, E = e^e;
objective Σᵢ Huber_δ(LSE(a − α log Nᵢ, b − β log Dᵢ, e) − log Lᵢ), δ = 1e-3, summed over runs; starts at the
4,500 points of the grid α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}; keep the best
converged optimum. Besiroglu et al. (2024) replicate it on points digitised from Hoffmann's Fig. 4.

How it is made fast without changing the answer:

1. the objective is evaluated at all 4,500 starts in one vectorised call;
2. the ``screen`` best starts are optimised together by a batched Newton method with the exact
   (analytic) gradient and Hessian (:func:`fmfootprint.scaling._objective.newton`);
3. the best few results are polished by scipy's L-BFGS-B with the analytic gradient at tight tolerance.

``method="exhaustive"`` instead optimises every one of the 4,500 starts (batched exact Newton, ~10 s); the
tests check that both give the same optimum, and that it is at least as good as the reference
implementation (scipy L-BFGS-B with finite-difference gradients from every start, one after another).

The bootstrap warm-starts every resample from the full-data optimum and from the distinct local optima the
screen found, and optimises all resamples at once (resampling is a weight vector of counts per run).

``form=`` picks a functional form of :mod:`fmfootprint.scaling.forms` (``chinchilla``, the default, or
Gadre et al. 2024's over-training form ``gadre2024``): the same objective, grid (the starts that satisfy the
form's ties) and bootstrap. Memory does not grow with rows × starts (:mod:`fmfootprint.scaling._search`);
bootstrap resamples are capped at :data:`MAX_BOOTSTRAP` and resamples × runs at
:data:`MAX_BOOTSTRAP_CELLS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling import _objective as obj
from fmfootprint.scaling import _search
from fmfootprint.scaling._search import MAX_BOOTSTRAP, MAX_BOOTSTRAP_CELLS
from fmfootprint.scaling.forms import Form, get_form
from fmfootprint.scaling.laws import ChinchillaLaw
from fmfootprint.scaling.ranges import FittedRange
from fmfootprint.scaling.runs import MIN_RUNS, load_runs, prepare_runs  # noqa: F401 (MIN_RUNS: re-export)

# load_runs lives in fmfootprint.scaling.runs and stays importable from here.
__all__ = [
    "MAX_BOOTSTRAP",
    "MAX_BOOTSTRAP_CELLS",
    "BootstrapResult",
    "FitResult",
    "bootstrap",
    "fit",
    "load_runs",
]

PARAM_NAMES = ("E", "A", "B", "alpha", "beta")
_CITATION = "fitted with Hoffmann et al. 2022 App. D.2 (Huber δ=1e-3 on log loss, 4,500-start grid)"


def _citation(form: Form) -> str:
    if not form.tied:
        return _CITATION
    return f"{form.citation}; {_CITATION.removeprefix('fitted with ')} restricted to the form's ties"


def _show_progress(progress: bool | None) -> bool | None:
    """tqdm's ``disable``: None (the default) draws only when stderr is a terminal."""
    return None if progress is None else not progress


# -------------------------------------------------------------------------------------------- fit


def _theta_to_law(theta: NDArray[np.float64], name: str = "", citation: str = _CITATION) -> ChinchillaLaw:
    a, b, e, alpha, beta = (float(x) for x in theta)
    return ChinchillaLaw(
        E=math.exp(e), A=math.exp(a), B=math.exp(b), alpha=alpha, beta=beta, name=name, citation=citation
    )


@dataclass(frozen=True)
class FitResult:
    """A fitted law with its diagnostics (scikit-learn style: parameters plus ``predict``).

    Attributes
    ----------
    law : ChinchillaLaw
        The fitted law, ready for planning.
    objective : float
        Σ Huber_δ(log-space residuals) at the optimum [dimensionless].
    n_points : int
        Runs used (after exclusions).
    converged_starts : int
        Starts that converged to within 1e-6 (relative) of the best objective.
    n_starts : int
        Starts optimised (the screened subset, or 4,500 for ``method="exhaustive"``).
    residuals : ndarray
        log L̂ − log L per run [log nats/token].
    theta : ndarray
        (a, b, e, α, β) = (log A, log B, log E, α, β).
    exclude_top_loss : int
        Highest-loss runs dropped before fitting.
    method : str
        "screen" or "exhaustive".
    form : str
        The functional form fitted (:mod:`fmfootprint.scaling.forms`); its own parameters are
        :attr:`form_parameters`.
    """

    law: ChinchillaLaw
    objective: float
    n_points: int
    converged_starts: int
    n_starts: int
    residuals: NDArray[np.float64] = field(repr=False)
    theta: NDArray[np.float64] = field(repr=False)
    exclude_top_loss: int = 0
    method: str = "screen"
    local_optima: NDArray[np.float64] = field(repr=False, default_factory=lambda: np.empty((0, 5)))
    form: str = "chinchilla"

    @property
    def form_parameters(self) -> dict[str, float]:
        """The form's own parameters (Gadre's E, a, b, eta for ``gadre2024``; empty for chinchilla)."""
        return get_form(self.form).parameters(self.law.to_dict())

    def predict(self, params: ArrayLike, tokens: ArrayLike) -> float | NDArray[np.float64]:
        """Predicted loss [nats/token] for ``params`` [parameters] and ``tokens`` [tokens]."""
        return self.law.loss(params, tokens)

    def to_dict(self) -> dict[str, Any]:
        """E, A, B, alpha, beta (a valid law file), objective, n_points and the diagnostics."""
        law = self.law.to_dict()
        return {
            **{name: law[name] for name in PARAM_NAMES},
            "objective": self.objective,
            "n_points": self.n_points,
            "converged_starts": self.converged_starts,
            "n_starts": self.n_starts,
            "exclude_top_loss": self.exclude_top_loss,
            "method": self.method,
            "form": self.form,
            **({"form_parameters": self.form_parameters} if self.form_parameters else {}),
            "name": law["name"],
            "citation": law["citation"],
            **({"fitted_range": law["fitted_range"]} if "fitted_range" in law else {}),
        }


def fit(
    runs: pd.DataFrame | str | Path,
    *,
    exclude_top_loss: int = 0,
    method: str = "screen",
    screen: int = 32,
    progress: bool | None = None,
    form: str = "chinchilla",
) -> FitResult:
    """Fit L̂(N, D) = E + A/N^α + B/D^β to training runs (Hoffmann et al. 2022, App. D.2).

    Parameters
    ----------
    runs : DataFrame, str or Path
        Runs with columns params [parameters], tokens [tokens], loss [nats/token] (see :func:`load_runs`).
    exclude_top_loss : int
        Drop the runs with the k highest losses first (Besiroglu et al. drop 5).
    method : {"screen", "exhaustive"}
        "screen": optimise the ``screen`` best of the 4,500 grid starts with batched exact Newton, then
        polish; "exhaustive": optimise all 4,500 starts the same way (slower, same optimum; at most
        10,000 runs).
    screen : int
        Starts kept by the screen.
    progress : bool, optional
        Show a progress bar on stderr (exhaustive method; the screen takes a fraction of a second); the
        default draws one only when stderr is a terminal.
    form : str
        The functional form (:func:`fmfootprint.scaling.forms.get_form`): ``chinchilla`` (default) or
        ``gadre2024`` (Gadre et al. 2024 eq. (4), α = β); an unknown name lists the valid ones.

    Returns
    -------
    FitResult

    Notes
    -----
    Objective: Σᵢ Huber_δ(LSE(a − α log Nᵢ, b − β log Dᵢ, e) − log Lᵢ), δ = 1e-3, summed over runs (summing
    rather than averaging matters: Besiroglu et al. show averaging stops L-BFGS early). On the 240 Epoch
    points (5 highest losses dropped) this gives E 1.8172, A 477.8, B 2143, α 0.3473, β 0.3672 with
    objective 0.00101827402, the best of the reference's 4,500 finite-difference L-BFGS-B runs or better.

    References
    ----------
    Hoffmann, J. et al. (2022). arXiv:2203.15556, App. D.2. Besiroglu, T., Erdil, E., Barnett, M., You, J.
    (2024). Chinchilla Scaling: A replication attempt. arXiv:2404.10102, §2 and Table 1.
    """
    shape = get_form(form)
    if method not in ("screen", "exhaustive"):
        raise FootprintInputError(f"unknown fit method {method!r}; valid methods: screen, exhaustive")
    frame = prepare_runs(runs, exclude_top_loss)
    if method == "exhaustive" and len(frame) > _search.SCREEN_ROWS:
        raise FootprintInputError(
            f"method exhaustive optimises every grid start on every run: at most {_search.SCREEN_ROWS:,} "
            f"runs, got {len(frame):,}; use method screen (the default)"
        )
    data = obj.Data(frame["params"].to_numpy(), frame["tokens"].to_numpy(), frame["loss"].to_numpy())
    grid = shape.grid(obj.initial_grid())
    if method == "screen":
        screen = max(1, min(int(screen), len(grid)))
        phis, values = _search.search(grid, data, shape, keep=screen, exhaustive=False)
        n_starts = screen
    else:
        from tqdm import tqdm

        with tqdm(total=len(grid), disable=_show_progress(progress), desc="fit", unit="start") as bar:
            phis, values = _search.search(
                grid, data, shape, keep=len(grid), exhaustive=True, on_converged=bar.update
            )
        n_starts = len(grid)
    finite = np.isfinite(values)
    if not finite.any():
        raise FootprintInputError("the fit did not converge from any start; check the runs' values")
    phis, values = phis[finite], values[finite]
    best_phi, best_value, converged = _search.best(phis, values, data, shape)
    best_theta = shape.to_theta(best_phi)[0]
    residuals = obj.residuals(best_theta, data)[0]
    return FitResult(
        law=replace(
            _theta_to_law(best_theta, citation=_citation(shape)),
            fitted_range=FittedRange.of_runs(frame["params"].to_numpy(), frame["tokens"].to_numpy()),
        ),
        objective=best_value,
        n_points=data.n,
        converged_starts=converged,
        n_starts=n_starts,
        residuals=residuals,
        theta=np.asarray(best_theta, dtype=float),
        exclude_top_loss=int(exclude_top_loss),
        method=method,
        local_optima=shape.to_theta(_search.distinct(phis, values)) if len(phis) else np.empty((0, 5)),
        form=shape.name,
    )


# -------------------------------------------------------------------------------------- bootstrap


@dataclass(frozen=True)
class BootstrapResult:
    """Parameter samples from refitting resampled runs; percentile intervals for them and for any planned
    quantity.

    Attributes
    ----------
    samples : DataFrame
        One row per resample, columns E, A, B, alpha, beta (and the form's own parameters after them,
        e.g. a, b, eta for ``gadre2024``).
    point : FitResult
        The fit on all runs.
    n : int
        Resamples.
    seed : int
        Seed of the numpy Generator that drew them.
    converged : int
        Resamples whose optimiser converged.
    """

    samples: pd.DataFrame = field(repr=False)
    point: FitResult
    n: int
    seed: int
    converged: int

    def laws(self) -> list[ChinchillaLaw]:
        """The resampled laws."""
        rows = self.samples.to_numpy()
        return [
            ChinchillaLaw(E=r[0], A=r[1], B=r[2], alpha=r[3], beta=r[4], name=f"bootstrap-{i}")
            for i, r in enumerate(rows)
        ]

    def intervals(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """Percentile intervals {name: (low, high)} for E, A, B, alpha, beta at ``level`` (e.g. 0.95)."""
        low, high = _quantiles(level)
        return {
            name: (float(np.quantile(self.samples[name], low)), float(np.quantile(self.samples[name], high)))
            for name in self.samples.columns
        }

    @property
    def not_converged(self) -> int:
        """Resamples whose optimiser stopped at its iteration limit before converging."""
        return self.n - self.converged

    def convergence_text(self) -> str:
        """'3,552 of 4,000 resamples converged' (the line the CLI and the Fit page show)."""
        from fmfootprint.units import format_count

        return f"{format_count(self.converged)} of {format_count(self.n)} resamples converged"

    def interval_of(self, fn: Callable[[ChinchillaLaw], Any], level: float = 0.95) -> tuple[Any, Any]:
        """Percentile interval of any planned quantity ``fn(law)`` (float or array) over the resamples.

        Example: ``result.interval_of(lambda law: compute_optimal(1e24, law).tokens_per_param)``.
        """
        low, high = _quantiles(level)
        values = np.array([np.asarray(fn(law), dtype=float) for law in self.laws()])
        lo, hi = np.quantile(values, [low, high], axis=0)
        return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)

    def to_dict(self, level: float = 0.95) -> dict[str, Any]:
        """The point fit's keys plus ``intervals`` {name: [low, high]}, n_bootstrap, seed, level."""
        return {
            **self.point.to_dict(),
            "intervals": {k: list(v) for k, v in self.intervals(level).items()},
            "level": level,
            "n_bootstrap": self.n,
            "bootstrap_converged": self.converged,
            "seed": self.seed,
        }


def _quantiles(level: float) -> tuple[float, float]:
    if not 0 < float(level) < 1:
        raise FootprintInputError(f"level must be in (0, 1), got {level!r}")
    tail = (1.0 - float(level)) / 2.0
    return tail, 1.0 - tail


def bootstrap(
    runs: pd.DataFrame | str | Path,
    n: int = 4000,
    seed: int = 0,
    exclude_top_loss: int = 0,
    progress: bool | None = None,
    *,
    form: str = "chinchilla",
    on_progress: Callable[[int, int], object] | None = None,
) -> BootstrapResult:
    """Refit the law on ``n`` resamples (with replacement) of the runs (Besiroglu et al. 2024, §3).

    Parameters
    ----------
    runs : DataFrame, str or Path
        As for :func:`fit`.
    n : int
        Resamples (Epoch used 4,000); at most :data:`MAX_BOOTSTRAP`, and resamples × runs at most
        :data:`MAX_BOOTSTRAP_CELLS`.
    seed : int
        Seed for ``numpy.random.default_rng``; the same seed gives the same samples.
    exclude_top_loss : int
        As for :func:`fit`, applied once before resampling.
    progress : bool, optional
        Show a progress bar on stderr; the default draws one only when stderr is a terminal. It counts
        every resample (converged or stopped at the iteration limit), so it ends at ``n``.
    form : str
        As for :func:`fit`.
    on_progress : callable, optional
        ``on_progress(done, n)`` after each Newton iteration (the app's progress bar); the last call has
        ``done == n``.

    Notes
    -----
    Each resample is a vector of counts (how often each run was drawn), so the objective of all resamples
    is one weighted array evaluation. Every resample starts from the full-data optimum and batched exact
    Newton optimises all of them together. For safety, each other distinct local optimum the full-data
    screen found is evaluated on every resample, and a resample that scores better there than where its
    descent ended is re-optimised from it.

    References
    ----------
    Besiroglu, T. et al. (2024). arXiv:2404.10102 (4,000 bootstrap resamples; Table 1 standard errors).
    Efron, B., Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 13 (percentile intervals).
    """
    from tqdm import tqdm

    shape = get_form(form)
    frame = prepare_runs(runs, exclude_top_loss)
    count = _search.check_bootstrap_count(n, len(frame))
    point = replace(fit(frame, form=shape.name), exclude_top_loss=int(exclude_top_loss))
    data = obj.Data(frame["params"].to_numpy(), frame["tokens"].to_numpy(), frame["loss"].to_numpy())
    weights = _search.resample_weights(np.random.default_rng(seed), count, data.n)
    projection = shape.projection() if shape.tied else None
    done = [0]

    with (
        tqdm(total=count, disable=_show_progress(progress), desc="bootstrap", unit="resample") as bar,
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
    ):

        def advance(rows: int) -> None:
            bar.update(rows)
            done[0] += rows
            if on_progress is not None:
                on_progress(min(done[0], count), count)

        best_phi, best_value, converged = obj.newton(
            np.tile(shape.to_phi(point.theta)[0], (count, 1)),
            data,
            weights,
            on_converged=advance,
            projection=projection,
        )
        # Safety: a resample whose objective is lower at another local optimum of the full-data screen
        # than where its own descent ended is re-optimised from there.
        for other in point.local_optima[:8]:
            if np.max(np.abs(other - point.theta)) <= 1e-4:
                continue
            rows = np.flatnonzero(obj.objective(np.tile(other, (count, 1)), data, weights) < best_value)
            if rows.size:
                phis, values, finished = obj.newton(
                    np.tile(shape.to_phi(other)[0], (rows.size, 1)),
                    data,
                    weights[rows],
                    projection=projection,
                )
                better = values < best_value[rows]
                best_phi[rows[better]] = phis[better]
                best_value[rows[better]] = values[better]
                converged[rows[better]] = finished[better]
    best_theta = shape.to_theta(best_phi)
    columns = {
        "E": np.exp(best_theta[:, 2]),
        "A": np.exp(best_theta[:, 0]),
        "B": np.exp(best_theta[:, 1]),
        "alpha": best_theta[:, 3],
        "beta": best_theta[:, 4],
    }
    own = shape.parameters(columns)  # vectorised: arrays in, arrays out
    samples = pd.DataFrame({**columns, **{k: v for k, v in own.items() if k not in columns}})
    return BootstrapResult(
        samples=samples, point=point, n=count, seed=int(seed), converged=int(converged.sum())
    )
