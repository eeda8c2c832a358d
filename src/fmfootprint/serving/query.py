"""``inference(...)``: energy, carbon, water and latency of one query to a served language model.

Steps: the accelerator and its figures (catalog, or given) → the replica (accelerators to hold the weights,
the largest batch that fits) → the batch (given, or ``"auto"``: the most energy-efficient batch that fits
and meets the latency target) → the roofline time and energy of one query
(:mod:`fmfootprint.serving.physics`) → host, idle capacity and PUE → carbon and water through
:mod:`fmfootprint.footprint.convert`, embodied carbon through :mod:`fmfootprint.footprint.embodied`, at
the site of :func:`fmfootprint.footprint.site.resolve_site`. Ranges are the corners of the factor box
(:func:`fmfootprint.footprint.factors.corner_grid`): the calibration residual, host and idle fractions,
the site's factors and embodied kg, each ranged as stated in :mod:`fmfootprint.serving.constants` and
:mod:`fmfootprint.footprint.factors`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmfootprint import _validate
from fmfootprint.catalog.hardware import Accelerator, server_defaults
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint import convert, embodied
from fmfootprint.footprint.factors import (
    EMBODIED_GPU_CATALOG_RELATIVE,
    RANGE_SOURCES,
    Assumption,
    Factor,
    corner_grid,
    site_factors,
)
from fmfootprint.footprint.site import Site, resolve_site
from fmfootprint.serving import constants as c
from fmfootprint.serving import physics, power
from fmfootprint.serving.hardware import Hardware, resolve_hardware
from fmfootprint.serving.result import RANGED_KEYS, InferenceResult
from fmfootprint.units import S_PER_H

__all__ = ["INFERENCE_PRECISIONS", "SCOPES", "inference"]

INFERENCE_PRECISIONS: tuple[str, ...] = tuple(physics.BYTES_PER_PARAM)
"""Serving precisions: ``bf16``, ``fp8``, ``int4`` (weights)."""

SCOPES: tuple[str, ...] = ("full", "accelerator")
"""``full``: accelerators, host, idle capacity and PUE; ``accelerator``: accelerators only (and PUE)."""

_J_PER_WH = S_PER_H
_OVERHEADS = ("layer_overhead_s", "allreduce_s", "sequence_overhead_s")
_POWER = ("power_floor_fraction", "power_peak_fraction")
Arrays = dict[str, NDArray[np.float64]]


def _precision(precision: str) -> str:
    key = str(precision).strip().lower()
    if key not in INFERENCE_PRECISIONS:
        raise UnknownNameError("precision", str(precision), INFERENCE_PRECISIONS)
    return key


def _evaluate(w: dict[str, float], batch: Any, f: Arrays | dict[str, Any]) -> Arrays:
    """Every figure of a query, vectorised over ``batch`` and the factor arrays ``f``."""
    acc = power.accelerator_query(w, batch, f)
    residual = f["residual"]
    acc_j = acc["energy_j"] * residual
    pre, step = acc["prefill_s"], acc["step_s"]
    it_j = acc_j * (1.0 + f["host_fraction"]) * (1.0 + f["idle_fraction"])
    it_kwh = it_j / _J_PER_WH / 1000.0
    facility_kwh = convert.facility_energy_kwh(it_kwh, f["pue"])
    operational_kg = convert.operational_co2e_kg(facility_kwh, f["grid_intensity_g_per_kwh"])
    water_l = np.add(
        convert.onsite_water_l(it_kwh, f["wue_l_per_kwh"]),
        convert.offsite_water_l(facility_kwh, f["ewif_l_per_kwh"]),
    )
    share_s = acc["share_s"] * residual
    gpu_hours = w["n"] * share_s * (1.0 + f["idle_fraction"]) / S_PER_H
    embodied_kg = np.add(
        embodied.amortized_co2e_kg(f["embodied_kg_per_gpu"], gpu_hours, w["lifetime"], w["usage"]),
        embodied.amortized_co2e_kg(
            w["server_kg"], gpu_hours / w["gpus_per_server"], w["lifetime"], w["usage"]
        ),
    )
    facility_wh = np.asarray(facility_kwh) * 1000.0
    return {
        "energy_wh_per_query": facility_wh,
        "energy_it_wh_per_query": it_kwh * 1000.0,
        "energy_accelerator_wh_per_query": acc_j / _J_PER_WH,
        "energy_j_per_output_token": facility_wh * _J_PER_WH / w["output"],
        "co2e_operational_g_per_query": np.asarray(operational_kg) * 1000.0,
        "co2e_embodied_g_per_query": np.asarray(embodied_kg) * 1000.0,
        "co2e_g_per_query": (np.asarray(operational_kg) + np.asarray(embodied_kg)) * 1000.0,
        "water_ml_per_query": np.asarray(water_l) * 1000.0,
        "latency_s": (pre + np.multiply(w["output"], step)) * residual,
        "gpu_hours_per_query": gpu_hours,
    }


@functools.lru_cache(maxsize=256)
def _site(
    region: str | None, intensity: float | None, pue: float | None, wue: float | None, ewif: float | None
) -> tuple[Site, tuple[Factor, ...]]:
    """The site (:func:`~fmfootprint.footprint.site.resolve_site`) and its ranged factors, once per input."""
    site = resolve_site(
        region, grid_intensity_g_per_kwh=intensity, pue=pue, wue_l_per_kwh=wue, ewif_l_per_kwh=ewif
    )
    return site, site_factors(site)


_RESIDUAL = Factor("residual", 1.0, *c.RESIDUAL_RANGE, "-", c.SOURCES["residual"])
"""The calibration residual as a ranged factor (on accelerator time and energy)."""


@functools.lru_cache(maxsize=16)
def _calibrated(name: str) -> Factor:
    """The calibrated constant ``name`` as an exact factor with its source, built once (frozen)."""
    return Factor.fixed(name, c.FITTED[name], "s" if name.endswith("_s") else "-", c.SOURCES[name])


@functools.lru_cache(maxsize=2)
def _shares(full: bool) -> tuple[Factor, Factor]:
    """Host and idle-capacity fractions with their ranges (scope ``full``), or none counted."""
    if not full:
        return (
            Factor.fixed("host_fraction", 0.0, "-", "not counted (scope accelerator)"),
            Factor.fixed("idle_fraction", 0.0, "-", "not counted (scope accelerator)"),
        )
    return (
        Factor.relative("host_fraction", c.HOST_FRACTION, c.HOST_RELATIVE, "-", c.SOURCES["host_fraction"]),
        Factor("idle_fraction", c.IDLE_FRACTION, *c.IDLE_RANGE, "-", c.SOURCES["idle_fraction"]),
    )


def _factors(
    scope: str,
    ranged_site: tuple[Factor, ...],
    hw: Hardware,
    overrides: dict[str, float | None],
    embodied_given: bool,
) -> tuple[Factor, ...]:
    def fixed_or(name: str) -> Factor:
        given = overrides.get(name)
        if given is not None:
            return Factor.fixed(name, _validate.fraction(name, given), "-", "given")
        return _calibrated(name)

    host, idle = _shares(scope == "full")
    kg = hw.embodied_kg
    embodied_factor = (
        Factor.fixed("embodied_kg_per_gpu", kg, "kgCO2e", "given")
        if embodied_given
        else Factor.relative(
            "embodied_kg_per_gpu",
            kg,
            EMBODIED_GPU_CATALOG_RELATIVE,
            "kgCO2e",
            RANGE_SOURCES["embodied_catalog"],
        )
    )
    given_power = overrides.get("power_fraction")
    if given_power is not None:  # a constant draw: floor = peak = the fraction given
        flat = _validate.fraction("power_fraction", given_power)
        draw = tuple(Factor.fixed(name, flat, "-", "given (power_fraction)") for name in _POWER)
    else:
        draw = tuple(_calibrated(name) for name in _POWER)
    return (
        fixed_or("memory_efficiency"),
        fixed_or("prefill_efficiency"),
        fixed_or("decode_compute_efficiency"),
        *(_calibrated(name) for name in _OVERHEADS),
        *draw,
        _RESIDUAL,
        host,
        idle,
        *ranged_site,
        embodied_factor,
    )


def inference(
    params: float,
    *,
    gpu: str | Accelerator,
    input_tokens: float,
    output_tokens: float,
    active_params: float | None = None,
    batch: int | str = "auto",
    precision: str = "bf16",
    accelerators: int | None = None,
    latency_target_s: float | None = None,
    scope: str = "full",
    region: str | None = None,
    pue: float | None = None,
    grid_intensity_g_per_kwh: float | None = None,
    wue_l_per_kwh: float | None = None,
    ewif_l_per_kwh: float | None = None,
    kv_bytes_per_token: float | None = None,
    tdp_w: float | None = None,
    memory_gb: float | None = None,
    memory_bandwidth_tb_s: float | None = None,
    peak_tflops: float | None = None,
    embodied_kg_per_gpu: float | None = None,
    memory_efficiency: float | None = None,
    prefill_efficiency: float | None = None,
    decode_compute_efficiency: float | None = None,
    power_fraction: float | None = None,
) -> InferenceResult:
    """Energy [Wh], CO2e [g], water [mL] and latency [s] of one query to a served language model.

    Parameters
    ----------
    params : float
        Total parameters N [-] (every expert of a mixture of experts), > 0.
    gpu : str or Accelerator
        Accelerator name in the catalog (``H100``, ``B200``, …).
    input_tokens, output_tokens : float
        Prompt and generated tokens of one query [tokens]; output > 0.
    active_params : float, optional
        Parameters used per token N_active [-] (mixture of experts); default ``params`` (dense).
    batch : int or "auto", optional
        Sequences decoded together [-]; ``"auto"`` (default) picks the most energy-efficient batch that fits
        in memory and meets ``latency_target_s``.
    precision : {"bf16", "fp8", "int4"}, optional
        Weight precision (int4 weight-only, computed at bf16). Default bf16.
    accelerators : int, optional
        Accelerators per replica [-]; default the power of two that holds the weights in 70 % of memory.
    latency_target_s : float, optional
        Latency target of ``batch="auto"`` [s]; default 0.1 s × output tokens.
    scope : {"full", "accelerator"}, optional
        ``full`` (default) adds host and idle capacity (Google 2025 shares); ``accelerator`` counts the
        accelerators only, as GPU benchmarks measure.
    region : str, optional
        Region code for grid intensity, PUE, WUE and EWIF (:func:`~fmfootprint.footprint.site.resolve_site`).
    pue, grid_intensity_g_per_kwh, wue_l_per_kwh, ewif_l_per_kwh : float, optional
        Site factors [-], [gCO2e/kWh], [L/kWh], [L/kWh] that override the region's.
    kv_bytes_per_token : float, optional
        KV-cache bytes per token [B/token] (2 · layers · KV heads · head dim · bytes); default scaled
        from Llama 3.1 8B (:func:`~fmfootprint.serving.physics.kv_bytes_per_token`).
    tdp_w, memory_gb, memory_bandwidth_tb_s, peak_tflops, embodied_kg_per_gpu : float, optional
        Accelerator figures [W], [GB], [TB/s], [TFLOP/s], [kgCO2e] instead of the catalog's.
    memory_efficiency, prefill_efficiency, decode_compute_efficiency : float, optional
        Model factors [-] in (0, 1] instead of the calibrated ones (:mod:`fmfootprint.serving.constants`).
    power_fraction : float, optional
        A constant average draw as a fraction of TDP [-] in (0, 1], instead of the calibrated draw that
        rises with compute utilisation (:func:`fmfootprint.serving.power.power_fraction`).

    Returns
    -------
    InferenceResult
        Per-query figures with ranges, the replica, the batch and every assumption with its source.

    Raises
    ------
    FootprintInputError
        A value out of range, weights that do not fit on ``accelerators``, or a context too long to fit.
    UnknownNameError
        An unknown accelerator, precision, scope or region (with suggestions).
    """
    prec = _precision(precision)
    if scope not in SCOPES:
        raise UnknownNameError("scope", str(scope), SCOPES)
    total = _validate.bounded("params", params)
    active = total if active_params is None else _validate.bounded("params", active_params)
    if active > total:
        raise FootprintInputError(f"active_params ({active:g}) cannot exceed params ({total:g})")
    n_in = _validate.non_negative("input_tokens", input_tokens)
    n_out = _validate.positive("output_tokens", output_tokens)
    hw = resolve_hardware(
        gpu, prec, tdp_w, memory_gb, memory_bandwidth_tb_s, peak_tflops, embodied_kg_per_gpu
    )
    site, ranged_site = _site(region, grid_intensity_g_per_kwh, pue, wue_l_per_kwh, ewif_l_per_kwh)
    bytes_w = physics.BYTES_PER_PARAM[prec]
    kv = (
        _validate.positive("kv_bytes_per_token", kv_bytes_per_token)
        if kv_bytes_per_token is not None
        else float(physics.kv_bytes_per_token(active, physics.KV_BYTES_PER_ELEMENT[prec]))
    )
    weights = float(physics.weight_bytes(total, bytes_w))
    if accelerators is None:
        n = int(physics.accelerators_to_hold(weights, hw.memory_b))
        n_source = "smallest power of two holding the weights in 70 % of memory (tensor parallel)"
    else:
        n = _validate.positive_int("accelerators", accelerators)
        n_source = "given"
        if weights > n * hw.memory_b * physics.USABLE_MEMORY:
            raise FootprintInputError(
                f"the weights ({weights / 1e9:.3g} GB at {prec}) do not fit on {n} x {hw.name}; "
                "give more accelerators or a lower precision"
            )
    fit = int(physics.max_batch(weights, hw.memory_b, n, kv, n_in + n_out))
    if fit < 1:
        raise FootprintInputError(
            f"one sequence of {n_in + n_out:g} tokens does not fit next to the weights on {n} x {hw.name}; "
            "give more accelerators"
        )
    defaults = server_defaults()
    workload = {
        "params": total,
        "active": active,
        "bytes": bytes_w,
        "kv": kv,
        "context": n_in + n_out / 2.0,
        "input": n_in,
        "output": n_out,
        "n": float(n),
        "bandwidth": hw.bandwidth_b_per_s,
        "peak": hw.peak_flops,
        "tdp": hw.tdp_w,
        "layers": float(power.layers(active)),
        "server_kg": defaults.embodied_kg_per_server,
        "gpus_per_server": float(defaults.gpus_per_server),
        "lifetime": defaults.lifetime_years,
        "usage": defaults.usage_fraction,
    }
    overrides = {
        "memory_efficiency": memory_efficiency,
        "prefill_efficiency": prefill_efficiency,
        "decode_compute_efficiency": decode_compute_efficiency,
        "power_fraction": power_fraction,
    }
    factors = _factors(scope, ranged_site, hw, overrides, embodied_kg_per_gpu is not None)
    central = {factor.name: factor.central for factor in factors}
    warnings: list[str] = []
    target = (
        _validate.positive("latency_target_s", latency_target_s)
        if latency_target_s is not None
        else c.DEFAULT_SECONDS_PER_OUTPUT_TOKEN * n_out
    )
    chosen, auto = _batch(batch, fit, workload, central, target, warnings)
    # One evaluation: the central point first, then every corner of the factor box.
    grid = {
        name: values if values.size == 1 else np.concatenate(([central[name]], values))
        for name, values in corner_grid(factors).items()
    }
    box = {key: np.atleast_1d(value) for key, value in _evaluate(workload, float(chosen), grid).items()}
    ranges = {key: (float(box[key].min()), float(box[key].max())) for key in RANGED_KEYS}
    figures = {key: float(box[key][0]) for key in RANGED_KEYS}
    assumptions = (
        Assumption("params", total, "-", "given"),
        Assumption("active_params", active, "-", "given" if active_params is not None else "dense: = params"),
        Assumption("precision", prec, "-", "given" if precision != "bf16" else "default bf16"),
        Assumption("bytes_per_param", bytes_w, "B", "16/8/4 bits per weight"),
        Assumption(
            "kv_bytes_per_token",
            kv,
            "B/token",
            "given" if kv_bytes_per_token else "scaled from Llama 3.1 8B (Dubey et al. 2024, Table 3)",
        ),
        Assumption("accelerators", n, "-", n_source),
        Assumption(
            "batch_size",
            chosen,
            "-",
            "auto: least energy that fits and meets the latency target" if auto else "given",
        ),
        Assumption(
            "max_batch_in_memory",
            fit,
            "-",
            "KV caches of input + output tokens next to the weights (Kwon et al. 2023)",
        ),
        Assumption(
            "latency_target_s",
            target,
            "s",
            "given" if latency_target_s is not None else c.SOURCES["latency_target"],
        ),
        *hw.notes,
        *(
            Assumption(f.name, f.central, f.unit, f.source)
            for f in factors
            if f.name != "embodied_kg_per_gpu"
        ),
        Assumption("gpus_per_server", defaults.gpus_per_server, "-", defaults.gpus_per_server_source),
        Assumption(
            "server_embodied_kg",
            defaults.embodied_kg_per_server,
            "kgCO2e",
            defaults.embodied_kg_per_server_source,
        ),
        Assumption("lifetime_years", defaults.lifetime_years, "yr", defaults.lifetime_years_source),
        Assumption("usage_fraction", defaults.usage_fraction, "-", defaults.usage_fraction_source),
    )
    return InferenceResult(
        **figures,
        accelerators=n,
        batch_size=chosen,
        batch_auto=auto,
        precision=prec,
        gpu=hw.name,
        params=total,
        active_params=active,
        input_tokens=n_in,
        output_tokens=n_out,
        scope=scope,
        region=site.region,
        ranges=ranges,
        assumptions=assumptions,
        warnings=tuple(warnings),
    )


def _batch(
    batch: int | str,
    fit: int,
    workload: dict[str, float],
    central: dict[str, float],
    target: float,
    warnings: list[str],
) -> tuple[int, bool]:
    """The batch size and whether it was chosen: given, or the least-energy candidate under the target."""
    if isinstance(batch, str):
        if batch.strip().lower() != "auto":
            raise FootprintInputError(f"batch must be a whole number >= 1 or 'auto', got {batch!r}")
        powers = 2 ** np.arange(int(np.log2(fit)) + 1)
        candidates = np.unique(np.append(powers, fit)).astype(np.float64)
        values = _evaluate(workload, candidates, central)
        energy = np.broadcast_to(values["energy_wh_per_query"], candidates.shape)
        latency = np.broadcast_to(values["latency_s"], candidates.shape)
        ok = latency <= target
        if not ok.any():
            warnings.append(
                f"no batch meets the latency target of {target:g} s; the fastest (batch 1) is used"
            )
            return 1, True
        return int(candidates[ok][np.argmin(energy[ok])]), True
    chosen = _validate.positive_int("batch", batch)
    if chosen > fit:
        warnings.append(f"batch {chosen} exceeds the {fit} sequences whose KV caches fit in memory")
    return chosen, False
