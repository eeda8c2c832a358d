"""One intensity basis per comparison: lifecycle and direct-combustion intensities are never set side by side.

Every catalog intensity carries its basis (:attr:`fmfootprint.catalog._region.Region.intensity_basis`):
``"lifecycle"`` (upstream emissions included: Electricity Maps, Ember, Google) or ``"direct"`` (stack
emissions only: the eGRID2016 US-state and CER-2023 Canadian-province values that
``intensity_source="catalog"`` asks for). A direct value is lower than the lifecycle value of the same
grid (Quebec 3.9 direct against 41 g/kWh lifecycle), so ranking or summing across the two bases is wrong;
the default basis is lifecycle for every location, and the comparisons of the planner and the merge of
runs call :func:`require_one_basis`, which refuses a mixed set rather than convert silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from fmfootprint.catalog._region import Region
from fmfootprint.errors import FootprintInputError

__all__ = [
    "BASES",
    "basis_of_source",
    "intensity_label",
    "regions_basis",
    "require_one_basis",
    "year_of_source",
]

BASES: tuple[str, ...] = ("lifecycle", "direct")
"""The intensity bases the catalog uses."""

_YEAR_IN_SOURCE = re.compile(r"^[^()]*\((\d{4}), ")
_IN_SOURCE = re.compile(r"^[^()]*\((?:\d{4}, )?(lifecycle|direct)\b")  # "<code> (<year>, <basis>"


def require_one_basis(located: Iterable[tuple[str, str | None]], *, what: str) -> str | None:
    """The one intensity basis of ``located``, or an error naming two locations of different bases.

    Parameters
    ----------
    located : iterable of (str, str or None)
        ``(location, basis)`` pairs; a basis of None (an intensity given by the user) is left out.
    what : str
        What is being done, for the message (``"compare regions"``, ``"merge runs"``).

    Returns
    -------
    str or None
        The common basis, or None when no pair has one.

    Raises
    ------
    FootprintInputError
        If two locations have different bases; the message names both with their bases.
    """
    first: tuple[str, str] | None = None
    for location, basis in located:
        if basis is None:
            continue
        if first is None:
            first = (location, basis)
        elif basis != first[1]:
            raise FootprintInputError(
                f"cannot {what} across intensity bases: {first[0]} is {first[1]}, {location} is {basis}; "
                "use the default intensity source (lifecycle for every location) or give one grid intensity"
            )
    return None if first is None else first[1]


def regions_basis(regions: Sequence[Region], *, what: str) -> str | None:
    """:func:`require_one_basis` over catalog records (their code and ``intensity_basis``)."""
    return require_one_basis(((r.code, r.intensity_basis) for r in regions), what=what)


def basis_of_source(source: str) -> str | None:
    """The basis a site's intensity source states (``"US-IA (2016, direct): ..."`` → ``"direct"``).

    :func:`fmfootprint.footprint.site.resolve_site` writes a catalog intensity's year and basis in brackets
    after the region code; the world default is lifecycle; a given value has no basis (None).
    """
    if source == "given":
        return None
    if source.startswith("default"):
        return "lifecycle"
    found = _IN_SOURCE.match(source)
    return found.group(1) if found else None


def year_of_source(source: str, default_year: int | None = None) -> int | None:
    """The year a site's intensity source states (``"US-IA (2016, direct): ..."`` → 2016).

    A default intensity gives ``default_year`` (the world average's year); a given one None.
    """
    if source.startswith("default"):
        return default_year
    year = _YEAR_IN_SOURCE.match(source)
    return int(year.group(1)) if year else None


def intensity_label(source: str, default_year: int | None = None) -> str:
    """Basis and year of an intensity, for a table: ``"lifecycle, 2025"``, ``"direct, 2016"``, ``"given"``.

    Parameters
    ----------
    source : str
        The site's intensity source (:func:`fmfootprint.footprint.site.resolve_site`).
    default_year : int, optional
        Year of the world default (:attr:`fmfootprint.catalog.grid.GridDefaults.world_intensity_year`),
        shown for a default intensity.
    """
    if source == "given":
        return "given"
    basis = basis_of_source(source) or "basis not stated"
    if source.startswith("default"):
        return f"{basis}, {default_year} (world)" if default_year else f"{basis} (world)"
    year = _YEAR_IN_SOURCE.match(source)
    return f"{basis}, {year.group(1)}" if year else basis
