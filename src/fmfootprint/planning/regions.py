"""The same training run estimated in several grid regions ("… in Iowa or in Quebec?").

Each row holds the estimator's own :class:`~fmfootprint.footprint.estimate.Estimate` for that region; the
comparison only orders them. ``to_frame()`` gives the table the app draws, ``to_dict()`` what
``fmfootprint plan --compare-regions --json`` prints.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fmfootprint import _validate
from fmfootprint.catalog.basis import basis_of_source, require_one_basis, year_of_source
from fmfootprint.catalog.grid import get_region, grid_defaults
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.planning._hardware import check_hardware, estimate_at

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COMPARISON_REGIONS", "ROW_KEYS", "RegionComparison", "RegionRow", "compare_regions"]

COMPARISON_REGIONS: tuple[str, ...] = (
    "US-IA",
    "CA-QC",
    "FR",
    "SE",
    "NO",
    "US-CA",
    "DE",
    "GB",
    "US-VA",
    "IN",
    "PL",
    "AU",
)
"""Grid regions shown side by side by default: low, middling and high carbon intensity, and the two of the
README's worked question (Iowa, Quebec)."""

ROW_KEYS: tuple[str, ...] = (
    "region",
    "name",
    "grid_intensity_g_per_kwh",
    "intensity_basis",
    "intensity_year",
    "pue",
    "energy_kwh",
    "co2e_operational_kg",
    "co2e_embodied_kg",
    "co2e_kg",
    "co2e_kg_low",
    "co2e_kg_high",
    "water_l",
)
"""The columns of one compared region, in order (see :meth:`RegionRow.to_dict`)."""


@dataclass(frozen=True)
class RegionRow:
    """One region of a comparison.

    Attributes
    ----------
    region : str
        Canonical region code (``"CA-QC"``).
    name : str
        Readable name (``"Quebec"``).
    estimate : Estimate
        The estimator's result for the run in this region.
    """

    region: str
    name: str
    estimate: Estimate

    @property
    def co2e_kg(self) -> float:
        """Total carbon, operational + embodied [kg CO2e]."""
        return self.estimate.co2e_kg

    @property
    def intensity_basis(self) -> str | None:
        """Basis of the grid intensity used: ``"lifecycle"`` or ``"direct"``; None when it was given."""
        return _basis(self.estimate)

    @property
    def intensity_year(self) -> int | None:
        """Year the grid intensity describes; None when it was given."""
        sources = [a.source for a in self.estimate.assumptions if a.name == "grid_intensity_g_per_kwh"]
        return year_of_source(sources[0], grid_defaults().world_intensity_year) if sources else None

    @property
    def co2e_kg_range(self) -> tuple[float, float] | None:
        """Bounds of ``co2e_kg`` over the factors' stated ranges [kg CO2e], if the estimator gives them."""
        return self.estimate.ranges.get("co2e_kg")

    def to_dict(self) -> dict[str, Any]:
        """:data:`ROW_KEYS` → value; the ``co2e_kg`` bounds are None when the estimator gives none."""
        low, high = self.co2e_kg_range or (None, None)
        result = self.estimate
        return {
            "region": self.region,
            "name": self.name,
            "grid_intensity_g_per_kwh": result.grid_intensity_g_per_kwh,
            "intensity_basis": self.intensity_basis,
            "intensity_year": self.intensity_year,
            "pue": result.pue,
            "energy_kwh": result.energy_kwh,
            "co2e_operational_kg": result.co2e_operational_kg,
            "co2e_embodied_kg": result.co2e_embodied_kg,
            "co2e_kg": result.co2e_kg,
            "co2e_kg_low": low,
            "co2e_kg_high": high,
            "water_l": result.water_l,
        }


@dataclass(frozen=True)
class RegionComparison:
    """Regions compared for the same run, lowest total carbon first.

    Attributes
    ----------
    compute_flops : float
        The run's training compute [FLOP].
    rows : tuple of RegionRow
        One per distinct region, sorted by ``co2e_kg`` (stable: ties keep the order given).
    """

    compute_flops: float
    rows: tuple[RegionRow, ...]

    def __iter__(self) -> Iterator[RegionRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def best(self) -> RegionRow:
        """The region with the least total carbon."""
        return self.rows[0]

    @property
    def co2e_kg_by_region(self) -> dict[str, float]:
        """{region code: total carbon [kg CO2e]}, lowest first."""
        return {row.region: row.co2e_kg for row in self.rows}

    def row(self, region: str) -> RegionRow:
        """The row of ``region`` (any form :func:`fmfootprint.catalog.grid.get_region` accepts)."""
        code = get_region(region).code
        for row in self.rows:
            if row.region == code:
                return row
        raise FootprintInputError(f"region {code!r} is not in this comparison")

    def to_dict(self) -> list[dict[str, Any]]:
        """The rows as :meth:`RegionRow.to_dict` mappings, lowest carbon first (JSON-ready)."""
        return [row.to_dict() for row in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the :data:`ROW_KEYS` columns (missing bounds are NaN)."""
        import pandas as pd

        records = [
            {key: (math.nan if value is None else value) for key, value in row.to_dict().items()}
            for row in self.rows
        ]
        return pd.DataFrame(records, columns=list(ROW_KEYS))


def _basis(result: Estimate) -> str | None:
    """The basis of the grid intensity an estimate used (None when it was given)."""
    sources = [a.source for a in result.assumptions if a.name == "grid_intensity_g_per_kwh"]
    return basis_of_source(sources[0]) if sources else None


def compare_regions(
    compute_flops: float, regions: Iterable[str], hardware: Mapping[str, Any]
) -> RegionComparison:
    """The same training run estimated in several grid regions.

    Parameters
    ----------
    compute_flops : float
        Training compute [FLOP], > 0.
    regions : iterable of str
        Region codes or names (any form :func:`fmfootprint.catalog.grid.get_region` accepts); aliases of
        one region are compared once.
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; its ``region`` is replaced by each
        of ``regions`` in turn (a ``pue`` or ``grid_intensity`` given here applies to all regions).

    Returns
    -------
    RegionComparison
        One row per region, lowest total carbon first.

    Raises
    ------
    FootprintInputError
        No region, an unknown region (with suggestions), a bad budget or hardware setting, or regions whose
        intensities have different bases (lifecycle and direct, as ``intensity_source="catalog"`` gives
        for a US state beside a country): the message names two of them with their bases.
    """
    compute_flops = _validate.positive("compute_flops", compute_flops)
    base = {key: value for key, value in check_hardware(hardware).items() if key != "region"}
    rows: list[RegionRow] = []
    seen: set[str] = set()
    for code in regions:
        region = get_region(code)
        if region.code in seen:
            continue
        seen.add(region.code)
        result = estimate_at(compute_flops, {**base, "region": region.code})
        rows.append(RegionRow(region=region.code, name=region.name, estimate=result))
    if not rows:
        raise FootprintInputError("no regions to compare; pick at least one")
    # never rank lifecycle against direct-combustion intensities (intensity_source="catalog" mixes them)
    require_one_basis(((row.region, _basis(row.estimate)) for row in rows), what="compare regions")
    return RegionComparison(compute_flops=compute_flops, rows=tuple(sorted(rows, key=lambda r: r.co2e_kg)))
