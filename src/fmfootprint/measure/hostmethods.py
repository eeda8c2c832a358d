"""How the CPU and RAM energy of a run were obtained, and the range of the parts codecarbon modelled.

codecarbon measures a CPU through a counter where the platform has one (RAPL on Linux, the Windows
Energy Meter Interface, Intel Power Gadget, Apple's powermetrics, a Raspberry Pi's PMIC) and otherwise
*models* it from the CPU's TDP; it models RAM from the memory size except on a Raspberry Pi. A modelled
figure is an estimate, so the summary and the model card say so and give it a range.

Methods (``cpu_method`` / ``ram_method`` in the host record)
-------------------------------------------------------------
===================== ======== ==================================================================
method                kind     what codecarbon 3.x does (``codecarbon/external/hardware.py``, ``ram.py``)
===================== ======== ==================================================================
``rapl``              measured Linux RAPL package counters (``intel_rapl`` mode)
``windows_emi``       measured Windows Energy Meter Interface (RAPL)
``powergadget``       measured Intel Power Gadget
``powermetrics``      measured Apple powermetrics
``raspberry_pmic``    measured Raspberry Pi PMIC rails
``tdp_load_model``    modelled P = TDP · (0.1 + 0.9 · u³), u = CPU load (``cpu_load`` mode)
``constant_fallback`` modelled P = 0.5 · TDP (``constant`` mode, no psutil)
``user_constant``     modelled a power the user forced
``dimm_model``        modelled RAM: 5 W per estimated DIMM slot on x86 (1.5 W on ARM), with a
                               decreasing marginal figure above 4 slots (``RAM._calculate_ram_power``)
===================== ======== ==================================================================

Ranges of the modelled parts
----------------------------
- **CPU** (``tdp_load_model``, ``constant_fallback``, ``user_constant``): [0.1 · TDP · t, TDP · t], any
  average power between the model's own floor (10 % of TDP) and the TDP it assumes, over the measured
  time t. A CPU may draw more than its TDP in short turbo bursts; that is not in the range. When
  codecarbon did not find the CPU in its table it assumed a generic TDP (85 W) and the summary says so.
- **RAM** (``dimm_model``): [0.3, 1.2] × the modelled energy. Measured DDR4 modules draw about 1.5 W (4 GB)
  to 3 W (8 GB) each (Tom's Hardware, "Intel Core i7-5960X Haswell-E review", 2014, DDR4-2133 power
  measurements), 0.3 × codecarbon's 5 W per slot; the upper end (6 W per module, for large registered
  server DIMMs) is an assumption of this package.

References
----------
CodeCarbon documentation, "Methodology" (CPU and RAM), https://mlco2.github.io/codecarbon/methodology.html,
and codecarbon 3.3 source (``external/hardware.py``: ``CPU._get_power_from_cpu_load``,
``CONSUMPTION_PERCENTAGE_CONSTANT``, ``POWER_CONSTANT``; ``external/ram.py``: ``RAM_SLOT_POWER_X86``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fmfootprint.units import S_PER_H, format_number

__all__ = [
    "MEASURED",
    "MODELLED",
    "codecarbon_methods",
    "energy_range_kwh",
    "method_text",
]

MEASURED: dict[str, str] = {
    "rapl": "RAPL counter",
    "windows_emi": "Windows Energy Meter Interface (RAPL)",
    "powergadget": "Intel Power Gadget",
    "powermetrics": "Apple powermetrics",
    "raspberry_pmic": "Raspberry Pi PMIC",
}
"""Methods that read a hardware counter, with their names in words."""
MODELLED: dict[str, str] = {
    "tdp_load_model": "codecarbon TDP × CPU-load model",
    "constant_fallback": "codecarbon constant fallback, half the TDP",
    "user_constant": "a constant power given to codecarbon",
    "dimm_model": "codecarbon per-DIMM model, 5 W per estimated slot",
}
"""Methods that model the energy instead of reading it, with their names in words."""

CPU_FLOOR_OF_TDP = 0.1
"""codecarbon's CPU-load model never goes below 10 % of TDP (``_get_power_from_cpu_load``) [-]."""
RAM_RANGE_FACTORS = (0.3, 1.2)
"""The range of a modelled RAM energy, as factors of the modelled figure [-] (see the module docstring)."""

_CPU_MODES = {
    "intel_rapl": "rapl",
    "windows_emi": "windows_emi",
    "intel_power_gadget": "powergadget",
    "cpu_load": "tdp_load_model",
    "constant": "constant_fallback",
}


