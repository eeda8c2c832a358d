"""Functional forms :func:`fmfootprint.scaling.fit.fit` can fit, each a constrained Chinchilla form.

Every form here is L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2) with some of its five
log-space parameters θ = (a, b, e, α, β) = (log A, log B, log E, α, β) tied to others, so that one objective
(the Huber-in-log-space of App. D.2, :mod:`fmfootprint.scaling._objective`) and one bootstrap serve them
all. A form names its free parameters φ (a subset of θ) and the tied ones; θ = P φ for a 0/1 matrix P, the
gradient is Pᵀ∇θ and the Hessian Pᵀ H P.

- ``chinchilla``: all five free (Hoffmann et al. 2022, App. D.2; Besiroglu et al. 2024).
- ``gadre2024``: the over-training form of Gadre et al. (2024), §2.1, eq. (4):
  L(C, M) = E + (a·M^η + b·M^−η)·C^−η, with M = D/N the tokens-per-parameter multiple and C = 6ND. It is
  Chinchilla's eq. (1) under their assumption α = β, rewritten with C and M: η = α/2, a = A·6^η, b = B·6^η.
  Fitting it is fitting Chinchilla with β tied to α (four free parameters).

The runs' columns are only N, D and a loss, so any modality (text, speech, images, code) fits the same way;
the loss keeps the runs' own unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.errors import UnknownNameError

__all__ = ["FORMS", "Form", "gadre_loss", "gadre_parameters", "get_form"]

FloatArray = NDArray[np.float64]

#: Positions in θ = (a, b, e, α, β).
_A, _B, _E, _ALPHA, _BETA = range(5)


def gadre_loss(
    params: ArrayLike, multiple: ArrayLike, E: float, a: float, b: float, eta: float
) -> FloatArray:
    """Loss of a run of ``params`` parameters trained on ``multiple`` tokens per parameter (Gadre et al.).

    Parameters
    ----------
    params : array_like
        Model size N [parameters].
    multiple : array_like
        Token multiplier M = D/N [tokens/parameter].
    E : float
        Irreducible loss [loss unit of the runs, e.g. nats/token].
    a, b : float
        Coefficients of the M^η and M^−η terms [loss unit · FLOP^η].
    eta : float
        Exponent η = α/2 [dimensionless].

    Returns
    -------
    ndarray
        L(C, M) = E + (a·M^η + b·M^−η)·C^−η with C = 6·N·D = 6·M·N² [loss unit].

    References
    ----------
    Gadre, S. Y. et al. (2024). Language models scale reliably with over-training and on downstream tasks.
    arXiv:2403.08540, §2.1, eq. (4) (C = 6ND: eq. (2)).
    """
    n = np.asarray(params, dtype=float)
    m = np.asarray(multiple, dtype=float)
    compute = 6.0 * m * n * n
    result: FloatArray = E + (a * m**eta + b * m ** (-eta)) * compute ** (-eta)
    return result


def gadre_parameters(E: Any, A: Any, B: Any, alpha: Any) -> dict[str, Any]:
    """Gadre et al.'s (E, a, b, η) of the Chinchilla law with α = β.

    Parameters
    ----------
    E : float
        Irreducible loss [loss unit].
    A, B : float
        Chinchilla coefficients [loss unit · parameters^α], [loss unit · tokens^α].
    alpha : float
        The common exponent α = β [dimensionless].

    Vectorised: arrays in (one value per bootstrap resample), arrays out.

    Returns
    -------
    dict
        {"E", "a", "b", "eta"} with η = α/2, a = A·6^η, b = B·6^η (Gadre et al. 2024, §2.1 below eq. (4)).
    """
    eta = alpha / 2.0
    return {"E": E, "a": A * 6.0**eta, "b": B * 6.0**eta, "eta": eta}


@dataclass(frozen=True)
class Form:
    """A constrained Chinchilla form: which of θ = (a, b, e, α, β) are free, and which copy another.

    Attributes
    ----------
    name : str
        The name ``fit --form`` takes.
    title : str
        The form as a formula, for output.
    citation : str
        Paper and equation.
    free : tuple of int
        Positions in θ of the free parameters φ, in order.
    tied : tuple of (int, int)
        (position, position of the free parameter it equals).
    """

    name: str
    title: str
    citation: str
    free: tuple[int, ...]
    tied: tuple[tuple[int, int], ...] = ()

    @property
    def size(self) -> int:
        """Number of free parameters."""
        return len(self.free)

    def projection(self) -> FloatArray:
        """The (5, size) 0/1 matrix P with θ = P φ."""
        matrix = np.zeros((5, self.size))
        for column, position in enumerate(self.free):
            matrix[position, column] = 1.0
        for position, source in self.tied:
            matrix[position, self.free.index(source)] = 1.0
        return matrix

    def to_theta(self, phi: FloatArray) -> FloatArray:
        """θ rows (K, 5) of free-parameter rows φ (K, size)."""
        theta: FloatArray = np.atleast_2d(phi) @ self.projection().T
        return theta

    def to_phi(self, theta: FloatArray) -> FloatArray:
        """The free parameters φ (K, size) of θ rows (K, 5)."""
        return np.atleast_2d(theta)[:, list(self.free)]

    def grid(self, full_grid: FloatArray) -> FloatArray:
        """The starts of Hoffmann's grid that satisfy the ties, as φ rows (duplicates dropped, order kept)."""
        keep = np.ones(len(full_grid), dtype=bool)
        for position, source in self.tied:
            keep &= full_grid[:, position] == full_grid[:, source]
        phi = self.to_phi(full_grid[keep])
        _, first = np.unique(phi, axis=0, return_index=True)
        return phi[np.sort(first)]

    def parameters(self, law: Mapping[str, Any]) -> dict[str, Any]:
        """The form's own parameters for a law's E, A, B, alpha, beta (empty for chinchilla); floats or
        arrays, as given."""
        if self.name == "gadre2024":
            return gadre_parameters(law["E"], law["A"], law["B"], law["alpha"])
        return {}


FORMS: dict[str, Form] = {
    "chinchilla": Form(
        name="chinchilla",
        title="L(N, D) = E + A/N^alpha + B/D^beta",
        citation="Hoffmann et al. 2022, eq. 2 and App. D.2",
        free=(_A, _B, _E, _ALPHA, _BETA),
    ),
    "gadre2024": Form(
        name="gadre2024",
        title="L(C, M) = E + (a M^eta + b M^-eta) C^-eta, M = D/N, C = 6ND",
        citation="Gadre et al. 2024 (arXiv:2403.08540), §2.1, eq. (4): Chinchilla with alpha = beta",
        free=(_A, _B, _E, _ALPHA),
        tied=((_BETA, _ALPHA),),
    ),
}
_ALIASES = {"gadre": "gadre2024", "overtraining": "gadre2024", "over-training": "gadre2024"}


def get_form(name: str) -> Form:
    """The form called ``name`` (``chinchilla``, ``gadre2024``; ``gadre`` and ``overtraining`` also work).

    Raises
    ------
    UnknownNameError
        Any other name; the message lists the valid ones.
    """
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMS:
        error = UnknownNameError("fit form", str(name), FORMS)
        # One line that lists every valid choice, not only the closest ones.
        error.args = (f"unknown fit form {str(name)!r}; valid forms: {', '.join(FORMS)}",)
        raise error
    return FORMS[key]
