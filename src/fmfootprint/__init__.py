"""fmfootprint: plan foundation-model training with scaling laws, and estimate or measure what it costs the
planet (energy, carbon, water).

The public API is re-exported here lazily, so that ``import fmfootprint`` stays cheap.
"""

from __future__ import annotations

from fmfootprint._lazy import load_export

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs the command-line start milliseconds
    from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # scaling
    "ChinchillaLaw": "fmfootprint.scaling.laws",
    "get_law": "fmfootprint.scaling.laws",
    "fit": "fmfootprint.scaling.fit",
    "bootstrap": "fmfootprint.scaling.fit",
    "compute_optimal": "fmfootprint.scaling.allocate",
    "plan": "fmfootprint.planning",
    # footprint
    "convert": "fmfootprint.footprint.convert",
    "estimate": "fmfootprint.footprint.estimate",
    # measurement
    "Tracker": "fmfootprint.measure.tracker",
    "Estimate": "fmfootprint.footprint.estimate",
    "lifecycle": "fmfootprint.footprint.lifecycle",
    "monte_carlo": "fmfootprint.footprint.uncertainty",
    # inference per query, energy ratings
    "inference": "fmfootprint.serving.query",
    "InferenceResult": "fmfootprint.serving.result",
    "rate_inference": "fmfootprint.serving.rating",
    "rate_training": "fmfootprint.serving.rating",
    "Plan": "fmfootprint.planning",
    "RunSummary": "fmfootprint.measure.summary",
    # reports
    "model_card": "fmfootprint.report.modelcard",
    # vocabularies, for the CLI, the app and other programs
    "PRECISIONS": "fmfootprint.catalog.hardware",
    "STAGES": "fmfootprint.footprint.stages",
    "TRAINING_STAGES": "fmfootprint.footprint.stages",
    "TRAINING_TYPES": "fmfootprint.footprint.stages",
    "ESTIMATE_PARAMETERS": "fmfootprint.footprint.estimate",
    "BUDGET_KINDS": "fmfootprint.planning",
    # units
    "parse_quantity": "fmfootprint.units",
    "format_number": "fmfootprint.units",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, name)


def __dir__() -> list[str]:
    return sorted(__all__)
