"""The catalogs' fixed vocabularies, importable without reading any data (the CLI builds its parsers
from these, so that ``fmfootprint --help`` loads no catalog)."""

from __future__ import annotations

__all__ = ["INTENSITY_SOURCES", "KINDS", "PRECISIONS", "PROVIDERS"]

PRECISIONS: tuple[str, ...] = ("bf16", "fp16", "tf32", "fp32", "fp8")
"""Precisions with a dense peak throughput in the accelerator catalog."""

PROVIDERS: tuple[str, ...] = ("aws", "gcp", "azure")
"""Cloud providers with regions in the grid catalog."""

KINDS: tuple[str, ...] = ("country", "subdivision", "zone", "cloud")
"""Kinds of region in the grid catalog."""

INTENSITY_SOURCES: tuple[str, ...] = ("electricitymaps", "catalog")
"""``electricitymaps``: the zone's yearly value (ODbL); ``catalog``: the openly licensed value (Ember for
countries, eGRID2016 for US states, CER 2023 for Canadian provinces, Google 2024 for GCP regions)."""
