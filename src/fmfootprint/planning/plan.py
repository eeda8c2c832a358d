"""The planner: from a budget, a model size or a target loss to (N, D, C, loss), optionally with a footprint.

One entry point, :func:`plan`, used by ``fmfootprint plan`` and the app. It only dispatches to
:mod:`fmfootprint.scaling.allocate` (the formulas), :func:`fmfootprint.planning.budgets.budget_flops`
(budgets stated in accelerator-days, energy or carbon) and :func:`fmfootprint.footprint.estimate.estimate`
(energy, carbon and water of the planned compute).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmfootprint._validate import BOUNDS, bounded, positive
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.planning._hardware import check_hardware, estimate_at
from fmfootprint.planning.budgets import BUDGET_KINDS, budget_flops
from fmfootprint.planning.published import (
    allocate_published,
    law_answers,
    needs_own_planner,
    published_law,
    refuse_mode,
)
from fmfootprint.planning.spread import LawSpread, published_spread
from fmfootprint.planning.thresholds import ThresholdCheck, eu_ai_act_check
from fmfootprint.scaling import allocate
from fmfootprint.scaling.constrained import data_constrained_loss
from fmfootprint.scaling.laws import DEFAULT_LAW, ChinchillaLaw, KaplanLaw, load_law
from fmfootprint.scaling.published import PublishedLaw, get_published, published_names

__all__ = ["LawLike", "Plan", "plan", "resolve_law"]

LawLike = str | Path | ChinchillaLaw | KaplanLaw | Mapping[str, Any]
"""What names a law: a preset name, a law file (``*.json``), a law, or a mapping of its constants."""


@dataclass(frozen=True)
class Plan:
    """A planned training run.

    Attributes
    ----------
    compute_flops : float
        Training compute 6·N·D [FLOP].
    params : float
        Model size N [parameters].
    tokens : float
        Training tokens D [tokens].
    loss : float or None
        Predicted final loss [nats/token]; None for a published law that gives no loss (Llama 3, DeepSeek
        LLM: their ``law_answers["cannot_answer"]["loss"]`` says why).
    tokens_per_param : float
        D / N [tokens/parameter].
    law : str
        Name of the law used (preset name, or the law file's name).
    mode : str
        "compute" (any budget kind), "params", "target-loss" or "inference".
    unique_tokens : float or None
        Unique tokens available [tokens] (data-constrained plans).
    inference_tokens, flops_saved, lifetime_flops : float or None
        For inference-aware plans [tokens, FLOP, FLOP].
    footprint : Estimate or None
        ``estimate(flops=compute_flops, **hardware)`` when hardware was given.
    budget_kind : str or None
        The :data:`~fmfootprint.planning.budgets.BUDGET_KINDS` key the budget was stated in (None for the
        "params", "target-loss" and "inference" modes).
    budget : float or None
        The budget as given, in the unit of ``budget_kind`` [FLOP, accelerator-days, kWh or kg CO2e].
    published_laws : tuple of LawSpread
        For a budget (mode "compute" without ``unique_tokens``): the compute-optimal N, D and loss of the
        same compute under every published preset, to show how much the laws disagree; else empty.
    warnings : tuple of str
        One sentence per way the plan lies outside the range of runs its law was fitted on (parameters,
        tokens, tokens per parameter, compute), with the factor; empty inside it or when the range is
        unknown.
    law_answers : dict or None
        For a published preset (``fmfootprint laws``): what the law answers beyond N, D and loss
        (:func:`fmfootprint.planning.published.law_answers`: batch size, learning rate, downstream error
        where it gives them, and each question it cannot answer with the reason); None for a law file.
    eu_ai_act : ThresholdCheck or None
        The training compute against the EU AI Act's 1e23 and 1e25 FLOP thresholds
        (:func:`fmfootprint.planning.thresholds.eu_ai_act_check`).
    """

    compute_flops: float
    params: float
    tokens: float
    loss: float | None
    tokens_per_param: float
    law: str
    mode: str
    unique_tokens: float | None = None
    inference_tokens: float | None = None
    flops_saved: float | None = None
    lifetime_flops: float | None = None
    footprint: Estimate | None = None
    budget_kind: str | None = None
    budget: float | None = None
    published_laws: tuple[LawSpread, ...] = ()
    warnings: tuple[str, ...] = ()
    law_answers: dict[str, Any] | None = None
    eu_ai_act: ThresholdCheck | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``fmfootprint plan --json`` keys (optional ones only when set).

        ``footprint`` is :meth:`Estimate.to_dict`; ``budget`` (kind, value, unit) appears only for a budget
        stated in another unit than FLOPs; ``published_laws`` (a list of :meth:`LawSpread.to_dict`) only
        for a budget; ``warnings`` (a list of sentences, maybe empty) always.
        """
        out: dict[str, Any] = {
            "compute_flops": self.compute_flops,
            "params": self.params,
            "tokens": self.tokens,
            "loss": self.loss,
            "tokens_per_param": self.tokens_per_param,
            "law": self.law,
            "mode": self.mode,
        }
        for key in ("unique_tokens", "inference_tokens", "flops_saved", "lifetime_flops"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.footprint is not None:
            out["footprint"] = self.footprint.to_dict()
        if self.budget_kind is not None and self.budget_kind != "compute_flops":
            out["budget"] = {
                "kind": self.budget_kind,
                "value": self.budget,
                "unit": BUDGET_KINDS[self.budget_kind],
            }
        if self.published_laws:
            out["published_laws"] = [row.to_dict() for row in self.published_laws]
        out["warnings"] = list(self.warnings)
        if self.law_answers is not None:
            out["law_answers"] = self.law_answers
        if self.eu_ai_act is not None:
            out["eu_ai_act"] = self.eu_ai_act.to_dict()
        return out


def resolve_law(law: LawLike) -> ChinchillaLaw:
    """A preset name, a law file path, a mapping or a law → a :class:`ChinchillaLaw`.

    Parameters
    ----------
    law : str, Path, ChinchillaLaw, KaplanLaw or mapping
        Preset name (see ``fmfootprint laws``), a law file written by ``fmfootprint fit --json``, a law, or
        a mapping with E, A, B, alpha, beta. A string that names an existing file is read as a law file,
        whatever its suffix (a law file is known by its content); any other string is a preset name.

    Returns
    -------
    ChinchillaLaw

    Raises
    ------
    FootprintInputError
        A name that is neither a preset nor a file (with the presets), an unreadable law file (named), or a
        law that cannot allocate.
    """
    if isinstance(law, ChinchillaLaw):
        return law
    if isinstance(law, KaplanLaw):
        return allocate._chinchilla(law)
    if isinstance(law, Mapping):
        return ChinchillaLaw.from_dict(dict(law))
    if isinstance(law, Path) or os.path.isfile(law):
        return load_law(law)
    published = published_law(law)
    if published is not None:
        chinchilla = getattr(published, "law", None)
        if not isinstance(chinchilla, ChinchillaLaw):
            raise FootprintInputError(
                f"law {published.name!r} is not of the form E + A/N^alpha + B/D^beta that this planner "
                f"needs ({published.form}); plan it with plan(compute_flops=...) or choose a Chinchilla-form "
                "law (fmfootprint laws)"
            )
        return chinchilla
    if os.sep not in law and "/" not in law and not Path(law).suffix:
        get_published(law)  # a name that no preset has: the error lists every preset
    # It looks like a path: say that no such file exists either, and still list the presets.
    reason = "No such file or directory" if not os.path.lexists(law) else "Not a readable file"
    raise FootprintInputError(
        f"{reason}: {law}, and no preset law of that name; valid laws: {', '.join(published_names())}"
    )


def _one_of(given: Mapping[str, float | None]) -> tuple[str, float]:
    named = [(name, value) for name, value in given.items() if value is not None]
    if len(named) != 1:
        raise FootprintInputError(
            f"give exactly one of {', '.join(given)}"
            + (f" (got {', '.join(name for name, _ in named)})" if named else "")
        )
    return named[0]


_MAX_FLOPS = BOUNDS["compute_flops"].high


def _frontier_within_bound(target: float, law: ChinchillaLaw) -> float:
    """The least compute [FLOP] reaching ``target``, refused past the compute bound (a loss near E)."""
    import numpy as np

    with np.errstate(all="ignore"):  # a loss near E overflows to inf, refused below
        frontier = float(allocate.frontier_compute_for_loss(target, law))
    if not frontier <= _MAX_FLOPS:
        shown = f"{frontier:.3g} FLOP" if math.isfinite(frontier) else "unbounded compute"
        raise FootprintInputError(
            f"target_loss {target!r} is too close to the law's irreducible loss E = {law.E:g}: "
            f"it needs {shown}, over the {_MAX_FLOPS:g} FLOP bound"
        )
    return frontier


def plan(
    *,
    compute_flops: float | None = None,
    accelerator_days: float | None = None,
    energy_kwh: float | None = None,
    co2e_kg: float | None = None,
    params: float | None = None,
    target_loss: float | None = None,
    inference_tokens: float | None = None,
    law: LawLike | None = None,
    unique_tokens: float | None = None,
    hardware: Mapping[str, Any] | None = None,
) -> Plan:
    """Plan a training run from exactly one of a budget, a model size or a target loss.

    Parameters
    ----------
    compute_flops : float, optional
        Training budget [FLOP] → compute-optimal (N, D) (Hoffmann eq. 4), or with ``unique_tokens`` the
        data-constrained optimum (Muennighoff et al. 2023).
    accelerator_days : float, optional
        Training budget [accelerator-days, all devices together] on ``hardware``, at its MFU.
    energy_kwh : float, optional
        Facility-energy cap [kWh] on ``hardware`` in its region.
    co2e_kg : float, optional
        Total-carbon cap (operational + embodied) [kg CO2e] on ``hardware`` in its region.
    params : float, optional
        Model size [parameters] → the tokens for which it is compute-optimal.
    target_loss : float, optional
        Loss to reach [nats/token] → the smallest-budget model reaching it; with ``inference_tokens`` the
        lifetime-optimal model (Sardana et al. 2024) and ``flops_saved``.
    inference_tokens : float, optional
        Lifetime inference tokens [tokens]; only with ``target_loss``.
    law : str, Path, ChinchillaLaw, mapping or None
        Preset name (see ``fmfootprint laws``), a law file written by ``fmfootprint fit --json``, or a law.
        Default: ``besiroglu2024`` (:data:`~fmfootprint.scaling.laws.DEFAULT_LAW`, Epoch's replication of
        Chinchilla), or ``muennighoff2023`` when ``unique_tokens`` is given (the only preset with the
        data-constrained constants). Any published law of :mod:`fmfootprint.scaling.published` works: those
        of the Chinchilla form in every mode; ``llama3`` and ``deepseek2024`` from a budget by their own
        rule (Llama 3 §3.2.1; DeepSeek LLM eq. 4), with no loss; the others raise the reason they cannot.
    unique_tokens : float, optional
        Unique tokens available [tokens]; needs a law with R_D*, R_N* (muennighoff2023). With ``params``
        the loss accounts for the repeated epochs.
    hardware : mapping, optional
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments (``gpu``, ``gpus``, ``mfu``,
        ``region``, ``pue``, ``precision`` …; :data:`~fmfootprint.planning._hardware.HARDWARE_KEYS`). Gives
        ``footprint = estimate(flops=compute_flops, **hardware)``; needed by the budgets not in FLOPs.

    Returns
    -------
    Plan

    Raises
    ------
    FootprintInputError
        Not exactly one of the budgets, ``params`` and ``target_loss``; a bad value; an unknown law or
        hardware key (with suggestions); and whatever the estimator rejects in ``hardware``.
    """
    kind, value = _one_of(
        {
            "compute_flops": compute_flops,
            "accelerator_days": accelerator_days,
            "energy_kwh": energy_kwh,
            "co2e_kg": co2e_kg,
            "params": params,
            "target_loss": target_loss,
        }
    )
    if inference_tokens is not None and kind != "target_loss":
        raise FootprintInputError("inference_tokens needs target_loss")
    settings = check_hardware(hardware)
    named = law if law is not None else ("muennighoff2023" if unique_tokens is not None else DEFAULT_LAW)
    published = published_law(named)
    if published is not None and needs_own_planner(published):
        return _plan_own_law(published, kind, value, settings, unique_tokens, inference_tokens)
    the_law = resolve_law(named)
    unique = None if unique_tokens is None else bounded("unique_tokens", unique_tokens)
    if inference_tokens is not None:
        bounded("inference_tokens", inference_tokens)
    extra: dict[str, Any] = {}
    budget_kind: str | None = None
    if kind in BUDGET_KINDS:
        budget_kind = kind
        budget = budget_flops(kind, value, settings)
        if unique is not None:
            values = allocate.data_constrained_optimal(budget, unique, the_law).to_dict()
        else:
            values = allocate.compute_optimal(budget, the_law).to_dict()
        mode = "compute"
    elif kind == "params":
        size = bounded("params", value)
        tokens = float(allocate.optimal_tokens(size, the_law))
        loss = (
            float(data_constrained_loss(size, tokens, unique, the_law))
            if unique is not None
            else float(the_law.loss(size, tokens))
        )
        mode = "params"
        values = {
            "compute_flops": 6.0 * size * tokens,
            "params": size,
            "tokens": tokens,
            "loss": loss,
            "tokens_per_param": tokens / size,
        }
    else:
        if unique is not None:
            raise FootprintInputError("unique_tokens works with compute_flops or params, not target_loss")
        target = positive("target_loss", value)
        frontier = _frontier_within_bound(target, the_law)
        if inference_tokens is None:
            values = allocate.compute_optimal(frontier, the_law).to_dict()
            values["loss"] = target
            mode = "target-loss"
        else:
            values = allocate.inference_optimal(target, inference_tokens, the_law).to_dict()
            mode = "inference"
            extra = {key: values[key] for key in ("inference_tokens", "flops_saved", "lifetime_flops")}
    compute = float(values["compute_flops"])
    if not compute <= _MAX_FLOPS:  # a size or budget within its own bound can still need more
        raise FootprintInputError(
            f"this plan needs {compute:.3g} FLOP, over the {_MAX_FLOPS:g} FLOP bound "
            f"({BOUNDS['compute_flops'].reason})"
        )
    spread = published_spread(compute) if mode == "compute" and unique is None else ()
    return Plan(
        compute_flops=compute,
        params=float(values["params"]),
        tokens=float(values["tokens"]),
        loss=float(values["loss"]),
        tokens_per_param=float(values["tokens_per_param"]),
        law=the_law.name or "fitted",
        mode=mode,
        unique_tokens=unique,
        footprint=estimate_at(compute, settings) if settings else None,
        budget_kind=budget_kind,
        budget=value if budget_kind is not None else None,
        published_laws=spread,
        warnings=the_law.extrapolation_warnings(float(values["params"]), float(values["tokens"])),
        law_answers=None if published is None else law_answers(published, compute, float(values["loss"])),
        eu_ai_act=eu_ai_act_check(compute),
        **extra,
    )


def _plan_own_law(
    law: PublishedLaw,
    kind: str,
    value: float,
    settings: dict[str, Any],
    unique_tokens: float | None,
    inference_tokens: float | None,
) -> Plan:
    """A budget planned with a published law not of the Chinchilla form (Llama 3, DeepSeek LLM), by the
    law's own compute-optimal rule; any other mode is refused with the law's reason."""
    if kind not in BUDGET_KINDS:
        raise refuse_mode(law, "params" if kind == "params" else "target-loss")
    if unique_tokens is not None:
        raise refuse_mode(law, "unique_tokens")
    if inference_tokens is not None:  # pragma: no cover - plan() refuses it without target_loss first
        raise refuse_mode(law, "target-loss")
    budget = budget_flops(kind, value, settings)
    values = allocate_published(law, budget)
    compute = float(values["compute_flops"])
    loss = values["loss"]
    return Plan(
        compute_flops=compute,
        params=float(values["params"]),
        tokens=float(values["tokens"]),
        loss=None if loss is None else float(loss),
        tokens_per_param=float(values["tokens_per_param"]),
        law=law.name,
        mode="compute",
        footprint=estimate_at(compute, settings) if settings else None,
        budget_kind=kind,
        budget=value,
        published_laws=published_spread(compute),
        warnings=law.extrapolation_warnings(float(values["params"]), float(values["tokens"])),
        law_answers=law_answers(law, compute, None if loss is None else float(loss)),
        eu_ai_act=eu_ai_act_check(compute),
    )
