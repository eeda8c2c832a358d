"""When the tracker's one sampling thread wakes, and the records it writes (standard library only).

One thread does all the periodic work of a session (:class:`fmfootprint.measure.tracker.Tracker`): a
record every ``interval_s`` on a fixed schedule (missed ticks after a suspension are skipped, not
replayed), and between records only what a meter asks for: codecarbon's TDP x CPU-load model samples
the load every second (:attr:`fmfootprint.measure.host.CodecarbonHost.sample_period_s`), as codecarbon's
own monitor thread would. While a part of measurement is still starting, the thread also wakes when it
comes up (an event set by its job) and at the initialisation deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fmfootprint.units import J_PER_KWH

__all__ = ["Schedule", "ready_record", "sample_record"]

_EARLY_S = 1e-3  # a wait that returns this early still counts as on time [s]


class Schedule:
    """The sampling thread's wake-up times: records every ``interval_s``, CPU-load samples in between.

    Parameters
    ----------
    t0 : float
        Start of the session [s, monotonic]; the first record is due at ``t0 + interval_s``.
    interval_s : float
        Time between records [s].
    """

    def __init__(self, t0: float, interval_s: float) -> None:
        self.interval_s = interval_s
        self.next_record = t0 + interval_s
        self._last_wake = t0

    def timeout_s(self, now: float, sample_period_s: float | None, deadline: float | None = None) -> float:
        """Seconds to sleep from ``now`` [s, monotonic] until the next record, CPU-load sample or deadline."""
        wake = self.next_record
        if sample_period_s is not None:
            wake = min(wake, self._last_wake + sample_period_s)
        if deadline is not None:
            wake = min(wake, deadline)
        return max(0.0, wake - now)

    def record_due(self, now: float) -> bool:
        return now >= self.next_record - _EARLY_S

    def sample_due(self, now: float, sample_period_s: float | None) -> bool:
        return sample_period_s is not None and now >= self._last_wake + sample_period_s - _EARLY_S

    def recorded(self, now: float) -> None:
        """A record was taken at ``now``: the next is one interval later (or, fallen behind, from now)."""
        self.next_record += self.interval_s
        if self.next_record < now:  # fell behind (suspended, overloaded): skip the missed ticks
            self.next_record = now + self.interval_s
        self._last_wake = now

    def sampled(self, now: float) -> None:
        self._last_wake = now


def sample_record(
    seq: int,
    time_unix: float,
    elapsed_s: float,
    gpus: Sequence[dict[str, Any]],
    host_method: str,
    cpu_energy_kwh: float | None,
    ram_energy_kwh: float | None,
    cpu_power_w: float | None,
    ram_power_w: float | None,
) -> dict[str, Any]:
    """One ``"sample"`` record (:mod:`fmfootprint.measure.log`): cumulative energies since the start.

    ``time_unix`` [Unix s], ``elapsed_s`` [s]; each GPU entry's ``energy_j`` [J] (cumulative); CPU and RAM
    energy [kWh] and power [W], None when not available. ``gpu_energy_kwh`` is the GPUs' sum [kWh] and
    ``energy_it_kwh`` adds the CPU and RAM parts that were read (an unread part is not a zero: the
    summary flags it from the null fields).
    """
    gpu_energy_kwh = sum(g["energy_j"] for g in gpus) / J_PER_KWH
    host_kwh = (cpu_energy_kwh or 0.0) + (ram_energy_kwh or 0.0)
    return {
        "type": "sample",
        "seq": seq,
        "time": time_unix,
        "elapsed_s": elapsed_s,
        "gpus": gpus,
        "host_method": host_method,
        "cpu_energy_kwh": cpu_energy_kwh,
        "ram_energy_kwh": ram_energy_kwh,
        "cpu_power_w": cpu_power_w,
        "ram_power_w": ram_power_w,
        "gpu_energy_kwh": gpu_energy_kwh,
        "energy_it_kwh": gpu_energy_kwh + host_kwh,
    }


def ready_record(
    time_unix: float,
    elapsed_s: float,
    rebased: bool,
    meters: Sequence[Any],
    host: dict[str, Any],
    unmeasured_s: dict[str, float],
    pending: Sequence[str],
    flags: Sequence[str],
) -> dict[str, Any]:
    """A cumulative ``"ready"`` record: the parts of measurement up so far (each completes the last).

    ``meters``: the GPU meters (:class:`fmfootprint.measure.gpu.GpuMeter`); ``host``: the CPU/RAM meter's
    ``info()``; ``unmeasured_s``: seconds from the start each late part missed [s]; ``pending``: the parts
    ("gpu", "host") still starting; ``time_unix`` [Unix s], ``elapsed_s`` [s] since the session's start.
    """
    return {
        "type": "ready",
        "time": time_unix,
        "elapsed_s": elapsed_s,
        "rebased": rebased,
        "gpus": [{**m.device.to_dict(), "method": m.method} for m in meters],
        "host": host,
        "unmeasured_s": dict(unmeasured_s),
        "pending": list(pending),
        "flags": list(dict.fromkeys(flags)),
    }
