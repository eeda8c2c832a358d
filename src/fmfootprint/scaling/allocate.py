"""Allocating a compute budget between model size and training tokens.

Three allocations, all vectorised over arrays of budgets:

- compute-optimal (Hoffmann et al. 2022, eq. 4): the (N, D) minimising L̂(N, D) on 6·N·D = C;
- data-constrained (Muennighoff et al. 2023, eq. 5): the same when only U unique tokens exist;
- inference-aware (Sardana et al. 2024): for a target loss and lifetime inference tokens, the (N, D_train)
  minimising 6·N·D_train + 2·N·D_inf.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint._validate import positive_array
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.constrained import data_constrained_loss, frontier_g
from fmfootprint.scaling.laws import ChinchillaLaw, KaplanLaw

__all__ = [
    "Allocation",
    "InferenceAllocation",
    "compute_optimal",
    "data_constrained_optimal",
    "frontier_compute_for_loss",
    "inference_optimal",
    "isoflop_curve",
    "optimal_params",
    "optimal_tokens",
    "tokens_for_loss",
]

FloatOrArray = float | NDArray[np.float64]
_INVPHI = (np.sqrt(5.0) - 1.0) / 2.0


def _out(value: ArrayLike) -> FloatOrArray:
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def _chinchilla(law: Any) -> ChinchillaLaw:
    if isinstance(law, KaplanLaw):
        raise FootprintInputError(
            "law 'kaplan2020' cannot allocate a budget (its compute frontier is not eq. 1.5 on 6ND = C); "
            "use hoffmann2022, hoffmann2022-unrounded, besiroglu2024 or muennighoff2023"
        )
    if not isinstance(law, ChinchillaLaw):
        raise FootprintInputError(f"law must be a ChinchillaLaw, got {type(law).__name__}")
    return law


@dataclass(frozen=True)
class Allocation:
    """A model size and token count for a budget.

    Attributes: compute_flops [FLOPs], params [parameters], tokens [tokens], loss [nats/token],
    tokens_per_param [tokens/parameter]; floats for scalar input, arrays for array input.
    """

    compute_flops: FloatOrArray
    params: FloatOrArray
    tokens: FloatOrArray
    loss: FloatOrArray
    tokens_per_param: FloatOrArray

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class InferenceAllocation(Allocation):
    """The lifetime-optimal model (Sardana et al. 2024) and its saving against the Chinchilla-optimal one.

    Extra attributes: inference_tokens [tokens], lifetime_flops = 6·N·D + 2·N·D_inf [FLOPs],
    flops_saved [FLOPs] against the compute-optimal model of the same loss, chinchilla_params [parameters],
    chinchilla_tokens [tokens] and chinchilla_lifetime_flops [FLOPs] of that model.
    """

    inference_tokens: FloatOrArray = 0.0
    lifetime_flops: FloatOrArray = 0.0
    flops_saved: FloatOrArray = 0.0
    chinchilla_params: FloatOrArray = 0.0
    chinchilla_tokens: FloatOrArray = 0.0
    chinchilla_lifetime_flops: FloatOrArray = 0.0


def compute_optimal(compute_flops: ArrayLike, law: ChinchillaLaw) -> Allocation:
    """Compute-optimal size and tokens for a training budget (Hoffmann et al. 2022, eq. 4).

    Parameters
    ----------
    compute_flops : array_like
        Training budget C [FLOPs], with C = 6·N·D.
    law : ChinchillaLaw
        The loss law.

    Returns
    -------
    Allocation
        N_opt [parameters], D_opt [tokens], L̂(N_opt, D_opt) [nats/token], D/N [tokens/parameter].

    Notes
    -----
    N_opt = G·(C/6)^a, D_opt = G⁻¹·(C/6)^b, G = (αA/(βB))^{1/(α+β)}, a = β/(α+β), b = α/(α+β).

    References
    ----------
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 4.
    """
    law = _chinchilla(law)
    c = positive_array("compute_flops", compute_flops)
    g = frontier_g(law)
    total = law.alpha + law.beta
    n = g * (c / 6.0) ** (law.beta / total)
    d = (c / 6.0) ** (law.alpha / total) / g
    loss = law.E + law.A / n**law.alpha + law.B / d**law.beta
    return Allocation(_out(c), _out(n), _out(d), _out(loss), _out(d / n))


def optimal_tokens(params: ArrayLike, law: ChinchillaLaw) -> FloatOrArray:
    """Tokens [tokens] for which a model of ``params`` [parameters] is compute-optimal (eq. 4 inverted).

    Notes
    -----
    From N = G·(C/6)^a: C/6 = (N/G)^{1/a} and D = (C/6)/N.
    """
    law = _chinchilla(law)
    n = positive_array("params", params)
    g = frontier_g(law)
    half_c = (n / g) ** ((law.alpha + law.beta) / law.beta)
    return _out(half_c / n)


def optimal_params(tokens: ArrayLike, law: ChinchillaLaw) -> FloatOrArray:
    """Model size [parameters] that is compute-optimal for ``tokens`` [tokens] (eq. 4 inverted).

    Notes
    -----
    From D = G⁻¹·(C/6)^b: C/6 = (D·G)^{1/b} and N = (C/6)/D = G·(D·G)^{β/α}.
    """
    law = _chinchilla(law)
    d = positive_array("tokens", tokens)
    g = frontier_g(law)
    return _out(g * (d * g) ** (law.beta / law.alpha))


def isoflop_curve(
    compute_flops: float, law: ChinchillaLaw, params: ArrayLike | None = None, n: int = 200
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Loss against model size at a fixed budget (an iso-FLOP profile), for plotting.

    Parameters
    ----------
    compute_flops : float
        Training budget C [FLOPs].
    law : ChinchillaLaw
        The loss law.
    params : array_like, optional
        Model sizes [parameters]; default ``n`` sizes log-spaced over 1/30 to 30 × N_opt.
    n : int
        Number of sizes when ``params`` is not given.

    Returns
    -------
    (params, loss)
        Sizes [parameters] and L̂(N, C/(6N)) [nats/token].
    """
    law = _chinchilla(law)
    c = float(positive_array("compute_flops", compute_flops))
    if params is None:
        centre = float(compute_optimal(c, law).params)
        sizes = np.geomspace(centre / 30.0, centre * 30.0, int(n))
    else:
        sizes = np.atleast_1d(positive_array("params", params))
    return sizes, np.asarray(law.loss(sizes, c / (6.0 * sizes)), dtype=float)


