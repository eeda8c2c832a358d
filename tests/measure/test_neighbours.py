"""Two trackers on one host detect each other and record the overlap in both logs and summaries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.measure.log import read_records
from fmfootprint.measure.neighbours import Neighbours, union_s
from fmfootprint.measure.tracker import Tracker, TrackerWarning


def _tracker(out: Path, registry: Path) -> Tracker:
    return Tracker(out, interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), registry=registry, **SITE)


def _stop_host(tracker: Tracker) -> dict[str, object]:
    assert tracker.log_path is not None
    (stop,) = [r for r in read_records(tracker.log_path) if r["type"] == "stop"]
    return stop["host"]


def test_two_trackers_on_one_host_record_their_overlap(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    first = _tracker(tmp_path / "a", registry).start()
    time.sleep(0.2)
    with pytest.warns(TrackerWarning, match="another fmfootprint tracker") as told:
        second = _tracker(tmp_path / "b", registry).start()
    assert any(first._name in str(w.message) for w in told)
    time.sleep(0.3)
    first.stop()
    time.sleep(0.2)
    second.stop()
    a, b = _stop_host(first), _stop_host(second)
    (seen_by_a,) = a["neighbours"]
    (seen_by_b,) = b["neighbours"]
    assert seen_by_a["session_id"] == second._name
    assert seen_by_b["session_id"] == first._name
    # the same overlap from both sides: from the second's start to the first's end
    for seen in (seen_by_a, seen_by_b):
        assert seen["overlap_start_unix"] == pytest.approx(second._start_unix)
        assert seen["overlap_end_unix"] == pytest.approx(first.summary.end_unix_s, abs=0.05)
        assert seen["host_counted_by"] == first._name  # the earlier one keeps the host's CPU/RAM
        assert seen["overlap_s"] > 0
    assert a["neighbour_overlap_s"] == pytest.approx(b["neighbour_overlap_s"], abs=0.05)
    for tracker in (first, second):
        assert tracker.summary is not None
        assert tracker.summary.hosts[0]["neighbours"]  # the summary carries it too
        assert any("also metered by other trackers" in f for f in tracker.summary.flags)


def test_a_tracker_alone_or_after_another_ended_has_no_neighbours(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrackerWarning)  # no "another tracker" warning
        with _tracker(tmp_path / "a", registry) as first:
            time.sleep(0.15)
        with _tracker(tmp_path / "b", registry) as second:
            time.sleep(0.15)
    for tracker in (first, second):
        assert _stop_host(tracker)["neighbours"] == []
        assert _stop_host(tracker)["neighbour_overlap_s"] == 0
    assert not any("other trackers" in f for f in second.summary.flags)


def test_a_killed_neighbour_ends_at_its_last_sign_of_life(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    now = time.time()
    watch = Neighbours("mine", "host-a", now - 10, folder=registry)
    entry = registry / "host-a.1.killed.json"
    entry.write_text(json.dumps({"session_id": "killed", "pid": int(dead.stdout), "hostname": "host-a",
                                 "start_unix": now - 20, "end_unix": None}))  # fmt: skip
    os.utime(entry, (now - 4, now - 4))  # its last rescan, 4 s ago
    assert watch.register() == []  # not running any more: no warning
    overlaps, total = watch.finish(now)
    (overlap,) = overlaps
    assert overlap["end_unix"] == pytest.approx(now - 4)
    assert overlap["overlap_s"] == pytest.approx(6)  # from our start (now - 10) to its last sign of life
    assert total == pytest.approx(6)
    assert overlap["host_counted_by"] == "killed"  # it started first


def test_other_hosts_and_broken_entries_are_ignored(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "other.json").write_text(json.dumps({"session_id": "x", "pid": os.getpid(),
                                                     "hostname": "elsewhere", "start_unix": 0}))  # fmt: skip
    (registry / "torn.json").write_text('{"session_id": ')
    watch = Neighbours("mine", "host-a", time.time(), folder=registry)
    assert watch.register() == []
    assert watch.finish(time.time()) == ([], 0.0)


def test_union_of_overlaps() -> None:
    assert union_s([]) == 0
    assert union_s([(0, 2), (1, 3), (5, 6)]) == 4
    assert union_s([(5, 6), (0, 1)]) == 2


def test_registry_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMFOOTPRINT_TRACKER_REGISTRY", "off")
    with Tracker(tmp_path, interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), **SITE) as tracker:
        time.sleep(0.15)
    assert "neighbours" not in _stop_host(tracker)
