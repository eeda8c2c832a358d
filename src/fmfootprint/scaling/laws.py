"""Scaling-law value types and the published parameter sets (presets) with their citations.

A :class:`ChinchillaLaw` is the parametric loss of Hoffmann et al. (2022, eq. 2),

    L̂(N, D) = E + A / N^α + B / D^β          [nats/token]

with N the number of parameters (embeddings included) and D the number of training tokens. A
:class:`KaplanLaw` is Kaplan et al. (2020, eq. 1.5). Presets are the published fits; a law fitted with
:func:`fmfootprint.scaling.fit.fit` is written as JSON and read back with :func:`load_law`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint._validate import positive, positive_array
from fmfootprint.errors import FootprintInputError, UnknownNameError

__all__ = ["PRESETS", "ChinchillaLaw", "KaplanLaw", "get_law", "law_names", "load_law"]


def _scalar_or_array(value: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(value) if np.ndim(value) == 0 else value


@dataclass(frozen=True)
class ChinchillaLaw:
    """L̂(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2).

    Parameters
    ----------
    E : float
        Irreducible loss [nats/token].
    A : float
        Model-size coefficient [nats/token · params^α].
    B : float
        Data coefficient [nats/token · tokens^β].
    alpha : float
        Model-size exponent α [dimensionless].
    beta : float
        Data exponent β [dimensionless].
    name : str
        Preset name, or "" for a fitted law.
    citation : str
        Where the numbers come from.
    r_d_star : float or None
        Muennighoff et al. (2023) eq. 5 decay constant R_D* for repeated tokens [epochs]; None when the
        law has no data-constrained extension.
    r_n_star : float or None
        Muennighoff et al. (2023) eq. 5 decay constant R_N* for excess parameters [dimensionless].

    References
    ----------
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 2.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    name: str = ""
    citation: str = ""
    r_d_star: float | None = None
    r_n_star: float | None = None

    def __post_init__(self) -> None:
        for field in ("E", "A", "B", "alpha", "beta"):
            object.__setattr__(self, field, positive(f"law parameter {field}", getattr(self, field)))
        for field in ("r_d_star", "r_n_star"):
            value = getattr(self, field)
            if value is not None:
                object.__setattr__(self, field, positive(f"law parameter {field}", value))

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> float | NDArray[np.float64]:
        """Predicted loss [nats/token] for ``params`` [parameters] trained on ``tokens`` [tokens].

        Vectorised: arrays broadcast against each other.
        """
        n = positive_array("params", params)
        d = positive_array("tokens", tokens)
        return _scalar_or_array(self.E + self.A / n**self.alpha + self.B / d**self.beta)

    def to_dict(self) -> dict[str, Any]:
        """E, A, B, alpha, beta, name, citation (and r_d_star, r_n_star when set)."""
        out = asdict(self)
        for key in ("r_d_star", "r_n_star"):
            if out[key] is None:
                del out[key]
        return out

    @classmethod
    def from_dict(cls, mapping: dict[str, Any]) -> ChinchillaLaw:
        """Build from a mapping with at least E, A, B, alpha, beta (a preset or a fit JSON)."""
        missing = [k for k in ("E", "A", "B", "alpha", "beta") if k not in mapping]
        if missing:
            raise FootprintInputError(f"law is missing {', '.join(missing)}")
        return cls(
            E=mapping["E"],
            A=mapping["A"],
            B=mapping["B"],
            alpha=mapping["alpha"],
            beta=mapping["beta"],
            name=str(mapping.get("name") or ""),
            citation=str(mapping.get("citation") or ""),
            r_d_star=mapping.get("r_d_star"),
            r_n_star=mapping.get("r_n_star"),
        )


