"""Bringing measurement up without holding up the run: NVML and codecarbon, each in a bounded thread.

Importing and initialising the measurement libraries is the slow and fragile part of tracking: codecarbon's
import takes about a second on an idle machine and much longer on a loaded one, ``nvmlInit`` can hang on
a wedged driver, and a broken installation can raise anything at import. So each of the two is brought
up by a :class:`Job` in its own daemon thread, and the tracker waits for it at most ``timeout_s``:

- a job that raises becomes one message (``"<what>: <ExceptionType>: <text>"``); the tracker turns it into
  one warning, one flag and ``null`` fields for that part, and the run goes on;
- a job that is still running at the deadline is *abandoned*: the tracker stops waiting, reports the
  hang the same way, and if the job finishes later its result is released (NVML shut down, codecarbon
  stopped) instead of being used.

:func:`open_gpus` is the GPU job (pynvml import, ``nvmlInit``, enumeration, ``CUDA_VISIBLE_DEVICES``);
:func:`start_host` is the CPU/RAM one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Generic, Literal, TypeVar

from fmfootprint.footprint.site import Site
from fmfootprint.measure.gpu import GpuMeter
from fmfootprint.measure.host import CodecarbonHost, HostMeter, HostReading
from fmfootprint.measure.launch import MAX_INTERVAL_S, MIN_INTERVAL_S, check_interval
from fmfootprint.measure.nvml import Nvml, NvmlError, resolve_visible_devices
from fmfootprint.measure.ranks import RankInfo

__all__ = [
    "DEFAULT_INIT_TIMEOUT_S",
    "MAX_INTERVAL_S",
    "MIN_INTERVAL_S",
    "GpuSetup",
    "Job",
    "NoHost",
    "TrackerWarning",
    "check_interval",
    "open_gpus",
    "start_host",
    "start_jobs",
]

DEFAULT_INIT_TIMEOUT_S = 30.0
_T = TypeVar("_T")


class TrackerWarning(RuntimeWarning):
    """Something the tracker could not do (write its log, find a GPU); the training continues."""


class Job(Generic[_T]):
    """Run ``fn`` in a daemon thread; wait for it with a deadline; release a result that came too late.

    Parameters
    ----------
    what : str
        What the job brings up, for messages ("NVML", "codecarbon").
    fn : callable
        The work; its return value is the result.
    release : callable
        Called with a result that arrives after the job was abandoned (shut NVML down, stop codecarbon).
    on_done : callable, optional
        Called (from the job's thread) once the job has ended, successfully or not, unless abandoned:
        the tracker's sampling thread wakes on it to take the part up at once.
    """

    def __init__(
        self,
        what: str,
        fn: Callable[[], _T],
        release: Callable[[_T], object],
        on_done: Callable[[], object] | None = None,
    ) -> None:
        self.what = what
        self.value: _T | None = None
        self.error: str | None = None
        self.finished_at: float | None = None  # monotonic time the job ended
        self._fn = fn
        self._release = release
        self._on_done = on_done
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name=f"fmfootprint-init-{what}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        value: _T | None = None
        error: str | None = None
        try:
            value = self._fn()
        except Exception as exc:  # a broken install may raise anything; it becomes the job's error
            error = f"{self.what} failed to start: {type(exc).__name__}: {exc}"
        with self._lock:
            if self._abandoned:
                late = value
            else:
                late = None
                self.value, self.error, self.finished_at = value, error, time.monotonic()
                self._done.set()
        if late is not None:
            self._release(late)
        elif self._on_done is not None and self._done.is_set():
            self._on_done()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, deadline: float, stop: threading.Event | None = None) -> bool:
        """Wait until the job is done, ``deadline`` (monotonic) passes or ``stop`` is set; True if done."""
        while not self._done.wait(max(0.0, min(0.05, deadline - time.monotonic()))):
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                break
        return self._done.is_set()

    def result(self, deadline: float, stop: threading.Event, t0: float) -> _T | None:
        """The result, or None (``error`` says why) if it failed or hung until ``deadline`` or ``stop``."""
        if not self.wait(deadline, stop):
            now = time.monotonic()
            if now < deadline:
                why = f"was still starting when the run ended ({now - t0:.1f} s after the start)"
            else:
                why = f"did not start within {deadline - t0:g} s (the initialisation timeout)"
            if self.abandon(why):
                return None
        return self.value

    def abandon(self, reason: str) -> bool:
        """Stop waiting for a job that is not done; True if it was abandoned (False: it had finished)."""
        with self._lock:
            if self._done.is_set():
                return False
            self._abandoned = True
            self.error = f"{self.what} {reason}"
            return True


@dataclass
class GpuSetup:
    """What the GPU job found: the NVML layer and one meter per selected GPU, or why there is none."""

    nvml: Nvml | None = None
    meters: list[GpuMeter] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # each becomes one TrackerWarning
    flags: list[str] = field(default_factory=list)  # recorded, not warned about

    def release(self) -> None:
        if self.nvml is not None:
            self.nvml.shutdown()


def open_gpus(
    nvml_arg: ModuleType | Nvml | None,
    choice: Literal["visible", "all"],
    environ: Mapping[str, str],
    world_size: int,
) -> GpuSetup:
    """Import and initialise NVML and pick the GPUs to meter; NVML errors become warnings, never raise."""
    try:
        nvml = nvml_arg if isinstance(nvml_arg, Nvml) else Nvml(nvml_arg)
        nvml.init()
    except NvmlError as exc:
        return GpuSetup(warnings=[f"no NVIDIA GPU or driver ({exc}); measuring CPU and RAM only"])
    try:
        handles = [nvml.handle_by_index(i) for i in range(nvml.device_count())]
        uuids = [nvml.uuid(h) for h in handles]
        names = [nvml.name(h) for h in handles]
        indices: tuple[int, ...]
        mig: tuple[int, ...]
        notes: tuple[str, ...]
        if choice == "all":
            indices, mig, notes = tuple(range(len(handles))), (), ()
        else:
            visible = resolve_visible_devices(nvml, uuids, names, environ)
            indices, mig, notes = visible.indices, visible.mig_indices, visible.notes
        meters = [
            GpuMeter(nvml, handles[i], nvml.device(handles[i], i, mig_requested=i in mig)) for i in indices
        ]
    except NvmlError as exc:
        nvml.shutdown()
        return GpuSetup(warnings=[f"cannot enumerate GPUs ({exc}); measuring CPU and RAM only"])
    setup = GpuSetup(nvml, meters, flags=list(notes))
    if not meters:
        setup.warnings.append("no GPU selected (CUDA_VISIBLE_DEVICES); measuring CPU and RAM only")
    elif len(meters) < len(handles):
        message = (
            f"measuring the {len(meters)} of {len(handles)} GPUs that CUDA_VISIBLE_DEVICES shows this "
            "process; if other ranks on this node have their own GPUs, use gpus='all' (track --all-gpus)"
        )
        # A distributed job with per-rank GPUs would be under-counted: warn; a single process: note it.
        (setup.warnings if world_size > 1 else setup.flags).append(message)
    return setup


def start_jobs(
    nvml_arg: ModuleType | Nvml | Literal[False] | None,
    host_arg: HostMeter | Literal[False] | None,
    choice: Literal["visible", "all"],
    environ: Mapping[str, str],
    ranks: RankInfo,
    site: Site,
    on_done: Callable[[], object] | None = None,
) -> tuple[Job[GpuSetup] | None, Job[HostMeter] | None, list[str]]:
    """Start the GPU and the CPU/RAM jobs (None for a part switched off) and the flags saying what is off;
    ``on_done`` is each job's callback (:class:`Job`)."""
    gpu_job: Job[GpuSetup] | None = None
    host_job: Job[HostMeter] | None = None
    flags: list[str] = []
    if nvml_arg is False:
        flags.append("GPUs not measured (nvml=False)")
    else:
        module, world_size = nvml_arg, ranks.world_size or 1
        gpu_job = Job(
            "NVML", lambda: open_gpus(module, choice, environ, world_size), GpuSetup.release, on_done
        )
    if host_arg is False:
        flags.append("CPU/RAM not measured (host=False)")
    else:
        meter = host_arg
        host_job = Job(
            "codecarbon" if meter is None else "the CPU/RAM meter",
            lambda: start_host(meter, site.country_alpha3, site.grid_intensity_g_per_kwh),
            lambda host: host.stop(),
            on_done,
        )
    return gpu_job, host_job, flags


def start_host(host_arg: HostMeter | None, country_alpha3: str | None, intensity: float) -> HostMeter:
    """The CPU/RAM meter, started (codecarbon imported and initialised unless a meter is given)."""
    host = host_arg if host_arg is not None else CodecarbonHost(country_alpha3, intensity)
    host.start()
    return host


class NoHost:
    """The CPU/RAM meter of a run whose CPU and RAM are not measured; ``error`` says why."""

    method = "none"

    def __init__(self, error: str = "not measured") -> None:
        self.error: str | None = error

    def start(self) -> None:
        return None

    def read(self) -> HostReading:
        return HostReading(None, None)

    def stop(self) -> HostReading:
        return HostReading(None, None)

    def info(self) -> dict[str, Any]:
        return {"method": self.method, "error": self.error}
