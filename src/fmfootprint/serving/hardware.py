"""The accelerator figures a per-query estimate uses: the catalog's, or the ones given, with their sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fmfootprint import _validate
from fmfootprint.catalog.hardware import Accelerator, get_accelerator, server_defaults
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.factors import Assumption
from fmfootprint.serving import physics

__all__ = ["Hardware", "resolve_hardware"]


@dataclass(frozen=True)
class Hardware:
    """One accelerator's figures in SI units: TDP [W], memory [B], bandwidth [B/s], peak [FLOP/s], embodied
    [kgCO2e], and the assumptions that name their sources."""

    name: str
    tdp_w: float
    memory_b: float
    bandwidth_b_per_s: float
    peak_flops: float
    embodied_kg: float
    notes: tuple[Assumption, ...]


def resolve_hardware(
    gpu: str | Accelerator,
    precision: str,
    tdp_w: float | None,
    memory_gb: float | None,
    bandwidth_tb_s: float | None,
    peak_tflops: float | None,
    embodied_kg_per_gpu: float | None,
) -> Hardware:
    acc = get_accelerator(gpu)
    notes: list[Assumption] = []

    def pick(label: str, given: float | None, catalog: float | None, unit: str, source: str) -> float:
        if given is not None:
            notes.append(Assumption(label, given, unit, "given"))
            return given
        if catalog is None:  # name the keyword of inference() that gives it
            keyword = "peak_tflops" if label.startswith("peak_tflops") else label
            raise FootprintInputError(f"{acc.name} has no {label} in the catalog; give {keyword}")
        notes.append(Assumption(label, catalog, unit, source))
        return catalog

    tdp = pick("tdp_w", _opt(_validate.positive, "tdp_w", tdp_w), acc.tdp_w, "W", acc.source)
    memory = pick(
        "memory_gb", _opt(_validate.positive, "memory_gb", memory_gb), acc.memory_gb, "GB", acc.source
    )
    bandwidth = pick(
        "memory_bandwidth_tb_s",
        _opt(_validate.positive, "memory_bandwidth_tb_s", bandwidth_tb_s),
        acc.memory_bandwidth_tb_s,
        "TB/s",
        acc.memory_bandwidth_source or acc.source,
    )
    compute = physics.COMPUTE_PRECISION[precision]
    catalog_peak = acc.peak_tflops.get(compute)
    if catalog_peak is None and compute == "fp8":  # fp8 weights on a chip without fp8 matmuls
        compute, catalog_peak = "bf16", acc.peak_tflops.get("bf16")
    if catalog_peak is None and compute == "bf16":  # 16-bit matmuls on a chip without bf16 (V100, T4): fp16
        compute, catalog_peak = "fp16", acc.peak_tflops.get("fp16")
    peak = pick(
        f"peak_tflops_{compute}",
        _opt(_validate.bounded, "peak_tflops", peak_tflops),
        catalog_peak,
        "TFLOP/s",
        acc.source,
    )
    defaults = server_defaults()
    if embodied_kg_per_gpu is not None:
        kg = _validate.bounded("embodied_kg_per_gpu", embodied_kg_per_gpu)
        notes.append(Assumption("embodied_kg_per_gpu", kg, "kgCO2e", "given"))
    elif acc.embodied_kg is not None:
        kg = acc.embodied_kg
        notes.append(Assumption("embodied_kg_per_gpu", kg, "kgCO2e", acc.embodied_source))
    else:
        kg = defaults.embodied_kg_per_gpu
        notes.append(
            Assumption("embodied_kg_per_gpu", kg, "kgCO2e", f"default: {defaults.embodied_kg_per_gpu_source}")
        )
    return Hardware(acc.name, tdp, memory * 1e9, bandwidth * 1e12, peak * 1e12, kg, tuple(notes))


def _opt(check: Any, name: str, value: Any) -> float | None:
    return None if value is None else float(check(name, value))
