"""The tracker: measures GPU (NVML), CPU and RAM (codecarbon) energy of a run in a background thread.

Usage::

    with Tracker("runs/exp1", region="FR") as tracker:   # or @Tracker(...) on a function,
        train()                                          # or tracker.start() ... tracker.stop()
    print(tracker.summary.co2e_kg)

Design
------
- Only local rank 0 of a distributed job measures (:mod:`fmfootprint.measure.ranks`); other ranks get a
  no-op tracker, so a node is counted once whatever the number of ranks.
- One daemon thread (:mod:`fmfootprint.measure.sampling`) wakes every ``interval_s`` (default 1 s, 0.1 s
  to 1 h: NVML gains nothing above ~10 Hz, gpustat#76; a kill loses at most one interval) on a fixed
  schedule, reads every GPU and the CPU/RAM meter, and appends one JSONL record; codecarbon's own timer
  threads are stopped and its meters read from this thread (:mod:`fmfootprint.measure.ccdrive`).
- Nothing it does may stop the training: NVML and codecarbon are imported and initialised in bounded
  threads (:mod:`fmfootprint.measure.startup`), so a broken install, a failing ``nvmlInit`` or a hang past
  ``init_timeout_s`` is one warning, a flag and ``null`` fields; NVML errors are recorded per GPU, an
  unwritable log means one warning, and a sampler error is recorded and the sampling goes on.
- ``start(wait=False)`` (``fmfootprint track``, right after launching the command) returns at once: the
  ``"start"`` record is on disk first; each part is taken up as soon as it is ready, with a cumulative
  ``"ready"`` record (meters, ``pending`` parts, the seconds each part missed: NVML's counter has no
  baseline from before ``nvmlInit``, so that window is flagged, never guessed), and sampling begins with
  the first. ``start()`` waits (bounded) instead.
- Other trackers on the same host are seen (:mod:`fmfootprint.measure.neighbours`): the overlap is
  recorded in both logs, so that merging counts the host's CPU/RAM once.
- The log is written by :mod:`fmfootprint.measure.journal` (standard library only): the ``"start"``
  record needs no numpy. A failed write, a short write or a failed ``fsync`` is one warning each.
- The summary is written when the tracker stops, including on an exception or ``sys.exit`` inside
  ``with Tracker()``, and at interpreter exit if ``stop()`` was never called.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError
from fmfootprint.fleet.hooks import TrackerFleet
from fmfootprint.footprint.site import Site, resolve_site
from fmfootprint.footprint.stages import check_stage
from fmfootprint.measure.gpu import GpuMeter
from fmfootprint.measure.host import HostMeter, HostReading
from fmfootprint.measure.journal import LOG_SUFFIX, SUMMARY_SUFFIX, JournalWriter, session_name, start_record
from fmfootprint.measure.launch import exit_code_of
from fmfootprint.measure.neighbours import NeighbourWatch
from fmfootprint.measure.nvml import Nvml
from fmfootprint.measure.ranks import RankInfo, rank_notices, resolve_ranks
from fmfootprint.measure.sampling import Schedule, ready_record, sample_record
from fmfootprint.measure.startup import (
    DEFAULT_INIT_TIMEOUT_S,
    MAX_INTERVAL_S,
    MIN_INTERVAL_S,
    NoHost,
    TrackerWarning,
    check_interval,
    start_jobs,
)

if TYPE_CHECKING:  # log and summary (numpy, the catalog) are imported in start(), after track's launch
    from fmfootprint.measure.summary import RunSummary

__all__ = ["MAX_INTERVAL_S", "MIN_INTERVAL_S", "Tracker", "TrackerWarning", "exit_code_of"]

_F = TypeVar("_F", bound=Callable[..., Any])


class Tracker:
    """Measure the energy, carbon and water of the code it wraps.

    Parameters
    ----------
    output_dir : path, default "."
        Folder for ``<name>.jsonl`` and ``<name>.summary.json``; created if needed.
    region : str, optional
        Site region code ("FR", "US-CA", "aws:us-east-1") for grid intensity, PUE and water factors, and
        the country codecarbon is told. None: world-average defaults (flagged in ``sources``).
    interval_s : float, default 1.0
        Sampling interval [s], from 0.1 to 3600.
    project : str, default "run"
        Name of the project, first part of the file names.
    stage : str, default "final"
        Lifecycle stage: "experiments" (or "experiment"), "final", "evaluation", "inference".
    grid_intensity_g_per_kwh, pue, wue_l_per_kwh, ewif_l_per_kwh : float, optional
        Override the region's grid intensity [gCO2e/kWh], PUE [-], WUE [L/kWh] and EWIF [L/kWh].
    local_rank : int, optional
        This process's rank within its node; default from LOCAL_RANK / OMPI_COMM_WORLD_LOCAL_RANK /
        SLURM_LOCALID; -1 or unset: not distributed. Only local rank 0 measures; another rank says so
        once per process.
    gpus : {"visible", "all"}, default "visible"
        "visible": the GPUs ``CUDA_VISIBLE_DEVICES`` selects (matched by UUID); "all": every GPU of the node.
    nvml : module, Nvml or False, optional
        The NVML binding (default ``pynvml`` from nvidia-ml-py); tests pass a fake module. False: no GPUs.
    host : HostMeter or False, optional
        The CPU/RAM meter (default codecarbon's offline tracker). False: CPU/RAM not measured (flagged).
    environ : mapping, optional
        Environment for ranks and ``CUDA_VISIBLE_DEVICES`` (default ``os.environ``).
    init_timeout_s : float, default 30
        The longest NVML's and codecarbon's import and initialisation may take [s]; past it, that part is
        not measured (one warning, flagged) and the run goes on.
    registry : path or False, optional
        Folder of the host's tracker registry (:mod:`~fmfootprint.measure.neighbours`; default
        ``$FMFOOTPRINT_TRACKER_REGISTRY``, else under the temporary folder). False (or that variable set to
        ``off``): do not look for other trackers.
    **fleet
        Fleet options (docs/fleet.md): ``prometheus_port``, ``pushgateway``, ``mlflow``, ``ledger``.

    Attributes
    ----------
    summary : RunSummary or None
        Set by :meth:`stop` (None on ranks that do not measure).
    log_path, summary_path : Path or None
        This session's files.
    warnings : list of str
        What went wrong without stopping the run.
    """

    def __init__(
        self,
        output_dir: str | os.PathLike[str] = ".",
        region: str | None = None,
        interval_s: float = 1.0,
        project: str = "run",
        stage: str = "final",
        *,
        grid_intensity_g_per_kwh: float | None = None,
        pue: float | None = None,
        wue_l_per_kwh: float | None = None,
        ewif_l_per_kwh: float | None = None,
        local_rank: int | None = None,
        gpus: Literal["visible", "all"] = "visible",
        nvml: ModuleType | Nvml | Literal[False] | None = None,
        host: HostMeter | Literal[False] | None = None,
        environ: Mapping[str, str] | None = None,
        init_timeout_s: float = DEFAULT_INIT_TIMEOUT_S,
        registry: str | os.PathLike[str] | Literal[False] | None = None,
        **fleet: Any,
    ) -> None:
        self.interval_s = check_interval(interval_s)
        if not str(project).strip():
            raise FootprintInputError("project must be a non-empty name")
        if gpus not in ("visible", "all"):
            raise FootprintInputError(f"gpus must be 'visible' or 'all', got {gpus!r}")
        self.output_dir = Path(output_dir)
        self.project = str(project).strip()
        self.stage = check_stage(stage)
        self.site: Site = resolve_site(
            region,
            grid_intensity_g_per_kwh=grid_intensity_g_per_kwh,
            pue=pue,
            wue_l_per_kwh=wue_l_per_kwh,
            ewif_l_per_kwh=ewif_l_per_kwh,
        )
        self.ranks: RankInfo = resolve_ranks(local_rank, environ)
        self.init_timeout_s = _validate.positive("init_timeout_s", init_timeout_s)
        self._gpus_choice = gpus
        self._nvml_arg = nvml
        self._host_arg = host
        self._environ = os.environ if environ is None else environ
        self._registry = registry
        self._fleet = TrackerFleet(self, **fleet)
        self.summary: RunSummary | None = None
        self.log_path: Path | None = None
        self.summary_path: Path | None = None
        self.warnings: list[str] = []
        self._running = False
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._wake = threading.Event()  # set by a job that ended, and by stop()
        self._thread: threading.Thread | None = None

    # public API -----------------------------------------------------------------------------------
    @property
    def measuring(self) -> bool:
        """True on the process that measures (local rank 0)."""
        return self.ranks.measures

    @property
    def running(self) -> bool:
        return self._running

    def start(
        self, *, wait: bool = True, command: list[str] | None = None, pid: int | None = None
    ) -> Tracker:
        """Start measuring (a no-op on local ranks other than 0). Returns the tracker.

        Parameters
        ----------
        wait : bool, default True
            Wait (at most ``init_timeout_s``) for NVML and codecarbon. False: return at once; they come up
            in the sampling thread and the summary says how long the run went unmeasured.
        command, pid : optional
            The command measured and its process id, for the ``"start"`` record.
        """
        if self._running:
            raise FootprintInputError("this tracker is already running; stop() it first")
        self.summary = None
        for note in rank_notices(self.ranks):  # malformed variables; once: "rank 0 measures this node"
            warnings.warn(f"fmfootprint tracker: {note}", TrackerWarning, stacklevel=2)
        if not self.measuring:
            return self
        self.warnings = []
        self._flags: list[str] = []
        self._seq = 0
        self._last_sample: dict[str, Any] | None = None
        self._sampler_error: str | None = None
        self._nvml: Nvml | None = None
        self._meters: list[GpuMeter] = []
        self._host: HostMeter = NoHost("not measured: still initialising")
        self._ready = False
        self._neighbours: NeighbourWatch | None = None
        self._t0 = time.monotonic()
        self._start_unix = time.time()
        self._open_files(self._start_unix)
        self._start_record = start_record(
            self._name, self._start_unix, self.project, self.stage, self.interval_s,
            self.site.to_dict(), self.ranks.to_dict(), command, pid, list(self.ranks.notes),
        )  # fmt: skip
        self._writer.write(self._start_record)  # on disk before any measurement library is touched
        self._wake.clear()
        self._unmeasured: dict[str, float] = {}
        self._gpu_job, self._host_job, flags = start_jobs(
            self._nvml_arg, self._host_arg, self._gpus_choice, self._environ, self.ranks, self.site,
            self._wake.set,
        )  # fmt: skip
        self._flags.extend(flags)
        if self._host_arg is False:
            self._host = NoHost()
        self._stop_event.clear()
        self._running = True
        self._pid = os.getpid()
        atexit.register(self._stop_at_exit)
        if wait:
            self._settle(block=True, rebase=True)
        self._thread = threading.Thread(target=self._run, name="fmfootprint-tracker", daemon=True)
        self._thread.start()
        return self

    def stop(self, exit_code: int | None = 0) -> RunSummary | None:
        """Stop measuring, write the summary and return it (None on ranks that do not measure).

        Parameters
        ----------
        exit_code : int or None, default 0
            Recorded in the summary: the run's exit status (None = unknown).
        """
        if not self._running:
            return self.summary
        from fmfootprint.measure.log import write_summary
        from fmfootprint.measure.summary import session_summary

        self._stop_event.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        atexit.unregister(self._stop_at_exit)
        with self._lock:
            self._running = False
            if self._gpu_job is not None or self._host_job is not None:
                self._settle_safely(block=True)  # a part still starting: flagged as not measured
            try:
                self._tick(final=True)
            except Exception as exc:  # the final reading failed: keep the last good sample, say so
                self._warn(f"final reading failed: {type(exc).__name__}: {exc}")
            if self._nvml is not None:
                self._nvml.shutdown()
            end_unix = time.time()
            neighbours = self._neighbours.finish(end_unix, self.warnings) if self._neighbours else {}
            if self._writer.torn:
                self.warnings.append(f"{self._writer.torn} log line(s) cut short by a failed write")
            stop_record = {
                "type": "stop",
                "time": end_unix,
                "elapsed_s": self._last_sample["elapsed_s"] if self._last_sample else 0.0,
                "exit_code": exit_code,
                "gpus": [m.summary() for m in self._meters],
                "host": {**self._host.info(), **neighbours},
                "warnings": list(self.warnings),
            }
            self._writer.write(stop_record)
            self._writer.close(sync=True)
            summary = session_summary(self._start_record, self._last_sample, stop_record)
            error = write_summary(self.summary_path, summary) if self.summary_path else None
            if error and self._writer.failed:
                self.warnings.append(error)  # same cause as the log's failure, already warned about once
            elif error:
                self._warn(error)
            self.summary = summary
            self._fleet.on_stop(summary)
        return summary

    def __enter__(self) -> Tracker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(exit_code=exit_code_of(exc))

    def __call__(self, func: _F) -> _F:
        """Use the tracker as a decorator: each call of ``func`` is one measured session."""

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    # internals ------------------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        warnings.warn(f"fmfootprint tracker: {message}", TrackerWarning, stacklevel=3)

    def _open_files(self, start_unix: float) -> None:
        self._name = session_name(self.project, self.ranks.hostname, self.ranks.job_id, start_unix)
        self.log_path = self.output_dir / f"{self._name}{LOG_SUFFIX}"
        self.summary_path = self.output_dir / f"{self._name}{SUMMARY_SUFFIX}"
        self._writer = JournalWriter(self.log_path, self._warn)

    def _settle(self, *, block: bool, rebase: bool = False) -> None:
        """Take up each part (NVML, the host meter) whose job has ended; with ``block``, past the deadline or
        once stopping, all (waiting at most until the deadline); then write a cumulative "ready" record.
        ``rebase`` (``start(wait=True)``): nothing of the run has happened yet; the clock starts now."""
        deadline = self._t0 + self.init_timeout_s
        every = block or self._stop_event.is_set() or time.monotonic() >= deadline
        gpu_job, host_job, taken = self._gpu_job, self._host_job, False
        if gpu_job is not None and (every or gpu_job.done):
            self._gpu_job, taken = None, True
            setup = gpu_job.result(deadline, self._stop_event, self._t0)
            if setup is None:
                self._warn_flag(f"GPU energy not measured: {gpu_job.error}")
            else:
                self._nvml, self._meters = setup.nvml, setup.meters
                self._flags.extend(setup.flags)
                for message in setup.warnings:
                    self._warn_flag(message)
            if not rebase:
                now = time.monotonic()
                for meter in self._meters:  # NVML's counter covers the run from here on
                    meter.start(now)
                if self._meters:
                    self._unmeasured["gpu"] = round(now - self._t0, 3)
        if host_job is not None and (every or host_job.done):
            self._host_job, taken = None, True
            host = host_job.result(deadline, self._stop_event, self._t0)
            self._host = host if host is not None else NoHost(str(host_job.error))
            if self._host.error:  # the summary flags it from the host record
                self._warn(f"CPU/RAM energy unavailable: {self._host.error}")
            elif not rebase and host_job.finished_at is not None:
                self._unmeasured["host"] = round(host_job.finished_at - self._t0, 3)
        if not taken:
            return
        now = time.monotonic()
        if rebase:
            self._t0, self._start_unix = now, time.time()
            for meter in self._meters:
                meter.start(now)
        if self._neighbours is None:
            self._neighbours = NeighbourWatch.meet(
                self._registry, self._name, self.ranks.hostname, self._start_unix, self._warn, self._flags
            )
        pending = [part for part, job in (("gpu", self._gpu_job), ("host", self._host_job)) if job]
        ready = ready_record(
            self._start_unix if rebase else time.time(), 0.0 if rebase else now - self._t0, rebase,
            self._meters, self._host.info(), self._unmeasured, pending, self._flags,
        )  # fmt: skip
        from fmfootprint.measure.parts import apply_ready

        self._start_record = apply_ready(self._start_record, ready)
        self._writer.write(ready)
        self._ready = True

    def _settle_safely(self, *, block: bool) -> None:
        try:
            self._settle(block=block)
        except Exception as exc:  # a bug here must not end the session unrecorded
            self._gpu_job = self._host_job = None
            self._ready = True
            self._note_sampler_error(f"starting measurement: {type(exc).__name__}: {exc}")

    def _warn_flag(self, message: str) -> None:
        self._flags.append(message)  # in the ready record, so that a killed session's log names it
        self._warn(message)

    def _run(self) -> None:
        schedule = Schedule(self._t0, self.interval_s)
        while not self._stop_event.is_set():
            pending = self._gpu_job is not None or self._host_job is not None
            period = getattr(self._host, "sample_period_s", None)  # codecarbon's CPU-load samples
            deadline = self._t0 + self.init_timeout_s if pending else None
            self._wake.wait(schedule.timeout_s(time.monotonic(), period, deadline))
            self._wake.clear()
            with self._lock:
                if not self._running or self._stop_event.is_set():
                    return
                if pending:
                    self._settle_safely(block=False)
                now = time.monotonic()
                try:
                    if schedule.record_due(now):
                        schedule.recorded(now)
                        if self._ready:
                            self._tick(final=False)
                            if self._neighbours is not None:
                                self._neighbours.rescan()
                    elif schedule.sample_due(now, period):
                        schedule.sampled(now)
                        self._host.sample()  # type: ignore[attr-defined]  # has sample_period_s
                except Exception as exc:  # never let the sampler die silently; record and go on
                    self._note_sampler_error(f"{type(exc).__name__}: {exc}")

    def _note_sampler_error(self, message: str) -> None:
        if self._sampler_error is None:  # warn once; later errors of the run are not repeated
            self._sampler_error = message
            self._warn(f"sampling error: {message}")

    def _tick(self, *, final: bool) -> None:
        now = time.monotonic()
        elapsed_s = now - self._t0
        gpus = [meter.sample(now, elapsed_s) for meter in self._meters]
        try:
            reading = self._host.stop() if final else self._host.read()
        except Exception as exc:  # a bug in the CPU/RAM meter must not cost the GPU record
            self._note_sampler_error(f"CPU/RAM reading failed: {type(exc).__name__}: {exc}")
            reading = HostReading(None, None)
        self._seq += 1
        record = sample_record(
            self._seq, self._start_unix + elapsed_s, elapsed_s, gpus, self._host.method,
            reading.cpu_energy_kwh, reading.ram_energy_kwh, reading.cpu_power_w, reading.ram_power_w,
        )  # fmt: skip
        self._last_sample = record
        self._writer.write(record)
        self._fleet.on_sample(record)

    def _stop_at_exit(self) -> None:
        if os.getpid() == self._pid:  # not in a forked child that inherited the atexit hook
            self.stop(exit_code=None)
