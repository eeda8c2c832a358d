"""Per-GPU energy accounting: counter deltas, power integration, resets, errors, lost GPUs.

A manual clock drives both the fake GPU and the meter, so the true energy is known exactly.
"""

from __future__ import annotations

import pynvml
import pytest
from fake_nvml import ARCH_PASCAL, FakeGpu, FakeNvml

from fmfootprint.measure.gpu import METHOD_COUNTER, METHOD_POWER, METHOD_UNAVAILABLE, GpuMeter
from fmfootprint.measure.nvml import Nvml


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _meter(gpu: FakeGpu) -> GpuMeter:
    nvml = Nvml(FakeNvml([gpu]))
    return GpuMeter(nvml, gpu, nvml.device(gpu, 0))


def _run(meter: GpuMeter, clock: Clock, steps: int, dt: float = 1.0) -> list[dict]:
    records = []
    for _ in range(steps):
        clock.now += dt
        records.append(meter.sample(clock.now, clock.now - 100.0))
    return records


def test_counter_energy_is_the_counter_difference() -> None:
    clock = Clock()
    gpu = FakeGpu(uuid="GPU-a", power_w=250.0, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    records = _run(meter, clock, 10)
    assert meter.method == METHOD_COUNTER
    assert meter.energy_j == pytest.approx(250.0 * 10, rel=1e-9)  # 250 W for 10 s
    assert all(r["status"] == "ok" and r["method"] == "energy_counter" for r in records)
    assert records[-1]["power_w"] == pytest.approx(250.0)


def test_gpu_without_counter_integrates_power() -> None:
    clock = Clock()
    # Power ramps linearly 100 → 300 W over 10 s: the trapezoid rule is exact, E = 2000 J.
    gpu = FakeGpu(uuid="GPU-p", arch=ARCH_PASCAL, power_w=lambda t: 100.0 + 20.0 * t, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    records = _run(meter, clock, 10)
    assert meter.method == METHOD_POWER
    assert records[-1]["method"] == "power_integration"
    assert meter.energy_j == pytest.approx(2000.0, rel=1e-6)


def test_counter_reset_counts_energy_since_reset() -> None:
    clock = Clock()
    gpu = FakeGpu(uuid="GPU-r", power_w=100.0, counter_start_mj=10**9, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    _run(meter, clock, 3)  # 300 J
    clock.now += 0.5
    gpu.reset_counter()  # driver reload half-way through the next interval
    records = _run(meter, clock, 1, dt=0.5) + _run(meter, clock, 2)
    assert records[0]["status"] == "reset"
    assert meter.flags.resets == 1
    # 300 J before, the 50 J between the last read and the reload are lost, 50 + 200 J after it
    assert meter.energy_j == pytest.approx(300.0 + 50.0 + 200.0, rel=1e-9)
    assert meter.summary()["resets"] == 1


def test_transient_error_is_flagged_and_the_counter_catches_up() -> None:
    clock = Clock()
    gpu = FakeGpu(uuid="GPU-e", power_w=200.0, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    _run(meter, clock, 2)
    gpu.fail_calls, gpu.fail_code = 1, pynvml.NVML_ERROR_TIMEOUT
    failed = _run(meter, clock, 1)[0]
    assert failed["status"] == "error"
    assert failed["delta_j"] is None  # not a zero: unknown for this interval
    _run(meter, clock, 2)
    assert meter.energy_j == pytest.approx(200.0 * 5, rel=1e-9)  # nothing lost
    assert meter.summary()["errors"] == 1


def test_integration_bridges_a_gap_and_counts_it() -> None:
    clock = Clock()
    gpu = FakeGpu(uuid="GPU-g", arch=ARCH_PASCAL, power_w=150.0, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    _run(meter, clock, 2)
    gpu.fail_calls = 2
    assert [r["status"] for r in _run(meter, clock, 2)] == ["error", "error"]
    _run(meter, clock, 1)
    assert meter.energy_j == pytest.approx(150.0 * 5, rel=1e-9)
    assert meter.flags.gap_s == pytest.approx(3.0)


def test_lost_gpu_is_frozen_and_flagged() -> None:
    clock = Clock()
    gpu = FakeGpu(uuid="GPU-l", power_w=300.0, clock=clock)
    meter = _meter(gpu)
    meter.start(clock.now)
    _run(meter, clock, 3)
    gpu.lost = True
    records = _run(meter, clock, 3)
    assert [r["status"] for r in records] == ["lost"] * 3
    assert meter.energy_j == pytest.approx(900.0, rel=1e-9)
    summary = meter.summary()
    assert summary["lost_at_s"] == pytest.approx(4.0)
    assert any("lost" in note for note in summary["notes"])


def test_no_counter_and_no_power_is_unavailable_not_zero() -> None:
    clock = Clock()
    gpu = FakeGpu(
        uuid="GPU-n",
        arch=ARCH_PASCAL,
        clock=clock,
        fail_calls=10**6,
        fail_code=pynvml.NVML_ERROR_NOT_SUPPORTED,
    )
    meter = _meter(gpu)
    meter.start(clock.now)
    records = _run(meter, clock, 2)
    assert meter.method == METHOD_UNAVAILABLE
    assert [r["status"] for r in records] == ["unavailable"] * 2
    assert meter.summary()["notes"]