def _minimise_log(fun: Any, lo: NDArray[np.float64], hi: NDArray[np.float64], grid: int = 161) -> Any:
    """Vectorised minimiser of fun(x) (arrays of shape (K,) or (K, m)) over x ∈ [lo, hi], per row.

    A grid scan picks the best cell (so a non-smooth but unimodal profile is bracketed), then golden-section
    search narrows it to ~1e-12 in x.
    """
    steps = np.linspace(0.0, 1.0, grid)
    xs = lo[:, None] + (hi - lo)[:, None] * steps
    best = np.argmin(fun(xs), axis=1)
    width = (hi - lo) / (grid - 1)
    rows = np.arange(lo.size)
    left = np.maximum(xs[rows, best] - width, lo)
    right = np.minimum(xs[rows, best] + width, hi)
    x1 = right - _INVPHI * (right - left)
    x2 = left + _INVPHI * (right - left)
    f1 = fun(x1[:, None])[:, 0]
    f2 = fun(x2[:, None])[:, 0]
    for _ in range(80):
        move_left = f1 < f2  # minimum in [left, x2]
        right = np.where(move_left, x2, right)
        left = np.where(move_left, left, x1)
        new_x1 = right - _INVPHI * (right - left)
        new_x2 = left + _INVPHI * (right - left)
        x1n = np.where(move_left, new_x1, x2)
        x2n = np.where(move_left, x1, new_x2)
        evaluate = np.where(move_left, x1n, x2n)
        fe = fun(evaluate[:, None])[:, 0]
        f1, f2 = np.where(move_left, fe, f2), np.where(move_left, f1, fe)
        x1, x2 = x1n, x2n
        if np.all(right - left < 1e-12 * np.maximum(1.0, np.abs(left))):
            break
    return 0.5 * (left + right)


