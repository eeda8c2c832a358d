"""Which process of a distributed job measures: rank, local rank, node and job from the launcher's variables.

Every rank of a multi-GPU job sees every GPU of its node, so a tracker in every rank multiplies the node's
energy by the number of ranks (codecarbon PR #1390). fmfootprint measures on local rank 0 only, which covers
its node's GPUs, writes one file per node and sums nodes when merging: no collectives, no torch.

Resolution order (an explicit argument first, then the launcher's variables):

- local rank: ``LOCAL_RANK`` (torchrun, accelerate), ``OMPI_COMM_WORLD_LOCAL_RANK`` /
  ``MV2_COMM_WORLD_LOCAL_RANK`` (MPI), ``SLURM_LOCALID`` (SLURM), else 0. ``-1`` is the usual "not
  distributed" (transformers' ``TrainingArguments.local_rank`` default) and means 0: this process
  measures. A value that is not a whole number ≥ -1 is ignored with a note (``RankInfo.notes``, which
  the tracker turns into one warning);
- global rank: ``RANK``, ``OMPI_COMM_WORLD_RANK`` / ``PMI_RANK``, ``SLURM_PROCID``, else 0;
- node rank: ``GROUP_RANK`` (torchrun), ``SLURM_NODEID``, else None;
- job id: ``SLURM_JOB_ID``, ``TORCHELASTIC_RUN_ID``, ``PBS_JOBID``, ``LSB_JOBID``, ``JOB_ID``, else None.

References: torchrun environment variables (pytorch.org/docs/stable/elastic/run.html); accelerate
``utils/environment.py``; SLURM ``srun`` output environment variables.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from fmfootprint.errors import FootprintInputError

__all__ = ["RankInfo", "rank_notices", "resolve_ranks"]

_LOCAL_RANK_VARS = ("LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "MV2_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID")
_RANK_VARS = ("RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID")
_WORLD_VARS = ("WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS")
_NODE_VARS = ("GROUP_RANK", "SLURM_NODEID")
_JOB_VARS = ("SLURM_JOB_ID", "TORCHELASTIC_RUN_ID", "PBS_JOBID", "LSB_JOBID", "JOB_ID")


@dataclass(frozen=True)
class RankInfo:
    """Where this process sits in its job. ``measures`` is True on local rank 0 only."""

    local_rank: int
    rank: int
    world_size: int | None
    node_rank: int | None
    job_id: str | None
    hostname: str
    restart_count: int
    local_rank_source: str
    notes: tuple[str, ...] = ()  # malformed launcher variables that were ignored, one message each

    @property
    def measures(self) -> bool:
        return self.local_rank == 0

    @property
    def distributed(self) -> bool:
        """False when no launcher variable gave a local rank (or it was -1, "not distributed")."""
        return self.local_rank_source not in ("default", "not distributed")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data


def _first_int(
    environ: Mapping[str, str], names: tuple[str, ...], notes: list[str] | None = None, minimum: int = 0
) -> tuple[int | None, str]:
    """The first of ``names`` that holds a whole number ≥ ``minimum``; a malformed one is noted, skipped."""
    for name in names:
        value = environ.get(name, "").strip()
        if not value:
            continue
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is not None and number >= minimum:
            return number, name
        if notes is not None:  # a malformed variable from an unrelated launcher: say so, try the next
            notes.append(f"ignoring {name}={value!r}: not a whole number >= {minimum}")
    return None, ""


def resolve_ranks(local_rank: int | None = None, environ: Mapping[str, str] | None = None) -> RankInfo:
    """Resolve this process's ranks, node and job.

    Parameters
    ----------
    local_rank : int, optional
        Rank within the node [-]; overrides the environment. ≥ 0, or -1 for "not distributed" (= 0).
    environ : mapping, optional
        Environment to read; default ``os.environ``.

    Returns
    -------
    RankInfo
    """
    env = os.environ if environ is None else environ
    notes: list[str] = []
    if local_rank is not None:
        if isinstance(local_rank, bool) or not isinstance(local_rank, int) or local_rank < -1:
            raise FootprintInputError(f"local_rank must be a whole number >= -1, got {local_rank!r}")
        local, source = (0, "not distributed") if local_rank == -1 else (local_rank, "argument")
    else:
        found, source = _first_int(env, _LOCAL_RANK_VARS, notes, minimum=-1)
        if found == -1:
            local, source = 0, "not distributed"
        else:
            local, source = (found, source) if found is not None else (0, "default")
    rank, _ = _first_int(env, _RANK_VARS, notes)
    world, _ = _first_int(env, _WORLD_VARS)
    node, _ = _first_int(env, _NODE_VARS)
    restarts, _ = _first_int(env, ("TORCHELASTIC_RESTART_COUNT",))
    job = next((env[name].strip() for name in _JOB_VARS if env.get(name, "").strip()), None)
    return RankInfo(
        local_rank=local,
        rank=rank if rank is not None else local,
        world_size=world,
        node_rank=node,
        job_id=job,
        hostname=socket.gethostname(),
        restart_count=restarts or 0,
        local_rank_source=source,
        notes=tuple(notes),
    )


_told: set[int] = set()  # non-zero local ranks already told, in this process, that rank 0 measures


def rank_notices(info: RankInfo) -> list[str]:
    """What a tracker on ``info`` should warn about: the launcher variables ignored, and (once per process
    and local rank) that a non-zero local rank does not measure because local rank 0 measures the node."""
    notes = list(info.notes)
    if not info.measures and info.local_rank not in _told:
        _told.add(info.local_rank)
        notes.append(
            f"local rank {info.local_rank} ({info.local_rank_source}) does not measure: "
            "local rank 0 measures this node"
        )
    return notes
