"""codecarbon's CPU and RAM meters, read from the tracker's one sampling thread.

Why
---
``OfflineEmissionsTracker`` measures on timer threads: its measurement scheduler and a 1 s "monitor"
(``PeriodicScheduler``, which starts a new ``threading.Timer`` thread at every tick). Each tick of the
monitor samples every CPU/GPU object's power, then calls ``psutil.cpu_percent()`` and twice
``psutil.virtual_memory()`` for utilisation averages; a ``flush()`` measures every hardware object,
formats five log messages (f-strings, built whatever the log level), and builds two ``EmissionsData``
(about forty fields, a timestamp, the emissions engine, ``dataclasses.replace`` for the delta)
(codecarbon 3.3 ``emissions_tracker.py``: ``_monitor_power``, ``_do_measurements``, ``flush``,
``_prepare_emissions_data``, ``_compute_emissions_delta``). fmfootprint needs none of that but the
energy of the CPU and RAM objects, and it already wakes once per interval for the GPUs.

So, when codecarbon's objects are the ones this module knows (codecarbon 3.x), :func:`attach` stops
codecarbon's two timer threads right after its ``start()``, and the tracker's sampling thread asks each
CPU/RAM object for its energy since the previous reading, with codecarbon's own per-object method
(``measure_power_and_energy(last_duration)``) -- the same call, on the same objects, with the same
durations as codecarbon's measurement, so the figures and methods (RAPL, the TDP x load model, the
constant fallback, the DIMM model) are codecarbon's:

- **CPU**: every reading. With codecarbon's TDP x CPU-load model the load is also sampled every second
  between readings (:attr:`DrivenHardware.sample_period_s`, what codecarbon's monitor does), since the
  model is cubic in the load and a 1 h average of the load would not give the same energy.
- **RAM**: in codecarbon's machine mode its power depends on the installed memory size only
  (``RAM.total_power`` -> ``machine_memory_GB``, a ``psutil.virtual_memory().total`` read per call), so it
  is evaluated at start and again every :data:`RAM_REFRESH_S`; its energy is that power x the time, as
  codecarbon's ``Energy.from_power_and_time`` computes it.
- **GPU** objects codecarbon may add (``gpu_ids=[]`` still lists an NVIDIA system's GPUs) are not read:
  fmfootprint meters GPUs through NVML itself.

Any other hardware object (another codecarbon version) makes :func:`attach` return None: the caller then
keeps codecarbon's public ``flush()`` path.
"""

from __future__ import annotations

import time
from typing import Any

from fmfootprint.units import J_PER_KWH

__all__ = ["RAM_REFRESH_S", "DrivenHardware", "attach"]

RAM_REFRESH_S = 60.0
"""How often the RAM power of codecarbon's memory-size model is evaluated again [s]."""
CPU_LOAD_SAMPLE_S = 1.0
"""codecarbon's monitor period: how often its CPU-load model samples the load [s]."""

_CPU_KINDS = {"CPU"}
_RAM_KINDS = {"RAM"}
_CHIP_KINDS = {"AppleSiliconChip", "Raspberry"}  # ``chip_part`` says CPU, GPU or RAM
_SKIPPED_KINDS = {"GPU"}


def _part(item: Any) -> str | None:
    """ "cpu", "ram", "skip" (a GPU), or None for an object this module does not know."""
    kind = type(item).__name__
    if kind in _CPU_KINDS:
        return "cpu"
    if kind in _RAM_KINDS:
        return "ram"
    if kind in _SKIPPED_KINDS:
        return "skip"
    if kind in _CHIP_KINDS:
        chip = str(getattr(item, "chip_part", "")).upper()
        return {"CPU": "cpu", "RAM": "ram", "GPU": "skip"}.get(chip)
    return None


