"""Per-query inference: energy, carbon, water and latency of serving a language model, and energy ratings.

- :mod:`~fmfootprint.serving.physics`: the roofline model as pure vectorised functions;
- :mod:`~fmfootprint.serving.power`: step overheads, power from utilisation, one query's accelerator energy;
- :mod:`~fmfootprint.serving.constants`: its efficiency factors, calibrated once on measurements;
- :mod:`~fmfootprint.serving.query`: :func:`inference`, one query → :class:`InferenceResult`;
- :mod:`~fmfootprint.serving.calibration`: the comparison with published measurements;
- :mod:`~fmfootprint.serving.rating`: absolute A–G energy labels (docs/rating.md).

Names are re-exported lazily so that importing the package stays cheap.
"""

from __future__ import annotations

from typing import Any

from fmfootprint._lazy import load_export

_EXPORTS: dict[str, str] = {
    "inference": "fmfootprint.serving.query",
    "INFERENCE_PRECISIONS": "fmfootprint.serving.query",
    "SCOPES": "fmfootprint.serving.query",
    "InferenceResult": "fmfootprint.serving.result",
    "rate_inference": "fmfootprint.serving.rating",
    "rate_training": "fmfootprint.serving.rating",
    "Rating": "fmfootprint.serving.rating",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, name)


def __dir__() -> list[str]:
    return sorted(__all__)
