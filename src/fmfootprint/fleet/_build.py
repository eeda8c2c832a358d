"""Run summaries from energies a cluster measured (DCGM counters, Slurm accounting).

A per-GPU energy becomes the records of a tracker session (start, last sample, stop) handed to
:func:`~fmfootprint.measure.summary.session_summary`, one session per host, then
:func:`~fmfootprint.measure.combine.combine`: conversion, embodied carbon and flags are the tracker's own.
A per-job energy without a per-GPU split (Slurm) is converted directly with
:func:`~fmfootprint.footprint.convert.convert`. Either way the summary's ``method`` is ``"measured"`` (the
card counts it as a measurement) and ``gpu_energy_method`` names the source: ``dcgm_prometheus``,
``slurm_acct``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.convert import convert
from fmfootprint.footprint.site import Site, resolve_site
from fmfootprint.footprint.stages import check_stage
from fmfootprint.measure.combine import combine
from fmfootprint.measure.summary import RunSummary, session_summary
from fmfootprint.units import J_PER_KWH, S_PER_H

__all__ = ["GpuEnergy", "run_id_of", "summary_from_gpus", "summary_from_job_energy"]


@dataclass(frozen=True)
class GpuEnergy:
    """Energy one GPU used over a window, as read from a cluster's counters.

    Attributes
    ----------
    hostname : str
        Node the GPU is in.
    uuid : str
        GPU UUID (or another id unique on the node).
    index : str
        GPU index on the node (``"0"``).
    name : str
        Model name (``NVIDIA H100 80GB HBM3``), matched against the accelerator catalog for embodied carbon.
    energy_j : float
        Energy [J] counted between the first and last reading, resets included.
    first_unix_s, last_unix_s : float
        Times of the first and last reading [s since the epoch].
    notes : tuple of str
        What the reader noticed (resets, gaps, late appearance), kept as flags.
    """

    hostname: str
    uuid: str
    index: str
    name: str
    energy_j: float
    first_unix_s: float
    last_unix_s: float
    notes: tuple[str, ...] = ()


def run_id_of(*parts: str) -> str:
    """A stable run id from the parts that name a run (source, job, window): 16 hex digits of SHA-256."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _site(region: str | None, pue: float | None) -> Site:
    return resolve_site(region, pue=pue)


def summary_from_gpus(
    gpus: Sequence[GpuEnergy],
    *,
    run_id: str,
    method: str,
    start_unix_s: float,
    end_unix_s: float,
    project: str,
    stage: str = "final",
    region: str | None = None,
    pue: float | None = None,
    interval_s: float = 15.0,
    host_energy_kwh: Mapping[str, tuple[float | None, float | None]] | None = None,
    host_note: str = "not read from the cluster's counters",
    flags: Sequence[str] = (),
) -> RunSummary:
    """One summary of the GPUs' energies over ``[start_unix_s, end_unix_s]``, one session per host.

    Parameters
    ----------
    gpus : sequence of GpuEnergy
        Per-GPU energies [J].
    run_id : str
        The run's id (session ids are ``<run_id>/<host>``).
    method : str
        How the energy was obtained (``dcgm_prometheus``): the summary's ``gpu_energy_method`` and each
        GPU's. The summary's ``method`` stays ``"measured"``, which is what the card and lifecycle sums
        count it as (a cluster's meter is a measurement, not an estimate).
    start_unix_s, end_unix_s : float
        The window [s since the epoch].
    project, stage : str
        Project and lifecycle stage of the run.
    region : str, optional
        Region code for the grid intensity and water factors (default: the world defaults).
    pue : float, optional
        Power usage effectiveness [-] (default: the region's or the default).
    interval_s : float
        Spacing of the readings [s].
    host_energy_kwh : mapping, optional
        ``{hostname: (cpu_kwh, ram_kwh)}`` where the cluster measured the hosts (Kepler); else None.
    host_note : str
        Why CPU/RAM energy is missing, for the flag.
    flags : sequence of str
        Flags of the whole run.

    Returns
    -------
    RunSummary
        As :func:`~fmfootprint.measure.summary.session_summary` computes it (Patterson et al. 2021 §2 and
        Li et al. 2023 eq. 1 through :func:`~fmfootprint.footprint.convert.convert`).
    """
    if end_unix_s <= start_unix_s:
        raise FootprintInputError(f"the window must end after it starts ({start_unix_s} .. {end_unix_s})")
    if not gpus:
        raise FootprintInputError("no GPU energy counter in the window: nothing to summarise")
    check_stage(stage)
    site = _site(region, pue).to_dict()
    hosts: dict[str, list[GpuEnergy]] = {}
    for gpu in gpus:
        hosts.setdefault(gpu.hostname, []).append(gpu)
    duration_s = end_unix_s - start_unix_s
    summaries = []
    for hostname, members in sorted(hosts.items()):
        cpu, ram = (host_energy_kwh or {}).get(hostname, (None, None))
        devices = [{"uuid": g.uuid, "index": g.index, "name": g.name, "method": method} for g in members]
        finals = [
            {"uuid": g.uuid, "energy_j": g.energy_j, "method": method, "notes": list(g.notes)}
            for g in members
        ]
        start = {
            "site": site,
            "rank": {"hostname": hostname, "rank": None, "local_rank": None, "world_size": None},
            "gpus": devices,
            "project": project,
            "stage": stage,
            "time": start_unix_s,
            "interval_s": interval_s,
            "session_id": f"{run_id}/{hostname}",
            "host": {} if cpu is not None else {"error": host_note},
        }
        last = {"elapsed_s": duration_s, "gpus": finals, "cpu_energy_kwh": cpu, "ram_energy_kwh": ram}
        stop = {"elapsed_s": duration_s, "gpus": finals, "exit_code": None}
        summaries.append(session_summary(start, last, stop))
    merged = combine(summaries)
    return replace(merged, gpu_energy_method=method, flags=tuple(dict.fromkeys([*merged.flags, *flags])))


