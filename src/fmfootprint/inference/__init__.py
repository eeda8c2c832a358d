"""Per-query inference: energy, carbon, water and latency of serving a language model, and energy ratings.

- :mod:`~fmfootprint.inference.physics`: the roofline model as pure vectorised functions;
- :mod:`~fmfootprint.inference.constants`: its efficiency factors, calibrated once on measurements;
- :mod:`~fmfootprint.inference.query`: :func:`inference`, one query → :class:`InferenceResult`;
- :mod:`~fmfootprint.inference.calibration`: the comparison with published measurements;
- :mod:`~fmfootprint.inference.rating`: absolute A–G energy labels (docs/rating.md).

Names are re-exported lazily so that importing the package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "inference": "fmfootprint.inference.query",
    "INFERENCE_PRECISIONS": "fmfootprint.inference.query",
    "SCOPES": "fmfootprint.inference.query",
    "InferenceResult": "fmfootprint.inference.result",
    "rate_inference": "fmfootprint.inference.rating",
    "rate_training": "fmfootprint.inference.rating",
    "Rating": "fmfootprint.inference.rating",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fmfootprint.inference' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