@dataclass(frozen=True)
class KaplanLaw:
    """L(N, D) = [(N_c/N)^{α_N/α_D} + D_c/D]^{α_D} (Kaplan et al. 2020, eq. 1.5).

    Parameters
    ----------
    alpha_n : float
        Model-size exponent α_N [dimensionless].
    alpha_d : float
        Data exponent α_D [dimensionless].
    n_c : float
        Critical model size N_c [non-embedding parameters].
    d_c : float
        Critical data size D_c [tokens].

    Notes
    -----
    N counts non-embedding parameters, unlike Hoffmann's N. The law has no irreducible term, and Kaplan's
    compute-efficient frontier (N ∝ C^0.73) comes from their L(N, S) fit, not from eq. 1.5 on 6ND = C, so
    the planner does not allocate budgets with it.

    References
    ----------
    Kaplan, J. et al. (2020). Scaling Laws for Neural Language Models. arXiv:2001.08361, eq. 1.5, Table 2.
    """

    alpha_n: float = 0.076
    alpha_d: float = 0.103
    n_c: float = 6.4e13
    d_c: float = 1.8e13
    name: str = "kaplan2020"
    citation: str = "Kaplan et al. 2020, arXiv:2001.08361, eq. 1.5 (N non-embedding)"

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> float | NDArray[np.float64]:
        """Predicted loss [nats/token] for ``params`` [non-embedding parameters] and ``tokens`` [tokens]."""
        n = positive_array("params", params)
        d = positive_array("tokens", tokens)
        value = ((self.n_c / n) ** (self.alpha_n / self.alpha_d) + self.d_c / d) ** self.alpha_d
        return _scalar_or_array(value)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_HOFFMANN = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"

PRESETS: dict[str, ChinchillaLaw] = {
    "hoffmann2022": ChinchillaLaw(
        E=1.69,
        A=406.4,
        B=410.7,
        alpha=0.34,
        beta=0.28,
        name="hoffmann2022",
        citation=f"{_HOFFMANN}, §3.3 (as printed, rounded)",
    ),
    "hoffmann2022-unrounded": ChinchillaLaw(
        E=1.6934,
        A=406.40,
        B=410.72,
        alpha=0.33917084,
        beta=0.2849083,
        name="hoffmann2022-unrounded",
        citation=f"{_HOFFMANN}, TeX source values as reported by Besiroglu et al. 2024, arXiv:2404.10102",
    ),
    "besiroglu2024": ChinchillaLaw(
        E=1.8172,
        A=482.01,
        B=2085.43,
        alpha=0.3478,
        beta=0.3658,
        name="besiroglu2024",
        citation="Besiroglu, Erdil, Barnett, You 2024, Chinchilla Scaling: A replication attempt, "
        "arXiv:2404.10102, Table 1",
    ),
    "muennighoff2023": ChinchillaLaw(
        E=math.exp(0.6254804),
        A=math.exp(6.255414),
        B=math.exp(7.3049974),
        alpha=0.3526596,
        beta=0.3526596,
        name="muennighoff2023",
        citation="Muennighoff et al. 2023, Scaling Data-Constrained Language Models, arXiv:2305.16264, "
        "eq. 5 (C4 fit; constants from the huggingface/datablations README)",
        r_d_star=15.387756,
        r_n_star=5.309743,
    ),
}

KAPLAN2020 = KaplanLaw()


def law_names() -> list[str]:
    """All law names :func:`get_law` accepts."""
    return [*PRESETS, KAPLAN2020.name]


def get_law(name: str) -> ChinchillaLaw | KaplanLaw:
    """The preset called ``name`` (case and punctuation forgiving), else :class:`UnknownNameError`."""
    from fmfootprint.errors import normalize_name

    key = normalize_name(name)
    for preset in PRESETS.values():
        if normalize_name(preset.name) == key:
            return preset
    if key == normalize_name(KAPLAN2020.name):
        return KAPLAN2020
    error = UnknownNameError("law", name, law_names())
    # Few laws exist: always list them, so the one-line message shows every valid choice.
    error.args = (f"unknown law {name!r}; valid laws: {', '.join(law_names())}",)
    raise error


def load_law(path: str | Path) -> ChinchillaLaw:
    """Read a law file: the JSON written by ``fmfootprint fit --json`` (or any mapping with E, A, B, alpha,
    beta), whatever the file's name or suffix: it is known by its content.

    Raises
    ------
    FootprintIOError
        The file cannot be read or is not UTF-8; the message names it.
    FootprintInputError
        It is not JSON, nests deeper than :data:`fmfootprint._io.MAX_JSON_DEPTH`, is not an object, or is
        not a valid law; every message names the file.
    """
    from fmfootprint._io import read_json

    path = Path(path)
    payload = read_json(path, what="law file")
    if not isinstance(payload, dict):
        raise FootprintInputError(f"law file {str(path)!r} must hold a JSON object")
    law = payload.get("law", payload) if isinstance(payload.get("law"), dict) else payload
    try:
        result = ChinchillaLaw.from_dict(law)
    except FootprintInputError as exc:
        raise FootprintInputError(f"law file {str(path)!r}: {exc}") from None
    if not result.name:
        result = ChinchillaLaw.from_dict({**result.to_dict(), "name": path.stem})
    return result
