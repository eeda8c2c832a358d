"""Absolute energy ratings A–G on fixed logarithmic bands (documented in docs/rating.md).

A label depends only on the figure it rates and on the band table of its version: it never changes when
other models are rated, unlike relative bands recomputed from a leaderboard's population (the AI Energy
Score divides each task's observed range into five 20 % bands and recalibrates them every release).

Inference: facility energy per 1,000 queries [Wh], by task class and model-size class. The upper edge of
band A is E_A for the class; each further band doubles it, so B < 2·E_A, C < 4·E_A, … and G ≥ 32·E_A.

Training: facility energy per 10^21 FLOP of training compute [kWh]; A < 250, doubling, G ≥ 8,000.

The tables are frozen for :data:`RATING_VERSION`; a change makes a new version, and labels always say
their version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fmfootprint import _validate
from fmfootprint.errors import UnknownNameError
from fmfootprint.units import format_number

__all__ = [
    "LABELS",
    "RATING_VERSION",
    "SIZE_CLASSES",
    "TASKS",
    "TRAINING_EDGES_KWH_PER_1E21_FLOP",
    "Rating",
    "band_edges",
    "card_line",
    "rate_inference",
    "rate_many",
    "rate_training",
    "size_class",
]

RATING_VERSION = "fmfootprint energy rating v1 (2026-12)"
"""Version of the band tables; printed with every label."""

LABELS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G")
"""Labels from the least energy to the most."""

BAND_RATIO = 2.0
"""Each band's upper edge over the previous one's [-]."""

SIZE_CLASSES: dict[str, tuple[float, float]] = {
    "small": (0.0, 20e9),
    "medium": (20e9, 200e9),
    "large": (200e9, float("inf")),
}
"""Model-size classes by total parameters [-]: [low, high)."""

TASKS: dict[str, str] = {
    "text-generation": "chat and instruction answers (reasoning off); hundreds of output tokens",
    "reasoning": "reasoning on: thousands of output tokens (ML.ENERGY v3: 10x the output of chat)",
}
"""Task classes and what each covers."""

_A_EDGE_WH_PER_1000: dict[tuple[str, str], float] = {
    ("text-generation", "small"): 10.0,
    ("text-generation", "medium"): 50.0,
    ("text-generation", "large"): 250.0,
    ("reasoning", "small"): 100.0,
    ("reasoning", "medium"): 500.0,
    ("reasoning", "large"): 2500.0,
}
"""Upper edge of band A [Wh per 1,000 queries] by (task, size class); frozen for v1."""

TRAINING_EDGES_KWH_PER_1E21_FLOP: tuple[float, ...] = (250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0)
"""Upper edges of bands A–F of the training label [kWh per 10^21 FLOP]; G is above the last."""


@dataclass(frozen=True)
class Rating:
    """An energy label and what it rests on.

    Attributes
    ----------
    label : str
        One of :data:`LABELS`.
    value : float
        The rated figure, in ``unit``.
    unit : str
        ``"Wh per 1,000 queries"`` or ``"kWh per 1e21 FLOP"``.
    kind : str
        ``"inference"`` or ``"training"``.
    task, size_class : str or None
        The inference class (None for training).
    edges : tuple of float
        Upper edges of bands A–F, in ``unit`` (G is above the last).
    version : str
        :data:`RATING_VERSION`.
    """

    label: str
    value: float
    unit: str
    kind: str
    task: str | None
    size_class: str | None
    edges: tuple[float, ...]
    version: str = RATING_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "task": self.task,
            "size_class": self.size_class,
            "edges": list(self.edges),
            "version": self.version,
            "method": "docs/rating.md",
        }


def size_class(params: float) -> str:
    """The size class of a model of ``params`` total parameters [-] (:data:`SIZE_CLASSES`)."""
    count = _validate.bounded("params", params)
    for name, (low, high) in SIZE_CLASSES.items():
        if low <= count < high:
            return name
    raise AssertionError("size classes cover every positive count")  # pragma: no cover


def band_edges(task: str = "text-generation", size: str = "small") -> tuple[float, ...]:
    """Upper edges of bands A–F [Wh per 1,000 queries] of an inference class.

    Parameters
    ----------
    task : str
        One of :data:`TASKS`.
    size : str
        One of :data:`SIZE_CLASSES`.

    Returns
    -------
    tuple of float
        E_A · 2^k for k = 0…5.
    """
    if task not in TASKS:
        raise UnknownNameError("task", str(task), TASKS)
    if size not in SIZE_CLASSES:
        raise UnknownNameError("size class", str(size), SIZE_CLASSES)
    first = _A_EDGE_WH_PER_1000[(task, size)]
    return tuple(first * BAND_RATIO**k for k in range(len(LABELS) - 1))


def _label(value: float, edges: tuple[float, ...]) -> str:
    """The band of ``value``: the first whose upper edge is above it (a value on an edge goes up a band)."""
    return LABELS[int(np.searchsorted(np.asarray(edges), value, side="right"))]


def rate_inference(
    energy_wh_per_1000_queries: float, *, params: float, task: str = "text-generation"
) -> Rating:
    """The inference label of a model serving at ``energy_wh_per_1000_queries``.

    Parameters
    ----------
    energy_wh_per_1000_queries : float
        Facility energy of 1,000 queries [Wh] (:attr:`InferenceResult.energy_wh_per_1000_queries`), ≥ 0.
    params : float
        Total parameters of the model [-] (picks the size class).
    task : str, optional
        Task class, default ``"text-generation"``.

    Returns
    -------
    Rating
    """
    value = _validate.non_negative("energy_wh_per_1000_queries", energy_wh_per_1000_queries)
    size = size_class(params)
    edges = band_edges(task, size)
    return Rating(_label(value, edges), value, "Wh per 1,000 queries", "inference", task, size, edges)


def rate_training(energy_kwh: float, flops: float) -> Rating:
    """The training label: facility energy per 10^21 FLOP of training compute.

    Parameters
    ----------
    energy_kwh : float
        Facility energy of the training run [kWh], ≥ 0.
    flops : float
        Training compute [FLOP], > 0 (6·N·D, Kaplan et al. 2020, Table 1).

    Returns
    -------
    Rating
    """
    energy = _validate.non_negative("energy_kwh", energy_kwh)
    compute = _validate.positive("flops", _validate.bounded("flops", flops))
    value = energy / (compute / 1e21)
    edges = TRAINING_EDGES_KWH_PER_1E21_FLOP
    return Rating(_label(value, edges), value, "kWh per 1e21 FLOP", "training", None, None, edges)


def rate_many(entries: Iterable[Mapping[str, Any]]) -> list[Rating]:
    """Inference labels of several models: each entry rated on its own (``energy_wh_per_1000_queries``,
    ``params``, optional ``task``), so adding entries never changes another's label."""
    return [
        rate_inference(
            float(entry["energy_wh_per_1000_queries"]),
            params=float(entry["params"]),
            task=str(entry.get("task", "text-generation")),
        )
        for entry in entries
    ]


def card_line(rating: Rating) -> str:
    """One Markdown line for a model card's Environmental Impact section.

    Parameters
    ----------
    rating : Rating
        An inference or training label.

    Returns
    -------
    str
        ``Energy rating (inference, text-generation, medium model): **C** — 108 Wh per 1,000 queries;
        bands A < 50, B < 100, … G ≥ 1,600 (fmfootprint energy rating v1 (2026-12), docs/rating.md)``.
    """
    where = (
        f"inference, {rating.task}, {rating.size_class} model" if rating.kind == "inference" else "training"
    )
    bands = ", ".join(
        f"{label} < {format_number(edge)}" for label, edge in zip(LABELS[:-1], rating.edges, strict=True)
    )
    last = f"{LABELS[-1]} >= {format_number(rating.edges[-1])}"
    return (
        f"Energy rating ({where}): **{rating.label}** - {format_number(rating.value)} {rating.unit}; "
        f"bands {bands}, {last} ({rating.version}, docs/rating.md)"
    )
