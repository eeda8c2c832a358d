"""The Hoffmann App. D.2 fitting objective, its gradient and Hessian, batched over many parameter vectors.

Parameters are θ = (a, b, e, α, β) with A = exp(a), B = exp(b), E = exp(e). For run i with size N_i, tokens
D_i and loss L_i the prediction in log space is

    p_i(θ) = LSE(a − α·log N_i, b − β·log D_i, e)          (log of E + A/N^α + B/D^β)

and the objective is Σ_i w_i · Huber_δ(p_i(θ) − log L_i) with δ = 1e-3, summed (not averaged) over runs
(Hoffmann et al. 2022, App. D.2; Besiroglu et al. 2024, §2). Weights w_i are 1 for a plain fit and the
resample counts for a bootstrap replicate, so that one array evaluates thousands of replicates at once.

Everything here works on a batch: θ has shape (K, 5), weights shape (K, n) or (n,), and the functions return
(K,) objectives, (K, 5) gradients and (K, 5, 5) Hessians. The gradient is analytic: with softmax weights
s_k = exp(u_k − p) of the three LSE terms and ψ(r) = clip(r, −δ, δ) the Huber derivative,

    ∂/∂a = Σ w ψ s_1,  ∂/∂b = Σ w ψ s_2,  ∂/∂e = Σ w ψ s_3,
    ∂/∂α = −Σ w ψ s_1 log N,  ∂/∂β = −Σ w ψ s_2 log D.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

HUBER_DELTA = 1e-3

FloatArray = NDArray[np.float64]


#: Most cells (rows of θ × runs) one temporary array may hold [cells]; a larger batch is evaluated over
#: slices of the runs and summed, so memory stays near 20 such arrays (≈ 0.3 GB) whatever the rows × starts.
MAX_CELLS = 1 << 21


class Data:
    """log N, log D and log L of the runs, precomputed once (each shape (n,))."""

    def __init__(self, params: FloatArray, tokens: FloatArray, loss: FloatArray) -> None:
        self.log_n = np.log(np.asarray(params, dtype=float))
        self.log_d = np.log(np.asarray(tokens, dtype=float))
        self.log_l = np.log(np.asarray(loss, dtype=float))
        self.n = self.log_n.size

    def part(self, index: slice | NDArray[np.intp]) -> Data:
        """The runs at ``index`` (a slice gives views, no copy)."""
        out = object.__new__(Data)
        out.log_n, out.log_d, out.log_l = self.log_n[index], self.log_d[index], self.log_l[index]
        out.n = out.log_n.size
        return out


def _blocks(rows: int, data: Data, weights: FloatArray | None) -> list[tuple[Data, FloatArray | None]]:
    """(runs, weights) slices with at most :data:`MAX_CELLS` cells each for a batch of ``rows`` θ rows."""
    if rows * data.n <= MAX_CELLS:
        return [(data, weights)]
    step = max(1, MAX_CELLS // max(rows, 1))
    return [
        (data.part(slice(lo, lo + step)), None if weights is None else weights[..., lo : lo + step])
        for lo in range(0, data.n, step)
    ]


def _terms(theta: FloatArray, data: Data) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Residuals r (K, n) and softmax weights s1, s2, s3 (K, n) of the LSE terms."""
    a, b, e, alpha, beta = (theta[:, j : j + 1] for j in range(5))
    u1 = a - alpha * data.log_n
    u2 = b - beta * data.log_d
    u3 = np.broadcast_to(e, u1.shape)
    top = np.maximum(np.maximum(u1, u2), u3)
    x1 = np.exp(u1 - top)
    x2 = np.exp(u2 - top)
    x3 = np.exp(u3 - top)
    total = x1 + x2 + x3
    pred = top + np.log(total)
    inv = 1.0 / total
    return pred - data.log_l, x1 * inv, x2 * inv, x3 * inv


def residuals(theta: FloatArray, data: Data) -> FloatArray:
    """log L̂ − log L for each row of ``theta`` (K, 5) and run → (K, n)."""
    return _terms(np.atleast_2d(theta), data)[0]


def huber(r: FloatArray, delta: float = HUBER_DELTA) -> FloatArray:
    """Huber loss ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond (Huber 1964)."""
    absolute = np.abs(r)
    return np.where(absolute <= delta, 0.5 * r**2, delta * (absolute - 0.5 * delta))


