"""The flags that pick a region's grid-intensity dataset and year, shared by estimate, plan and track."""

from __future__ import annotations

from typing import Any

__all__ = ["INTENSITY_CHOICES", "add_intensity_arguments"]

# fmfootprint.catalog.grid.INTENSITY_SOURCES and the alias "ember", spelled out so that parsing the
# command line (``fmfootprint track`` before it launches) imports no catalog; a test keeps them equal.
INTENSITY_CHOICES: tuple[str, ...] = ("electricitymaps", "catalog", "ember")


def add_intensity_arguments(container: Any) -> None:
    """Add ``--data-year`` and ``--intensity-source`` (both need ``--region``) to ``container``."""
    container.add_argument(
        "--data-year",
        metavar="YEAR",
        type=int,
        help="pin the year of the region's Electricity Maps intensity, 2021-2025 (default: the newest)",
    )
    container.add_argument(
        "--intensity-source",
        choices=INTENSITY_CHOICES,
        help=(
            "grid-intensity dataset: electricitymaps (default where the region's zone is known; ODbL) or "
            "catalog / ember (the openly licensed value: Ember for countries, eGRID2016 for US states, "
            "CER for Canadian provinces, Google for GCP regions)"
        ),
    )
