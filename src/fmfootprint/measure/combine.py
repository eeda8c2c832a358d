"""Add up run summaries: nodes of one job, restarts and separate runs, each session counted once.

Each session is one node's local-rank-0 tracker covering that node's GPUs over that session's time span,
so energies, operational and embodied carbon, water and GPU-hours add; the duration is the wall-clock time
covered by any session; grid intensity and PUE become energy-weighted effective values. Where two
sessions' trackers metered the same host at the same time, its CPU/RAM energy of that overlap is counted
once (:func:`fmfootprint.measure.overlap.count_host_once`). The site figures any session took from a
default are kept, with what each session used (:func:`fmfootprint.measure.sitedefaults.merged_defaults`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from fmfootprint.catalog.basis import basis_of_source, require_one_basis
from fmfootprint.measure.overlap import count_host_once
from fmfootprint.measure.parts import add_ranges
from fmfootprint.measure.sitedefaults import merged_defaults
from fmfootprint.measure.summary import RunSummary, energy_method
from fmfootprint.units import G_PER_KG

__all__ = ["combine"]


def _sum_optional(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _covered_s(spans: Sequence[tuple[float, float]]) -> float:
    """Length of the union of [start, end] spans [s]."""
    total, current_start, current_end = 0.0, None, None
    for begin, end in sorted(spans):
        if current_end is None or begin > current_end:
            if current_end is not None:
                total += current_end - current_start  # type: ignore[operator]
            current_start, current_end = begin, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start  # type: ignore[operator]
    return total


def _common(values: Sequence[Any], mixed: Any) -> Any:
    distinct = list(dict.fromkeys(values))
    return distinct[0] if len(distinct) == 1 else mixed


def _effective(amount: float | None, energy_kwh: float | None, factors: Sequence[float]) -> float:
    """Energy-weighted factor (amount / energy), or the common factor when there is no (known) energy."""
    if amount is not None and energy_kwh is not None and energy_kwh > 0:
        return amount / energy_kwh
    return max(factors)


def combine(summaries: Sequence[RunSummary]) -> RunSummary:
    """Add sessions (nodes, restarts, runs) into one summary, each session counted once.

    Parameters
    ----------
    summaries : sequence of RunSummary
        Per-session (or already combined) summaries; a session id seen twice is counted once.

    Returns
    -------
    RunSummary
        Energies, operational and embodied CO2e, water and GPU-hours summed (a part not measured in
        one session is not counted there, and ``unmeasured`` keeps each session's statement of it);
        CPU/RAM methods common or ``"mixed"``, the ranges of modelled parts added; duration = wall-clock time
        covered by any session; grid intensity and PUE are the energy-weighted effective values
        (operational CO2e/E, E/E_IT); each source kept, the distinct ones joined where sessions differ;
        ``site_defaults`` the union of the sessions' and ``site_defaults_by_session`` each session's.

    Raises
    ------
    FootprintInputError
        Sessions whose grid intensities have different bases (lifecycle and direct), naming two of them.
    """
    unique: list[RunSummary] = []
    seen: set[str] = set()
    for summary in summaries:
        if summary.sessions and set(summary.sessions) <= seen:
            continue  # the same session reached twice (e.g. a directory named twice)
        seen.update(summary.sessions)
        unique.append(summary)
    if not unique:
        raise ValueError("no sessions to combine")
    if len(unique) == 1:
        return unique[0]
    # a total over lifecycle and direct-combustion intensities would mix bases: refused (names two runs)
    require_one_basis(
        (
            (
                s.region or "the default location",
                basis_of_source(s.sources.get("grid_intensity_g_per_kwh", "")),
            )
            for s in unique
        ),
        what="merge runs",
    )
    unique = count_host_once(unique)  # two trackers on one host at once: its CPU/RAM counted once
    energy_it = _sum_optional([s.energy_it_kwh for s in unique])
    energy = _sum_optional([s.energy_kwh for s in unique])
    operational = _sum_optional([s.co2e_operational_kg for s in unique])
    flags = [f for s in unique for f in s.flags]
    unread = sum(1 for s in unique if s.energy_it_kwh is None)
    if unread and energy_it is not None:
        flags.append(f"{unread} of {len(unique)} sessions measured nothing: totals are partial")
    cpu = _sum_optional([s.cpu_energy_kwh for s in unique])
    ram = _sum_optional([s.ram_energy_kwh for s in unique])
    missing_host = sum(1 for s in unique if s.cpu_energy_kwh is None or s.ram_energy_kwh is None)
    if missing_host and cpu is not None:
        flags.append(
            f"CPU/RAM energy missing for {missing_host} of {len(unique)} sessions: totals are partial"
        )
    exit_codes = [s.exit_code for s in unique]
    nonzero = [c for c in exit_codes if c not in (0, None)]
    exit_code = nonzero[0] if nonzero else (None if None in exit_codes else 0)
    intensity = _effective(
        None if operational is None else operational * G_PER_KG,
        energy,
        [s.grid_intensity_g_per_kwh for s in unique],
    )
    regions = [s.region for s in unique]
    region = _common(regions, "+".join(sorted({r or "default" for r in regions})))
    site_defaults, by_session = merged_defaults(unique)
    return replace(
        unique[0],
        duration_s=_covered_s([(s.start_unix_s, s.end_unix_s) for s in unique]),
        energy_it_kwh=energy_it,
        energy_kwh=energy,
        gpu_energy_kwh=_sum_optional([s.gpu_energy_kwh for s in unique]),
        cpu_energy_kwh=cpu,
        ram_energy_kwh=ram,
        co2e_operational_kg=operational,
        co2e_embodied_kg=sum(s.co2e_embodied_kg for s in unique),
        water_l=_sum_optional([s.water_l for s in unique]),
        water_onsite_l=_sum_optional([s.water_onsite_l for s in unique]),
        water_offsite_l=_sum_optional([s.water_offsite_l for s in unique]),
        region=region,
        grid_intensity_g_per_kwh=intensity,
        pue=_effective(energy, energy_it, [s.pue for s in unique]),
        wue_l_per_kwh=_effective(
            _sum_optional([s.water_onsite_l for s in unique]), energy_it, [s.wue_l_per_kwh for s in unique]
        ),
        ewif_l_per_kwh=_effective(
            _sum_optional([s.water_offsite_l for s in unique]), energy, [s.ewif_l_per_kwh for s in unique]
        ),
        gpu_energy_method=energy_method(
            [s.gpu_energy_method for s in unique if s.gpu_energy_method != "none"]
        ),
        exit_code=exit_code,
        stage=_common([s.stage for s in unique], "mixed"),
        gpu_hours=_sum_optional([s.gpu_hours for s in unique]),
        n_gpus=sum(s.n_gpus for s in unique),
        project=_common([s.project for s in unique], "+".join(sorted({s.project for s in unique}))),
        start_unix_s=min(s.start_unix_s for s in unique),
        end_unix_s=max(s.end_unix_s for s in unique),
        complete=all(s.complete for s in unique),
        interval_s=max(s.interval_s for s in unique),
        gpus=tuple(g for s in unique for g in s.gpus),
        hosts=tuple(h for s in unique for h in s.hosts),
        ranks=tuple(r for s in unique for r in s.ranks),
        sessions=tuple(x for s in unique for x in s.sessions),
        flags=tuple(dict.fromkeys(flags)),
        sources=_merged_sources([s.sources for s in unique]),
        cpu_energy_method=_host_method([s.cpu_energy_method for s in unique]),
        ram_energy_method=_host_method([s.ram_energy_method for s in unique]),
        cpu_energy_range_kwh=add_ranges(
            [s.cpu_energy_range_kwh for s in unique],
            [s.cpu_energy_kwh for s in unique],
            [s.cpu_energy_method for s in unique],
        ),
        ram_energy_range_kwh=add_ranges(
            [s.ram_energy_range_kwh for s in unique],
            [s.ram_energy_kwh for s in unique],
            [s.ram_energy_method for s in unique],
        ),
        unmeasured=tuple(u for s in unique for u in s.unmeasured),  # one per session and part
        corrupt_lines=sum(s.corrupt_lines for s in unique),
        site_defaults=site_defaults,
        site_defaults_by_session=by_session,
    )


def _host_method(methods: Sequence[str]) -> str:
    """The one CPU (or RAM) method of the sessions that measured it, ``"mixed"`` when they differ."""
    measured = [m for m in methods if m != "none"]
    return _common(measured, "mixed") if measured else "none"


def _merged_sources(sources: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Each key's source, the distinct ones joined with `` | `` where sessions differ."""
    keys = dict.fromkeys(key for item in sources for key in item)
    return {key: " | ".join(dict.fromkeys(item[key] for item in sources if key in item)) for key in keys}
