"""CPU/RAM through the REAL codecarbon: offline, energy > 0, no files of its own, user config ignored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_nvml import FakeNvml, gpus

from fmfootprint.measure import Tracker
from fmfootprint.measure.host import CodecarbonHost


def _busy(seconds: float) -> int:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_real_codecarbon_measures_cpu_and_ram_offline_without_files(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user's codecarbon settings that would write a CSV, call an API or scale energy by a PUE:
    (isolated / "home" / ".codecarbon.config").write_text(
        "[codecarbon]\nsave_to_file = true\noutput_methods = csv\npue = 3.0\nmeasure_power_secs = 0.1\n"
    )
    (isolated / "work" / ".codecarbon.config").write_text("[codecarbon]\nsave_to_api = true\n")
    monkeypatch.setenv("CODECARBON_OUTPUT_METHODS", "csv")
    monkeypatch.setenv("CODECARBON_PUE", "3.0")
    monkeypatch.setenv("CODECARBON_EMISSIONS_ENDPOINT", "http://127.0.0.1:9/nowhere")
    before = _all_files(isolated)
    host = CodecarbonHost("FRA", 56.0)
    host.start()
    assert host.error is None
    tracker = host._tracker  # codecarbon's resolved settings: ours, not the user's
    assert tracker._pue == 1.0
    assert tracker._output_methods == []
    assert tracker._emissions_endpoint is None
    assert tracker._measure_power_secs > 3600
    _busy(1.0)
    first = host.read()
    _busy(0.5)
    final = host.stop()
    assert first.cpu_energy_kwh is not None
    assert first.cpu_energy_kwh > 0
    assert final.cpu_energy_kwh > first.cpu_energy_kwh
    assert final.ram_energy_kwh is not None
    assert final.ram_energy_kwh > 0
    assert host.info()["method"] == "codecarbon"
    assert _all_files(isolated) == before  # no emissions.csv, no lock file, nothing


def test_tracker_with_real_codecarbon_writes_only_its_own_files(isolated: Path) -> None:
    out = isolated / "out"
    with Tracker(out, region="FR", interval_s=0.2, nvml=FakeNvml(gpus(1))) as tracker:
        _busy(0.8)
    summary = tracker.summary
    assert tracker._host.country_alpha3 == "FRA"  # codecarbon is told the region's country
    assert summary.cpu_energy_kwh > 0
    assert summary.ram_energy_kwh > 0
    assert summary.hosts[0]["method"] == "codecarbon"
    assert {p.name for p in _all_files(isolated)} - {".codecarbon.config"} == {
        tracker.log_path.name,
        tracker.summary_path.name,
    }


def test_codecarbon_failure_is_flagged_never_zero(isolated: Path) -> None:
    host = CodecarbonHost("FRA", 56.0)
    host.start()  # takes one warm-up reading
    assert host.info()["codecarbon_driver"] == "tracker"  # codecarbon's meters read from our thread
    warm = host.read()
    cpu = next(item for item in host._tracker._hardware if type(item).__name__ == "CPU")

    def broken(last_duration: float) -> None:
        raise OSError("stand-in: /proc/stat unreadable")

    cpu.measure_power_and_energy = broken  # one of codecarbon's meters fails mid-run
    reading = host.read()
    assert reading == warm  # the last good cumulative value, not a reset to zero
    assert "OSError" in str(host.error)
    assert host.info()["error"] == host.error  # recorded in the stop record, flagged in the summary
    assert host.stop() == warm


def test_codecarbon_flush_failure_is_flagged_never_zero(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another codecarbon whose hardware objects are not known: its own threads and public flush() are used.
    monkeypatch.setattr("fmfootprint.measure.ccdrive.attach", lambda tracker: None)
    host = CodecarbonHost("FRA", 56.0)
    host.start()
    assert host.info()["codecarbon_driver"] == "flush"
    warm = host.read()
    real = host._tracker
    real.flush = lambda: None  # codecarbon swallowed an error: flush() returned None
    reading = host.read()
    assert reading == warm
    assert host.error
    assert host.info()["error"] == host.error
    real_stop, real.stop = real.stop, lambda: None
    assert host.stop() == warm
    real_stop()  # end codecarbon's own threads


def test_never_started_codecarbon_reads_unavailable() -> None:
    host = CodecarbonHost("FRA", 56.0)
    assert host.read().cpu_energy_kwh is None
    assert host.stop().ram_energy_kwh is None
