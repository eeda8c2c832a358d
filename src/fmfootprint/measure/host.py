"""CPU and RAM energy through codecarbon's ``OfflineEmissionsTracker``, isolated and quiet.

How it is used
--------------
- **Offline only.** ``OfflineEmissionsTracker(country_iso_code=<region's ISO alpha-3>)`` reads packaged
  tables and makes no HTTP call (the online tracker geolocates over the network and silently falls back
  to Canada when offline). Carbon is not taken from codecarbon: its grid intensity is forced to ours and
  its emissions are ignored; fmfootprint converts energy with :func:`fmfootprint.footprint.convert.convert`.
- **No files.** ``output_methods=[]`` plus one in-memory :class:`_Latest` output handler; the
  ``allow_multiple_runs=True`` default avoids codecarbon's lock file and its SIGINT/SIGTERM handlers.
- **Isolated configuration.** codecarbon layers ``~/.codecarbon.config``, ``./.codecarbon.config`` and
  ``CODECARBON_*`` variables under the keyword arguments. Every behaviour-changing keyword is passed
  explicitly, and the subclass below also empties the external configuration before each look-up, so a
  user's codecarbon settings (an API endpoint, CSV output, another PUE) cannot leak into a measurement.
- **GPUs** are metered by :mod:`fmfootprint.measure.gpu`, never by codecarbon (``gpu_ids=[]``), and
  codecarbon's ``gpu_energy`` is ignored.
- **Sampling.** codecarbon's own measurement scheduler is parked (``measure_power_secs`` of a day).
  With codecarbon 3.x's hardware objects, :func:`fmfootprint.measure.ccdrive.attach` also stops its 1 s
  monitor thread, and the tracker's sampling thread reads codecarbon's CPU and RAM objects itself
  (``measure_power_and_energy``, codecarbon's own per-object call) once per interval, plus a CPU-load
  sample every second between readings where codecarbon's TDP x load model needs one
  (:attr:`CodecarbonHost.sample_period_s`): no timer threads, no ``EmissionsData`` built per reading.
  ``info()["codecarbon_driver"]`` is ``"tracker"``. Otherwise (another codecarbon) the tracker calls the
  public ``flush()`` once per interval, which measures and hands the cumulative ``EmissionsData``
  (``cpu_energy``, ``ram_energy`` [kWh]) to the in-memory handler (``codecarbon_driver``: ``"flush"``).
- **Failures.** codecarbon wraps ``__init__``/``start``/``flush``/``stop`` in ``@suppress(Exception)``
  and returns ``None``. A missing reading is recorded as *unavailable* (``None``), never as zero.
- **How each part was obtained.** At start, the CPU and RAM objects codecarbon chose are read
  (:func:`fmfootprint.measure.hostmethods.codecarbon_methods`): RAPL or another counter (measured), or
  codecarbon's TDP-based CPU model or its per-DIMM RAM model (modelled); :meth:`CodecarbonHost.info`
  records ``cpu_method``, ``ram_method`` and the figures their ranges need.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["CodecarbonHost", "HostMeter", "HostReading"]

_PARKED_SCHEDULER_S = 86_400.0


@dataclass(frozen=True)
class HostReading:
    """Cumulative CPU and RAM energy since start [kWh]; None = not available (never a stand-in zero)."""

    cpu_energy_kwh: float | None
    ram_energy_kwh: float | None
    cpu_power_w: float | None = None
    ram_power_w: float | None = None


class HostMeter(Protocol):
    """What the tracker needs from a CPU/RAM meter (codecarbon in production, a fake in tests)."""

    method: str
    error: str | None

    def start(self) -> None: ...

    def read(self) -> HostReading: ...

    def stop(self) -> HostReading: ...

    def info(self) -> dict[str, Any]: ...


_UNAVAILABLE = HostReading(None, None)


class CodecarbonHost:
    """CPU and RAM energy from codecarbon's offline tracker.

    Parameters
    ----------
    country_alpha3 : str or None
        ISO 3166-1 alpha-3 code of the site's country (for codecarbon's metadata only).
    grid_intensity_g_per_kwh : float
        Forced into codecarbon so it never looks a grid up [gCO2e/kWh]; its emissions are not used.
    """

    method = "codecarbon"

    def __init__(self, country_alpha3: str | None, grid_intensity_g_per_kwh: float) -> None:
        self.country_alpha3 = country_alpha3
        self.grid_intensity_g_per_kwh = grid_intensity_g_per_kwh
        self.error: str | None = None
        self._tracker: Any = None
        self._handler: Any = None
        self._lock = threading.Lock()
        self._last = _UNAVAILABLE
        self._methods: dict[str, Any] = {}
        self._detected: dict[str, Any] = {}
        self._driven: Any = None  # a ccdrive.DrivenHardware, or None: codecarbon's flush() path
        self._driver: str | None = None

    def start(self) -> None:
        try:
            from codecarbon import OfflineEmissionsTracker
            from codecarbon.output_methods.base_output import BaseOutput
        except Exception as exc:  # missing, or broken at import (anything may be raised): not measured
            self.error = f"codecarbon not importable: {type(exc).__name__}: {exc}"
            return
        handler = _make_handler(BaseOutput)
        tracker_cls = _isolated(OfflineEmissionsTracker)
        # codecarbon logs INFO while it initialises even with log_level="error"; quieten its logger first.
        logging.getLogger("codecarbon").setLevel(logging.ERROR)
        tracker = tracker_cls(
            country_iso_code=self.country_alpha3,
            region=None,
            cloud_provider=None,
            cloud_region=None,
            project_name="fmfootprint",
            experiment_name="fmfootprint",
            measure_power_secs=_PARKED_SCHEDULER_S,
            api_call_interval=-1,
            output_methods=[],
            output_handlers=[handler],
            emissions_endpoint=None,
            electricitymaps_api_token=None,
            gpu_ids=[],
            tracking_mode="machine",
            log_level="error",
            pue=1.0,
            wue=0.0,
            force_carbon_intensity_g_co2e_kwh=self.grid_intensity_g_per_kwh,
            force_cpu_power=None,
            force_ram_power=None,
            force_mode_cpu_load=False,
            allow_multiple_runs=True,
            metadata=None,
        )
        if not hasattr(tracker, "_scheduler_monitor_power"):
            self.error = "codecarbon tracker failed to initialise"
            return
        tracker.start()
        if getattr(tracker, "_start_time", None) is None:
            self.error = "codecarbon tracker failed to start"
            return
        self._tracker, self._handler = tracker, handler
        from fmfootprint.measure.ccdrive import attach
        from fmfootprint.measure.hostmethods import codecarbon_methods

        self._methods = codecarbon_methods(getattr(tracker, "_hardware", None))
        self._detected = dict(tracker.get_detected_hardware())  # codecarbon's public hardware summary
        self._driven = attach(tracker)  # None: keep codecarbon's threads and its flush()
        self._driver = "tracker" if self._driven is not None else "flush"
        # A first reading now: on the flush() path it imports codecarbon's emissions engine (≈0.2 s).
        self.read()

    @property
    def sample_period_s(self) -> float | None:
        """How often the CPU load must be sampled between readings [s] (:meth:`sample`); None: never."""
        return self._driven.sample_period_s if self._driven is not None else None

    def sample(self) -> None:
        """Sample the CPU load between readings (codecarbon's TDP x load model; see ``sample_period_s``)."""
        if self._driven is None:
            return
        with self._lock:
            try:
                self._driven.sample()
            except Exception as exc:  # codecarbon's objects may raise anything; the reading goes on
                self.error = self.error or f"codecarbon CPU-load sample failed: {type(exc).__name__}: {exc}"

    def read(self) -> HostReading:
        """Measure now (codecarbon ``flush()``) and return the cumulative energy."""
        if self._tracker is None:
            return _UNAVAILABLE
        if self._driven is not None:
            return self._measure()
        with self._lock:
            result = self._tracker.flush()
            latest = self._handler.latest
        if result is None or latest is None:
            self.error = self.error or "codecarbon flush() returned nothing"
            return self._last
        self._last = _reading(latest)
        return self._last

    def _measure(self) -> HostReading:
        with self._lock:
            try:
                values = self._driven.measure()
            except Exception as exc:  # codecarbon's objects may raise anything: keep the last good reading
                self.error = self.error or f"codecarbon measurement failed: {type(exc).__name__}: {exc}"
                return self._last
        self._last = HostReading(*values)
        return self._last

    def stop(self) -> HostReading:
        if self._tracker is None:
            return _UNAVAILABLE
        if self._driven is not None:  # codecarbon's timers are stopped already; nothing else to release
            final = self._measure()
            self._tracker = self._driven = None
            return final
        with self._lock:
            result = self._tracker.stop()
            data = getattr(self._tracker, "final_emissions_data", None)
            self._tracker = None
        if result is None or data is None:
            self.error = self.error or "codecarbon stop() returned nothing"
            return self._last
        self._last = _reading(data)
        return self._last

    def info(self) -> dict[str, Any]:
        detected = self._detected
        return {
            "method": self.method,
            "error": self.error,
            "cpu_model": detected.get("cpu_model"),
            "cpu_count": detected.get("cpu_count"),
            "ram_total_size_gb": detected.get("ram_total_size"),
            "tracking_mode": "machine" if detected else None,  # what start() passes to codecarbon
            "codecarbon_driver": self._driver,
            **self._methods,
        }


def _reading(data: Any) -> HostReading:
    def number(name: str) -> float | None:
        value = getattr(data, name, None)
        return None if value is None else float(value)

    return HostReading(number("cpu_energy"), number("ram_energy"), number("cpu_power"), number("ram_power"))


def _make_handler(base: type) -> Any:
    # The base is codecarbon's handler class, passed at run time: Any to mypy (codecarbon is untyped).
    class _Latest(base):  # type: ignore[misc]
        """Keeps the latest cumulative EmissionsData in memory; writes nothing."""

        def __init__(self) -> None:
            self.latest: Any = None

        def out(self, total: Any, delta: Any) -> None:
            self.latest = total

        def live_out(self, total: Any, delta: Any) -> None:
            self.latest = total

    return _Latest()


def _isolated(tracker_cls: type) -> type:
    # The base is codecarbon's OfflineEmissionsTracker, passed at run time: Any to mypy (untyped package).
    class _IsolatedOfflineTracker(tracker_cls):  # type: ignore[misc]
        """codecarbon's offline tracker with its config files and CODECARBON_* variables ignored.

        codecarbon reads the external configuration into ``_external_conf`` and consults it in
        ``_set_from_conf`` for every keyword not passed (codecarbon 3.x, ``emissions_tracker.py``).
        """

        def _set_from_conf(self, var: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            self._external_conf: dict[str, Any] = {}
            return super()._set_from_conf(var, name, *args, **kwargs)

    return _IsolatedOfflineTracker
