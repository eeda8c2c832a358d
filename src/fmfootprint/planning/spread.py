"""How much the published laws disagree: the compute-optimal (N, D, loss) of every preset for one budget.

The presets fit the same functional form (Hoffmann et al. 2022, eq. 2) to different runs, or the same runs
differently; at 3.42e22 FLOP they put the optimal model between about 9B and 17B parameters. A plan shows
that spread next to its own law's answer (:attr:`fmfootprint.planning.Plan.published_laws`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fmfootprint._validate import positive
from fmfootprint.scaling.allocate import compute_optimal
from fmfootprint.scaling.laws import PRESETS

__all__ = ["LawSpread", "published_spread", "spread_bounds", "spread_text"]


@dataclass(frozen=True)
class LawSpread:
    """One published law's compute-optimal allocation of a budget.

    Attributes
    ----------
    law : str
        Preset name (``fmfootprint laws``).
    title : str
        The citation name the law is known by.
    params : float
        Compute-optimal model size N [parameters].
    tokens : float
        Compute-optimal training tokens D [tokens].
    tokens_per_param : float
        D / N [tokens/parameter].
    loss : float
        The law's predicted loss at (N, D) [nats/token].
    """

    law: str
    title: str
    params: float
    tokens: float
    tokens_per_param: float
    loss: float

    def to_dict(self) -> dict[str, Any]:
        """law, title, params, tokens, tokens_per_param, loss."""
        return {
            "law": self.law,
            "title": self.title,
            "params": self.params,
            "tokens": self.tokens,
            "tokens_per_param": self.tokens_per_param,
            "loss": self.loss,
        }


def published_spread(compute_flops: float) -> tuple[LawSpread, ...]:
    """The compute-optimal allocation of ``compute_flops`` under each published preset.

    Parameters
    ----------
    compute_flops : float
        Training budget C = 6·N·D [FLOP].

    Returns
    -------
    tuple of LawSpread
        One row per preset of :data:`fmfootprint.scaling.laws.PRESETS`, in that order (Kaplan et al. 2020
        cannot allocate a budget by eq. 1.5 and is left out).

    References
    ----------
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 4.
    """
    budget = positive("compute_flops", compute_flops)
    rows = []
    for name, law in PRESETS.items():
        allocation = compute_optimal(budget, law)
        rows.append(
            LawSpread(
                law=name,
                title=law.display_name,
                params=float(allocation.params),
                tokens=float(allocation.tokens),
                tokens_per_param=float(allocation.tokens_per_param),
                loss=float(allocation.loss),
            )
        )
    return tuple(rows)


def spread_bounds(rows: tuple[LawSpread, ...], key: str) -> tuple[float, float]:
    """(smallest, largest) of ``key`` ("params", "tokens", "tokens_per_param" or "loss") over ``rows``."""
    values = [float(getattr(row, key)) for row in rows]
    return min(values), max(values)


def spread_text(rows: tuple[LawSpread, ...]) -> str:
    """``9–17B parameters, 20–70 tokens/param (4 laws)``: the spread in the words the CLI and the app show.

    Parameters
    ----------
    rows : tuple of LawSpread
        :func:`published_spread`'s rows (a plan's ``published_laws``); empty gives "".
    """
    from fmfootprint.units import format_count

    if not rows:
        return ""
    # Two significant figures, written as counts: 9B, 17B, 640M.
    low, high = (format_count(float(f"{value:.2g}")) for value in spread_bounds(rows, "params"))
    if low[-1:].isalpha() and low[-1:] == high[-1:]:
        low = low[:-1]  # one suffix for both ends: 9–17B
    ratio_low, ratio_high = spread_bounds(rows, "tokens_per_param")
    return f"{low}–{high} parameters, {ratio_low:.0f}–{ratio_high:.0f} tokens/param ({len(rows)} laws)"
