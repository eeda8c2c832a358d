"""Which site figures of a measured run were defaults, the site having none of its own.

A tracker resolves its site once (:func:`fmfootprint.footprint.site.resolve_site`): each of the grid
intensity, PUE, WUE and EWIF is given, the region's, its provider's fleet figure or a default (no
``--region``, or a region without that figure). A :class:`~fmfootprint.measure.summary.RunSummary` keeps
the defaults as ``site_defaults`` (``{factor: source}``) and, per session, which factors were defaults
(``site_defaults_by_session``), so that a merge of runs says both what any run used and what each run
used, and a model card's "Site defaults used" line names them as it does for an estimate
(:meth:`fmfootprint.footprint.estimate.Estimate.to_stage`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from fmfootprint.footprint.site import Site
from fmfootprint.footprint.stages import cited_work

__all__ = [
    "SITE_FACTORS",
    "defaults_from_sources",
    "defaults_of_site",
    "merged_defaults",
    "stage_defaults",
]

SITE_FACTORS = ("pue", "grid_intensity_g_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh")
"""The site factors, named as :data:`fmfootprint.footprint.estimate.SITE_FACTOR_NAMES` names them."""


class _Defaults(Protocol):
    """What a summary holds about its site defaults (a :class:`~fmfootprint.measure.summary.RunSummary`)."""

    @property
    def sessions(self) -> tuple[str, ...]: ...

    @property
    def site_defaults(self) -> dict[str, str]: ...

    @property
    def site_defaults_by_session(self) -> dict[str, tuple[str, ...]]: ...


def defaults_of_site(site: Site) -> dict[str, str]:
    """``{factor: source}`` of the site factors that :func:`resolve_site` took from a default."""
    return {
        key: site.sources.get(key, "default") for key in SITE_FACTORS if site.origins.get(key) == "default"
    }


def defaults_from_sources(sources: Mapping[str, str]) -> dict[str, str]:
    """``{factor: source}`` of the site factors whose source says ``default`` (a summary written without
    ``site_defaults``; a merged source lists each session's, joined with `` | ``)."""
    found: dict[str, str] = {}
    for key in SITE_FACTORS:
        parts = [part for part in sources.get(key, "").split(" | ") if part.startswith("default")]
        if parts:
            found[key] = " | ".join(parts)
    return found


def merged_defaults(summaries: Sequence[_Defaults]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The site defaults of sessions added up: the union, and what each session used.

    Returns
    -------
    (dict, dict)
        ``{factor: source}`` for each factor any session took from a default (the distinct sources joined
        with `` | ``), and ``{session: factors}`` for every session whose defaults are known.
    """
    sources: dict[str, list[str]] = {}
    by_session: dict[str, tuple[str, ...]] = {}
    for summary in summaries:
        for key, source in summary.site_defaults.items():
            for part in source.split(" | "):
                if part not in sources.setdefault(key, []):
                    sources[key].append(part)
        by_session.update(summary.site_defaults_by_session)
    union = {key: " | ".join(sources[key]) for key in SITE_FACTORS if key in sources}
    return union, by_session


def stage_defaults(summary: _Defaults) -> dict[str, str]:
    """``{factor: source}`` for a run's stage (:meth:`RunSummary.to_stage`), as the model card reads it.

    A factor that only some of the sessions took from a default says how many:
    ``default (1 of 2 sessions; no region given): Uptime Institute …``; the card prints the cited works
    and that share. Sources that differ between sessions give their reasons and cited works once each.
    """
    known = [s for s in summary.sessions if s in summary.site_defaults_by_session]
    whole = len(known) == len(summary.sessions) and len(known) > 1
    stage: dict[str, str] = {}
    for key, source in summary.site_defaults.items():
        parts = source.split(" | ")
        used = sum(1 for s in known if key in summary.site_defaults_by_session[s])
        share = [f"{used} of {len(known)} sessions"] if whole and used < len(known) else []
        if len(parts) == 1 and not share:
            stage[key] = source
            continue
        reasons = [_reason(p) for p in parts]
        works = [cited_work(p) for p in parts]
        said = "; ".join(dict.fromkeys([*share, *(r for r in reasons if r)]))
        stage[key] = f"default ({said}): {' | '.join(dict.fromkeys(works))}"
    return stage


def _reason(source: str) -> str:
    """``no region given`` of ``default (no region given): …``; empty when the source gives none."""
    if source.startswith("default (") and "): " in source:
        return source.split("): ", 1)[0].removeprefix("default (")
    return ""
