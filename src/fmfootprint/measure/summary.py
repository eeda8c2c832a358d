"""The result of a measured run: :class:`RunSummary`, built from log records and combined across nodes/runs.

One function, :func:`session_summary`, turns a session's records (its start record, its last sample and,
if the process ended cleanly, its stop record) into a summary. The tracker calls it when it stops and
``fmfootprint summarize`` calls it on the JSONL after a crash, so both give the same keys and numbers.

:func:`combine` adds sessions (nodes of one job, restarts, separate runs) without double counting: each
session is one node's local-rank-0 tracker covering that node's GPUs over that session's time span, so
energies, carbon, water and GPU-hours add; the duration is the wall-clock time covered by any session.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fmfootprint.footprint.convert import convert
from fmfootprint.footprint.site import Site

__all__ = ["SCHEMA_VERSION", "STAGES", "RunSummary", "canonical_stage", "combine", "session_summary"]

SCHEMA_VERSION = 1
STAGES = ("experiments", "final", "evaluation", "inference")
_STAGE_ALIASES = {"experiment": "experiments"}
_J_PER_KWH = 3.6e6


def canonical_stage(stage: str) -> str:
    """The lifecycle stage name ("experiment" is accepted for "experiments")."""
    from fmfootprint.errors import UnknownNameError

    key = str(stage).strip().lower()
    key = _STAGE_ALIASES.get(key, key)
    if key not in STAGES:
        raise UnknownNameError("stage", str(stage), (*STAGES, *_STAGE_ALIASES))
    return key


@dataclass(frozen=True)
class RunSummary:
    """Energy, carbon and water of one or more measured sessions.

    Energies in kWh; ``energy_it_kwh`` = GPU + CPU + RAM (the parts available), ``energy_kwh`` = facility
    energy (× PUE). ``cpu_energy_kwh``/``ram_energy_kwh`` are None when codecarbon gave nothing (never a
    stand-in zero; ``flags`` says so). ``exit_code`` is None when unknown (the process was killed).
    """

    duration_s: float
    energy_it_kwh: float
    energy_kwh: float
    gpu_energy_kwh: float
    cpu_energy_kwh: float | None
    ram_energy_kwh: float | None
    co2e_kg: float
    water_l: float
    water_onsite_l: float
    water_offsite_l: float
    region: str | None
    grid_intensity_g_per_kwh: float
    pue: float
    wue_l_per_kwh: float
    ewif_l_per_kwh: float
    gpu_energy_method: str
    exit_code: int | None
    stage: str
    gpu_hours: float
    n_gpus: int
    project: str
    start_unix_s: float
    end_unix_s: float
    complete: bool
    interval_s: float
    gpus: tuple[dict[str, Any], ...] = ()
    hosts: tuple[dict[str, Any], ...] = ()
    ranks: tuple[dict[str, Any], ...] = ()
    sessions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    method: str = "measured"
    schema_version: int = SCHEMA_VERSION

    @property
    def started_at(self) -> str:
        return _iso(self.start_unix_s)

    @property
    def ended_at(self) -> str:
        return _iso(self.end_unix_s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "energy_it_kwh": self.energy_it_kwh,
            "energy_kwh": self.energy_kwh,
            "gpu_energy_kwh": self.gpu_energy_kwh,
            "cpu_energy_kwh": self.cpu_energy_kwh,
            "ram_energy_kwh": self.ram_energy_kwh,
            "co2e_kg": self.co2e_kg,
            "water_l": self.water_l,
            "water_onsite_l": self.water_onsite_l,
            "water_offsite_l": self.water_offsite_l,
            "region": self.region,
            "grid_intensity_g_per_kwh": self.grid_intensity_g_per_kwh,
            "pue": self.pue,
            "wue_l_per_kwh": self.wue_l_per_kwh,
            "ewif_l_per_kwh": self.ewif_l_per_kwh,
            "gpu_energy_method": self.gpu_energy_method,
            "exit_code": self.exit_code,
            "stage": self.stage,
            "gpu_hours": self.gpu_hours,
            "n_gpus": self.n_gpus,
            "project": self.project,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "start_unix_s": self.start_unix_s,
            "end_unix_s": self.end_unix_s,
            "complete": self.complete,
            "interval_s": self.interval_s,
            "gpus": [dict(g) for g in self.gpus],
            "hosts": [dict(h) for h in self.hosts],
            "ranks": [dict(r) for r in self.ranks],
            "sessions": list(self.sessions),
            "flags": list(self.flags),
            "sources": dict(self.sources),
            "method": self.method,
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunSummary:
        """Read back :meth:`to_dict` (a ``*.summary.json``)."""
        names = {f for f in cls.__dataclass_fields__}
        kwargs = {k: v for k, v in data.items() if k in names}
        for key in ("gpus", "hosts", "ranks", "sessions", "flags"):
            kwargs[key] = tuple(kwargs.get(key, ()))
        kwargs["sources"] = dict(kwargs.get("sources", {}))
        return cls(**kwargs)


def _iso(unix_s: float) -> str:
    return _dt.datetime.fromtimestamp(unix_s, tz=_dt.timezone.utc).isoformat(timespec="seconds")


def _method_of(methods: Sequence[str]) -> str:
    distinct = sorted(set(methods))
    if not distinct:
        return "none"
    return distinct[0] if len(distinct) == 1 else "mixed"


def session_summary(
    start: Mapping[str, Any], last: Mapping[str, Any] | None, stop: Mapping[str, Any] | None
) -> RunSummary:
    """Summary of one tracker session from its log records.

    Parameters
    ----------
    start : mapping
        The session's ``"start"`` record (site, rank, hardware, project, stage, interval).
    last : mapping or None
        Its last ``"sample"`` record (cumulative energies); None if it died before the first sample.
    stop : mapping or None
        Its ``"stop"`` record if the tracker stopped cleanly (exit code, per-GPU flags), else None.

    Returns
    -------
    RunSummary

    Notes
    -----
    E_IT = E_GPU + E_CPU + E_RAM [kWh]; facility energy, carbon and water come from
    :func:`fmfootprint.footprint.convert.convert` with the site's PUE, grid intensity, WUE and EWIF.
    GPU-hours = n_GPU · duration / 3600.
    """
    site = Site.from_dict(start["site"])
    flags: list[str] = list(start.get("flags", []))
    sample = last or {}
    end = stop if stop is not None else sample
    duration_s = float(end.get("elapsed_s", 0.0))
    gpu_records = {g["uuid"]: g for g in sample.get("gpus", [])}
    gpus: list[dict[str, Any]] = []
    stop_gpus = {g["uuid"]: g for g in (stop or {}).get("gpus", [])}
    hostname = start["rank"]["hostname"]
    for device in start.get("gpus", []):
        uuid = device["uuid"]
        final = stop_gpus.get(uuid, {})
        energy_j = float(final.get("energy_j", gpu_records.get(uuid, {}).get("energy_j", 0.0)))
        gpus.append(
            {
                **device,
                **final,
                "hostname": hostname,
                "method": final.get("method", gpu_records.get(uuid, {}).get("method", device.get("method"))),
                "energy_j": energy_j,
                "energy_kwh": energy_j / _J_PER_KWH,
            }
        )
        for note in final.get("notes", []):
            flags.append(f"{hostname} GPU {device['index']}: {note}")
        if final.get("resets"):
            flags.append(f"{hostname} GPU {device['index']}: energy counter reset {final['resets']} time(s)")
        if final.get("errors"):
            flags.append(f"{hostname} GPU {device['index']}: {final['errors']} failed reading(s)")
    gpu_energy_kwh = sum(g["energy_kwh"] for g in gpus)
    cpu = sample.get("cpu_energy_kwh")
    ram = sample.get("ram_energy_kwh")
    host_error = (stop or {}).get("host", {}).get("error") or start.get("host", {}).get("error")
    if cpu is None or ram is None:
        flags.append(f"{hostname}: CPU/RAM energy unavailable ({host_error or 'no reading'}); not counted")
    elif host_error:
        flags.append(f"{hostname}: CPU/RAM energy may be incomplete ({host_error}); last good reading used")
    energy_it_kwh = gpu_energy_kwh + (cpu or 0.0) + (ram or 0.0)
    footprint = convert(
        energy_it_kwh,
        pue=site.pue,
        grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
    )
    complete = stop is not None
    if not complete:
        flags.append(
            f"{hostname}: no stop record (process killed?); rebuilt from the last logged sample "
            f"at {duration_s:.1f} s"
        )
    flags.extend((stop or {}).get("warnings", []))
    start_unix = float(start["time"])
    return RunSummary(
        duration_s=duration_s,
        energy_it_kwh=footprint.energy_it_kwh,
        energy_kwh=footprint.energy_kwh,
        gpu_energy_kwh=gpu_energy_kwh,
        cpu_energy_kwh=None if cpu is None else float(cpu),
        ram_energy_kwh=None if ram is None else float(ram),
        co2e_kg=footprint.co2e_operational_kg,
        water_l=footprint.water_l,
        water_onsite_l=footprint.water_onsite_l,
        water_offsite_l=footprint.water_offsite_l,
        region=site.region,
        grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
        pue=site.pue,
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
        gpu_energy_method=_method_of([g["method"] for g in gpus]),
        exit_code=(stop or {}).get("exit_code"),
        stage=start["stage"],
        gpu_hours=len(gpus) * duration_s / 3600.0,
        n_gpus=len(gpus),
        project=start["project"],
        start_unix_s=start_unix,
        end_unix_s=start_unix + duration_s,
        complete=complete,
        interval_s=float(start["interval_s"]),
        gpus=tuple(gpus),
        hosts=({**start.get("host", {}), **(stop or {}).get("host", {}), "hostname": hostname},),
        ranks=(dict(start["rank"]),),
        sessions=(start["session_id"],),
        flags=tuple(dict.fromkeys(flags)),
        sources=dict(site.sources),
    )


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


def _effective(amount: float, energy_kwh: float, factors: Sequence[float]) -> float:
    """Energy-weighted factor (amount / energy), or the common factor when there is no energy."""
    if energy_kwh > 0:
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
        Energies, CO2e, water and GPU-hours summed; duration = wall-clock time covered by any session;
        grid intensity and PUE are the energy-weighted effective values (CO2e/E, E/E_IT).
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
    energy_it = sum(s.energy_it_kwh for s in unique)
    energy = sum(s.energy_kwh for s in unique)
    co2e = sum(s.co2e_kg for s in unique)
    flags = [f for s in unique for f in s.flags]
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
    intensity = _effective(co2e * 1000.0, energy, [s.grid_intensity_g_per_kwh for s in unique])
    regions = [s.region for s in unique]
    region = _common(regions, "+".join(sorted({r or "default" for r in regions})))
    return replace(
        unique[0],
        duration_s=_covered_s([(s.start_unix_s, s.end_unix_s) for s in unique]),
        energy_it_kwh=energy_it,
        energy_kwh=energy,
        gpu_energy_kwh=sum(s.gpu_energy_kwh for s in unique),
        cpu_energy_kwh=cpu,
        ram_energy_kwh=ram,
        co2e_kg=co2e,
        water_l=sum(s.water_l for s in unique),
        water_onsite_l=sum(s.water_onsite_l for s in unique),
        water_offsite_l=sum(s.water_offsite_l for s in unique),
        region=region,
        grid_intensity_g_per_kwh=intensity,
        pue=_effective(energy, energy_it, [s.pue for s in unique]),
        wue_l_per_kwh=_effective(
            sum(s.water_onsite_l for s in unique), energy_it, [s.wue_l_per_kwh for s in unique]
        ),
        ewif_l_per_kwh=_effective(
            sum(s.water_offsite_l for s in unique), energy, [s.ewif_l_per_kwh for s in unique]
        ),
        gpu_energy_method=_method_of([s.gpu_energy_method for s in unique if s.gpu_energy_method != "none"]),
        exit_code=exit_code,
        stage=_common([s.stage for s in unique], "mixed"),
        gpu_hours=sum(s.gpu_hours for s in unique),
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
        sources=dict(unique[0].sources) if all(s.sources == unique[0].sources for s in unique) else {},
    )
