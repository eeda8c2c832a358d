"""Which published law to use for which question: the guide docs/laws.md shows, for the app to show too.

Each :class:`GuideRow` names the situation, the preset(s) to use and why. :func:`guide` returns them in
order; every law it names is a key of :data:`fmfootprint.scaling.published.PUBLISHED` (a test checks it,
and that docs/laws.md's "Choosing" table says the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["GUIDE", "GuideRow", "guide"]


@dataclass(frozen=True)
class GuideRow:
    """One line of the guide.

    Attributes
    ----------
    situation : str
        What the user wants, in their words.
    laws : tuple of str
        The preset names to use, best first.
    why : str
        Why, in one sentence.
    """

    situation: str
    laws: tuple[str, ...]
    why: str

    def to_dict(self) -> dict[str, Any]:
        """situation, laws, why."""
        return {"situation": self.situation, "laws": list(self.laws), "why": self.why}


GUIDE: tuple[GuideRow, ...] = (
    GuideRow(
        "the compute-optimal size of a dense text model (default)",
        ("besiroglu2024",),
        "Epoch's refit of Chinchilla's own runs; ~20 tokens per parameter, like Hoffmann's approaches 1-2",
    ),
    GuideRow(
        "to compare against the paper everyone cites",
        ("hoffmann2022", "hoffmann2022-unrounded"),
        "the rounded constants give ~70 tokens per parameter at 3.4e22 FLOP; treat as a bound, not a plan",
    ),
    GuideRow(
        "a plan at frontier scale (1e24-1e26 FLOP)",
        ("llama3", "besiroglu2024"),
        "Llama 3 fitted D*(C) up to 1e22 FLOP on a modern data mix; it gives N and D only, no loss",
    ),
    GuideRow(
        "the batch size and learning rate for a budget",
        ("deepseek2024",),
        "the only preset with hyperparameter laws (eq. 1); its N is M_opt/6, M counting attention FLOPs",
    ),
    GuideRow(
        "a model trained far past compute-optimal (small, cheap to serve)",
        ("gadre2024-rpj", "gadre2024-c4", "gadre2024-rw"),
        "fitted at 20-320 tokens per parameter and validated at 640; also forecasts the mean top-1 error",
    ),
    GuideRow(
        "little unique data, repeated epochs",
        ("muennighoff2023",),
        "the only preset with R_D*, R_N* (eq. 5); plan with unique tokens",
    ),
    GuideRow(
        "a mixture of experts",
        ("krajewski2024-moe",),
        "loss at N, D and granularity G; its compute-optimal MoE needs routing-cost constants, not planned",
    ),
    GuideRow(
        "low-precision training or quantised serving",
        ("kumar2024",),
        "how post-training quantisation loss grows with D/N; only part of its constants were found verbatim",
    ),
    GuideRow(
        "another modality (image, speech, code, molecules)",
        tuple(
            f"aghajanyan2023-{key}"
            for key in ("image", "speech", "code", "molecules", "image-text", "speech-text", "text")
        ),
        "how fast N_opt grows with C for that modality (exponents only); fit your own runs for N and D",
    ),
    GuideRow(
        "loss only, in Kaplan's convention (non-embedding N)",
        ("kaplan2020",),
        "eq. 1.5 has no compute frontier on 6ND = C",
    ),
)
"""The guide, in the order docs/laws.md shows it."""


def guide() -> tuple[GuideRow, ...]:
    """:data:`GUIDE`."""
    return GUIDE
