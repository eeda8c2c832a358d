"""Training compute against the EU AI Act's compute thresholds.

Two figures, both strict "greater than" thresholds on training compute in FLOP:

- 10^25 FLOP: a general-purpose AI model is presumed to have high-impact capabilities, hence systemic risk
  (Regulation (EU) 2024/1689, the AI Act, Art. 51(2));
- 10^23 FLOP: the indicative criterion for a model to count as a general-purpose AI model, when it can
  generate language (text or audio), text-to-image or text-to-video (European Commission, Guidelines on
  the scope of the obligations for general-purpose AI models, July 2025).

The Act counts the cumulative compute of all training (pre-training, synthetic data, fine-tuning); a plan
knows only its own training compute, so a plan under a threshold may still cross it with later training.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fmfootprint._validate import positive

__all__ = ["EU_AI_ACT_THRESHOLDS", "ComputeThreshold", "ThresholdCheck", "eu_ai_act_check", "threshold_note"]

_AI_ACT_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
_GUIDELINES_URL = (
    "https://digital-strategy.ec.europa.eu/en/library/"
    "guidelines-scope-obligations-providers-general-purpose-ai-models-under-ai-act"
)


@dataclass(frozen=True)
class ComputeThreshold:
    """One regulatory compute threshold.

    Parameters
    ----------
    key : str
        Short key in the plan JSON, e.g. "systemic_risk_presumption".
    flops : float
        The threshold [FLOP]; training compute strictly greater than it crosses it.
    meaning : str
        What crossing it means, in a few words.
    source : str
        The legal text or guideline and its article or section.
    url : str
        Where to read it [URL].
    """

    key: str
    flops: float
    meaning: str
    source: str
    url: str


EU_AI_ACT_THRESHOLDS: tuple[ComputeThreshold, ...] = (
    ComputeThreshold(
        key="gpai_indicative",
        flops=1e23,
        meaning="indicative criterion of a general-purpose AI model (if it generates text, audio, images or "
        "video)",
        source="European Commission, Guidelines on the scope of the obligations for providers of "
        "general-purpose AI models under the AI Act (July 2025), indicative criterion",
        url=_GUIDELINES_URL,
    ),
    ComputeThreshold(
        key="systemic_risk_presumption",
        flops=1e25,
        meaning="presumption of high-impact capabilities, i.e. a general-purpose AI model with systemic risk",
        source="Regulation (EU) 2024/1689 (AI Act), Art. 51(2)",
        url=_AI_ACT_URL,
    ),
)
"""The EU AI Act's compute thresholds, lowest first."""


@dataclass(frozen=True)
class ThresholdCheck:
    """A training compute against :data:`EU_AI_ACT_THRESHOLDS`.

    Attributes
    ----------
    compute_flops : float
        The plan's training compute [FLOP].
    exceeded : tuple of str
        Keys of the thresholds it is greater than, lowest first (empty below all).
    """

    compute_flops: float
    exceeded: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``eu_ai_act`` key of ``plan --json``: one boolean per threshold key, the list of exceeded
        keys, and each threshold with its FLOP figure and source."""
        out: dict[str, Any] = {key.key: key.key in self.exceeded for key in EU_AI_ACT_THRESHOLDS}
        out["compute_flops"] = self.compute_flops
        out["exceeded"] = list(self.exceeded)
        out["thresholds"] = [
            {
                "key": item.key,
                "flops": item.flops,
                "exceeded": item.key in self.exceeded,
                "meaning": item.meaning,
                "source": item.source,
                "url": item.url,
            }
            for item in EU_AI_ACT_THRESHOLDS
        ]
        out["note"] = "training compute of this plan only; the Act counts all training compute (cumulative)"
        return out


def eu_ai_act_check(compute_flops: float) -> ThresholdCheck:
    """Which EU AI Act thresholds ``compute_flops`` [FLOP] is greater than (Art. 51(2); Commission
    guidelines, July 2025)."""
    compute = positive("compute_flops", compute_flops)
    return ThresholdCheck(
        compute_flops=compute,
        exceeded=tuple(item.key for item in EU_AI_ACT_THRESHOLDS if compute > item.flops),
    )


def threshold_note(compute_flops: float) -> str:
    """One sentence for the app and the model card, e.g. "Training compute 2e25 FLOP is above the EU AI
    Act's 1e25 FLOP presumption of systemic risk (Art. 51(2)) and its 1e23 FLOP indicative GPAI threshold
    (Commission guidelines, July 2025)."."""
    from fmfootprint.units import format_number

    check = eu_ai_act_check(compute_flops)
    shown = format_number(check.compute_flops)
    systemic = "systemic_risk_presumption" in check.exceeded
    gpai = "gpai_indicative" in check.exceeded
    if systemic:
        return (
            f"Training compute {shown} FLOP is above the EU AI Act's 1e25 FLOP presumption of systemic risk "
            "(Art. 51(2)) and its 1e23 FLOP indicative GPAI threshold (Commission guidelines, July 2025)."
        )
    if gpai:
        return (
            f"Training compute {shown} FLOP is above the EU AI Act's 1e23 FLOP indicative GPAI threshold "
            "(Commission guidelines, July 2025) and not above its 1e25 FLOP presumption of systemic risk "
            "(Art. 51(2)); later training counts towards it."
        )
    return (
        f"Training compute {shown} FLOP is not above the EU AI Act's 1e23 FLOP indicative GPAI threshold "
        "(Commission guidelines, July 2025) nor its 1e25 FLOP systemic-risk presumption (Art. 51(2))."
    )
