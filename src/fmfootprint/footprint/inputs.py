"""The estimator's input steps: hardware, power, duration, host and embodied carbon, each checked once.

Each step takes what the user gave (and the catalog's typed records: :class:`~fmfootprint.catalog.hardware.
Accelerator`, :func:`~fmfootprint.catalog.hardware.server_defaults`) and returns a frozen record of what it
resolved, with the :class:`~fmfootprint.footprint.factors.Assumption` lines it used, in the order an
estimate lists them. The site is resolved by :func:`fmfootprint.footprint.site.resolve_site`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fmfootprint import _validate
from fmfootprint.catalog.hardware import PRECISIONS, Accelerator, get_accelerator, server_defaults
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint import power
from fmfootprint.footprint.factors import EMBODIED_GPU_CATALOG_RELATIVE, RANGE_SOURCES, Assumption, Factor
from fmfootprint.footprint.model import Mode

__all__ = [
    "Duration",
    "Embodied",
    "Hardware",
    "Host",
    "resolve_duration",
    "resolve_embodied",
    "resolve_hardware",
    "resolve_host",
    "resolve_mode",
    "resolve_power",
]

_FLOPS_PER_TFLOPS = 1e12
_MODES: dict[str, Mode] = {"flops": "flops", "hours": "hours", "gpu_hours": "gpu_hours", "energy": "energy"}


@dataclass(frozen=True)
class Hardware:
    """The accelerator (None when not named), its count [-] and the training precision."""

    accelerator: Accelerator | None
    gpus: int
    precision: str
    assumptions: tuple[Assumption, ...]


@dataclass(frozen=True)
class Duration:
    """Accelerator-hours [h] (None for measured energy) or measured IT energy [kWh] (None otherwise)."""

    gpu_hours: float | None
    energy_it_kwh: float | None
    assumptions: tuple[Assumption, ...]


@dataclass(frozen=True)
class Host:
    """Host power per server [W] (0: not counted) and accelerators per server [-] (None: not needed yet)."""

    power_w: float
    gpus_per_server: int | None
    assumptions: tuple[Assumption, ...]


@dataclass(frozen=True)
class Embodied:
    """Embodied kg per accelerator and per server, and the amortisation they are spread over."""

    gpu: Factor
    server: Factor
    gpus_per_server: int | None
    lifetime_years: float
    usage_fraction: float
    assumptions: tuple[Assumption, ...]


def resolve_mode(**given: float | None) -> Mode:
    """Which one of ``hours`` [h], ``gpu_hours`` [h], ``flops`` [FLOP] or ``energy`` [kWh] describes the run.

    Raises
    ------
    FootprintInputError
        None or more than one of them is given.
    """
    named = [name for name, value in given.items() if value is not None]
    if len(named) != 1:
        got = " and ".join(n if n != "energy" else "energy_kwh" for n in named) if named else "none"
        raise FootprintInputError(f"give exactly one of hours, gpu_hours, flops or energy_kwh (got {got})")
    return _MODES[named[0]]


def resolve_hardware(gpu: str | None, gpus: int | None, precision: str | None) -> Hardware:
    """The accelerator, how many, and the precision of the training.

    Parameters
    ----------
    gpu : str or None
        Accelerator name, looked up with :func:`fmfootprint.catalog.hardware.get_accelerator`.
    gpus : int or None
        Number of accelerators [-], ≥ 1; None means 1.
    precision : str or None
        One of :data:`fmfootprint.catalog.hardware.PRECISIONS` (any case); None means bf16.
    """
    count = 1 if gpus is None else int(_validate.bounded("gpus", _validate.positive_int("gpus", gpus)))
    text = "bf16" if precision is None else precision
    key = text.strip().lower() if isinstance(text, str) else None
    if key not in PRECISIONS:
        raise FootprintInputError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    accelerator: Accelerator | None = None
    notes = []
    if gpu is not None:
        if not isinstance(gpu, str) or not gpu.strip():
            raise FootprintInputError(f"gpu must be an accelerator name, got {gpu!r}")
        accelerator = get_accelerator(gpu)
        notes.append(Assumption("gpu", accelerator.name, "", _cited(accelerator.source)))
    notes.append(Assumption("gpus", count, "accelerators", "given" if count != 1 else "default 1"))
    return Hardware(accelerator, count, key, tuple(notes))


def resolve_power(
    accelerator: Accelerator | None,
    power_w: float | None,
    utilization: float | None,
    *,
    needed: bool,
    model_params: float | None = None,
    accelerators: int | None = None,
) -> Factor | None:
    """Average power per accelerator: ``power_w`` › ``utilization`` × TDP › the default fraction of TDP.

    Parameters
    ----------
    accelerator : Accelerator or None
        The catalog record whose ``tdp_w`` [W] the last two use.
    power_w : float or None
        Average power per accelerator [W], > 0; exact.
    utilization : float or None
        Average draw as a fraction of TDP [-], in (0, 1]; exact.
    needed : bool
        Whether the run needs a power (every description but measured energy).
    model_params : float or None
        Parameters of the model trained [-], > 0; picks the calibrated class of the default.
    accelerators : int or None
        Accelerators in the job [-]; with the model size unknown, picks the LLM-scale class from 64 on.

    Returns
    -------
    Factor or None
        ``power_w`` [W]; the default is the calibrated fraction of TDP of the job's class, with its range
        (:func:`fmfootprint.footprint.power.power_class`). None when no power can be known and none is
        ``needed``.

    Notes
    -----
    P = u · TDP (:func:`fmfootprint.footprint.power.average_power_w`).
    """
    tdp_w = accelerator.tdp_w if accelerator is not None else None
    if power_w is not None and utilization is not None:
        raise FootprintInputError("give power_w or utilization, not both")
    if power_w is not None:
        return Factor.fixed(
            "power_w", _validate.bounded("power_w", power_w), "W", "given (average per accelerator)"
        )
    if utilization is not None:
        fraction = _validate.fraction("utilization", utilization)
        if tdp_w is None:
            raise FootprintInputError(
                "utilization needs an accelerator with a TDP: give gpu, or give power_w"
            )
        return Factor.fixed(
            "power_w",
            float(power.average_power_w(tdp_w, fraction)),
            "W",
            f"given utilization {fraction:g} x TDP {tdp_w:g} W",
        )
    if accelerator is not None and tdp_w is not None:
        params = (
            None
            if model_params is None
            else _validate.bounded("model_params", model_params, _validate.BOUNDS["params"])
        )
        job = power.power_class(params, accelerators)
        tdp_low, tdp_high = accelerator.tdp_range_w or (tdp_w, tdp_w)
        tdp_text = f"TDP {tdp_w:g} W ({_cited(accelerator.source)})"
        if accelerator.power_status == "modelled":  # no published TDP: the modelled range widens it
            tdp_text = (
                f"modelled power: TDP {tdp_w:g} W (range {tdp_low:g}-{tdp_high:g}; {accelerator.power_basis})"
            )
        return Factor(
            "power_w",
            float(power.average_power_w(tdp_w, job.fraction)),
            float(power.average_power_w(tdp_low, job.low)),
            float(power.average_power_w(tdp_high, job.high)),
            "W",
            f"default {job.fraction:g} x TDP (range {job.low:g}-{job.high:g}) for a {job.name}: {job.basis}; "
            + tdp_text,
        )
    if not needed:
        return None
    if accelerator is not None:
        raise FootprintInputError(f"{accelerator.name} has no TDP in the catalog; give power_w")
    raise FootprintInputError("give gpu (for its TDP) or power_w (average W per accelerator)")


def resolve_duration(
    mode: Mode,
    hardware: Hardware,
    *,
    hours: float | None,
    gpu_hours: float | None,
    flops: float | None,
    mfu: float | None,
    energy_kwh: float | None,
    peak_tflops: float | None,
    power_known: bool,
) -> Duration:
    """Accelerator-hours from hours, accelerator-hours or FLOPs; or the measured IT energy.

    Parameters
    ----------
    mode : {"flops", "hours", "gpu_hours", "energy"}
        Which of the values below describes the run (:func:`resolve_mode`).
    hardware : Hardware
        The accelerator, its count n [-] and the precision.
    hours : float or None
        Wall-clock duration [h], ≥ 0.
    gpu_hours : float or None
        Accelerator-hours [h], ≥ 0.
    flops : float or None
        Training compute C [FLOP], ≥ 0.
    mfu : float or None
        Model FLOP utilisation [-], in (0, 1]; with ``flops`` only.
    energy_kwh : float or None
        Measured IT energy [kWh], ≥ 0.
    peak_tflops : float or None
        Dense peak per accelerator [TFLOP/s], > 0, instead of the catalog's.
    power_known : bool
        Whether a power per accelerator is known (measured energy then gives accelerator-hours).

    Notes
    -----
    From FLOPs, T = C / (n · peak · MFU) / 3600 (:func:`fmfootprint.footprint.power.training_hours`) with
    the accelerator's dense peak at the precision (:meth:`~fmfootprint.catalog.hardware.Accelerator.
    peak_flops`) unless ``peak_tflops`` is given; accelerator-hours = n · T.
    """
    if mfu is not None and mode != "flops":
        raise FootprintInputError("mfu is only used with flops")
    gpus = hardware.gpus
    if mode == "flops":
        compute = _validate.bounded("flops", flops)
        if mfu is None:
            raise FootprintInputError("flops needs mfu (model FLOP utilisation, in (0, 1])")
        utilisation = _validate.fraction("mfu", mfu)
        peak, peak_source = _peak_tflops(hardware, peak_tflops)
        with np.errstate(all="ignore"):  # overflow is caught on the outputs
            wall_hours = float(power.training_hours(compute, float(gpus), peak, utilisation))
        peak_notes = (
            Assumption("flops", compute, "FLOP", "given"),
            Assumption("mfu", utilisation, "-", "given"),
            Assumption("peak_tflops", peak, f"TFLOP/s ({hardware.precision}, dense)", peak_source),
        )
        return Duration(wall_hours * gpus, None, peak_notes)
    if mode == "hours":
        wall_hours = _validate.bounded("hours", hours)
        return Duration(wall_hours * gpus, None, (Assumption("hours", wall_hours, "h", "given"),))
    if mode == "gpu_hours":
        total = _validate.bounded("gpu_hours", gpu_hours)
        return Duration(total, None, (Assumption("gpu_hours", total, "h", "given"),))
    energy_it = _validate.bounded("energy_kwh", energy_kwh)
    derived = (
        "derived: IT energy / power per accelerator"
        if power_known
        else "unknown: no power to convert the energy (give gpu or power_w)"
    )
    notes = (
        Assumption("energy_it_kwh", energy_it, "kWh", "given (measured IT energy; PUE still applies)"),
        Assumption("gpu_hours", None, "h", derived),
    )
    return Duration(None, energy_it, notes)


def _peak_tflops(hardware: Hardware, override: float | None) -> tuple[float, str]:
    if override is not None:
        return _validate.bounded("peak_tflops", override), "given"
    accelerator = hardware.accelerator
    if accelerator is None:
        raise FootprintInputError("flops needs gpu (for its peak FLOP/s) or peak_tflops")
    try:
        peak_flops = accelerator.peak_flops(hardware.precision)
    except FootprintInputError as error:
        raise FootprintInputError(f"{error}; give precision or peak_tflops") from None
    return peak_flops / _FLOPS_PER_TFLOPS, f"catalog ({_cited(accelerator.source)})"


def resolve_host(host_power_w: float | None, gpus_per_server: int | None) -> Host:
    """Host power per server (counted only when given) and accelerators per server.

    Parameters
    ----------
    host_power_w : float or None
        Host power per server, accelerators excluded [W], ≥ 0. None: not counted (published figures count
        accelerators only).
    gpus_per_server : int or None
        Accelerators per server [-], ≥ 1. None: the catalog's server default, once it is needed.
    """
    notes: list[Assumption] = []
    per_server: int | None = None
    if gpus_per_server is not None:
        per_server = int(
            _validate.bounded("gpus_per_server", _validate.positive_int("gpus_per_server", gpus_per_server))
        )
        notes.append(Assumption("gpus_per_server", per_server, "accelerators per server", "given"))
    if host_power_w is None:
        source = (
            "host power not counted (published figures count accelerators only); give host_power_w to add it"
        )
        notes.append(Assumption("host_power_w", 0.0, "W per server", source))
        return Host(0.0, per_server, tuple(notes))
    host_w = _validate.bounded("host_power_w", host_power_w)
    if per_server is None:
        per_server = _default_gpus_per_server(notes)
    notes.append(
        Assumption("host_power_w", host_w, "W per server", f"given; {per_server} accelerators per server")
    )
    return Host(host_w, per_server, tuple(notes))


def _default_gpus_per_server(notes: list[Assumption]) -> int:
    defaults = server_defaults()
    source = _cited(defaults.gpus_per_server_source)
    notes.append(Assumption("gpus_per_server", defaults.gpus_per_server, "accelerators per server", source))
    return defaults.gpus_per_server


def resolve_embodied(
    accelerator: Accelerator | None,
    embodied_kg_per_gpu: float | None,
    server_embodied_kg: float | None,
    *,
    lifetime_years: float | None,
    usage_fraction: float | None,
    gpus_per_server: int | None,
    has_hours: bool,
) -> Embodied:
    """Embodied emissions per accelerator and per server, and the lifetime and usage they are amortised over.

    Parameters
    ----------
    accelerator : Accelerator or None
        The catalog record whose ``embodied_kg`` [kgCO2e] is used when no figure is given.
    embodied_kg_per_gpu, server_embodied_kg : float or None
        Embodied emissions of one accelerator and of one server without accelerators [kgCO2e], ≥ 0.
    lifetime_years : float or None
        Hardware lifetime [yr], > 0. None: the catalog's server default.
    usage_fraction : float or None
        Fraction of its life the hardware is used [-], in (0, 1]. None: the catalog's server default.
    gpus_per_server : int or None
        Accelerators per server [-] from :func:`resolve_host`; None: the catalog's, if needed.
    has_hours : bool
        Whether the accelerator-hours are known.

    Explicit figures are used as given (a figure not given counts 0). With none given, the accelerator's
    catalog figure is used, with the catalog's server default beside it (the BLOOM pair); with no catalog
    figure for the accelerator, embodied carbon is 0. Without accelerator-hours (``has_hours`` false)
    nothing can be amortised: the figures are listed and the estimate says embodied is not counted.

    Notes
    -----
    CO2e_emb = kg · unit-hours / (lifetime · 8760 · usage) (:func:`fmfootprint.footprint.embodied.
    amortized_co2e_kg`; Luccioni et al. 2023, §4.1).
    """
    gpu, server = _embodied_factors(accelerator, embodied_kg_per_gpu, server_embodied_kg)
    notes: list[Assumption] = []
    counted = has_hours and (gpu.central > 0 or server.central > 0)
    if counted:
        if gpus_per_server is None:
            gpus_per_server = _default_gpus_per_server(notes)
        defaults = server_defaults()
        if lifetime_years is not None:
            life, life_source = _validate.bounded("lifetime_years", lifetime_years), "given"
        else:
            life, life_source = defaults.lifetime_years, _cited(defaults.lifetime_years_source)
        if usage_fraction is not None:
            usage, usage_source = _validate.fraction("usage_fraction", usage_fraction), "given"
        else:
            usage, usage_source = defaults.usage_fraction, _cited(defaults.usage_fraction_source)
        notes.append(Assumption("lifetime_years", life, "yr", life_source))
        notes.append(Assumption("usage_fraction", usage, "-", usage_source))
    else:  # validate what was given even when it is not used
        life = _validate.bounded("lifetime_years", lifetime_years) if lifetime_years is not None else 1.0
        usage = _validate.fraction("usage_fraction", usage_fraction) if usage_fraction is not None else 1.0
    notes.append(Assumption("embodied_kg_per_gpu", gpu.central, "kgCO2e per accelerator", gpu.source))
    notes.append(Assumption("server_embodied_kg", server.central, "kgCO2e per server", server.source))
    if not has_hours and (gpu.central > 0 or server.central > 0):
        notes.append(
            Assumption("co2e_embodied_kg", 0.0, "kgCO2e", "embodied not counted: accelerator-hours unknown")
        )
    return Embodied(gpu, server, gpus_per_server, life, usage, tuple(notes))


def _embodied_factors(
    accelerator: Accelerator | None, per_gpu: float | None, per_server: float | None
) -> tuple[Factor, Factor]:
    unit = "kgCO2e"
    if per_gpu is not None or per_server is not None:
        gpu_kg = _validate.bounded("embodied_kg_per_gpu", per_gpu) if per_gpu is not None else 0.0
        server_kg = _validate.bounded("server_embodied_kg", per_server) if per_server is not None else 0.0
        missing = "not counted (no figure given)"
        return (
            Factor.fixed("embodied_kg_per_gpu", gpu_kg, unit, "given" if per_gpu is not None else missing),
            Factor.fixed(
                "embodied_kg_per_server", server_kg, unit, "given" if per_server is not None else missing
            ),
        )
    catalog_kg = accelerator.embodied_kg if accelerator is not None else None
    if accelerator is None or catalog_kg is None or not 0 < catalog_kg < float("inf"):
        reason = "embodied: 0, no figure given or in catalog"
        return (
            Factor.fixed("embodied_kg_per_gpu", 0.0, unit, reason),
            Factor.fixed("embodied_kg_per_server", 0.0, unit, reason),
        )
    cited = _cited(accelerator.embodied_source, accelerator.source)
    gpu_source = (
        f"embodied: catalog value {catalog_kg:g} kg/GPU from {cited}; {RANGE_SOURCES['embodied_catalog']}"
    )
    defaults = server_defaults()
    server_kg = defaults.embodied_kg_per_server
    server_from = _cited(defaults.embodied_kg_per_server_source)
    server_source = f"embodied: catalog server default {server_kg:g} kg from {server_from}"
    low, high = accelerator.embodied_kg_low, accelerator.embodied_kg_high
    if low is None or high is None:
        gpu = Factor.relative(
            "embodied_kg_per_gpu", catalog_kg, EMBODIED_GPU_CATALOG_RELATIVE, unit, gpu_source
        )
    else:  # the class's published low / high (catalog), with the lifetime and usage they assume
        gpu_source = f"embodied: catalog value {catalog_kg:g} kg/GPU (range {low:g}-{high:g}) from {cited}"
        gpu = Factor.between("embodied_kg_per_gpu", catalog_kg, (low, high), unit, gpu_source)
    return (gpu, Factor.fixed("embodied_kg_per_server", server_kg, unit, server_source))


def _cited(*texts: str) -> str:
    """The first non-empty citation, else the catalog itself."""
    return next((text for text in texts if text), "fmfootprint catalog")
