"""Count a host's CPU and RAM once when two trackers on that host ran at the same time.

Each tracker meters the *whole host's* CPU and RAM (codecarbon, machine mode), so two trackers that
overlap on one host (two ``fmfootprint track`` runs, two notebooks) each hold that energy for the overlap.
Both record the overlap (:mod:`fmfootprint.measure.neighbours`: the stop record's ``host.neighbours``, each
with ``overlap_start_unix``, ``overlap_end_unix`` and ``host_counted_by``, the session that started first).
When both sessions are added up, :func:`count_host_once` keeps the host's energy of the overlap in the
session named by ``host_counted_by`` and takes it out of the other.

The energy taken out is the session's CPU and RAM energy × (overlap time / session duration): its
average host power over the overlap. GPUs are not touched (each tracker meters only its own GPUs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fmfootprint.footprint.convert import convert
from fmfootprint.measure.neighbours import union_s
from fmfootprint.measure.summary import RunSummary
from fmfootprint.units import format_number

__all__ = ["count_host_once"]


def _shared_s(summary: RunSummary, present: set[str]) -> tuple[float, list[str]]:
    """Seconds of ``summary``'s run whose host energy another session of ``present`` keeps, and those."""
    own = summary.sessions[0]
    intervals: list[tuple[float, float]] = []
    others: list[str] = []
    for host in summary.hosts:
        for entry in host.get("neighbours") or []:
            if not isinstance(entry, dict):
                continue
            other, keeper = entry.get("session_id"), entry.get("host_counted_by")
            if other not in present or other == own or keeper == own:
                continue  # not merged here, or this session is the one that keeps the host's energy
            begin, end = entry.get("overlap_start_unix"), entry.get("overlap_end_unix")
            if isinstance(begin, (int, float)) and isinstance(end, (int, float)) and end > begin:
                intervals.append((float(begin), float(end)))
                others.append(str(other))
    return union_s(intervals), others


def _scaled(value: float | None, keep: float) -> float | None:
    return None if value is None else value * keep


def count_host_once(summaries: Sequence[RunSummary]) -> list[RunSummary]:
    """The sessions with the host's CPU/RAM energy of each overlap counted once.

    Parameters
    ----------
    summaries : sequence of RunSummary
        Sessions to be added up. Only single-session summaries are adjusted (a combined one already was).

    Returns
    -------
    list of RunSummary
        The same sessions; one whose overlap another session keeps has CPU and RAM energy (and their
        ranges) × (1 − overlap / duration), its IT energy lowered by as much, and facility energy,
        operational carbon and water converted again (:func:`fmfootprint.footprint.convert.convert`);
        a flag says how much was taken out and why.
    """
    present = {s.sessions[0] for s in summaries if len(s.sessions) == 1}
    out: list[RunSummary] = []
    for summary in summaries:
        if len(summary.sessions) != 1 or summary.duration_s <= 0:
            out.append(summary)
            continue
        shared_s, others = _shared_s(summary, present)
        host_kwh = (summary.cpu_energy_kwh or 0.0) + (summary.ram_energy_kwh or 0.0)
        if shared_s <= 0 or host_kwh <= 0 or summary.energy_it_kwh is None:
            out.append(summary)
            continue
        keep = 1.0 - min(1.0, shared_s / summary.duration_s)
        removed = host_kwh * (1.0 - keep)
        energy_it = max(0.0, summary.energy_it_kwh - removed)
        footprint = convert(
            energy_it,
            pue=summary.pue,
            grid_intensity_g_per_kwh=summary.grid_intensity_g_per_kwh,
            wue_l_per_kwh=summary.wue_l_per_kwh,
            ewif_l_per_kwh=summary.ewif_l_per_kwh,
        )
        flag = (
            f"{summary.hosts[0].get('hostname', 'host')}: CPU/RAM energy counted once for "
            f"{format_number(shared_s)} s shared with {', '.join(dict.fromkeys(others))} (the same host, "
            f"metered by both trackers; kept by the session that started first): "
            f"{format_number(removed)} kWh IT energy not counted twice"
        )
        out.append(
            replace(
                summary,
                cpu_energy_kwh=_scaled(summary.cpu_energy_kwh, keep),
                ram_energy_kwh=_scaled(summary.ram_energy_kwh, keep),
                cpu_energy_range_kwh=_range(summary.cpu_energy_range_kwh, keep),
                ram_energy_range_kwh=_range(summary.ram_energy_range_kwh, keep),
                energy_it_kwh=footprint.energy_it_kwh,
                energy_kwh=footprint.energy_kwh,
                co2e_operational_kg=footprint.co2e_operational_kg,
                water_l=footprint.water_l,
                water_onsite_l=footprint.water_onsite_l,
                water_offsite_l=footprint.water_offsite_l,
                flags=(*summary.flags, flag),
            )
        )
    return out


def _range(energy_range: tuple[float, float] | None, keep: float) -> tuple[float, float] | None:
    return None if energy_range is None else (energy_range[0] * keep, energy_range[1] * keep)
