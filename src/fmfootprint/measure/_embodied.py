"""Embodied carbon of a tracked session's GPUs, for :func:`fmfootprint.measure.summary.session_summary`."""

from __future__ import annotations

from typing import Any

from fmfootprint.catalog.hardware import Accelerator, get_accelerator, server_defaults
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.embodied import amortized_co2e_kg
from fmfootprint.units import H_PER_YEAR

__all__ = ["embodied_of_gpus"]


def embodied_of_gpus(gpus: list[dict[str, Any]], hours: float, hostname: str) -> tuple[float, list[str], str]:
    """Embodied carbon of the GPUs over ``hours`` [h]: total [kgCO2e], flags, and how it was obtained.

    Each GPU record gets ``accelerator`` (the catalog name its NVML name matches, or None) and
    ``co2e_embodied_kg`` (None when the catalog has no figure for it: it counts 0, flagged). Per GPU,
    :func:`fmfootprint.footprint.embodied.amortized_co2e_kg` of the catalog's figure with the catalog's
    server defaults for lifetime and usage fraction (Luccioni, Viguier & Ligozat 2023, §4.1).
    """
    if not gpus:
        return 0.0, [], "not counted: no GPU measured"
    defaults = server_defaults()
    used: dict[str, Accelerator] = {}
    missing: dict[str, list[str]] = {}
    total = 0.0
    for gpu in gpus:
        name = str(gpu.get("name") or "")
        try:
            accelerator: Accelerator | None = get_accelerator(name)
        except FootprintInputError:  # an unknown (or empty) name
            accelerator = None
        figure = accelerator.embodied_kg if accelerator is not None else None
        gpu["accelerator"] = accelerator.name if accelerator is not None else None
        gpu["co2e_embodied_kg"] = None
        if accelerator is None or figure is None:
            why = (
                "not in the accelerator catalog"
                if accelerator is None
                else "no embodied figure in the catalog"
            )
            missing.setdefault(f"{name or 'unnamed'!r} ({why})", []).append(str(gpu.get("index")))
            continue
        kg = float(amortized_co2e_kg(figure, hours, defaults.lifetime_years, defaults.usage_fraction))
        gpu["co2e_embodied_kg"] = kg
        total += kg
        used[accelerator.name] = accelerator
    flags = [
        f"{hostname} GPU {', '.join(indices)}: {what}; embodied carbon not counted (0)"
        for what, indices in missing.items()
    ]
    if not used:
        return total, flags, "not counted: no GPU of the run has an embodied figure in the catalog"
    figures = "; ".join(f"{a.name} {a.embodied_kg:g} kgCO2e ({a.embodied_source})" for a in used.values())
    source = (
        f"catalog kgCO2e per accelerator × accelerator-hours / ({defaults.lifetime_years:g} yr × "
        f"{H_PER_YEAR:g} h/yr × {defaults.usage_fraction:g} usage); {figures}; "
        f"lifetime: {defaults.lifetime_years_source}; usage: {defaults.usage_fraction_source}; "
        "servers not counted"
    )
    return total, flags, source
