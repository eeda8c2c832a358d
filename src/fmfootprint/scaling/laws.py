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
from typing import TYPE_CHECKING, Any

from fmfootprint._validate import BOUNDS, bounded, positive, positive_array
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.scaling.ranges import FittedRange

if TYPE_CHECKING:  # numpy is imported where a loss is computed, so that `fmfootprint laws` starts fast
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_LAW",
    "PRESETS",
    "ChinchillaLaw",
    "FittedRange",
    "KaplanLaw",
    "get_law",
    "law_names",
    "load_law",
]


def _scalar_or_array(value: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(value) if value.ndim == 0 else value


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
    title : str
        The name people know the law by, e.g. "Besiroglu et al. 2024 (Epoch) — Chinchilla replication";
        "" for a fitted law (:attr:`display_name` then falls back to ``name``).
    url : str
        Link to the paper [URL].
    data : str
        What the law was fitted on (corpus and runs).
    fitted_range : FittedRange or None
        The span of the fitted runs (parameters, tokens, tokens per parameter, compute); a plan outside it
        is an extrapolation (:meth:`extrapolation_warnings`). A law fitted with
        :func:`fmfootprint.scaling.fit.fit` records its runs' range; None when unknown.

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
    title: str = ""
    url: str = ""
    data: str = ""
    fitted_range: FittedRange | None = None

    @property
    def display_name(self) -> str:
        """``title`` when set, else ``name``, else "fitted law"."""
        return self.title or self.name or "fitted law"

    def extrapolation_warnings(self, params: float, tokens: float) -> tuple[str, ...]:
        """Sentences for each way a run of ``params`` [parameters] on ``tokens`` [tokens] lies outside
        :attr:`fitted_range` (empty inside it, or when the range is unknown)."""
        if self.fitted_range is None:
            return ()
        return self.fitted_range.warnings(params, tokens)

    def __post_init__(self) -> None:
        for field in ("E", "A", "B", "alpha", "beta"):
            value = positive(f"law parameter {field}", getattr(self, field))
            bound = BOUNDS["law_exponent" if field in ("alpha", "beta") else "law_coefficient"]
            object.__setattr__(self, field, bounded(f"law parameter {field}", value, bound))
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
        """E, A, B, alpha, beta, name, citation (and r_d_star, r_n_star, title, url, data, fitted_range
        when set)."""
        out = asdict(self)
        for key in ("r_d_star", "r_n_star", "title", "url", "data"):
            if out[key] in (None, ""):
                del out[key]
        out.pop("fitted_range")
        if self.fitted_range is not None:
            out["fitted_range"] = self.fitted_range.to_dict()
        return out

    @classmethod
    def from_dict(cls, mapping: dict[str, Any]) -> ChinchillaLaw:
        """Build from a mapping with at least E, A, B, alpha, beta (a preset or a fit JSON); title, url,
        data and fitted_range are optional (law files written before they existed still load)."""
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
            title=str(mapping.get("title") or ""),
            url=str(mapping.get("url") or ""),
            data=str(mapping.get("data") or ""),
            fitted_range=(
                FittedRange.from_dict(mapping["fitted_range"]) if mapping.get("fitted_range") else None
            ),
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
    title: str = "Kaplan et al. 2020 (OpenAI) — L(N, D), loss only"
    url: str = "https://arxiv.org/abs/2001.08361"
    # Kaplan et al. 2020 §1.1 / §2: models of 768 to 1.5B non-embedding parameters, 22M to 23B tokens.
    data: str = "WebText2 runs of 768 to 1.5B non-embedding parameters on 22M to 23B tokens"

    @property
    def display_name(self) -> str:
        """``title`` when set, else ``name``."""
        return self.title or self.name

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> float | NDArray[np.float64]:
        """Predicted loss [nats/token] for ``params`` [non-embedding parameters] and ``tokens`` [tokens]."""
        n = positive_array("params", params)
        d = positive_array("tokens", tokens)
        value = ((self.n_c / n) ** (self.alpha_n / self.alpha_d) + self.d_c / d) ** self.alpha_d
        return _scalar_or_array(value)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_HOFFMANN = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"
_HOFFMANN_URL = "https://arxiv.org/abs/2203.15556"
_HOFFMANN_DATA = (
    "over 400 MassiveText runs by DeepMind (not released), 70M to 16B parameters on 5B to 500B tokens"
)
# Ranges of the runs behind the Chinchilla fits.
# - parameters and tokens: Hoffmann et al. 2022, abstract ("70 million to over 16 billion parameters on 5
#   to 500 billion tokens").
# - tokens per parameter and compute: the 245 runs Besiroglu et al. 2024 reconstructed from Hoffmann's
#   Fig. 4, github:epoch-research/analyzing-chinchilla data/svg_extracted_data.csv (commit 9225883):
#   N 5.73e7–1.62e10, C 1.4e18–1.3e22 FLOP, D = C/(6N) 2.45e8–3.18e11, D/N 0.036–341.
_HOFFMANN_RANGE = FittedRange(
    params_min=7e7,
    params_max=1.6e10,
    tokens_min=5e9,
    tokens_max=5e11,
    tokens_per_param_min=0.036,
    tokens_per_param_max=341.0,
    compute_min=1.4e18,
    compute_max=1.3e22,
    source="Hoffmann et al. 2022 abstract (N, D); Besiroglu et al. 2024 reconstructed runs (D/N, C)",
)
_BESIROGLU_RANGE = FittedRange(
    params_min=5.73e7,
    params_max=1.62e10,
    tokens_min=2.45e8,
    tokens_max=3.18e11,
    tokens_per_param_min=0.036,
    tokens_per_param_max=341.0,
    compute_min=1.4e18,
    compute_max=1.3e22,
    source="the 245 runs of epoch-research/analyzing-chinchilla data/svg_extracted_data.csv",
)
# Muennighoff et al. 2023, abstract: runs "up to 900 billion training tokens and 9 billion parameter
# models"; the smallest runs and the compute span are not stated there, so those bounds stay open.
_MUENNIGHOFF_RANGE = FittedRange(
    params_max=9e9, tokens_max=9e11, source="Muennighoff et al. 2023, abstract (largest runs only)"
)

PRESETS: dict[str, ChinchillaLaw] = {
    "hoffmann2022": ChinchillaLaw(
        E=1.69,
        A=406.4,
        B=410.7,
        alpha=0.34,
        beta=0.28,
        name="hoffmann2022",
        citation=f"{_HOFFMANN}, §3.3 (as printed, rounded)",
        title="Hoffmann et al. 2022 (DeepMind, Chinchilla) — approach 3, constants as printed",
        url=_HOFFMANN_URL,
        data=_HOFFMANN_DATA,
        fitted_range=_HOFFMANN_RANGE,
    ),
    "hoffmann2022-unrounded": ChinchillaLaw(
        E=1.6934,
        A=406.40,
        B=410.72,
        alpha=0.33917084,
        beta=0.2849083,
        name="hoffmann2022-unrounded",
        citation=f"{_HOFFMANN}, TeX source values as reported by Besiroglu et al. 2024, arXiv:2404.10102",
        title="Hoffmann et al. 2022 (DeepMind, Chinchilla) — approach 3, unrounded TeX-source constants",
        url=_HOFFMANN_URL,
        data=_HOFFMANN_DATA,
        fitted_range=_HOFFMANN_RANGE,
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
        title="Besiroglu et al. 2024 (Epoch) — Chinchilla replication",
        url="https://arxiv.org/abs/2404.10102",
        data="245 of Hoffmann et al.'s MassiveText runs, reconstructed from their Fig. 4 (public CSV)",
        fitted_range=_BESIROGLU_RANGE,
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
        title="Muennighoff et al. 2023 — data-constrained scaling (C4, repeated data)",
        url="https://arxiv.org/abs/2305.16264",
        data="C4 runs with repeated data, up to 9B parameters and 900B tokens (huggingface/datablations)",
        fitted_range=_MUENNIGHOFF_RANGE,
    ),
}

DEFAULT_LAW = "besiroglu2024"
"""The planner's default law: Epoch's replication of Chinchilla. Hoffmann's rounded App. D.2 / §3.3 constants
(``hoffmann2022``) give ~70 tokens per parameter at 3.42e22 FLOP, while Epoch's refit of the same runs and
Hoffmann's own approaches 1–2 give ~20 (Besiroglu et al. 2024, §4)."""

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