class DrivenHardware:
    """Cumulative CPU and RAM energy from codecarbon's hardware objects, read on demand.

    Parameters
    ----------
    cpus, rams : list
        codecarbon's CPU-part and RAM-part objects (``measure_power_and_energy`` each).
    ram_model : object or None
        codecarbon's ``RAM`` object when its power is the memory-size model (evaluated every
        :data:`RAM_REFRESH_S` instead of at every reading); None otherwise.
    cpu_load_model : object or None
        codecarbon's ``CPU`` object in its TDP x load mode, sampled between readings; None otherwise.
    """

    def __init__(self, cpus: list[Any], rams: list[Any], ram_model: Any, cpu_load_model: Any) -> None:
        self._cpus = cpus
        self._rams = rams
        self._ram_model = ram_model
        self._cpu_load_model = cpu_load_model
        self.sample_period_s: float | None = CPU_LOAD_SAMPLE_S if cpu_load_model is not None else None
        self._cpu_kwh = 0.0
        self._ram_kwh = 0.0
        self._cpu_w_sum = 0.0
        self._ram_w_sum = 0.0
        self._count = 0
        self._ram_w = 0.0
        self._ram_at = 0.0
        self._last = time.perf_counter()
        if ram_model is not None:
            self._refresh_ram(self._last)

    def _refresh_ram(self, now: float) -> None:
        self._ram_w = float(self._ram_model.total_power().W)
        self._ram_at = now

    def sample(self) -> None:
        """Sample the CPU load between readings (codecarbon's CPU-load model only)."""
        if self._cpu_load_model is not None:
            self._cpu_load_model.monitor_power()

    def measure(self) -> tuple[float | None, float | None, float | None, float | None]:
        """Add the energy since the previous reading; return the cumulative CPU and RAM energy [kWh]
        and the mean CPU and RAM power over the readings since the start [W] (as codecarbon reports
        them: ``EmissionsData.cpu_power``, ``ram_power``); None for a part codecarbon has no object for.
        Exceptions of codecarbon's objects propagate.
        """
        now = time.perf_counter()
        duration_s = now - self._last
        self._last = now
        cpu_w = 0.0
        for item in self._cpus:
            power, energy = item.measure_power_and_energy(last_duration=duration_s)
            self._cpu_kwh += energy.kWh
            cpu_w += power.W
        ram_w = 0.0
        if self._ram_model is not None:
            if now - self._ram_at >= RAM_REFRESH_S:
                self._refresh_ram(now)
            ram_w = self._ram_w
            self._ram_kwh += ram_w * duration_s / J_PER_KWH
        for item in self._rams:
            power, energy = item.measure_power_and_energy(last_duration=duration_s)
            self._ram_kwh += energy.kWh
            ram_w += power.W
        self._count += 1
        self._cpu_w_sum += cpu_w
        self._ram_w_sum += ram_w
        cpu = self._cpu_kwh if self._cpus else None
        ram = self._ram_kwh if self._rams or self._ram_model is not None else None
        return (
            cpu,
            ram,
            self._cpu_w_sum / self._count if cpu is not None else None,
            self._ram_w_sum / self._count if ram is not None else None,
        )


def attach(tracker: Any) -> DrivenHardware | None:
    """Stop a started codecarbon tracker's timer threads and read its CPU/RAM objects directly.

    Parameters
    ----------
    tracker : codecarbon EmissionsTracker
        Started (``start()`` returned with ``_start_time`` set).

    Returns
    -------
    DrivenHardware or None
        None (nothing changed: codecarbon's own threads keep running and ``flush()`` is used) when the
        tracker is not one this module knows.
    """
    hardware = getattr(tracker, "_hardware", None)
    schedulers: list[Any] = [getattr(tracker, n, None) for n in ("_scheduler", "_scheduler_monitor_power")]
    if not isinstance(hardware, list) or any(not hasattr(s, "stop") for s in schedulers):
        return None
    cpus: list[Any] = []
    rams: list[Any] = []
    ram_model: Any = None
    cpu_load_model: Any = None
    for item in hardware:
        part = _part(item)
        if part is None or (part != "skip" and not hasattr(item, "measure_power_and_energy")):
            return None
        if part == "cpu":
            cpus.append(item)
            if getattr(item, "_mode", None) == "cpu_load" and hasattr(item, "monitor_power"):
                cpu_load_model = item if cpu_load_model is None else cpu_load_model
        elif part == "ram":
            machine = getattr(item, "_tracking_mode", None) == "machine" and hasattr(item, "total_power")
            if type(item).__name__ == "RAM" and machine and ram_model is None:
                ram_model = item
            else:
                rams.append(item)
    for scheduler in schedulers:
        scheduler.stop()
    return DrivenHardware(cpus, rams, ram_model, cpu_load_model)
