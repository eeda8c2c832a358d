"""The result of a measured run: :class:`RunSummary`, built from log records and combined across nodes/runs.

One function, :func:`session_summary`, turns a session's records (its start record, its last sample and,
if the process ended cleanly, its stop record) into a summary. The tracker calls it when it stops and
``fmfootprint summarize`` calls it on the JSONL after a crash, so both give the same keys and numbers.

:func:`fmfootprint.measure.combine.combine` adds summaries of sessions (nodes, restarts, runs) up.

Carbon is operational (the metered energy × the grid intensity) plus embodied (the accelerators' share
of their manufacturing emissions, amortised over the accelerator-hours of the run), so ``co2e_kg`` means
what an estimate's ``co2e_kg`` means. :meth:`RunSummary.to_stage` turns a summary into the
:class:`~fmfootprint.footprint.stages.StageFootprint` a lifecycle or a model card adds up.

Summary schema
--------------
- 3: ``gpu_energy_kwh`` is null when NVML did not come up (never 0); ``unmeasured`` states each part that
  was not measured; ``cpu_energy_method``/``ram_energy_method`` say how codecarbon obtained each part
  (:mod:`fmfootprint.measure.hostmethods`) and ``cpu_energy_range_kwh``/``ram_energy_range_kwh`` give the
  range of a modelled part; ``corrupt_lines`` counts the torn or corrupt log lines skipped. Schema 2
  files load with methods ``"unknown"`` and no ranges. ``site_defaults`` (``{factor: source}``) and
  ``site_defaults_by_session`` (``{session: [factors]}``) name the site figures that were defaults
  (:mod:`fmfootprint.measure.sitedefaults`); a file without them has them read from its ``sources``.
- 2: ``co2e_operational_kg``, ``co2e_embodied_kg`` and ``co2e_kg`` = their sum; per GPU, the catalog
  ``accelerator`` its NVML name matched and its ``co2e_embodied_kg`` (None when not counted).
- 1: ``co2e_kg`` only, operational. :meth:`RunSummary.from_dict` still reads it: operational = its
  ``co2e_kg``, embodied 0, with a flag saying embodied carbon was not counted.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.convert import convert
from fmfootprint.footprint.site import Site
from fmfootprint.footprint.stages import StageFootprint, check_stage
from fmfootprint.measure._embodied import embodied_of_gpus
from fmfootprint.measure._fields import read_fields
from fmfootprint.measure.parts import apply_ready, energy_method, gpu_not_measured, host_parts, stage_ranges
from fmfootprint.measure.sitedefaults import defaults_from_sources, defaults_of_site, stage_defaults
from fmfootprint.units import J_PER_KWH, S_PER_H

__all__ = ["SCHEMA_VERSION", "RunSummary", "apply_ready", "energy_method", "session_summary"]

SCHEMA_VERSION = 3
"""Version of :meth:`RunSummary.to_dict` (``*.summary.json``); see the module docstring."""
_V1_EMBODIED = "embodied carbon not counted: summary of schema 1, written before tracked runs counted it"


@dataclass(frozen=True)
class RunSummary:
    """Energy, carbon and water of one or more measured sessions.

    Energies in kWh; ``energy_it_kwh`` = GPU + CPU + RAM (the parts available), ``energy_kwh`` = facility
    energy (× PUE). ``gpu_energy_kwh`` is None when NVML did not come up, ``cpu_energy_kwh``/
    ``ram_energy_kwh`` when codecarbon gave nothing (never a stand-in zero): ``unmeasured`` then states
    each missing part and the totals are those of the parts measured (partial). Every energy, carbon and
    water total is None for a session that measured nothing (killed while measurement started, or no
    part came up). ``gpu_hours`` is None too when NVML did not come up. ``exit_code`` is None when
    unknown.

    ``cpu_energy_method``/``ram_energy_method``: ``"rapl"`` and other counters (measured), or
    codecarbon's models (``"tdp_load_model"``, ``"constant_fallback"``, ``"dimm_model"``), ``"none"``
    when not measured, ``"mixed"`` across hosts; a modelled part has a range
    (``cpu_energy_range_kwh``/``ram_energy_range_kwh`` [kWh], :mod:`fmfootprint.measure.hostmethods`).

    Carbon [kgCO2e]: ``co2e_operational_kg`` = facility energy × grid intensity; ``co2e_embodied_kg`` =
    the accelerators' amortised manufacturing emissions (0 for a GPU the catalog has no figure for, with a
    flag; servers are not counted); :attr:`co2e_kg` = their sum. ``sources["co2e_embodied_kg"]`` says
    how embodied carbon was obtained.

    ``site_defaults``: ``{factor: source}`` of the site factors (PUE, grid intensity, WUE, EWIF) taken from
    a default because the site has none, over all sessions; ``site_defaults_by_session``: ``{session:
    factors}``, what each session used. A summary built without them has them read from ``sources``.
    """

    duration_s: float
    energy_it_kwh: float | None
    energy_kwh: float | None
    gpu_energy_kwh: float | None
    cpu_energy_kwh: float | None
    ram_energy_kwh: float | None
    co2e_operational_kg: float | None
    co2e_embodied_kg: float
    water_l: float | None
    water_onsite_l: float | None
    water_offsite_l: float | None
    region: str | None
    grid_intensity_g_per_kwh: float
    pue: float
    wue_l_per_kwh: float
    ewif_l_per_kwh: float
    gpu_energy_method: str
    exit_code: int | None
    stage: str
    gpu_hours: float | None
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
    cpu_energy_method: str = "unknown"
    ram_energy_method: str = "unknown"
    cpu_energy_range_kwh: tuple[float, float] | None = None
    ram_energy_range_kwh: tuple[float, float] | None = None
    unmeasured: tuple[str, ...] = ()
    corrupt_lines: int = 0
    schema_version: int = SCHEMA_VERSION
    site_defaults: dict[str, str] = field(default_factory=dict)
    site_defaults_by_session: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.site_defaults:  # not stated by its builder: what its sources say (each gives them)
            object.__setattr__(self, "site_defaults", defaults_from_sources(self.sources))
        if not self.site_defaults_by_session and len(self.sessions) == 1:
            only = {self.sessions[0]: tuple(self.site_defaults)}
            object.__setattr__(self, "site_defaults_by_session", only)

    @property
    def co2e_kg(self) -> float | None:
        """Operational plus embodied emissions [kgCO2e], as an estimate's ``co2e_kg``."""
        if self.co2e_operational_kg is None:  # nothing was measured (a session killed while starting)
            return None
        return self.co2e_operational_kg + self.co2e_embodied_kg

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
            "co2e_operational_kg": self.co2e_operational_kg,
            "co2e_embodied_kg": self.co2e_embodied_kg,
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
            "cpu_energy_method": self.cpu_energy_method,
            "ram_energy_method": self.ram_energy_method,
            "cpu_energy_range_kwh": _listed(self.cpu_energy_range_kwh),
            "ram_energy_range_kwh": _listed(self.ram_energy_range_kwh),
            "unmeasured": list(self.unmeasured),
            "corrupt_lines": self.corrupt_lines,
            "schema_version": self.schema_version,
            "site_defaults": dict(self.site_defaults),
            "site_defaults_by_session": {k: list(v) for k, v in self.site_defaults_by_session.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunSummary:
        """Read back :meth:`to_dict` (a ``*.summary.json``), of this schema or an older one.

        A schema-1 summary (no ``co2e_operational_kg``) keeps its ``co2e_kg`` as the operational carbon it
        was; its embodied carbon is 0, flagged, and ``sources["co2e_embodied_kg"]`` says why.

        Raises
        ------
        FootprintInputError
            ``data`` lacks a field a summary has (it is not a run summary), or holds one of the wrong type
            (named: ``field 'flags' must be a list of strings, got 'abc'``).
        """
        return cls(**read_fields(cls, data, SCHEMA_VERSION, schema1_note=_V1_EMBODIED))

    def to_stage(self, stage: str | None = None) -> StageFootprint:
        """This run as the footprint of one lifecycle stage (for lifecycle sums and the model card).

        Parameters
        ----------
        stage : str, optional
            A lifecycle stage (:data:`~fmfootprint.footprint.stages.STAGES`, or the alias ``experiment``);
            default the stage the run recorded.

        Returns
        -------
        StageFootprint
            Measured figures; ranges only where codecarbon modelled CPU or RAM (their ranges carried to
            the totals, :func:`fmfootprint.measure.parts.stage_ranges`); ``hours`` = the wall-clock
            duration [h], ``gpu`` the NVML name when all GPUs share it. Embodied carbon is None (not
            counted) when no GPU of the run had an embodied figure (an unknown accelerator, no GPU, or
            a schema-1 summary).

        Raises
        ------
        FootprintInputError
            The summary combines runs of several stages and ``stage`` is not given.
        """
        if stage is None and self.stage == "mixed":
            raise FootprintInputError(
                "this summary combines runs of several stages; give the stage it counts as"
            )
        if self.energy_kwh is None or self.energy_it_kwh is None or self.co2e_operational_kg is None:
            raise FootprintInputError(
                f"run {', '.join(self.sessions) or self.project!r} measured nothing (killed before its "
                "first sample, or no meter came up); it has no energy or carbon to count"
            )
        counted = any(g.get("co2e_embodied_kg") is not None for g in self.gpus)
        names = {str(g["name"]) for g in self.gpus if g.get("name")}
        embodied = self.co2e_embodied_kg if counted else None
        totals = {"energy_kwh": self.energy_kwh, "co2e_operational_kg": self.co2e_operational_kg}
        ranges = stage_ranges(
            self.energy_it_kwh,
            {**totals, "water_l": self.water_l},
            embodied,
            [
                (self.cpu_energy_kwh, self.cpu_energy_range_kwh),
                (self.ram_energy_kwh, self.ram_energy_range_kwh),
            ],
        )
        return StageFootprint(
            stage=check_stage(self.stage if stage is None else stage),
            method=self.method,
            energy_kwh=self.energy_kwh,
            co2e_operational_kg=self.co2e_operational_kg,
            co2e_embodied_kg=embodied,
            water_l=self.water_l,
            gpu_hours=self.gpu_hours,
            hours=self.duration_s / S_PER_H,
            energy_it_kwh=self.energy_it_kwh,
            pue=self.pue,
            grid_intensity_g_per_kwh=self.grid_intensity_g_per_kwh,
            grid_intensity_source=self.sources.get("grid_intensity_g_per_kwh"),
            region=self.region,
            gpu=names.pop() if len(names) == 1 else None,
            gpus=self.n_gpus or None,
            ranges=ranges,
            site_defaults=stage_defaults(self),
        )


def _listed(energy_range: tuple[float, float] | None) -> list[float] | None:
    return None if energy_range is None else [energy_range[0], energy_range[1]]


def _iso(unix_s: float) -> str:
    return _dt.datetime.fromtimestamp(unix_s, tz=_dt.timezone.utc).isoformat(timespec="seconds")


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
    E_IT = E_GPU + E_CPU + E_RAM [kWh]; facility energy, operational carbon and water come from
    :func:`fmfootprint.footprint.convert.convert` with the site's PUE, grid intensity, WUE and EWIF.
    GPU-hours = n_GPU · duration / 3600. Embodied carbon, per GPU, is
    :func:`fmfootprint.footprint.embodied.amortized_co2e_kg` of the catalog's figure for the accelerator
    its NVML name matches (:func:`fmfootprint.catalog.hardware.get_accelerator`) over the run's duration,
    with the catalog's server defaults for lifetime and usage fraction (Luccioni et al. 2023, §4.1).

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §4.1.
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
                "energy_kwh": energy_j / J_PER_KWH,
            }
        )
        for note in final.get("notes", []):
            flags.append(f"{hostname} GPU {device['index']}: {note}")
        if final.get("resets"):
            flags.append(f"{hostname} GPU {device['index']}: energy counter reset {final['resets']} time(s)")
        if final.get("errors"):
            flags.append(f"{hostname} GPU {device['index']}: {final['errors']} failed reading(s)")
    gpu_why = gpu_not_measured(start)
    gpu_energy_kwh = sum(g["energy_kwh"] for g in gpus)
    cpu = sample.get("cpu_energy_kwh")
    ram = sample.get("ram_energy_kwh")
    host_info = {**start.get("host", {}), **(stop or {}).get("host", {})}
    host_error = (stop or {}).get("host", {}).get("error") or start.get("host", {}).get("error")
    unmeasured: list[str] = []
    if gpu_why is not None:
        unmeasured.append(f"{hostname}: GPU energy ({gpu_why})")
        flags.append(f"{hostname}: GPU energy not measured ({gpu_why}); null, not counted")
    if cpu is None or ram is None:
        unmeasured.append(f"{hostname}: CPU/RAM energy ({host_error or 'no reading'})")
        flags.append(f"{hostname}: CPU/RAM energy unavailable ({host_error or 'no reading'}); not counted")
    elif host_error:
        flags.append(f"{hostname}: CPU/RAM energy may be incomplete ({host_error}); last good reading used")
    host_s = max(0.0, duration_s - float(start.get("unmeasured_s", {}).get("host") or 0.0))
    parts = host_parts(host_info, cpu, ram, host_s, hostname)
    flags.extend(parts.flags)
    energy_it_kwh = gpu_energy_kwh + (cpu or 0.0) + (ram or 0.0)
    footprint = convert(
        energy_it_kwh,
        pue=site.pue,
        grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
    )
    complete = stop is not None
    for part, what in (("gpu", "GPU"), ("host", "CPU/RAM")):
        missed = start.get("unmeasured_s", {}).get(part)
        if missed is not None:
            flags.append(
                f"{hostname}: {what} energy not measured for the first {float(missed):.2f} s of the run "
                "(measurement was starting while the command ran)"
            )
    if start.get("measurement") == "initialising":  # no "ready" record: the meters never came up
        flags.append(
            f"{hostname}: the session ended while measurement was still starting; nothing was measured"
        )
    if not complete:
        flags.append(
            f"{hostname}: no stop record (process killed?); rebuilt from the last logged sample "
            f"at {duration_s:.1f} s"
        )
    flags.extend((stop or {}).get("warnings", []))
    embodied_kg, embodied_flags, embodied_source = embodied_of_gpus(gpus, duration_s / S_PER_H, hostname)
    flags.extend(embodied_flags)
    start_unix = float(start["time"])
    # No sample at all, or no part measured (no NVML nor GPU, no CPU/RAM reading): every energy is
    # unknown, not 0.
    anything = (gpu_why is None and bool(gpus)) or cpu is not None or ram is not None
    read = last is not None and anything
    if last is None:
        flags.append(f"{hostname}: no reading was logged; energies, carbon and water are unknown (null)")
    elif not read:
        flags.append(f"{hostname}: no part was measured; energies, carbon and water are unknown (null)")
    return RunSummary(
        duration_s=duration_s,
        energy_it_kwh=footprint.energy_it_kwh if read else None,
        energy_kwh=footprint.energy_kwh if read else None,
        gpu_energy_kwh=gpu_energy_kwh if last is not None and gpu_why is None else None,
        cpu_energy_kwh=None if cpu is None else float(cpu),
        ram_energy_kwh=None if ram is None else float(ram),
        co2e_operational_kg=footprint.co2e_operational_kg if read else None,
        co2e_embodied_kg=embodied_kg,
        water_l=footprint.water_l if read else None,
        water_onsite_l=footprint.water_onsite_l if read else None,
        water_offsite_l=footprint.water_offsite_l if read else None,
        region=site.region,
        grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
        pue=site.pue,
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
        gpu_energy_method=energy_method([g["method"] for g in gpus]),
        exit_code=(stop or {}).get("exit_code"),
        stage=start["stage"],
        gpu_hours=None if gpu_why is not None else len(gpus) * duration_s / S_PER_H,
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
        sources={**site.sources, "co2e_embodied_kg": embodied_source},
        site_defaults=defaults_of_site(site),
        site_defaults_by_session={start["session_id"]: tuple(defaults_of_site(site))},
        cpu_energy_method=parts.cpu_method,
        ram_energy_method=parts.ram_method,
        cpu_energy_range_kwh=parts.cpu_range_kwh,
        ram_energy_range_kwh=parts.ram_range_kwh,
        unmeasured=tuple(unmeasured) if last is not None else (f"{hostname}: every part (no reading)",),
    )
