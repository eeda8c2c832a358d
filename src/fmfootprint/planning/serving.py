"""The planner's serving footprint: carbon per inference token from the per-query serving model.

The planner counts lifetime inference as tokens (Sardana et al. 2024); what one token costs to serve comes
from :func:`fmfootprint.serving.query.inference` (the same model as the lifecycle's inference stage and the
model card), on the plan's accelerator and site, for a reference query. At a fixed model size that figure
is constant, so serving carbon is tokens × it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fmfootprint.catalog.hardware import get_accelerator
from fmfootprint.errors import UnknownNameError

__all__ = ["REFERENCE_INPUT_TOKENS", "REFERENCE_OUTPUT_TOKENS", "serving_g_per_token", "serving_kwargs"]

REFERENCE_INPUT_TOKENS = 1000.0
"""Prompt tokens of the planner's reference query [tokens] (the issue's worked query, 1,000 in / 500 out)."""

REFERENCE_OUTPUT_TOKENS = 500.0
"""Generated tokens of the planner's reference query [tokens]."""

# estimator setting → serving keyword (the site and accelerator figures both models share)
_SHARED = {
    "region": "region",
    "pue": "pue",
    "grid_intensity": "grid_intensity_g_per_kwh",
    "wue": "wue_l_per_kwh",
    "ewif": "ewif_l_per_kwh",
    "embodied_kg_per_gpu": "embodied_kg_per_gpu",
}
_SERVING_PRECISIONS = frozenset({"bf16", "fp8", "int4"})


def serving_kwargs(settings: Mapping[str, Any]) -> dict[str, Any] | None:
    """The :func:`~fmfootprint.serving.query.inference` keywords for checked planner hardware settings.

    Parameters
    ----------
    settings : mapping
        Hardware settings that passed :func:`~fmfootprint.planning._hardware.check_hardware`.

    Returns
    -------
    dict or None
        ``gpu`` and the shared site figures; None when the settings name no catalog accelerator (explicit
        hardware: the serving model needs the accelerator's memory and bandwidth).
    """
    gpu = settings.get("gpu")
    if gpu is None:
        return None
    try:
        accelerator = get_accelerator(gpu)
    except UnknownNameError:
        return None
    if accelerator.memory_gb is None or accelerator.memory_bandwidth_tb_s is None:
        return None
    out: dict[str, Any] = {"gpu": accelerator}
    out.update({new: settings[old] for old, new in _SHARED.items() if settings.get(old) is not None})
    if settings.get("precision") in _SERVING_PRECISIONS:
        out["precision"] = settings["precision"]
    return out


def serving_g_per_token(params: float, kwargs: Mapping[str, Any]) -> float:
    """Lifecycle carbon of serving one inference token with a model of ``params`` parameters [gCO2e/token].

    Parameters
    ----------
    params : float
        Model size N [parameters], > 0.
    kwargs : mapping
        :func:`serving_kwargs` output (accelerator and site).

    Returns
    -------
    float
        ``co2e_g_per_query`` of the reference query (:data:`REFERENCE_INPUT_TOKENS` in,
        :data:`REFERENCE_OUTPUT_TOKENS` out, ``batch="auto"``) over its input + output tokens: Sardana et
        al.'s D_inf counts every token processed, prompt and generated.

    Notes
    -----
    Prefill compute-bound, decode memory-bound and shared by the batch (Pope et al. 2023, §2–3); operational
    plus embodied share (:func:`fmfootprint.serving.query.inference`).

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal. arXiv:2401.00448, eq. 2 (D_inf).
    Pope, R. et al. (2023). Efficiently Scaling Transformer Inference. MLSys, §2–3.
    """
    from fmfootprint.serving.query import inference

    query = inference(
        params, input_tokens=REFERENCE_INPUT_TOKENS, output_tokens=REFERENCE_OUTPUT_TOKENS, **kwargs
    )
    return query.co2e_g_per_query / (REFERENCE_INPUT_TOKENS + REFERENCE_OUTPUT_TOKENS)
