"""Measurement comes up part by part: sampling begins with the first part ready, a late part's missed
seconds are recorded, and a log cut off while a part is still starting never shows it as 0.

NVML and the CPU/RAM meter are fakes whose start blocks until the test releases it (a slow ``nvmlInit``,
a slow codecarbon import). Order is checked on the log's records, never on wall-clock thresholds.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fake_nvml import FakeHost, FakeNvml, gpus

from fmfootprint.measure import Tracker
from fmfootprint.measure.log import read_records, summarize


class GatedNvml(FakeNvml):
    """``nvmlInit`` waits until ``gate`` is set."""

    def __init__(self, gate: threading.Event, n: int = 1) -> None:
        super().__init__(gpus(n))
        self.gate = gate

    def nvmlInit(self) -> None:
        assert self.gate.wait(60), "test never released NVML"
        super().nvmlInit()


class GatedHost(FakeHost):
    """A CPU/RAM meter whose start waits until ``gate`` is set (a slow codecarbon)."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def start(self) -> None:
        assert self.gate.wait(60), "test never released the host meter"
        super().start()


def _records(tracker: Tracker) -> list[dict[str, Any]]:
    assert tracker.log_path is not None
    return list(read_records(tracker.log_path)) if tracker.log_path.exists() else []


def _wait_until(
    tracker: Tracker, what: str, ok: Callable[[list[dict[str, Any]]], bool]
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while True:
        records = _records(tracker)
        if ok(records):
            return records
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {records}"
        time.sleep(0.02)


def _readies(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["type"] == "ready"]


def _samples(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["type"] == "sample"]


def _killed_copy(tracker: Tracker, into: Path) -> Path:
    """The log as a kill -9 of the tracker would leave it now (no stop record, no summary)."""
    assert tracker.log_path is not None
    into.mkdir()
    shutil.copy(tracker.log_path, into / tracker.log_path.name)
    return into


def test_gpu_sampling_begins_before_a_slow_host_meter(isolated: Path) -> None:
    gate = threading.Event()
    tracker = Tracker(
        isolated / "out", interval_s=0.1, nvml=FakeNvml(gpus(1)), host=GatedHost(gate), registry=False
    )
    tracker.start(wait=False)
    try:
        records = _wait_until(
            tracker, "GPU samples while the host meter starts", lambda rs: len(_samples(rs)) >= 2
        )
        first = _readies(records)[0]
        assert first["pending"] == ["host"]
        assert len(first["gpus"]) == 1
        assert _samples(records)[-1]["gpus"][0]["energy_j"] > 0  # GPU energy logged before the host is up
        assert _samples(records)[-1]["cpu_energy_kwh"] is None  # not a 0
        cut = summarize(_killed_copy(tracker, isolated / "killed"))
        assert cut.gpu_energy_kwh is not None
        assert cut.gpu_energy_kwh > 0
        assert cut.cpu_energy_kwh is None
        assert any("CPU/RAM energy" in part for part in cut.unmeasured)
        gate.set()
        records = _wait_until(tracker, "the host meter", lambda rs: _readies(rs)[-1]["pending"] == [])
    finally:
        gate.set()
        summary = tracker.stop()
    last = _readies(records)[-1]
    assert last["host"]["method"] == "fake"
    assert last["unmeasured_s"]["host"] > 0  # the seconds the host meter missed are recorded
    assert last["unmeasured_s"]["gpu"] < last["unmeasured_s"]["host"]  # NVML came up first
    assert summary is not None
    assert summary.cpu_energy_kwh is not None
    assert summary.cpu_energy_kwh > 0
    assert any("CPU/RAM energy not measured for the first" in flag for flag in summary.flags)


def test_host_sampling_begins_before_a_slow_nvml_and_a_cut_log_never_shows_gpu_0(isolated: Path) -> None:
    gate = threading.Event()
    tracker = Tracker(isolated / "out", interval_s=0.1, nvml=GatedNvml(gate), host=FakeHost(), registry=False)
    tracker.start(wait=False)
    try:
        records = _wait_until(tracker, "host samples while NVML starts", lambda rs: len(_samples(rs)) >= 2)
        first = _readies(records)[0]
        assert first["pending"] == ["gpu"]
        assert first["gpus"] == []
        assert _samples(records)[-1]["cpu_energy_kwh"] > 0
        cut = summarize(_killed_copy(tracker, isolated / "killed"))
        assert cut.gpu_energy_kwh is None  # NVML was still starting: unknown, never 0
        assert any("GPU energy (NVML was still starting)" in part for part in cut.unmeasured)
        assert cut.cpu_energy_kwh is not None
        gate.set()
        records = _wait_until(tracker, "NVML", lambda rs: _readies(rs)[-1]["pending"] == [])
    finally:
        gate.set()
        summary = tracker.stop()
    last = _readies(records)[-1]
    assert len(last["gpus"]) == 1
    assert last["unmeasured_s"]["gpu"] > 0
    assert summary is not None
    assert summary.gpu_energy_kwh is not None
    assert summary.gpu_energy_kwh > 0
    assert any("GPU energy not measured for the first" in flag for flag in summary.flags)


def test_a_part_still_starting_at_stop_is_flagged_with_the_time_it_missed(isolated: Path) -> None:
    gate = threading.Event()  # never released before stop: NVML never comes up during the run
    tracker = Tracker(isolated / "out", interval_s=0.1, nvml=GatedNvml(gate), host=FakeHost(), registry=False)
    tracker.start(wait=False)
    try:
        _wait_until(tracker, "host samples", lambda rs: len(_samples(rs)) >= 1)
        summary = tracker.stop()
    finally:
        gate.set()
    assert summary is not None
    assert summary.gpu_energy_kwh is None
    assert summary.cpu_energy_kwh is not None
    flags = " ".join(summary.flags)
    assert "NVML was still starting when the run ended" in flags  # with the seconds after the start
    assert _readies(_records(tracker))[-1]["pending"] == []