def data_constrained_optimal(
    compute_flops: ArrayLike, unique_tokens: ArrayLike, law: ChinchillaLaw
) -> Allocation:
    """Loss-minimising size and tokens on 6·N·D = C when only U unique tokens exist.

    Parameters
    ----------
    compute_flops : array_like
        Training budget C [FLOPs].
    unique_tokens : array_like
        Unique tokens available U [tokens]; tokens beyond U are repeats.
    law : ChinchillaLaw
        A law with R_D*, R_N* (the ``muennighoff2023`` preset).

    Returns
    -------
    Allocation
        ``loss`` is the data-constrained loss L(N, D, U) of Muennighoff et al. eq. 5.

    Notes
    -----
    There is no closed form (the datablations README uses a grid search); the optimum is found per budget
    by a grid scan in log N followed by golden-section search. For C = 6 · 8.67e9 · 178e9 and U = 25e9 the
    README's grid search gives ≈ 6.8B parameters on ≈ 227B tokens.

    References
    ----------
    Muennighoff, N. et al. (2023). Scaling Data-Constrained Language Models. arXiv:2305.16264, eq. 5, and
    the huggingface/datablations README ("Parametric Fit").
    """
    law = _chinchilla(law)
    c, u = np.broadcast_arrays(
        positive_array("compute_flops", compute_flops), positive_array("unique_tokens", unique_tokens)
    )
    shape = c.shape
    c_flat, u_flat = c.ravel(), u.ravel()
    centre = np.log(np.atleast_1d(compute_optimal(c_flat, law).params))
    lo, hi = centre - 9.0, centre + 5.0

    def profile(log_n: NDArray[np.float64]) -> NDArray[np.float64]:
        n = np.exp(log_n)
        budget = c_flat[:, None]
        return np.asarray(data_constrained_loss(n, budget / (6.0 * n), u_flat[:, None], law))

    n = np.exp(_minimise_log(profile, lo, hi))
    d = c_flat / (6.0 * n)
    loss = np.asarray(data_constrained_loss(n, d, u_flat, law))

    def shaped(x: NDArray[np.float64]) -> FloatOrArray:
        return _out(x.reshape(shape))

    return Allocation(shaped(c_flat), shaped(n), shaped(d), shaped(loss), shaped(d / n))


def frontier_compute_for_loss(target_loss: ArrayLike, law: ChinchillaLaw) -> FloatOrArray:
    """The budget C [FLOPs] whose compute-optimal model reaches ``target_loss`` [nats/token].

    Notes
    -----
    On the frontier both reducible terms fall as (C/6)^{−γ}, γ = αβ/(α+β):
    L*(C) = E + K·(C/6)^{−γ} with K = A·G^{−α} + B·G^{β}, so C = 6·((ℓ − E)/K)^{−1/γ}.
    """
    law = _chinchilla(law)
    target = positive_array("target_loss", target_loss)
    if np.any(target <= law.E):
        bad = float(np.atleast_1d(target)[np.atleast_1d(target <= law.E)][0])
        raise FootprintInputError(
            f"target_loss must be above the law's irreducible loss E = {law.E:g}, got {bad!r}"
        )
    g = frontier_g(law)
    gamma = law.alpha * law.beta / (law.alpha + law.beta)
    k = law.A * g ** (-law.alpha) + law.B * g**law.beta
    return _out(6.0 * ((target - law.E) / k) ** (-1.0 / gamma))


def _tokens_for_headroom(headroom: NDArray[np.float64], law: ChinchillaLaw) -> NDArray[np.float64]:
    # D = (B / headroom)^(1/β), inf where the model alone cannot reach the loss (headroom ≤ 0).
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            headroom > 0, (law.B / np.where(headroom > 0, headroom, 1.0)) ** (1.0 / law.beta), np.inf
        )


def tokens_for_loss(params: ArrayLike, target_loss: ArrayLike, law: ChinchillaLaw) -> FloatOrArray:
    """Training tokens that bring a model of ``params`` parameters to ``target_loss``.

    Parameters
    ----------
    params : array_like
        Model parameters N [-], > 0.
    target_loss : array_like
        Target loss ℓ [nats/token], > E; broadcast against ``params``.
    law : ChinchillaLaw
        The loss law.

    Returns
    -------
    float or numpy.ndarray
        Tokens D [tokens]; ``inf`` where the model is too small ever to reach ℓ (E + A/N^α ≥ ℓ).

    Notes
    -----
    Hoffmann et al. (2022) eq. 2, ℓ = E + A/N^α + B/D^β, solved for D: D = (B / (ℓ − E − A/N^α))^{1/β}.

    References
    ----------
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 2.
    """
    law = _chinchilla(law)
    n = positive_array("params", params)
    target = positive_array("target_loss", target_loss)
    if np.any(target <= law.E):
        bad = float(np.atleast_1d(target)[np.atleast_1d(target <= law.E)][0])
        raise FootprintInputError(
            f"target loss {bad:g} is at or below the law's irreducible loss E = {law.E:g}; "
            "no model reaches it"
        )
    return _out(_tokens_for_headroom(target - law.E - law.A / n**law.alpha, law))


