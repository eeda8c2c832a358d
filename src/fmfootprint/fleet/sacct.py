"""A measured run summary (energy method ``slurm_acct``) from Slurm's accounting (``sacct --json``/``-P``).

Slurm's energy accounting (``AcctGatherEnergyType``: ``rapl``, ``ipmi``, ``gpu``, ``pm_counters``) reads
node-level counters and stores joules per job step (``ConsumedEnergyRaw``; in ``--json`` the step's
``tres.consumed.total`` entry of type ``energy``). The job's energy is, in order:

1. the job allocation record's ``ConsumedEnergyRaw`` (``sacct -P``: the line whose JobID has no dot);
2. else its ``extern`` step, which spans the whole allocation on every node;
3. else the sum of its numbered ``srun`` steps (``4242.0``, ``4242.1``), flagged: work outside them is not
   counted.

Steps are never added to the allocation record (they are parts of it: that would count them twice).

Pitfalls handled and flagged, never hidden:

- ``energy=0`` (or empty): the site has no energy plugin (``AcctGatherEnergyType=acct_gather_energy/none``)
  or the job ran too briefly; the energy is **unknown** (None), never 0 kWh;
- per-node counters: the plugins read whole nodes, so the energy includes anything else that ran on the
  job's nodes; it is exact only for exclusive allocations (flag names the node count);
- times: ``sacct`` prints the cluster's local time without a zone; they are read in ``--tz`` (default UTC).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fmfootprint.errors import FootprintInputError
from fmfootprint.fleet._build import run_id_of, summary_from_job_energy
from fmfootprint.measure.summary import RunSummary

__all__ = ["METHOD", "JobRecord", "parse_sacct", "sacct_summary"]

METHOD = "slurm_acct"
_GPU_TRES = re.compile(r"gres/gpu(?::[^=,]+)?=(\d+)")


class JobRecord(dict[str, Any]):
    """One accounting line: ``job_id``, ``step`` (None for the allocation), ``energy_j`` (None when not
    measured), ``start``/``end`` [s since the epoch], ``nodes`` (count), ``node_list``, ``gpus``."""


def _unix(text: str | None, tz: _dt.tzinfo) -> float | None:
    if not text or text in ("Unknown", "None", "N/A"):
        return None
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise FootprintInputError(f"sacct time {text!r} is not ISO 8601 (YYYY-MM-DDTHH:MM:SS)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.timestamp()


def _energy(raw: Any) -> float | None:
    """Joules, or None for an empty or zero reading (no energy plugin: unknown, not 0)."""
    if raw is None or str(raw).strip() in ("", "0", "None"):
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise FootprintInputError(f"sacct ConsumedEnergyRaw {raw!r} is not a number of joules") from None
    # Slurm stores NO_VAL64 (2^64 - 2) when a plugin failed; treat it as not measured
    return None if value <= 0 or value >= 1.8e19 else value


def _parse_pipe(text: str, tz: _dt.tzinfo) -> list[JobRecord]:
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0].split("|")
    for needed in ("JobID", "ConsumedEnergyRaw"):
        if needed not in header:
            raise FootprintInputError(
                f"sacct -P output has no {needed} column: run sacct -P -o "
                "JobID,Start,End,NNodes,NodeList,AllocTRES,ConsumedEnergyRaw"
            )
    records = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("|"), strict=False))
        job, _, step = row["JobID"].partition(".")
        tres = row.get("AllocTRES", "")
        gpus = _GPU_TRES.search(tres)
        records.append(
            JobRecord(
                job_id=job,
                step=step or None,
                energy_j=_energy(row.get("ConsumedEnergyRaw")),
                start=_unix(row.get("Start"), tz),
                end=_unix(row.get("End"), tz),
                nodes=int(row["NNodes"]) if row.get("NNodes", "").isdigit() else None,
                node_list=row.get("NodeList") or None,
                gpus=int(gpus.group(1)) if gpus else 0,
            )
        )
    return records


def _tres_count(entries: Sequence[Mapping[str, Any]], kind: str, name: str = "") -> float | None:
    for entry in entries or ():
        if entry.get("type") == kind and (entry.get("name") or "") == name:
            return float(entry.get("count", 0))
    return None


def _time(value: Any) -> float | None:
    if isinstance(value, Mapping):  # data_parser 0.0.40+: {"set": true, "infinite": false, "number": N}
        return float(value["number"]) if value.get("set", True) and value.get("number") else None
    return float(value) if value else None


def _parse_json(text: str) -> list[JobRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FootprintInputError(f"sacct --json output is not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("jobs"), list):
        raise FootprintInputError("sacct --json output has no 'jobs' list")
    records = []
    for job in data["jobs"]:
        job_id = str(job.get("job_id"))
        times = job.get("time", {})
        allocated = job.get("tres", {}).get("allocated", [])
        gpus = _tres_count(allocated, "gres", "gpu")
        nodes = _tres_count(allocated, "node")
        base = {"job_id": job_id, "node_list": job.get("nodes"), "gpus": int(gpus or 0)}
        records.append(
            JobRecord(
                **base,
                step=None,
                energy_j=None,  # the JSON job record carries no consumed energy; its steps do
                start=_time(times.get("start")),
                end=_time(times.get("end")),
                nodes=int(nodes) if nodes is not None else None,
            )
        )
        for step in job.get("steps", []):
            step_id = str(step.get("step", {}).get("id", ""))
            name = step_id.partition(".")[2] or str(step.get("step", {}).get("name", ""))
            consumed = step.get("tres", {}).get("consumed", {}).get("total", [])
            stime = step.get("time", {})
            records.append(
                JobRecord(
                    **{**base, "node_list": step.get("nodes", {}).get("range", job.get("nodes"))},
                    step=name,
                    energy_j=_energy(_tres_count(consumed, "energy")),
                    start=_time(stime.get("start")),
                    end=_time(stime.get("end")),
                    nodes=step.get("nodes", {}).get("count"),
                )
            )
    return records


def parse_sacct(text: str, *, tz: _dt.tzinfo = _dt.timezone.utc) -> list[JobRecord]:
    """Accounting records from ``sacct --json`` (a JSON object) or ``sacct -P`` (``|``-separated, with a
    header line) output; the format is recognised from the text."""
    stripped = text.lstrip()
    if not stripped:
        raise FootprintInputError("the sacct output is empty")
    return _parse_json(stripped) if stripped.startswith("{") else _parse_pipe(stripped, tz)


def sacct_summary(
    text: str,
    job_id: str,
    *,
    project: str = "default",
    stage: str = "final",
    region: str | None = None,
    pue: float | None = None,
    cluster: str = "",
    tz: _dt.tzinfo = _dt.timezone.utc,
) -> RunSummary:
    """The run summary of Slurm job ``job_id`` from its ``sacct`` output (rules in the module docstring).

    Parameters
    ----------
    text : str
        ``sacct -j JOB --json`` or ``sacct -j JOB -P -o JobID,Start,End,NNodes,NodeList,AllocTRES,
        ConsumedEnergyRaw`` output.
    job_id : str
        The job (``4242``; an array task ``4242_7`` as sacct prints it).
    project, stage, region, pue
        As :func:`fmfootprint.fleet._build.summary_from_job_energy`; ``pue`` [-].
    cluster : str
        Cluster name, part of the run id (``slurm:<cluster>:<job>``).
    tz : tzinfo
        Zone of the times ``sacct -P`` prints.

    Returns
    -------
    RunSummary
        ``gpu_energy_method`` ``slurm_acct`` (``method`` ``measured``); energy None (flagged) when the
        cluster did not measure it.
    """
    records = [r for r in parse_sacct(text, tz=tz) if r["job_id"] == str(job_id)]
    if not records:
        raise FootprintInputError(f"job {job_id!r} is not in the sacct output")
    allocation = next((r for r in records if r["step"] is None), records[0])
    extern = next((r for r in records if r["step"] == "extern"), None)
    numbered = [r for r in records if r["step"] is not None and str(r["step"]).isdigit()]
    flags: list[str] = []
    if allocation["energy_j"] is not None:
        energy, how = allocation["energy_j"], "the job allocation record"
    elif extern is not None and extern["energy_j"] is not None:
        energy, how = extern["energy_j"], "the extern step (spans the allocation on every node)"
    elif any(r["energy_j"] is not None for r in numbered):
        energy = sum(r["energy_j"] for r in numbered if r["energy_j"] is not None)
        how = f"the sum of {len(numbered)} srun step(s)"
        flags.append(f"job {job_id}: energy summed over its srun steps; work outside them is not counted")
    else:
        energy, how = None, "not measured"
        flags.append(
            f"job {job_id}: sacct reports energy=0 or none: the cluster has no energy accounting plugin "
            "(AcctGatherEnergyType=none) or did not measure this job; energy, carbon and water are unknown "
            "(null), not 0 kWh"
        )
    nodes = allocation.get("nodes") or 1
    if energy is not None:
        flags.append(
            f"job {job_id}: Slurm's energy comes from node-level counters on {nodes} node(s): it includes "
            "anything else that ran on those nodes and is exact only for exclusive allocations"
        )
    start, end = allocation.get("start"), allocation.get("end")
    if start is None or end is None:
        raise FootprintInputError(
            f"job {job_id} has no start and end time in the sacct output (still running?)"
        )
    flags.append(f"job {job_id}: times read in {tz}")
    return summary_from_job_energy(
        energy,
        run_id=run_id_of("slurm", cluster, str(job_id)),
        method=METHOD,
        start_unix_s=float(start),
        end_unix_s=float(end),
        project=project,
        stage=stage,
        region=region,
        pue=pue,
        n_gpus=int(allocation.get("gpus") or 0),
        hosts=[str(allocation["node_list"])] if allocation.get("node_list") else [],
        flags=flags,
        sources={"energy_it_kwh": f"Slurm sacct ConsumedEnergyRaw of {how}"},
    )
