"""Data-constrained scaling (Muennighoff et al. 2023): the value of repeated tokens and excess parameters."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint._validate import positive_array
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.laws import ChinchillaLaw

__all__ = ["data_constrained_loss", "effective_params", "effective_tokens", "frontier_g"]


def frontier_g(law: ChinchillaLaw) -> float:
    """G = (αA / (βB))^{1/(α+β)} of Hoffmann et al. (2022), eq. 4, so that N_opt = G·(C/6)^a."""
    return float((law.alpha * law.A / (law.beta * law.B)) ** (1.0 / (law.alpha + law.beta)))


def _stars(law: ChinchillaLaw) -> tuple[float, float]:
    if law.r_d_star is None or law.r_n_star is None:
        raise FootprintInputError(
            f"law {law.name or 'fitted'!r} has no data-constrained constants (r_d_star, r_n_star); "
            "use the muennighoff2023 law"
        )
    return law.r_d_star, law.r_n_star


def effective_tokens(
    tokens: ArrayLike, unique_tokens: ArrayLike, r_d_star: float
) -> float | NDArray[np.float64]:
    """D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*)) [tokens] (Muennighoff et al. 2023, eq. 5).

    Parameters
    ----------
    tokens : array_like
        Training tokens D, repeats included [tokens].
    unique_tokens : array_like
        Unique tokens available U [tokens]. When D < U only D unique tokens are seen: U_D = min(U, D).
    r_d_star : float
        Decay constant R_D* [epochs].

    Notes
    -----
    R_D = D/U_D − 1 is the number of repeated epochs. Repeated tokens are worth less and less: D' saturates
    at U_D·(1 + R_D*).

    References
    ----------
    Muennighoff, N. et al. (2023). Scaling Data-Constrained Language Models. arXiv:2305.16264, eq. 5.
    """
    d = positive_array("tokens", tokens)
    u = np.minimum(positive_array("unique_tokens", unique_tokens), d)
    repeats = np.maximum(d / u - 1.0, 0.0)
    value = u + u * r_d_star * (1.0 - np.exp(-repeats / r_d_star))
    return float(value) if np.ndim(value) == 0 else value


def effective_params(
    params: ArrayLike, unique_tokens: ArrayLike, law: ChinchillaLaw
) -> float | NDArray[np.float64]:
    """N' = U_N + U_N·R_N*·(1 − exp(−R_N/R_N*)) [params] (Muennighoff et al. 2023, eq. 5).

    Parameters
    ----------
    params : array_like
        Model size N [parameters].
    unique_tokens : array_like
        Unique tokens U [tokens]; U_N = min(N, the compute-optimal size for U tokens).
    law : ChinchillaLaw
        A law with ``r_n_star``.

    Notes
    -----
    The compute-optimal size for D tokens is N = G·(D·G)^{β/α} (Hoffmann eq. 4 inverted), and
    R_N = N/U_N − 1 counts the excess parameters beyond it.

    References
    ----------
    Muennighoff, N. et al. (2023). arXiv:2305.16264, eq. 5 and the huggingface/datablations README.
    """
    _, r_n_star = _stars(law)
    n = positive_array("params", params)
    u = positive_array("unique_tokens", unique_tokens)
    g = frontier_g(law)
    u_n = np.minimum(n, g * (u * g) ** (law.beta / law.alpha))
    repeats = np.maximum(n / u_n - 1.0, 0.0)
    value = u_n + u_n * r_n_star * (1.0 - np.exp(-repeats / r_n_star))
    return float(value) if np.ndim(value) == 0 else value


def data_constrained_loss(
    params: ArrayLike, tokens: ArrayLike, unique_tokens: ArrayLike, law: ChinchillaLaw
) -> float | NDArray[np.float64]:
    """L(N, D, U) = E + A/N'^α + B/D'^β [nats/token] (Muennighoff et al. 2023, eq. 5).

    Parameters
    ----------
    params : array_like
        Model size N [parameters].
    tokens : array_like
        Training tokens D, repeats included [tokens].
    unique_tokens : array_like
        Unique tokens available U [tokens].
    law : ChinchillaLaw
        A law with ``r_d_star`` and ``r_n_star`` (the ``muennighoff2023`` preset).

    Notes
    -----
    N' and D' are :func:`effective_params` and :func:`effective_tokens`, both given U_D = min(U, D): a run
    of D tokens sees at most D unique ones, so U_N is the compute-optimal size for those (the datablations
    README's ``scaling_law(N, D, U)`` requires U ≤ D and its ``optimal_allocation`` passes min(U, D)). With
    the muennighoff2023 preset and U = 25e9, L(6.34e9, 242e9) = 2.2256440890 and L(8.67e9, 178e9) =
    2.2269634075 (datablations README); with U = 100e9 > D = 50e9, L(10e9, 50e9) = 2.2855845 (datablations'
    function at U = min(U, D)).

    References
    ----------
    Muennighoff, N. et al. (2023). Scaling Data-Constrained Language Models. arXiv:2305.16264, eq. 5.
    """
    r_d_star, _ = _stars(law)
    d = positive_array("tokens", tokens)
    seen = np.minimum(positive_array("unique_tokens", unique_tokens), d)
    n_eff = effective_params(params, seen, law)
    d_eff = effective_tokens(d, seen, r_d_star)
    value = law.E + law.A / np.asarray(n_eff) ** law.alpha + law.B / np.asarray(d_eff) ** law.beta
    return float(value) if np.ndim(value) == 0 else value
