"""The Tracker with a fake NVML and a fake host meter: lifecycle, summaries, failures, ranks, devices."""

from __future__ import annotations

import itertools
import json
import sys
import time
import warnings
from pathlib import Path

import pytest
from fake_nvml import ARCH_PASCAL, FakeGpu, FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.convert import convert
from fmfootprint.measure import RunSummary, Tracker, TrackerWarning, load_run, read_samples, summarize

REQUIRED_KEYS = {
    "duration_s", "energy_it_kwh", "energy_kwh", "gpu_energy_kwh", "cpu_energy_kwh", "ram_energy_kwh",
    "co2e_kg", "water_l", "region", "grid_intensity_g_per_kwh", "gpu_energy_method", "exit_code", "stage",
    "pue", "gpu_hours", "gpus", "hosts", "ranks", "flags",
}  # fmt: skip


def _tracker(tmp_path: Path, fake: FakeNvml, host: object | None = None, **kwargs: object) -> Tracker:
    options = {"interval_s": 0.1, **SITE, **kwargs}
    return Tracker(tmp_path, nvml=fake, host=host or FakeHost(), **options)  # type: ignore[arg-type]


def _wait_for_samples(tracker: Tracker, n: int, timeout_s: float = 10.0) -> None:
    """Wait until the sampling thread has logged ``n`` samples (robust to a loaded CI machine)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if tracker.log_path.read_text().count('"type": "sample"') >= n:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} samples after {timeout_s} s")


def _counted_j(gpu: FakeGpu) -> float:
    # served[0] is the capability probe, served[1] the tracker's baseline, served[-1] its last read
    return (gpu.served[-1] - gpu.served[1]) / 1000.0


def test_context_manager_writes_log_and_summary(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    with _tracker(tmp_path, fake_nvml) as tracker:
        _wait_for_samples(tracker, 3)
    summary = tracker.summary
    assert isinstance(summary, RunSummary)
    data = json.loads(tracker.summary_path.read_text())
    assert set(data) >= REQUIRED_KEYS
    assert data == summary.to_dict()
    assert summary.exit_code == 0
    assert summary.complete
    assert summary.gpu_energy_method == "energy_counter"
    assert summary.n_gpus == 2
    # GPU energy is exactly what the counters advanced between baseline and last read
    assert summary.gpu_energy_kwh == pytest.approx(
        sum(_counted_j(g) for g in fake_nvml.gpus) / 3.6e6, rel=1e-12
    )
    # CPU/RAM: the fake host's constant 50 + 10 W over the run
    # (the host meter starts a moment before the GPUs' baseline, so it covers slightly more time)
    assert 50 * summary.duration_s / 3.6e6 <= summary.cpu_energy_kwh <= 50 * (summary.duration_s + 1) / 3.6e6
    assert summary.energy_it_kwh == pytest.approx(
        summary.gpu_energy_kwh + summary.cpu_energy_kwh + summary.ram_energy_kwh, rel=1e-12
    )
    # energy becomes carbon and water only through footprint.convert
    expected = convert(
        summary.energy_it_kwh, pue=1.2, grid_intensity_g_per_kwh=100.0, wue_l_per_kwh=0.5, ewif_l_per_kwh=2.0
    )
    assert summary.energy_kwh == pytest.approx(expected.energy_kwh)
    assert summary.co2e_operational_kg == pytest.approx(expected.co2e_operational_kg)
    assert summary.water_l == pytest.approx(expected.water_l)
    assert summary.gpu_hours == pytest.approx(2 * summary.duration_s / 3600)
    # one record per interval, each with cumulative totals and the schema version
    records = [json.loads(line) for line in tracker.log_path.read_text().splitlines()]
    samples = [r for r in records if r["type"] == "sample"]
    assert records[0]["type"] == "start"
    assert records[-1]["type"] == "stop"
    assert len(samples) >= 4  # three periodic samples, then the final one
    assert all(r["schema"] == 1 for r in records)
    assert [s["seq"] for s in samples] == list(range(1, len(samples) + 1))
    assert all(a["gpu_energy_kwh"] <= b["gpu_energy_kwh"] for a, b in itertools.pairwise(samples))


def test_summarize_rebuilds_the_same_summary(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    with _tracker(tmp_path, fake_nvml) as tracker:
        time.sleep(0.25)
    assert summarize(tmp_path).to_dict() == tracker.summary.to_dict()
    assert load_run(tmp_path).to_dict() == tracker.summary.to_dict()


def test_exception_inside_with_still_writes_summary(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    tracker = _tracker(tmp_path, fake_nvml)

    def train() -> None:
        with tracker:
            time.sleep(0.15)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        train()
    assert tracker.summary_path.exists()
    assert tracker.summary.exit_code == 1
    assert not tracker.running


@pytest.mark.parametrize(("code", "expected"), [(3, 3), (None, 0), ("fatal", 1)])
def test_sys_exit_inside_with_records_its_code(
    tmp_path: Path, fake_nvml: FakeNvml, code: object, expected: int
) -> None:
    tracker = _tracker(tmp_path, fake_nvml)
    with pytest.raises(SystemExit), tracker:
        sys.exit(code)
    assert json.loads(tracker.summary_path.read_text())["exit_code"] == expected


def test_decorator_and_start_stop(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    tracker = _tracker(tmp_path, fake_nvml)

    @tracker
    def train(x: int) -> int:
        time.sleep(0.12)
        return 2 * x

    assert train(21) == 42
    assert tracker.summary is not None
    assert tracker.summary.exit_code == 0
    tracker.start()
    with pytest.raises(FootprintInputError, match="already running"):
        tracker.start()
    assert tracker.stop(exit_code=5).exit_code == 5
    assert len(list(tmp_path.glob("*.summary.json"))) == 2  # two sessions, two summaries


def test_no_gpu_measures_cpu_ram_and_warns_once(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _tracker(tmp_path, FakeNvml(library_missing=True)) as tracker:
            time.sleep(0.25)
    ours = [w for w in caught if issubclass(w.category, TrackerWarning)]
    assert len(ours) == 1
    assert "no NVIDIA GPU" in str(ours[0].message)
    summary = tracker.summary
    assert summary.n_gpus == 0
    assert summary.gpu_energy_method == "none"
    assert summary.gpu_energy_kwh is None  # NVML did not come up: unknown, never 0
    assert len(summary.unmeasured) == 1
    assert "GPU energy" in summary.unmeasured[0]
    assert summary.cpu_energy_kwh > 0
    assert summary.ram_energy_kwh > 0


def test_gpu_without_counter_is_integrated(tmp_path: Path) -> None:
    fake = FakeNvml([FakeGpu(uuid="GPU-pascal", name="Tesla P100", arch=ARCH_PASCAL, power_w=180.0)])
    with _tracker(tmp_path, fake) as tracker:
        time.sleep(0.3)
    summary = tracker.summary
    assert summary.gpu_energy_method == "power_integration"
    assert summary.gpus[0]["method"] == "power_integration"
    assert summary.gpu_energy_kwh == pytest.approx(180.0 * summary.duration_s / 3.6e6, rel=1e-6)
    assert summary.gpu_energy_kwh > 0


def test_mixed_methods_and_lost_gpu(tmp_path: Path) -> None:
    fake = FakeNvml([FakeGpu(uuid="GPU-new"), FakeGpu(uuid="GPU-old", arch=ARCH_PASCAL)])
    with _tracker(tmp_path, fake) as tracker:
        _wait_for_samples(tracker, 2)
        fake.gpus[0].lost = True
        time.sleep(0.25)
    summary = tracker.summary
    assert summary.gpu_energy_method == "mixed"
    assert summary.gpus[0]["lost_at_s"] is not None
    assert any("lost" in flag for flag in summary.flags)
    assert summary.gpus[0]["energy_kwh"] > 0  # what was measured before the loss is kept


def test_host_failure_is_unavailable_not_zero(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    with (
        pytest.warns(TrackerWarning, match="CPU/RAM"),
        _tracker(tmp_path, fake_nvml, FakeHost(fail=True)) as tracker,
    ):
        time.sleep(0.15)
    summary = tracker.summary
    assert summary.cpu_energy_kwh is None
    assert summary.ram_energy_kwh is None
    assert summary.energy_it_kwh == pytest.approx(summary.gpu_energy_kwh)
    assert any("CPU/RAM energy unavailable" in flag for flag in summary.flags)
    assert json.loads(tracker.summary_path.read_text())["cpu_energy_kwh"] is None


def test_unwritable_directory_warns_once_and_run_continues(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _tracker(blocker / "runs", fake_nvml) as tracker:
            time.sleep(0.25)
    ours = [w for w in caught if issubclass(w.category, TrackerWarning)]
    assert len(ours) == 1  # one warning, not one per interval or per file
    assert tracker.summary is not None
    assert tracker.summary.gpu_energy_kwh > 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_warns_once() -> None:
    from fmfootprint.measure.log import LogWriter

    writer = LogWriter(Path("/dev/full"))
    with pytest.warns(TrackerWarning, match="cannot write"):
        assert writer.write({"type": "sample"}) is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert writer.write({"type": "sample"}) is False  # silent after the first


def test_only_local_rank_zero_measures(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    tracker = _tracker(tmp_path, fake_nvml, environ={"LOCAL_RANK": "1", "RANK": "5"})
    with tracker:
        time.sleep(0.12)
    assert not tracker.measuring
    assert tracker.summary is None
    assert list(tmp_path.iterdir()) == []
    assert fake_nvml.init_calls == 0


def test_cuda_visible_devices_selects_gpus_by_uuid(tmp_path: Path) -> None:
    fake = FakeNvml(gpus(4), mig={"MIG-aaaa": gpus(4)[3].uuid})
    environ = {"CUDA_VISIBLE_DEVICES": f"{fake.gpus[2].uuid},MIG-aaaa"}
    with _tracker(tmp_path, fake, environ=environ) as tracker:
        time.sleep(0.15)
    summary = tracker.summary
    assert [g["uuid"] for g in summary.gpus] == [fake.gpus[2].uuid, fake.gpus[3].uuid]
    assert summary.gpus[1]["mig_requested"] is True
    assert any("MIG" in flag for flag in summary.flags)
    assert not fake.gpus[0].served
    assert not fake.gpus[1].served


@pytest.mark.parametrize("interval", [0, -1, 0.05, float("nan"), "fast", 3600.5, 1e10, float("inf")])
def test_bad_interval_is_rejected(tmp_path: Path, interval: object) -> None:
    with pytest.raises(FootprintInputError, match="interval_s"):
        Tracker(tmp_path, interval_s=interval, **SITE)  # type: ignore[arg-type]


def test_bad_region_and_stage_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="unknown region 'Frnce'; did you mean"):
        Tracker(tmp_path, region="Frnce")
    with pytest.raises(UnknownNameError, match="unknown stage"):
        Tracker(tmp_path, stage="training", **SITE)
    assert Tracker(tmp_path, stage="experiment", **SITE).stage == "experiments"


def test_region_factors_come_from_the_catalog(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    from fmfootprint.catalog.grid import get_region, grid_defaults

    with Tracker(tmp_path, region="FR", interval_s=0.1, nvml=fake_nvml, host=FakeHost()) as tracker:
        time.sleep(0.15)
    summary = tracker.summary
    region, defaults = get_region("FR"), grid_defaults()
    assert summary.region == "FR"
    assert summary.grid_intensity_g_per_kwh == region.intensity_g_per_kwh
    assert summary.pue == (region.pue or defaults.pue)
    assert summary.co2e_operational_kg == pytest.approx(
        summary.energy_kwh * region.intensity_g_per_kwh / 1000
    )


def test_read_samples_is_a_long_table(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    with _tracker(tmp_path, fake_nvml):
        time.sleep(0.25)
    frame = read_samples(tmp_path)
    assert set(frame["device"]) == {"GPU 0", "GPU 1", "CPU", "RAM"}
    gpu0 = frame[frame["device"] == "GPU 0"]
    assert gpu0["energy_kwh"].is_monotonic_increasing
    assert (gpu0["power_w"] > 0).all()
    assert str(frame["time"].dt.tz) == "UTC"


def test_partial_gpu_view_in_a_distributed_job_warns(tmp_path: Path) -> None:
    fake = FakeNvml(gpus(4))
    environ = {"CUDA_VISIBLE_DEVICES": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "4"}  # per-rank GPU binding
    with (
        pytest.warns(TrackerWarning, match="1 of 4 GPUs"),
        _tracker(tmp_path, fake, environ=environ) as tracker,
    ):
        time.sleep(0.12)
    assert tracker.summary.n_gpus == 1
    with _tracker(tmp_path, FakeNvml(gpus(4)), environ=environ, gpus="all") as tracker:
        time.sleep(0.12)
    assert tracker.summary.n_gpus == 4


def test_host_failing_mid_run_keeps_last_reading_and_flags_it(tmp_path: Path, fake_nvml: FakeNvml) -> None:
    with _tracker(tmp_path, fake_nvml, FakeHost(fail_after=2)) as tracker:
        _wait_for_samples(tracker, 4)
    summary = tracker.summary
    assert summary.cpu_energy_kwh > 0  # the energy measured before the failure is kept
    assert any("may be incomplete" in flag for flag in summary.flags)


class _BrokenHost(FakeHost):
    def read(self):
        raise RuntimeError("host meter bug")


def test_unexpected_sampler_error_is_recorded_once_and_sampling_goes_on(
    tmp_path: Path, fake_nvml: FakeNvml
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _tracker(tmp_path, fake_nvml, _BrokenHost()) as tracker:
            time.sleep(0.35)
    messages = [str(w.message) for w in caught if issubclass(w.category, TrackerWarning)]
    assert sum("sampling error" in m for m in messages) == 1  # once, not every interval
    summary = tracker.summary
    assert any("host meter bug" in flag for flag in summary.flags)
    assert summary.gpu_energy_kwh > 0  # the GPU records were still written
    assert summary.cpu_energy_kwh is None  # and CPU/RAM is unavailable, not zero
    assert tracker.summary_path.exists()
