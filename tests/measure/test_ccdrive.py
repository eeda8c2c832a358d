"""codecarbon's meters read from the tracker's one thread: no codecarbon timer threads, codecarbon's figures.

The real codecarbon (offline) on this machine, against codecarbon's own ``OfflineEmissionsTracker`` run
over the same loop; and the sampling schedule on a simulated clock.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost

from fmfootprint.measure import Tracker
from fmfootprint.measure.ccdrive import CPU_LOAD_SAMPLE_S, attach
from fmfootprint.measure.host import CodecarbonHost
from fmfootprint.measure.sampling import Schedule


def _busy(seconds: float) -> int:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def _timers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()}


def test_driven_codecarbon_runs_no_timer_thread_and_agrees_with_codecarbon(isolated: Path) -> None:
    from codecarbon import OfflineEmissionsTracker

    before = _timers()
    host = CodecarbonHost("FRA", 56.0)
    host.start()
    assert host.error is None
    assert host.info()["codecarbon_driver"] == "tracker"
    time.sleep(0.05)  # a cancelled Timer thread ends at once
    assert _timers() - before == set()  # codecarbon's scheduler and 1 s monitor are stopped
    reference = OfflineEmissionsTracker(
        country_iso_code="FRA", output_methods=[], log_level="error", allow_multiple_runs=True
    )
    reference.start()
    first, t0 = host.read(), time.perf_counter()
    period = host.sample_period_s
    _busy(1.5)
    ours = host.stop()
    seconds = time.perf_counter() - t0
    reference.stop()
    theirs = reference.final_emissions_data
    assert ours.ram_power_w == pytest.approx(theirs.ram_power, rel=1e-9)  # codecarbon's RAM model
    assert ours.ram_energy_kwh - first.ram_energy_kwh == pytest.approx(theirs.ram_energy, rel=0.2)
    cpu_kwh = ours.cpu_energy_kwh - first.cpu_energy_kwh
    assert cpu_kwh > 0
    info = host.info()
    if info["cpu_method"] == "tdp_load_model":  # within the model's own bounds, 0.1-1 x TDP, over the time
        tdp_kwh = info["cpu_tdp_w"] * seconds / 3.6e6
        assert 0.1 * tdp_kwh * 0.9 <= cpu_kwh <= tdp_kwh * 1.1
        assert period == CPU_LOAD_SAMPLE_S  # the load is sampled every second
    assert _timers() - before == set()


def test_unknown_codecarbon_hardware_keeps_codecarbons_own_path() -> None:
    class Stranger:
        def measure_power_and_energy(self, last_duration: float) -> None:
            raise AssertionError("not to be read")

    class Scheduler:
        stopped = False

        def stop(self) -> None:
            self.stopped = True

    class Tracker3x:
        def __init__(self) -> None:
            self._hardware = [Stranger()]
            self._scheduler = Scheduler()
            self._scheduler_monitor_power = Scheduler()

    tracker = Tracker3x()
    assert attach(tracker) is None
    assert not tracker._scheduler.stopped  # left running: codecarbon measures on its own threads
    assert not tracker._scheduler_monitor_power.stopped


def test_schedule_wakes_once_per_interval_without_cpu_load_samples() -> None:
    schedule = Schedule(t0=0.0, interval_s=1.0)
    now, wakes = 0.0, []
    for _ in range(5):
        now += schedule.timeout_s(now, CPU_LOAD_SAMPLE_S)
        wakes.append(now)
        assert schedule.record_due(now)
        schedule.recorded(now)
    assert wakes == [1.0, 2.0, 3.0, 4.0, 5.0]  # one wake per record at 1 s, even with the load sampled


def test_schedule_samples_the_cpu_load_every_second_between_long_intervals() -> None:
    schedule = Schedule(t0=0.0, interval_s=3.0)
    now, events = 0.0, []
    while now < 6.0:
        now += schedule.timeout_s(now, 1.0)
        if schedule.record_due(now):
            schedule.recorded(now)
            events.append(("record", now))
        elif schedule.sample_due(now, 1.0):
            schedule.sampled(now)
            events.append(("sample", now))
    assert events == [("sample", 1.0), ("sample", 2.0), ("record", 3.0), ("sample", 4.0), ("sample", 5.0),
                      ("record", 6.0)]  # fmt: skip


def test_schedule_skips_missed_records_after_a_suspension() -> None:
    schedule = Schedule(t0=0.0, interval_s=1.0)
    schedule.recorded(10.5)  # woke 9.5 s late
    assert schedule.next_record == 11.5
    assert schedule.timeout_s(10.5, None, deadline=10.7) == pytest.approx(0.2)  # a pending part's deadline


class SampledHost(FakeHost):
    """A host meter that, like codecarbon's CPU-load model, wants a sample between readings."""

    sample_period_s = 0.05

    def __init__(self) -> None:
        super().__init__()
        self.samples = 0

    def sample(self) -> None:
        self.samples += 1


def test_tracker_samples_the_host_between_records(isolated: Path) -> None:
    host = SampledHost()
    with Tracker(isolated / "out", interval_s=0.5, nvml=False, host=host, registry=False) as tracker:
        _busy(1.2)
    assert host.samples > 0
    assert tracker.summary is not None
    assert tracker.summary.cpu_energy_kwh is not None