def summary_from_job_energy(
    energy_j: float | None,
    *,
    run_id: str,
    method: str,
    start_unix_s: float,
    end_unix_s: float,
    project: str,
    stage: str = "final",
    region: str | None = None,
    pue: float | None = None,
    n_gpus: int = 0,
    hosts: Sequence[str] = (),
    flags: Sequence[str] = (),
    sources: Mapping[str, str] | None = None,
) -> RunSummary:
    """A summary of a job's metered IT energy [J] without a per-GPU split; None energy stays None.

    Parameters
    ----------
    energy_j : float or None
        The job's IT energy [J] (node counters); None when the cluster did not measure it.
    run_id, method, start_unix_s, end_unix_s, project, stage, region, pue
        As :func:`summary_from_gpus`.
    n_gpus : int
        GPUs allocated (for GPU-hours) [-].
    hosts : sequence of str
        Node names.
    flags : sequence of str
        What the reader noticed.
    sources : mapping, optional
        Extra ``{field: how it was obtained}``.

    Returns
    -------
    RunSummary
        Facility energy = E_IT × PUE; carbon and water from :func:`~fmfootprint.footprint.convert.convert`
        (Patterson et al. 2021 §2; Li et al. 2023 eq. 1). Embodied carbon 0 (GPU models unknown), flagged.
    """
    check_stage(stage)
    site = _site(region, pue)
    duration_s = max(0.0, end_unix_s - start_unix_s)
    energy_it = None if energy_j is None else energy_j / J_PER_KWH
    fp = None
    if energy_it is not None:
        fp = convert(
            energy_it,
            pue=site.pue,
            grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
            wue_l_per_kwh=site.wue_l_per_kwh,
            ewif_l_per_kwh=site.ewif_l_per_kwh,
        )
    notes = [*flags, "embodied carbon not counted (0): the accounting names no GPU model"]
    extra: dict[str, Any] = dict(sources or {})
    return RunSummary(
        duration_s=duration_s,
        energy_it_kwh=energy_it,
        energy_kwh=None if fp is None else fp.energy_kwh,
        gpu_energy_kwh=None,
        cpu_energy_kwh=None,
        ram_energy_kwh=None,
        co2e_operational_kg=None if fp is None else fp.co2e_operational_kg,
        co2e_embodied_kg=0.0,
        water_l=None if fp is None else fp.water_l,
        water_onsite_l=None if fp is None else fp.water_onsite_l,
        water_offsite_l=None if fp is None else fp.water_offsite_l,
        region=site.region,
        grid_intensity_g_per_kwh=site.grid_intensity_g_per_kwh,
        pue=site.pue,
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
        gpu_energy_method=method,
        exit_code=None,
        stage=stage,
        gpu_hours=n_gpus * duration_s / S_PER_H,
        n_gpus=n_gpus,
        project=project,
        start_unix_s=start_unix_s,
        end_unix_s=start_unix_s + duration_s,
        complete=True,
        interval_s=0.0,
        hosts=tuple({"hostname": h} for h in hosts),
        sessions=(run_id,),
        flags=tuple(dict.fromkeys(notes)),
        sources={**site.sources, "co2e_embodied_kg": "not counted: no GPU model in the accounting", **extra},
        method="measured",
    )
