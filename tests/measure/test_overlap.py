"""Two trackers on one host at once: merging counts the host's CPU/RAM once for the overlap, and says so."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.cli.main import main
from fmfootprint.measure import Tracker
from fmfootprint.measure.merge import merge_runs


def _tracker(out: Path, registry: Path) -> Tracker:
    registry.mkdir(exist_ok=True)  # the shared folder both trackers register in
    return Tracker(out, interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), registry=registry, **SITE)


def test_merge_counts_the_shared_host_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "registry"
    first, second = _tracker(tmp_path / "a", registry), _tracker(tmp_path / "b", registry)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each says once that the other meters this host too
        first.start()
        time.sleep(0.3)
        second.start()
        time.sleep(0.4)
        b = second.stop()
        time.sleep(0.2)
        a = first.stop()
    (neighbour,) = b.hosts[0]["neighbours"]
    assert neighbour["host_counted_by"] == a.sessions[0]  # the one that started first keeps it
    overlap_s = neighbour["overlap_end_unix"] - neighbour["overlap_start_unix"]
    assert 0 < overlap_s <= b.duration_s + 0.5

    merged = merge_runs([tmp_path / "a", tmp_path / "b"])
    keep = 1.0 - min(1.0, overlap_s / b.duration_s)
    assert merged.cpu_energy_kwh == pytest.approx(a.cpu_energy_kwh + b.cpu_energy_kwh * keep, rel=1e-9)
    assert merged.ram_energy_kwh == pytest.approx(a.ram_energy_kwh + b.ram_energy_kwh * keep, rel=1e-9)
    assert merged.gpu_energy_kwh == pytest.approx(a.gpu_energy_kwh + b.gpu_energy_kwh, rel=1e-12)  # untouched
    removed = (b.cpu_energy_kwh + b.ram_energy_kwh) * (1 - keep)
    assert merged.energy_it_kwh == pytest.approx(a.energy_it_kwh + b.energy_it_kwh - removed, rel=1e-9)
    assert merged.energy_kwh == pytest.approx(merged.energy_it_kwh * SITE["pue"], rel=1e-9)
    assert merged.co2e_operational_kg == pytest.approx(
        merged.energy_kwh * SITE["grid_intensity_g_per_kwh"] / 1000, rel=1e-9
    )
    (said,) = [f for f in merged.flags if "counted once" in f]
    assert a.sessions[0] in said
    # Each one alone is untouched: the other's energy is not in it.
    assert merge_runs([tmp_path / "b"]).cpu_energy_kwh == b.cpu_energy_kwh
    assert main(["merge", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert "CPU/RAM energy counted once for" in capsys.readouterr().out


def test_sessions_that_did_not_overlap_are_not_changed(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _tracker(tmp_path / "a", registry) as first:
            time.sleep(0.2)
        with _tracker(tmp_path / "b", registry) as second:
            time.sleep(0.2)
    assert second.summary.hosts[0].get("neighbours", []) == []
    merged = merge_runs([tmp_path / "a", tmp_path / "b"])
    assert merged.cpu_energy_kwh == pytest.approx(
        first.summary.cpu_energy_kwh + second.summary.cpu_energy_kwh, rel=1e-12
    )
    assert not [f for f in merged.flags if "counted once" in f]
