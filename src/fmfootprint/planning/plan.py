"""The planner: from a budget, a model size or a target loss to (N, D, C, loss), optionally with a footprint.

One entry point, :func:`plan`, used by ``fmfootprint plan`` and the app. It only dispatches to
:mod:`fmfootprint.scaling.allocate` (the formulas) and :func:`fmfootprint.footprint.estimate.estimate`
(energy, carbon and water of the planned compute).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmfootprint._validate import positive
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.scaling import allocate
from fmfootprint.scaling.constrained import data_constrained_loss
from fmfootprint.scaling.laws import ChinchillaLaw, KaplanLaw, get_law, load_law

__all__ = ["Plan", "plan", "resolve_law"]


@dataclass(frozen=True)
class Plan:
    """A planned training run.

    Attributes
    ----------
    compute_flops : float
        Training compute 6·N·D [FLOPs].
    params : float
        Model size N [parameters].
    tokens : float
        Training tokens D [tokens].
    loss : float
        Predicted final loss [nats/token].
    tokens_per_param : float
        D / N [tokens/parameter].
    law : str
        Name of the law used (preset name, or the law file's name).
    mode : str
        "compute", "params", "target-loss" or "inference".
    unique_tokens : float or None
        Unique tokens available [tokens] (data-constrained plans).
    inference_tokens, flops_saved, lifetime_flops : float or None
        For inference-aware plans [tokens, FLOPs, FLOPs].
    footprint : dict or None
        ``estimate(flops=compute_flops, **hardware).to_dict()`` when hardware was given.
    """

    compute_flops: float
    params: float
    tokens: float
    loss: float
    tokens_per_param: float
    law: str
    mode: str
    unique_tokens: float | None = None
    inference_tokens: float | None = None
    flops_saved: float | None = None
    lifetime_flops: float | None = None
    footprint: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``fmfootprint plan --json`` keys (optional ones only when set)."""
        out: dict[str, Any] = {
            "compute_flops": self.compute_flops,
            "params": self.params,
            "tokens": self.tokens,
            "loss": self.loss,
            "tokens_per_param": self.tokens_per_param,
            "law": self.law,
            "mode": self.mode,
        }
        for key in ("unique_tokens", "inference_tokens", "flops_saved", "lifetime_flops", "footprint"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def resolve_law(law: str | Path | ChinchillaLaw | Mapping[str, Any]) -> ChinchillaLaw:
    """A preset name, a law file path (``*.json``), a mapping or a law → a :class:`ChinchillaLaw`."""
    if isinstance(law, ChinchillaLaw):
        return law
    if isinstance(law, KaplanLaw):
        return allocate._chinchilla(law)
    if isinstance(law, Mapping):
        return ChinchillaLaw.from_dict(dict(law))
    if isinstance(law, Path) or (isinstance(law, str) and law.endswith(".json")):
        return load_law(law)
    return allocate._chinchilla(get_law(str(law)))


def plan(
    *,
    compute_flops: float | None = None,
    params: float | None = None,
    target_loss: float | None = None,
    inference_tokens: float | None = None,
    law: str | Path | ChinchillaLaw | Mapping[str, Any] | None = None,
    unique_tokens: float | None = None,
    hardware: Mapping[str, Any] | None = None,
) -> Plan:
    """Plan a training run from exactly one of a budget, a model size or a target loss.

    Parameters
    ----------
    compute_flops : float, optional
        Training budget [FLOPs] → compute-optimal (N, D) (Hoffmann eq. 4), or with ``unique_tokens`` the
        data-constrained optimum (Muennighoff et al. 2023).
    params : float, optional
        Model size [parameters] → the tokens for which it is compute-optimal.
    target_loss : float, optional
        Loss to reach [nats/token] → the smallest-budget model reaching it; with ``inference_tokens`` the
        lifetime-optimal model (Sardana et al. 2024) and ``flops_saved``.
    inference_tokens : float, optional
        Lifetime inference tokens [tokens]; only with ``target_loss``.
    law : str, Path, ChinchillaLaw, mapping or None
        Preset name (see ``fmfootprint laws``), a law file written by ``fmfootprint fit --json``, or a law.
        Default: ``hoffmann2022``, or ``muennighoff2023`` when ``unique_tokens`` is given (the only preset
        with the data-constrained constants).
    unique_tokens : float, optional
        Unique tokens available [tokens]; needs a law with R_D*, R_N* (muennighoff2023). With ``params``
        the loss accounts for the repeated epochs.
    hardware : mapping, optional
        ``{"gpu": ..., "gpus": ..., "mfu": ..., "region": ...}`` (any other keyword argument of ``estimate``
        except ``flops`` is passed through too); nests
        ``fmfootprint.footprint.estimate.estimate(flops=compute_flops, **hardware).to_dict()`` under
        ``footprint``.

    Returns
    -------
    Plan
    """
    given = [
        name
        for name, value in (
            ("compute_flops", compute_flops),
            ("params", params),
            ("target_loss", target_loss),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise FootprintInputError(
            "give exactly one of compute_flops, params or target_loss"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if inference_tokens is not None and target_loss is None:
        raise FootprintInputError("inference_tokens needs target_loss")
    if law is None:
        law = "muennighoff2023" if unique_tokens is not None else "hoffmann2022"
    the_law = resolve_law(law)
    law_name = the_law.name or "fitted"
    unique = None if unique_tokens is None else positive("unique_tokens", unique_tokens)
    extra: dict[str, Any] = {}
    if compute_flops is not None:
        budget = positive("compute_flops", compute_flops)
        if unique is not None:
            result = allocate.data_constrained_optimal(budget, unique, the_law)
        else:
            result = allocate.compute_optimal(budget, the_law)
        mode = "compute"
        values = result.to_dict()
    elif params is not None:
        size = positive("params", params)
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
        target = positive("target_loss", target_loss)
        if inference_tokens is None:
            budget = float(allocate.frontier_compute_for_loss(target, the_law))
            values = allocate.compute_optimal(budget, the_law).to_dict()
            values["loss"] = target
            mode = "target-loss"
        else:
            result = allocate.inference_optimal(target, inference_tokens, the_law)
            values = result.to_dict()
            mode = "inference"
            extra = {
                "inference_tokens": values["inference_tokens"],
                "flops_saved": values["flops_saved"],
                "lifetime_flops": values["lifetime_flops"],
            }
    footprint = None
    if hardware:
        footprint = _footprint(values["compute_flops"], hardware)
    return Plan(
        compute_flops=float(values["compute_flops"]),
        params=float(values["params"]),
        tokens=float(values["tokens"]),
        loss=float(values["loss"]),
        tokens_per_param=float(values["tokens_per_param"]),
        law=law_name,
        mode=mode,
        unique_tokens=unique,
        footprint=footprint,
        **extra,
    )


def _footprint(compute_flops: float, hardware: Mapping[str, Any]) -> dict[str, Any]:
    import inspect

    from fmfootprint.footprint.estimate import estimate

    # gpu, gpus, mfu and region are the planner's flags; any other estimate() setting (pue, precision,
    # grid_intensity, ...) passes through. The budget itself is the plan's, so "flops" is not a setting.
    valid = [name for name in inspect.signature(estimate).parameters if name != "flops"]
    unknown = sorted(set(hardware) - set(valid))
    if unknown:
        raise UnknownNameError("hardware key", unknown[0], valid)
    settings = {k: v for k, v in hardware.items() if v is not None}
    return estimate(flops=compute_flops, **settings).to_dict()
