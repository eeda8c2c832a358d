"""The library of published scaling laws: every preset with its provenance and what it can answer.

:data:`PUBLISHED` maps a preset name (``fmfootprint laws``, ``plan --law NAME``) to a
:class:`~fmfootprint.scaling.published.base.PublishedLaw`. One module per family of forms:
:mod:`~fmfootprint.scaling.published.chinchilla` (E + A/N^α + B/D^β and Kaplan),
:mod:`~fmfootprint.scaling.published.power` (Llama 3, DeepSeek LLM),
:mod:`~fmfootprint.scaling.published.extended` (mixture of experts, precision, modalities).
"""

from __future__ import annotations

from fmfootprint.errors import UnknownNameError, normalize_name
from fmfootprint.scaling.published.base import QUESTIONS, Constant, PublishedLaw
from fmfootprint.scaling.published.chinchilla import ChinchillaForm, GadreLaw, chinchilla_laws
from fmfootprint.scaling.published.extended import extended_laws
from fmfootprint.scaling.published.power import power_laws

__all__ = [
    "PUBLISHED",
    "QUESTIONS",
    "ChinchillaForm",
    "Constant",
    "GadreLaw",
    "PublishedLaw",
    "get_published",
    "published_names",
]

PUBLISHED: dict[str, PublishedLaw] = {**chinchilla_laws(), **power_laws(), **extended_laws()}
"""Every published preset, Chinchilla-form ones first."""


def published_names() -> list[str]:
    """The preset names, in :data:`PUBLISHED` order."""
    return list(PUBLISHED)


def get_published(name: str) -> PublishedLaw:
    """The published law called ``name`` (case and punctuation forgiving), else :class:`UnknownNameError`
    listing every valid name."""
    key = normalize_name(name)
    for law in PUBLISHED.values():
        if normalize_name(law.name) == key:
            return law
    error = UnknownNameError("law", name, published_names())
    error.args = (f"unknown law {name!r}; valid laws: {', '.join(published_names())}",)
    raise error