def codecarbon_methods(hardware: Any) -> dict[str, Any]:
    """The CPU and RAM methods codecarbon chose, read from its tracker's ``_hardware`` list.

    Parameters
    ----------
    hardware : list or None
        ``OfflineEmissionsTracker._hardware`` (codecarbon 3.x): its RAM, CPU, AppleSiliconChip and
        Raspberry objects. Anything else (another codecarbon version) gives ``"unknown"`` methods.

    Returns
    -------
    dict
        ``cpu_method``, ``ram_method`` (see the module docstring), ``cpu_tdp_w`` [W] (the TDP a modelled CPU
        assumes, else None), ``cpu_generic_tdp`` (True when codecarbon did not know the CPU and assumed its
        default) and ``codecarbon_cpu_mode`` (codecarbon's own word).
    """
    found: dict[str, Any] = {
        "cpu_method": "unknown",
        "ram_method": "unknown",
        "cpu_tdp_w": None,
        "cpu_generic_tdp": False,
        "codecarbon_cpu_mode": None,
    }
    for item in hardware if isinstance(hardware, list) else []:
        kind = type(item).__name__
        part = str(getattr(item, "chip_part", "")).upper()
        if kind == "CPU":
            mode = str(getattr(item, "_mode", ""))
            method = _CPU_MODES.get(mode, "unknown")
            tdp = getattr(item, "_tdp", None)
            found.update(
                cpu_method=method,
                codecarbon_cpu_mode=mode or None,
                cpu_tdp_w=float(tdp) if method in MODELLED and isinstance(tdp, (int, float)) else None,
                cpu_generic_tdp=bool(getattr(item, "_is_generic_tdp", False)),
            )
        elif kind == "AppleSiliconChip" and part == "CPU":
            found.update(cpu_method="powermetrics", codecarbon_cpu_mode="powermetrics")
        elif kind == "Raspberry":
            found["cpu_method" if part == "CPU" else "ram_method"] = "raspberry_pmic"
        elif kind == "RAM":
            forced = getattr(item, "_force_ram_power", None) is not None
            found["ram_method"] = "user_constant" if forced else "dimm_model"
    return found


def energy_range_kwh(
    part: str, method: str, energy_kwh: float | None, duration_s: float, tdp_w: float | None
) -> tuple[float, float] | None:
    """The range of a modelled CPU or RAM energy [kWh]; None for a measured part or an unknown range.

    Parameters
    ----------
    part : {"cpu", "ram"}
    method : str
        ``cpu_method`` or ``ram_method``.
    energy_kwh : float or None
        The modelled energy [kWh].
    duration_s : float
        The time it covers [s].
    tdp_w : float or None
        The TDP the CPU model assumed [W].

    Returns
    -------
    (low, high) or None
        CPU: [0.1 · TDP · t, TDP · t] / 3.6e6; RAM: [0.3, 1.2] × energy (module docstring); each widened
        to contain the modelled figure itself.
    """
    if energy_kwh is None or method not in MODELLED:
        return None
    if part == "cpu":
        if tdp_w is None or tdp_w <= 0:
            return None
        hours = max(0.0, duration_s) / S_PER_H
        low, high = CPU_FLOOR_OF_TDP * tdp_w * hours / 1000.0, tdp_w * hours / 1000.0
    else:
        low, high = RAM_RANGE_FACTORS[0] * energy_kwh, RAM_RANGE_FACTORS[1] * energy_kwh
    return (min(low, energy_kwh), max(high, energy_kwh))


def method_text(method: str, energy_range: tuple[float, float] | None, info: Mapping[str, Any]) -> str:
    """``"measured (RAPL counter)"`` or ``"modelled (codecarbon TDP × CPU-load model, range a–b kWh)"``."""
    if method in MEASURED:
        return f"measured ({MEASURED[method]})"
    if method in MODELLED:
        text = MODELLED[method]
        if info.get("cpu_generic_tdp") and method != "dimm_model":
            text += ", generic TDP: CPU not in codecarbon's table"
        if energy_range is not None:
            text += f", range {format_number(energy_range[0])}–{format_number(energy_range[1])} kWh"
        else:
            text += ", range unknown"
        return f"modelled ({text})"
    if method == "mixed":
        text = "obtained differently on different hosts (see each host's record)"
        if energy_range is not None:
            text += f"; range {format_number(energy_range[0])}–{format_number(energy_range[1])} kWh"
        return text
    return f"{method} (how it was obtained was not recorded)"
