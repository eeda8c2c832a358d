"""The energy-rating lines of a model card's Environmental Impact section.

A training label (:func:`fmfootprint.serving.rating.rate_training`: facility energy per 10^21 FLOP) when the
training compute of every training stage is known, and an inference label
(:func:`fmfootprint.serving.rating.rate_inference`: Wh per 1,000 queries) when the card's inference stage
comes with its per-query estimate. Where an input is not known the line says "not rated" and why; a label
is never made up. Method, versions and band edges: ``docs/rating.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fmfootprint.footprint.estimate import Estimate
from fmfootprint.footprint.stages import TRAINING_STAGES, StageFootprint
from fmfootprint.serving.rating import RATING_VERSION, Rating, card_line, rate_inference, rate_training
from fmfootprint.serving.result import InferenceResult

__all__ = ["CardRatings", "card_ratings", "training_flops"]

_DOC = "docs/rating.md"


def _flops_records(source: Any, stage: str | None) -> list[tuple[str | None, float | None]]:
    """(stage, FLOPs or None) for every record of ``source``; None where the record states no compute."""
    if isinstance(source, Estimate):
        used = {a.name: a.value for a in source.assumptions}
        flops = used.get("flops")
        return [(stage or "final", float(flops) if isinstance(flops, (int, float)) else None)]
    if isinstance(source, StageFootprint):
        return [(source.stage, None)]
    if isinstance(source, Mapping) and source and not ({"energy_kwh", "stages"} & set(source)):
        return [item for name, sub in source.items() for item in _flops_records(sub, str(name))]
    if isinstance(source, Sequence) and not isinstance(source, (str, bytes, bytearray)):
        return [item for sub in source for item in _flops_records(sub, stage)]
    return [(stage, None)]  # runs, ledgers, lifecycles and saved JSON do not carry the compute


def training_flops(source: Any, stage: str | None = None) -> float | None:
    """Training compute of a card's source [FLOP]: the sum over its training-stage estimates.

    Parameters
    ----------
    source : any
        What :func:`~fmfootprint.report.modelcard.model_card` was given.
    stage : str, optional
        The stage for sources that carry none (as for the card).

    Returns
    -------
    float or None
        Σ FLOPs of the records in training stages (experiments, final, evaluation); None when any of them
        (or a record whose stage is not known) states no FLOPs: measured runs and ledgers do not.
    """
    records = _flops_records(source, stage)
    training = [flops for name, flops in records if name is None or name in TRAINING_STAGES]
    if not training or any(flops is None for flops in training):
        return None
    return float(sum(f for f in training if f is not None))


@dataclass(frozen=True)
class CardRatings:
    """The ratings of one card: labels where rated, reasons where not.

    Attributes
    ----------
    training, inference : Rating or None
        The labels given.
    reasons : dict
        {kind: why it is not rated} for kinds not rated.
    """

    training: Rating | None
    inference: Rating | None
    reasons: Mapping[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Markdown bullets: one per label (with its bands), one per kind not rated (with the reason)."""
        out = []
        for kind in ("training", "inference"):
            rating = getattr(self, kind)
            if rating is not None:
                out.append(f"- {card_line(rating)}")
            elif kind in self.reasons:
                out.append(
                    f"- Energy rating ({kind}): not rated - {self.reasons[kind]} "
                    f"({RATING_VERSION}, method and band edges: {_DOC})"
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        """{kind: the rating's ``to_dict()`` or ``{"label": None, "reason": ...}``} (JSON-ready)."""
        out: dict[str, Any] = {}
        for kind in ("training", "inference"):
            rating = getattr(self, kind)
            if rating is not None:
                out[kind] = rating.to_dict()
            elif kind in self.reasons:
                out[kind] = {"label": None, "reason": self.reasons[kind], "method": _DOC}
        return out


def card_ratings(
    stages: Sequence[StageFootprint],
    training: StageFootprint,
    flops: float | None,
    inference: InferenceResult | None = None,
) -> CardRatings:
    """The card's training and inference ratings from its stages and what is known of them.

    Parameters
    ----------
    stages : sequence of StageFootprint
        The card's stages.
    training : StageFootprint
        The sum of the training stages (its ``energy_kwh`` [kWh] is rated).
    flops : float or None
        Their training compute [FLOP] (:func:`training_flops`); None: not rated.
    inference : InferenceResult, optional
        The per-query estimate behind the inference stage; rated on its ``energy_wh_per_1000_queries``
        [Wh] and ``params`` [-].

    Returns
    -------
    CardRatings
        Training always rated or explained; inference rated when ``inference`` is given, explained when the
        card has an inference stage without it, absent otherwise.
    """
    reasons: dict[str, str] = {}
    train_rating = None
    if flops is not None and flops > 0:
        train_rating = rate_training(training.energy_kwh, flops)
    else:
        reasons["training"] = (
            "the training compute (FLOPs) is not known for every training stage (measured runs and ledgers "
            "do not state it; estimate from --flops to rate kWh per 10^21 FLOP)"
        )
    infer_rating = None
    if inference is not None:
        infer_rating = rate_inference(inference.energy_wh_per_1000_queries, params=inference.params)
    elif any(s.stage == "inference" for s in stages):
        reasons["inference"] = (
            "the inference stage comes without its per-query estimate (energy per 1,000 queries and model "
            "size are not known)"
        )
    return CardRatings(train_rating, infer_rating, reasons)