def objective(theta: FloatArray, data: Data, weights: FloatArray | None = None) -> FloatArray:
    """Σ w·Huber(r) for each row of ``theta`` (K, 5) → (K,), summed over slices of the runs if large."""
    theta = np.atleast_2d(theta)
    total: FloatArray = np.zeros(theta.shape[0])
    for part, w in _blocks(theta.shape[0], data, weights):
        h = huber(_terms(theta, part)[0])
        total += h.sum(axis=1) if w is None else (h * w).sum(axis=1)
    return total


def objective_and_gradient(
    theta: FloatArray, data: Data, weights: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Objective (K,) and analytic gradient (K, 5), summed over slices of the runs if large."""
    theta = np.atleast_2d(theta)
    value, grad = np.zeros(theta.shape[0]), np.zeros((theta.shape[0], 5))
    for part, w in _blocks(theta.shape[0], data, weights):
        f, g = _objective_and_gradient(theta, part, w)
        value += f
        grad += g
    return value, grad


def _objective_and_gradient(
    theta: FloatArray, data: Data, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    r, s1, s2, s3 = _terms(theta, data)
    h = huber(r)
    psi = np.clip(r, -HUBER_DELTA, HUBER_DELTA)
    if weights is not None:
        h = h * weights
        psi = psi * weights
    g1 = psi * s1
    g2 = psi * s2
    grad = np.empty((theta.shape[0], 5))
    grad[:, 0] = g1.sum(axis=1)
    grad[:, 1] = g2.sum(axis=1)
    grad[:, 2] = (psi * s3).sum(axis=1)
    grad[:, 3] = -(g1 @ data.log_n)
    grad[:, 4] = -(g2 @ data.log_d)
    return h.sum(axis=1), grad


def objective_gradient_hessian(
    theta: FloatArray, data: Data, weights: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Objective (K,), gradient (K, 5) and exact Hessian (K, 5, 5) (piecewise: Huber'' is 1 or 0).

    Summed over slices of the runs when the batch is large (:data:`MAX_CELLS`).

    With J the (5,) Jacobian of p, H = Σ w [1{|r| ≤ δ} J Jᵀ + ψ(r) ∇²p], and ∇²p = diag-block of the
    softmax covariance: ∇²p over (u1, u2, u3) is diag(s) − s sᵀ, mapped to θ by ∂u/∂θ.
    """
    theta = np.atleast_2d(theta)
    count = theta.shape[0]
    value, grad, hess = np.zeros(count), np.zeros((count, 5)), np.zeros((count, 5, 5))
    for part, w in _blocks(count, data, weights):
        f, g, h = _objective_gradient_hessian(theta, part, w)
        value += f
        grad += g
        hess += h
    return value, grad, hess


def _objective_gradient_hessian(
    theta: FloatArray, data: Data, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r, s1, s2, s3 = _terms(theta, data)
    inside = (np.abs(r) <= HUBER_DELTA).astype(float)
    h = huber(r)
    psi = np.clip(r, -HUBER_DELTA, HUBER_DELTA)
    if weights is not None:
        h = h * weights
        psi = psi * weights
        inside = inside * weights
    ln, ld = data.log_n, data.log_d
    # Jacobian of p w.r.t. θ, row by row: (s1, s2, s3, −s1 ln, −s2 ld), each (K, n).
    jac = (s1, s2, s3, -s1 * ln, -s2 * ld)
    grad = np.stack([(psi * j).sum(axis=1) for j in jac], axis=1)
    # ∂u/∂θ: u1 depends on (a, α) with (1, −ln), u2 on (b, β) with (1, −ld), u3 on e with 1.
    # ∇²p in θ = Σ_kl (diag(s) − s sᵀ)_kl (∂u_k/∂θ)(∂u_l/∂θ)ᵀ = J_s-terms − J Jᵀ, where the first is
    # Σ_k s_k (∂u_k/∂θ)(∂u_k/∂θ)ᵀ.
    hess = np.empty((theta.shape[0], 5, 5))
    coef = inside - psi  # multiplies J Jᵀ: inside·JJᵀ − ψ·JJᵀ
    for i in range(5):
        for j in range(i, 5):
            value = (coef * jac[i] * jac[j]).sum(axis=1)
            hess[:, i, j] = value
            hess[:, j, i] = value
    # + ψ Σ_k s_k (∂u_k/∂θ)(∂u_k/∂θ)ᵀ (block entries for (a, α) and (b, β), and e).
    p1, p2 = psi * s1, psi * s2
    t_a = p1.sum(axis=1)
    t_aal = -(p1 @ ln)
    t_alal = p1 @ (ln * ln)
    t_b = p2.sum(axis=1)
    t_bbe = -(p2 @ ld)
    t_bebe = p2 @ (ld * ld)
    t_e = (psi * s3).sum(axis=1)
    hess[:, 0, 0] += t_a
    hess[:, 0, 3] += t_aal
    hess[:, 3, 0] += t_aal
    hess[:, 3, 3] += t_alal
    hess[:, 1, 1] += t_b
    hess[:, 1, 4] += t_bbe
    hess[:, 4, 1] += t_bbe
    hess[:, 4, 4] += t_bebe
    hess[:, 2, 2] += t_e
    return h.sum(axis=1), grad, hess


def initial_grid() -> FloatArray:
    """The 4,500 starting points of Hoffmann App. D.2 as rows (a, b, e, α, β).

    α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}; ordered as in Besiroglu et al.'s
    replication (α outermost, then β, e, a, b).
    """
    alphas = np.arange(0, 2.5, 0.5)
    betas = np.arange(0, 2.5, 0.5)
    es = np.arange(-1, 1.5, 0.5)
    a_s = np.arange(0, 30, 5.0)
    b_s = np.arange(0, 30, 5.0)
    al, be, e, a, b = np.meshgrid(alphas, betas, es, a_s, b_s, indexing="ij")
    return np.stack([a.ravel(), b.ravel(), e.ravel(), al.ravel(), be.ravel()], axis=1)


def newton(
    theta: FloatArray,
    data: Data,
    weights: FloatArray | None = None,
    *,
    max_iter: int = 200,
    rtol: float = 1e-13,
    on_converged: object = None,
    projection: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Batched saddle-free Newton with backtracking (Armijo) line search, one row of ``theta`` per problem.

    The Hessian's eigenvalues are replaced by their absolute values (plus a small floor), so every step is a
    descent direction even where the Huber-weighted LSE curvature is indefinite. A row stops when a step
    lowers its objective by less than ``rtol`` relatively, or no step length lowers it at all (a kink of the
    piecewise-quadratic objective). Rows that stop leave the batch, so the cost falls as problems converge.

    ``projection`` (5, p), for a constrained form (:mod:`fmfootprint.scaling.forms`): the rows of ``theta``
    are then the p free parameters φ, θ = P φ; the gradient is Pᵀ∇θ and the Hessian Pᵀ H P.

    ``on_converged(count)`` is called with the number of rows that stopped in each iteration, and once at
    the end with the rows that reached ``max_iter`` unconverged, so a progress bar reaches the batch size.

    Returns the final θ (K, 5) (or φ (K, p)), objective (K,) and a converged flag (K,).
    """
    theta = np.array(theta, dtype=float, copy=True)
    basis = None if projection is None else np.asarray(projection, dtype=float)

    def lift(phi: FloatArray) -> FloatArray:
        return phi if basis is None else phi @ basis.T

    count = theta.shape[0]
    values = objective(lift(theta), data, weights)
    converged = np.zeros(count, dtype=bool)
    active = np.arange(count)
    for _ in range(max_iter):
        if active.size == 0:
            break
        w_act = None if weights is None else weights[active]
        th = theta[active]
        f, g, h = objective_gradient_hessian(lift(th), data, w_act)
        if basis is not None:
            g = g @ basis
            h = np.einsum("ji,kjl,lm->kim", basis, h, basis)
        eigval, eigvec = np.linalg.eigh(h)
        scale = np.abs(eigval).max(axis=1, keepdims=True)
        eigval = np.maximum(np.abs(eigval), 1e-10 * np.maximum(scale, 1e-300))
        step = -np.einsum("kij,kj->ki", eigvec, np.einsum("kji,kj->ki", eigvec, g) / eigval)
        slope = np.einsum("ki,ki->k", g, step)
        t = np.ones(active.size)
        new_th = th.copy()
        new_f = f.copy()
        pending = np.arange(active.size)
        for _ls in range(40):
            cand = th[pending] + t[pending, None] * step[pending]
            w_pen = None if w_act is None else w_act[pending]
            fc = objective(lift(cand), data, w_pen)
            ok = fc <= f[pending] + 1e-4 * t[pending] * slope[pending]
            hit = pending[ok]
            new_th[hit] = cand[ok]
            new_f[hit] = fc[ok]
            pending = pending[~ok]
            if pending.size == 0:
                break
            t[pending] *= 0.5
        decrease = f - new_f
        done = (decrease <= rtol * np.abs(f)) | np.isin(np.arange(active.size), pending)
        theta[active] = new_th
        values[active] = new_f
        converged[active[done]] = True
        if callable(on_converged):
            on_converged(int(done.sum()))
        active = active[~done]
    if callable(on_converged) and active.size:
        on_converged(int(active.size))  # stopped at max_iter: finished, not converged
    return theta, values, converged
