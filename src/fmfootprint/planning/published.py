"""The planner's side of the published laws: what a plan asks each law, and why a law cannot plan.

:func:`published_law` says whether a law name is a published preset (:mod:`fmfootprint.scaling.published`);
:func:`allocate_published` plans a budget with a law that is not of the Chinchilla form (Llama 3, DeepSeek);
:func:`law_answers` collects the extra answers a plan carries (batch size, learning rate, downstream error).
"""

from __future__ import annotations

import os
from typing import Any

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.scaling.laws import PRESETS, ChinchillaLaw
from fmfootprint.scaling.published import ChinchillaForm, PublishedLaw, get_published

__all__ = ["allocate_published", "law_answers", "needs_own_planner", "published_law", "refuse_mode"]


def published_law(law: object) -> PublishedLaw | None:
    """The published preset that ``law`` names or is (a preset's own law object), or None (another law
    object, a mapping, a file, another name)."""
    if isinstance(law, ChinchillaLaw) and PRESETS.get(law.name) == law:
        law = law.name  # get_law("besiroglu2024") plans exactly as "besiroglu2024" does
    if not isinstance(law, str) or os.path.isfile(law):
        return None
    try:
        return get_published(law)
    except UnknownNameError:
        return None


def needs_own_planner(law: PublishedLaw | None) -> bool:
    """True for a published law that the Chinchilla planner cannot use (not E + A/N^α + B/D^β)."""
    return law is not None and not isinstance(law, ChinchillaForm)


def refuse_mode(law: PublishedLaw, mode: str) -> FootprintInputError:
    """The one-line error for a plan ``mode`` ("params", "target-loss", "unique_tokens"...) that ``law``
    cannot answer, saying why."""
    if mode == "params":
        reason = law.why_not("loss") or "it has no loss law to find the tokens for a given size"
        what = "plan from a model size (--params)"
    elif mode == "target-loss":
        reason = law.why_not("loss") or "it has no loss law to invert"
        what = "plan for a target loss (--target-loss)"
    else:
        reason = "it has no repeated-data constants R_D*, R_N* (only muennighoff2023 has)"
        what = "plan with --unique-tokens"
    if law.why_not("compute_optimal") is None:
        reason += "; it plans from a compute budget (--compute, --accelerator-days, --energy-kwh, --co2e-kg)"
    return FootprintInputError(f"law {law.name!r} cannot {what}: {reason}")


def allocate_published(law: PublishedLaw, compute_flops: float) -> dict[str, Any]:
    """compute_flops, params, tokens, loss (None when the law gives none) and tokens_per_param for a budget
    [FLOP], by the law's own compute-optimal rule; raises the law's reason when it has none."""
    params, tokens = law.compute_optimal(compute_flops)
    loss = law.loss(params, tokens) if law.why_not("loss") is None else None
    return {
        "compute_flops": float(compute_flops),
        "params": params,
        "tokens": tokens,
        "loss": loss,
        "tokens_per_param": tokens / params,
    }


def law_answers(law: PublishedLaw, compute_flops: float, loss: float | None) -> dict[str, Any]:
    """What ``law`` answers beyond N, D and loss for a run of ``compute_flops`` [FLOP] reaching ``loss``
    [nats/token]: ``batch_size_tokens``, ``learning_rate``, ``downstream_top1_error`` (each only where the
    law gives it), ``optimal_flops_per_token`` (DeepSeek's M_opt), ``printed_precision_range`` (the N and D,
    or batch and learning rate, its constants allow within their printed digits: Llama 3, DeepSeek), and
    ``cannot_answer`` (question → reason)."""
    out: dict[str, Any] = {"law": law.name, "answers": list(law.answers())}
    if law.why_not("batch_size") is None:
        out["batch_size_tokens"] = law.batch_size(compute_flops)
    if law.why_not("learning_rate") is None:
        out["learning_rate"] = law.learning_rate(compute_flops)
    if law.why_not("downstream_error") is None and loss is not None:
        out["downstream_top1_error"] = law.downstream_error(loss)
    per_token = getattr(law, "optimal_flops_per_token", None)
    if callable(per_token):
        out["optimal_flops_per_token"] = float(per_token(compute_flops))
    bounds = getattr(law, "compute_optimal_bounds", None)
    if callable(bounds):  # Llama 3: the N, D its constants allow within their printed digits
        (tokens_low, tokens_high), (params_low, params_high) = bounds(compute_flops)
        out["printed_precision_range"] = {
            "params": [float(params_low), float(params_high)],
            "tokens": [float(tokens_low), float(tokens_high)],
            "basis": "every constant value that prints as the paper's (± half a unit of its last digit)",
        }
    hyper = getattr(law, "hyperparameter_bounds", None)
    if callable(hyper):  # DeepSeek: eq. 1 within its constants' printed digits
        (batch_low, batch_high), (lr_low, lr_high) = hyper(compute_flops)
        out["printed_precision_range"] = {
            "batch_size_tokens": [float(batch_low), float(batch_high)],
            "learning_rate": [float(lr_low), float(lr_high)],
            "basis": "every constant value that prints as the paper's (± half a unit of its last digit)",
        }
    out["cannot_answer"] = dict(law.cannot)
    return out
