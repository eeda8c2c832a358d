"""The range of training runs a scaling law was fitted on, and how far a plan lies outside it.

A law fitted on runs of 70M–16B parameters says little about a 400B model: :class:`FittedRange` records
the span of the runs (parameters, tokens, tokens per parameter, compute 6·N·D) and
:meth:`FittedRange.warnings` words each excursion with its factor, e.g. "params 4e10 is 2.5× above the
largest fitted model (1.6e10)".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from fmfootprint._validate import positive, positive_array
from fmfootprint.errors import FootprintInputError

if TYPE_CHECKING:  # numpy is imported where arrays are handled, so that `fmfootprint laws` starts fast
    from numpy.typing import ArrayLike

__all__ = ["FittedRange"]

# (field stem, what the planned value is called, what a fitted run of that kind is called)
_QUANTITIES = (
    ("params", "params", "model"),
    ("tokens", "tokens", "token count"),
    ("tokens_per_param", "tokens/param", "tokens-per-parameter ratio"),
    ("compute", "compute", "compute"),
)


def _g(value: float) -> str:
    """Short: 341, 0.036, 4e10, 1.6e10, 5.7e7 (3 figures from 0.01 to 10,000, else 2 and a bare exponent)."""
    if 0.01 <= abs(value) < 1e4:
        return f"{float(f'{value:.3g}'):g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


@dataclass(frozen=True)
class FittedRange:
    """The span of the runs a law was fitted on; a bound is None where the source does not state it.

    Parameters
    ----------
    params_min, params_max : float or None
        Smallest and largest fitted model [parameters].
    tokens_min, tokens_max : float or None
        Fewest and most training tokens of a fitted run [tokens].
    tokens_per_param_min, tokens_per_param_max : float or None
        Smallest and largest D/N of a fitted run [tokens/parameter].
    compute_min, compute_max : float or None
        Smallest and largest training compute 6·N·D of a fitted run [FLOP].
    source : str
        Where the figures come from (a paper's section, a data file).

    References
    ----------
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, abstract
    and Fig. 3 (the runs: 70M–16B parameters on 5B–500B tokens).
    """

    params_min: float | None = None
    params_max: float | None = None
    tokens_min: float | None = None
    tokens_max: float | None = None
    tokens_per_param_min: float | None = None
    tokens_per_param_max: float | None = None
    compute_min: float | None = None
    compute_max: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for stem, _, _ in _QUANTITIES:
            low, high = (getattr(self, f"{stem}_{end}") for end in ("min", "max"))
            for end, value in (("min", low), ("max", high)):
                if value is not None:
                    object.__setattr__(self, f"{stem}_{end}", positive(f"fitted range {stem}_{end}", value))
            if low is not None and high is not None and float(low) > float(high):
                raise FootprintInputError(f"fitted range {stem}: min {low:g} is above max {high:g}")

    @classmethod
    def of_runs(cls, params: ArrayLike, tokens: ArrayLike, source: str = "") -> FittedRange:
        """The range spanned by runs of ``params`` [parameters] trained on ``tokens`` [tokens]."""
        import numpy as np

        n = np.broadcast_to(positive_array("params", params), np.shape(tokens) or np.shape(params))
        d = positive_array("tokens", tokens)
        ratio, compute = d / n, 6.0 * n * d
        return cls(
            params_min=float(np.min(n)),
            params_max=float(np.max(n)),
            tokens_min=float(np.min(d)),
            tokens_max=float(np.max(d)),
            tokens_per_param_min=float(np.min(ratio)),
            tokens_per_param_max=float(np.max(ratio)),
            compute_min=float(np.min(compute)),
            compute_max=float(np.max(compute)),
            source=source or f"the {np.size(d)} runs fitted",
        )

    def bounds(self, stem: str) -> tuple[float | None, float | None]:
        """(min, max) of ``stem``: "params", "tokens", "tokens_per_param" or "compute"."""
        return getattr(self, f"{stem}_min"), getattr(self, f"{stem}_max")

    def warnings(self, params: float, tokens: float) -> tuple[str, ...]:
        """One sentence per quantity of the run (``params`` [parameters], ``tokens`` [tokens]) that lies
        outside the fitted range, saying by what factor; empty inside it."""
        n, d = float(params), float(tokens)
        planned = {"params": n, "tokens": d, "tokens_per_param": d / n, "compute": 6.0 * n * d}
        out = []
        for stem, label, kind in _QUANTITIES:
            low, high = self.bounds(stem)
            value = planned[stem]
            if high is not None and value > high:
                out.append(
                    f"{label} {_g(value)} is {value / high:.3g}× above the largest fitted {kind} ({_g(high)})"
                )
            elif low is not None and value < low:
                out.append(
                    f"{label} {_g(value)} is {low / value:.3g}× below the smallest fitted {kind} ({_g(low)})"
                )
        return tuple(out)

    def summary(self) -> str:
        """One line for people: ``params 57M–16B, tokens 245M–318B, tokens/param 0.036–341, compute
        1.4e18–1.3e22 FLOP`` (``up to 9B`` where the lower bound is open)."""
        from fmfootprint.units import format_count

        def bound(value: float | None, count: bool) -> str:
            if value is None:  # pragma: no cover - open bounds are handled by the caller
                return "?"
            return format_count(value, 3) if count else f"{value:.3g}".replace("e+", "e")

        parts = []
        for stem, label, _ in _QUANTITIES:
            low, high = self.bounds(stem)
            if low is None and high is None:
                continue
            count = stem in ("params", "tokens")
            unit = " FLOP" if stem == "compute" else ""
            if low is None:
                parts.append(f"{label} up to {bound(high, count)}{unit}")
            elif high is None:
                parts.append(f"{label} from {bound(low, count)}{unit}")
            else:
                parts.append(f"{label} {bound(low, count)}–{bound(high, count)}{unit}")
        return ", ".join(parts) or "not stated"

    def to_dict(self) -> dict[str, Any]:
        """The set bounds and the source (the ``fitted_range`` key of a law file)."""
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}

    @classmethod
    def from_dict(cls, mapping: dict[str, Any]) -> FittedRange:
        """Read :meth:`to_dict`'s mapping back; unknown keys are an input error."""
        if not isinstance(mapping, dict):
            raise FootprintInputError("fitted_range must be a mapping of bounds")
        known = {f"{stem}_{end}" for stem, _, _ in _QUANTITIES for end in ("min", "max")} | {"source"}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise FootprintInputError(f"fitted_range has unknown keys: {', '.join(unknown)}")
        return cls(**mapping)
