"""The result of a per-query inference estimate: a frozen record, its JSON form and its lifecycle stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fmfootprint import _validate
from fmfootprint.footprint.factors import Assumption
from fmfootprint.footprint.stages import StageFootprint, check_stage
from fmfootprint.units import G_PER_KG

__all__ = ["RANGED_KEYS", "InferenceResult"]

RANGED_KEYS: tuple[str, ...] = (
    "energy_wh_per_query",
    "energy_it_wh_per_query",
    "energy_accelerator_wh_per_query",
    "energy_j_per_output_token",
    "co2e_operational_g_per_query",
    "co2e_embodied_g_per_query",
    "co2e_g_per_query",
    "water_ml_per_query",
    "latency_s",
    "gpu_hours_per_query",
)
"""Figures of a result that carry a ``(low, high)`` range, in their own units."""

_WH_PER_KWH = 1000.0
_ML_PER_L = 1000.0


@dataclass(frozen=True)
class InferenceResult:
    """Energy, carbon, water and latency of one query (and of 1,000), with ranges and every assumption.

    Attributes
    ----------
    energy_wh_per_query : float
        Facility energy (IT × PUE) of one query [Wh].
    energy_it_wh_per_query : float
        IT energy: accelerators, plus host and idle capacity in scope ``"full"`` [Wh].
    energy_accelerator_wh_per_query : float
        Accelerator energy alone, as GPU-only benchmarks measure it [Wh].
    energy_j_per_output_token : float
        Facility energy per generated token [J/token].
    co2e_operational_g_per_query, co2e_embodied_g_per_query, co2e_g_per_query : float
        Location-based operational, amortised embodied, and total emissions [gCO2e].
    water_ml_per_query : float
        On-site plus off-site water [mL].
    latency_s : float
        Time from the prompt to the last token of one query: prefill + output tokens × step [s].
    gpu_hours_per_query : float
        Accelerator-hours attributed to one query [h].
    accelerators : int
        Accelerators of one model replica [-].
    batch_size : int
        Sequences decoded together [-] (chosen when ``batch_auto``).
    batch_auto : bool
        True when the batch was chosen as the most energy-efficient under the latency target.
    precision : str
        Serving precision (``bf16``, ``fp8``, ``int4``).
    gpu : str
        Accelerator name.
    params, active_params : float
        Total and per-token parameters [-].
    input_tokens, output_tokens : float
        Tokens of the query [tokens].
    scope : str
        ``"full"`` (accelerators, host, idle capacity, PUE) or ``"accelerator"``.
    region : str or None
        Region code of the site.
    ranges : mapping
        ``{key: (low, high)}`` for every key of :data:`RANGED_KEYS`.
    assumptions : tuple of Assumption
        Every value used, with its unit and source.
    warnings : tuple of str
        What the estimate could not honour (a batch beyond memory, a latency target out of reach).
    """

    energy_wh_per_query: float
    energy_it_wh_per_query: float
    energy_accelerator_wh_per_query: float
    energy_j_per_output_token: float
    co2e_operational_g_per_query: float
    co2e_embodied_g_per_query: float
    co2e_g_per_query: float
    water_ml_per_query: float
    latency_s: float
    gpu_hours_per_query: float
    accelerators: int
    batch_size: int
    batch_auto: bool
    precision: str
    gpu: str
    params: float
    active_params: float
    input_tokens: float
    output_tokens: float
    scope: str
    region: str | None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    assumptions: tuple[Assumption, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def energy_wh_per_1000_queries(self) -> float:
        """Facility energy of 1,000 queries [Wh] (the AI Energy Score's unit)."""
        return self.energy_wh_per_query * 1000.0

    @property
    def accelerator_j_per_output_token(self) -> float:
        """Accelerator energy per generated token [J/token] (the ML.ENERGY benchmark's unit)."""
        return self.energy_accelerator_wh_per_query * 3600.0 / self.output_tokens

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures, ranges and assumptions; per-1,000-query figures beside per-query ones."""
        per_query = {key: getattr(self, key) for key in RANGED_KEYS}
        per_1000 = {
            "energy_wh": self.energy_wh_per_query * 1000.0,
            "co2e_g": self.co2e_g_per_query * 1000.0,
            "water_ml": self.water_ml_per_query * 1000.0,
        }
        return {
            **per_query,
            "accelerator_j_per_output_token": self.accelerator_j_per_output_token,
            "per_1000_queries": per_1000,
            "accelerators": self.accelerators,
            "batch_size": self.batch_size,
            "batch_auto": self.batch_auto,
            "precision": self.precision,
            "gpu": self.gpu,
            "params": self.params,
            "active_params": self.active_params,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "scope": self.scope,
            "region": self.region,
            "ranges": {key: list(value) for key, value in self.ranges.items()},
            "assumptions": [item.to_dict() for item in self.assumptions],
            "warnings": list(self.warnings),
        }

    def to_stage(self, queries: float, stage: str = "inference") -> StageFootprint:
        """The footprint of ``queries`` queries as a lifecycle stage (ranges scaled alike).

        Parameters
        ----------
        queries : float
            Number of queries served [-], > 0 (e.g. queries per day × days).
        stage : str, optional
            Stage name, default ``"inference"``.
        """
        count = _validate.positive("queries", queries)
        name = check_stage(stage)

        def kwh(value_wh: float) -> float:
            return value_wh * count / _WH_PER_KWH

        def kg(value_g: float) -> float:
            return value_g * count / G_PER_KG

        def litres(value_ml: float) -> float:
            return value_ml * count / _ML_PER_L

        scale = {
            "energy_kwh": ("energy_wh_per_query", kwh),
            "co2e_operational_kg": ("co2e_operational_g_per_query", kg),
            "co2e_embodied_kg": ("co2e_embodied_g_per_query", kg),
            "co2e_kg": ("co2e_g_per_query", kg),
            "water_l": ("water_ml_per_query", litres),
        }
        ranges = {
            key: (convert(self.ranges[source][0]), convert(self.ranges[source][1]))
            for key, (source, convert) in scale.items()
            if source in self.ranges
        }
        used = {item.name: item.value for item in self.assumptions}
        pue = used.get("pue")
        intensity = used.get("grid_intensity_g_per_kwh")
        return StageFootprint(
            stage=name,
            method="estimated (per-query inference model)",
            energy_kwh=kwh(self.energy_wh_per_query),
            co2e_operational_kg=kg(self.co2e_operational_g_per_query),
            co2e_embodied_kg=kg(self.co2e_embodied_g_per_query),
            water_l=litres(self.water_ml_per_query),
            gpu_hours=self.gpu_hours_per_query * count,
            energy_it_kwh=kwh(self.energy_it_wh_per_query),
            pue=float(pue) if isinstance(pue, (int, float)) else None,
            grid_intensity_g_per_kwh=float(intensity) if isinstance(intensity, (int, float)) else None,
            region=self.region,
            gpu=self.gpu,
            gpus=self.accelerators,
            ranges=ranges,
        )
