"""Sourced hardware and grid catalogs: accelerators, server defaults, regions and their factors.

The names are re-exported lazily, so that importing a vocabulary (:mod:`fmfootprint.catalog.names`) reads no
data.
"""

from __future__ import annotations

from typing import Any

from fmfootprint._lazy import load_export

_EXPORTS: dict[str, str] = {
    "GridDefaults": "fmfootprint.catalog.grid",
    "Region": "fmfootprint.catalog.grid",
    "get_region": "fmfootprint.catalog.grid",
    "grid_defaults": "fmfootprint.catalog.grid",
    "list_regions": "fmfootprint.catalog.grid",
    "Accelerator": "fmfootprint.catalog.hardware",
    "ServerDefaults": "fmfootprint.catalog.hardware",
    "get_accelerator": "fmfootprint.catalog.hardware",
    "list_accelerators": "fmfootprint.catalog.hardware",
    "server_defaults": "fmfootprint.catalog.hardware",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, name)
