"""Which parts of a session (GPU, CPU, RAM) were measured, modelled or not measured at all.

A part that was not measured is ``None`` in the summary with a statement of why, never 0: the GPU part
when NVML could not start (no driver, a broken ``pynvml``, a hang), the CPU and RAM parts when codecarbon
gave nothing. A part codecarbon *modelled* (its TDP or per-DIMM fallbacks, see
:mod:`fmfootprint.measure.hostmethods`) is kept, named as modelled, with its range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fmfootprint.measure.hostmethods import MODELLED, energy_range_kwh, method_text

__all__ = [
    "GPU_NOT_MEASURED",
    "HostParts",
    "add_ranges",
    "apply_ready",
    "energy_method",
    "gpu_not_measured",
    "host_parts",
    "stage_ranges",
]

GPU_NOT_MEASURED = (
    "GPU energy not measured",  # the NVML job failed or hung (tracker)
    "no NVIDIA GPU or driver",  # nvmlInit failed (startup.open_gpus)
    "cannot enumerate GPUs",
    "GPUs not measured",  # nvml=False
)
"""How the tracker's flags begin when NVML did not come up; GPU energy is then unknown, not 0."""


def gpu_not_measured(start: Mapping[str, Any]) -> str | None:
    """Why the session's GPU energy is unknown, or None when NVML was up (with zero GPUs or more).

    Parameters
    ----------
    start : mapping
        The session's start record completed by its ready record
        (:func:`fmfootprint.measure.summary.apply_ready`).
    """
    if start.get("gpus"):
        return None
    if start.get("measurement") == "initialising":
        return "measurement was still starting"
    if "gpu" in start.get("pending", []):  # the session ended (or was killed) while NVML was starting
        return "NVML was still starting"
    for flag in start.get("flags", []):
        if isinstance(flag, str) and flag.startswith(GPU_NOT_MEASURED):
            return flag
    return None


@dataclass(frozen=True)
class HostParts:
    """How a session's CPU and RAM energy were obtained: methods, ranges [kWh] and flags."""

    cpu_method: str
    ram_method: str
    cpu_range_kwh: tuple[float, float] | None
    ram_range_kwh: tuple[float, float] | None
    flags: tuple[str, ...]


def host_parts(
    info: Mapping[str, Any], cpu_kwh: float | None, ram_kwh: float | None, duration_s: float, hostname: str
) -> HostParts:
    """The methods and ranges of one session's CPU and RAM energy, from its host record.

    Parameters
    ----------
    info : mapping
        The host record (``CodecarbonHost.info()``: ``method``, ``cpu_method``, ``ram_method``,
        ``cpu_tdp_w``); a meter that does not say how (an older log, a test meter) gives its ``method``.
    cpu_kwh, ram_kwh : float or None
        The energies [kWh]; None when not measured (method ``"none"``).
    duration_s : float
        The time the energies cover [s].
    hostname : str
        For the flags.
    """
    fallback = str(info.get("method") or "unknown")
    tdp = info.get("cpu_tdp_w")
    tdp_w = float(tdp) if isinstance(tdp, (int, float)) and not isinstance(tdp, bool) else None
    methods: dict[str, str] = {}
    ranges: dict[str, tuple[float, float] | None] = {}
    flags: list[str] = []
    for part, energy in (("cpu", cpu_kwh), ("ram", ram_kwh)):
        method = "none" if energy is None else str(info.get(f"{part}_method") or fallback)
        methods[part] = method
        ranges[part] = energy_range_kwh(part, method, energy, duration_s, tdp_w)
        if method in MODELLED:
            flags.append(
                f"{hostname}: {part.upper()} energy is {method_text(method, ranges[part], info)}, "
                "not measured"
            )
    return HostParts(methods["cpu"], methods["ram"], ranges["cpu"], ranges["ram"], tuple(flags))