def inference_optimal(
    target_loss: ArrayLike, inference_tokens: ArrayLike, law: ChinchillaLaw
) -> InferenceAllocation:
    """Size and training tokens reaching ``target_loss`` at least lifetime compute (Sardana et al. 2024).

    Parameters
    ----------
    target_loss : array_like
        Loss ℓ to reach [nats/token]; must exceed E.
    inference_tokens : array_like
        Tokens processed over the model's life at inference, D_inf [tokens] (≥ 0).
    law : ChinchillaLaw
        The loss law.

    Returns
    -------
    InferenceAllocation
        ``compute_flops`` is the training budget 6·N·D_train of the lifetime-optimal model;
        ``flops_saved`` its lifetime saving against the compute-optimal model of the same loss.

    Notes
    -----
    minimise 6·N·D_train + 2·N·D_inf subject to L̂(N, D_train) = ℓ. For a size N the loss constraint gives
    D_train(N) = (B / (ℓ − E − A·N^{−α}))^{1/β}, defined for N > (A/(ℓ − E))^{1/α}; the lifetime cost is
    then minimised over log N. Sardana et al.'s Fig. 1 example (A 406.4, B 410.7, E 1.69, α .336, β .283):
    the Chinchilla-optimal 13B model (ℓ = 2.0453) with 2T inference tokens becomes ≈ 7B parameters on
    ≈ 1.25T tokens, saving ≈ 1.7e22 FLOPs (≈ 17 %).

    References
    ----------
    Sardana, N., Portes, J., Doubov, S., Frankle, J. (2024). Beyond Chinchilla-Optimal: Accounting for
    Inference in Language Model Scaling Laws. arXiv:2401.00448, §2 and Fig. 1.
    """
    law = _chinchilla(law)
    target = positive_array("target_loss", target_loss)
    d_inf = np.asarray(inference_tokens, dtype=float)
    if np.any(~np.isfinite(d_inf) | (d_inf < 0)):
        bad = float(np.atleast_1d(d_inf)[np.atleast_1d(~np.isfinite(d_inf) | (d_inf < 0))][0])
        raise FootprintInputError(f"inference_tokens must be finite and >= 0, got {bad!r}")
    chin_c = np.asarray(frontier_compute_for_loss(target, law))  # validates target > E
    target, d_inf, chin_c = np.broadcast_arrays(target, d_inf, chin_c)
    shape = target.shape
    ell, dinf, cc = target.ravel(), d_inf.ravel(), chin_c.ravel()
    reducible = ell - law.E
    log_n_min = np.log(law.A / reducible) / law.alpha

    def lifetime(log_n: NDArray[np.float64]) -> NDArray[np.float64]:
        n = np.exp(log_n)
        d_train = _tokens_for_headroom(reducible[:, None] - law.A / n**law.alpha, law)
        total: NDArray[np.float64] = 6.0 * n * d_train + 2.0 * n * dinf[:, None]
        return total

    chin = compute_optimal(cc, law)
    chin_n = np.atleast_1d(chin.params)
    chin_d = np.atleast_1d(chin.tokens)
    # The optimum lies between the smallest feasible size and the Chinchilla-optimal one (serving cost only
    # pushes N down); bracket generously above in case D_inf = 0.
    lo = log_n_min + 1e-9
    hi = np.log(chin_n) + 1.0
    n = np.exp(_minimise_log(lifetime, lo, hi))
    d = _tokens_for_headroom(reducible - law.A / n**law.alpha, law)
    train = 6.0 * n * d
    life = train + 2.0 * n * dinf
    chin_life = 6.0 * chin_n * chin_d + 2.0 * chin_n * dinf

    def shaped(x: NDArray[np.float64]) -> FloatOrArray:
        return _out(np.asarray(x).reshape(shape))

    return InferenceAllocation(
        compute_flops=shaped(train),
        params=shaped(n),
        tokens=shaped(d),
        loss=shaped(ell),
        tokens_per_param=shaped(d / n),
        inference_tokens=shaped(dinf),
        lifetime_flops=shaped(life),
        flops_saved=shaped(chin_life - life),
        chinchilla_params=shaped(chin_n),
        chinchilla_tokens=shaped(chin_d),
        chinchilla_lifetime_flops=shaped(chin_life),
    )
