"""The lifecycle-stage vocabulary alone, importable with nothing else (``fmfootprint track`` checks
``--stage`` before it launches its command; :mod:`fmfootprint.footprint.stages` re-exports these)."""

from __future__ import annotations

__all__ = ["STAGES", "STAGE_ALIASES"]

STAGES: tuple[str, ...] = ("experiments", "final", "evaluation", "inference")
"""Lifecycle stages in reporting order."""

STAGE_ALIASES: dict[str, str] = {"experiment": "experiments"}
"""Other spellings accepted for a stage."""