def add_ranges(
    ranges: Sequence[tuple[float, float] | None], values: Sequence[float | None], methods: Sequence[str]
) -> tuple[float, float] | None:
    """The range of a sum of sessions' energies [kWh]: measured ones count as exact, modelled ones by
    their range; None when no session was modelled, or one modelled session has no range."""
    if not any(m in MODELLED for m in methods):
        return None
    low = high = 0.0
    for energy_range, value, method in zip(ranges, values, methods, strict=True):
        if energy_range is not None:
            low, high = low + energy_range[0], high + energy_range[1]
        elif method in MODELLED:
            return None
        elif value is not None:
            low, high = low + value, high + value
    return (low, high)


def energy_method(methods: Sequence[str]) -> str:
    """The one GPU energy method of ``methods``, ``"mixed"`` when they differ, ``"none"`` without any."""
    distinct = sorted(set(methods))
    if not distinct:
        return "none"
    return distinct[0] if len(distinct) == 1 else "mixed"


def apply_ready(start: Mapping[str, Any], ready: Mapping[str, Any]) -> dict[str, Any]:
    """The start record completed by the session's ``"ready"`` record (the meters, once they were up).

    ``fmfootprint track`` writes the start record before measurement begins, then a ``"ready"`` record
    with the GPUs, the host meter, the seconds each part missed and the flags. A ``"rebased"`` ready
    record (the tracker waited before the run began) also moves the session's start time to its own.
    Ready records are cumulative: one is written as each part comes up, ``pending`` naming the parts
    still starting ("gpu", "host"), and each completes the start record anew.
    """
    merged = dict(start)
    merged["gpus"] = list(ready.get("gpus", []))
    merged["host"] = {**start.get("host", {}), **ready.get("host", {})}
    merged["flags"] = list(dict.fromkeys([*start.get("flags", []), *ready.get("flags", [])]))
    merged["unmeasured_s"] = dict(ready.get("unmeasured_s", {}))
    merged["pending"] = list(ready.get("pending", []))
    merged["measurement"] = "ready"
    if ready.get("rebased"):
        merged["time"] = ready["time"]
    return merged


def stage_ranges(
    energy_it_kwh: float,
    totals: Mapping[str, float | None],
    co2e_embodied_kg: float | None,
    parts: Sequence[tuple[float | None, tuple[float, float] | None]],
) -> dict[str, tuple[float, float]]:
    """Ranges of a run's totals from the ranges of its modelled parts (metered parts count as exact).

    Parameters
    ----------
    energy_it_kwh : float
        The IT energy [kWh] the totals were converted from.
    totals : mapping
        ``energy_kwh`` [kWh], ``co2e_operational_kg`` [kgCO2e], ``water_l`` [L] (None: not counted).
    co2e_embodied_kg : float or None
        Added to both ends of the operational range for ``co2e_kg`` [kgCO2e].
    parts : sequence of (energy [kWh], range [kWh] or None)
        The CPU and RAM parts.

    Returns
    -------
    dict
        ``{key: (low, high)}``; empty when no part has a range. Facility energy, operational carbon and
        water are linear in the IT energy (:func:`fmfootprint.footprint.convert.convert`: E = E_IT · PUE,
        CO2e = E · CI, water = E_IT · WUE + E · EWIF), so each scales by low/E_IT and high/E_IT.
    """
    ranged = [(value, rng) for value, rng in parts if rng is not None and value is not None]
    if not ranged or energy_it_kwh <= 0:
        return {}
    low = energy_it_kwh + sum(rng[0] - value for value, rng in ranged)
    high = energy_it_kwh + sum(rng[1] - value for value, rng in ranged)
    out: dict[str, tuple[float, float]] = {}
    for key in ("energy_kwh", "co2e_operational_kg", "water_l"):
        value = totals.get(key)
        if value is not None:
            out[key] = (value * low / energy_it_kwh, value * high / energy_it_kwh)
    if "co2e_operational_kg" in out:
        extra = co2e_embodied_kg or 0.0
        out["co2e_kg"] = (out["co2e_operational_kg"][0] + extra, out["co2e_operational_kg"][1] + extra)
    return out
