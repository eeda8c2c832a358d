"""Tracker overhead: a CPU-bound pure-Python loop with no tracker, with fmfootprint's, with codecarbon's.

All variants run in one process, interleaved (a shuffled order in every repetition), so that load from
other processes on the machine hits them alike. The slowdown of a variant is the median over repetitions
of its time divided by the no-tracker time of the same repetition, minus one. Trackers are started before
the timed loop and stopped after it: the figure is the steady-state cost of sampling during training.

A pure-Python loop holds the GIL, the worst case for a sampling thread written in Python.

Also reported: the mean cost of one fmfootprint sample (NVML, codecarbon's CPU/RAM meters read from the
tracker's thread, one JSON line), which bounds its overhead at cost / interval independently of the
machine's noise; codecarbon's own tracker also runs its timer threads (a new one per tick).

Startup case (``--case startup``): how late the user's command starts under ``fmfootprint track`` compared
with running it directly. A one-line Python command writes ``time.time()`` at its first instruction; the
latency is that time minus the moment just before the launching ``Popen`` (the tracker's or the
command's). Direct and tracked runs alternate, and the figures are medians: tracked latency in ms, the
difference, and the ratio. Since the tracker launches the command before NVML and codecarbon load, the
difference is the tracker's own interpreter start, imports and argument checks, plus whatever the
tracker's work after the launch (importing the catalog, numpy and codecarbon) takes from the command's
own Python start-up on a busy machine. A second command, ``/bin/sh -c 'date +%s.%N > mark'`` (no Python
start of its own), isolates the first part: the time from the launching ``Popen`` to ``exec``.

Usage: python benchmarks/bench_tracker.py [--case all|overhead|startup] [--reps 7] [--seconds 4]
       [--startup-pairs 21] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "measure"))  # the fake NVML, for the 8-GPU bookkeeping variant


def busy(n: int) -> int:
    """The CPU-bound work: n iterations of integer arithmetic."""
    acc = 0
    for i in range(n):
        acc += i * i % 7
    return acc


def calibrate(seconds: float) -> int:
    n = 200_000
    while True:
        t0 = time.perf_counter()
        busy(n)
        elapsed = time.perf_counter() - t0
        if elapsed > 0.2:
            return int(n * seconds / elapsed)
        n *= 2


class TimedTicks:
    """Wraps Tracker._tick to measure the cost of each sample."""

    def __init__(self) -> None:
        self.costs: list[float] = []  # wall time of each sample [s] (includes waiting for the GIL)
        self.cpu: list[float] = []  # CPU time of the sampling thread for each sample [s]

    def wrap(self, tracker: Any) -> None:
        original = tracker._tick

        def timed(*, final: bool) -> None:
            t0, c0 = time.perf_counter(), time.thread_time()
            original(final=final)
            if not final:
                self.costs.append(time.perf_counter() - t0)
                self.cpu.append(time.thread_time() - c0)

        tracker._tick = timed


STARTED = "import sys, time; open(sys.argv[1], 'w').write(repr(time.time()))"
STARTED_SH = 'date +%s.%N > "$1"'


def _latency_s(argv: list[str], mark: Path, env: dict[str, str]) -> float:
    """Seconds from just before launching ``argv`` to the command's first instruction (its mark)."""
    mark.unlink(missing_ok=True)
    t0 = time.time()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return float(mark.read_text()) - t0


_PYCACHE = tempfile.mkdtemp(prefix="bench_pycache_")


def _env() -> dict[str, str]:
    """The children's environment: the source tree first, bytecode cached (in a temporary folder), as
    for an installed package; PYTHONDONTWRITEBYTECODE would make every start compile every module."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    return env


# CPU time of the process at the moment ``track`` would launch the command (launch replaced by a stop),
# against a bare interpreter's CPU time at its first instruction: what the tracker itself costs before the
# command starts, independent of other processes' load (wall-clock figures on a busy machine are not).
AT_LAUNCH = """
import os, sys, time
import fmfootprint.measure.launch as launch
def stop(command):
    print(time.process_time()); sys.stdout.flush(); os._exit(0)
launch.launch = stop
sys.argv = ["fmfootprint", "track", "--output", sys.argv[1], "--", "true"]
from fmfootprint.cli import run
run()
"""
BARE = "import time; print(time.process_time())"


def prelaunch_cpu(runs: int) -> dict[str, float]:
    """Median CPU time [ms] to the launch under ``track``, and a bare interpreter's to its first line."""
    env = _env()
    out = tempfile.mkdtemp(prefix="bench_prelaunch_")

    def cpu_ms(argv: list[str]) -> float:
        done = subprocess.run(argv, check=True, env=env, capture_output=True, text=True)
        return float(done.stdout.strip()) * 1000

    cpu_ms([sys.executable, "-c", AT_LAUNCH, out])  # warm: bytecode written
    bare = [cpu_ms([sys.executable, "-c", BARE]) for _ in range(runs)]
    tracked = [cpu_ms([sys.executable, "-c", AT_LAUNCH, out]) for _ in range(runs)]
    result = {
        "runs": runs,
        "bare_cpu_ms": statistics.median(bare),
        "track_cpu_ms": statistics.median(tracked),
    }
    result["difference_ms"] = result["track_cpu_ms"] - result["bare_cpu_ms"]
    print(
        f"\nCPU time to the launch, median of {runs}: bare interpreter {result['bare_cpu_ms']:.1f} ms, "
        f"fmfootprint track {result['track_cpu_ms']:.1f} ms (+{result['difference_ms']:.1f} ms)"
    )
    return result


SCRIPT = Path(sys.executable).with_name("fmfootprint")  # the console script, as a user runs it


def startup_latency(
    pairs: int, shell: bool = False, script: bool = True, options: tuple[str, ...] = ()
) -> dict[str, float]:
    """Median child start latency, direct vs under ``fmfootprint track`` (alternating runs), through the
    console script (``script``) or ``python -m fmfootprint``."""
    work = Path(tempfile.mkdtemp(prefix="bench_startup_"))
    mark = work / "started"
    env = _env()
    command = [sys.executable, "-c", STARTED, str(mark)]
    if shell:
        command = ["/bin/sh", "-c", STARTED_SH, "sh", str(mark)]
    launcher = [str(SCRIPT)] if script and SCRIPT.exists() else [sys.executable, "-m", "fmfootprint"]
    tracked = [*launcher, "track", "--output", str(work / "out"), *options, "--", *command]
    for argv in (command, tracked):  # warm the file-system caches for both
        _latency_s(argv, mark, env)
    direct_s: list[float] = []
    tracked_s: list[float] = []
    for i in range(pairs):
        order = [(command, direct_s), (tracked, tracked_s)]
        for argv, into in order if i % 2 == 0 else order[::-1]:
            into.append(_latency_s(argv, mark, env))
    direct, under = statistics.median(direct_s), statistics.median(tracked_s)
    ratios = statistics.median(t / d for t, d in zip(tracked_s, direct_s, strict=True))
    result = {
        "command": "sh + date" if shell else "python -c",
        "launcher": " ".join([*(Path(word).name for word in launcher), *options]),
        "pairs": pairs,
        "direct_ms": direct * 1000,
        "tracked_ms": under * 1000,
        "difference_ms": (under - direct) * 1000,
        "ratio": ratios,
    }
    print(
        f"\nchild start latency ({result['command']}, {result['launcher']}), median of {pairs} pairs: "
        f"direct {result['direct_ms']:.1f} ms, "
        f"under fmfootprint track {result['tracked_ms']:.1f} ms (+{result['difference_ms']:.1f} ms, "
        f"median ratio {ratios:.2f}x)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["all", "overhead", "startup"], default="all")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one timed loop")
    parser.add_argument("--startup-pairs", type=int, default=21, help="direct/tracked pairs (startup)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    startup = None
    if args.case in ("all", "startup"):
        startup = {
            "python": startup_latency(args.startup_pairs),
            "python_m": startup_latency(args.startup_pairs, script=False),
            "python_region": startup_latency(args.startup_pairs, options=("--region", "US-CA")),
            "shell": startup_latency(args.startup_pairs, True),
            "cpu_to_launch": prelaunch_cpu(args.startup_pairs),
        }
    if args.case == "startup":
        if args.json:
            args.json.write_text(json.dumps({"startup": startup}, indent=2))
        return

    from codecarbon import OfflineEmissionsTracker
    from fake_nvml import FakeHost, FakeNvml, gpus

    from fmfootprint.measure import Tracker, TrackerWarning

    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    warnings.simplefilter("ignore", TrackerWarning)  # e.g. "no GPU", once per tracker started
    site = {"region": "FR"}
    work = Path(tempfile.mkdtemp(prefix="bench_tracker_"))
    ticks: dict[str, TimedTicks] = {}

    def fm(interval_s: float, fake_gpus: int = 0, key: str = "") -> Callable[[], AbstractContextManager]:
        def make() -> AbstractContextManager:
            options: dict[str, Any] = {"interval_s": interval_s, **site}
            if fake_gpus:
                options.update(nvml=FakeNvml(gpus(fake_gpus)), host=FakeHost())
            tracker = Tracker(work / key, project=key, **options)
            ticks.setdefault(key, TimedTicks()).wrap(tracker)
            return tracker

        return make

    def codecarbon(interval_s: float) -> Callable[[], AbstractContextManager]:
        def make() -> AbstractContextManager:
            return OfflineEmissionsTracker(
                country_iso_code="FRA", measure_power_secs=interval_s, output_dir=str(work),
                log_level="error", allow_multiple_runs=True,
            )  # fmt: skip

        return make

    variants: dict[str, Callable[[], AbstractContextManager]] = {
        "no tracker": nullcontext,
        "fmfootprint, 1 s": fm(1.0, key="fm1"),
        "codecarbon OfflineEmissionsTracker, 1 s": codecarbon(1.0),
        "codecarbon OfflineEmissionsTracker, default 15 s": codecarbon(15.0),
        "fmfootprint, 0.1 s": fm(0.1, key="fm01"),
        "fmfootprint, 1 s, 8 fake GPUs (bookkeeping only)": fm(1.0, fake_gpus=8, key="fm1x8"),
    }
    # Warm-up: codecarbon's one-off hardware probe (~1.6 s) and imports, outside the timings.
    for make in variants.values():
        with make():
            pass
    n = calibrate(args.seconds)
    for t in ticks.values():
        t.costs.clear()
        t.cpu.clear()
    rng = random.Random(0)
    times: dict[str, list[float]] = {name: [] for name in variants}
    # CPU time used by threads other than the loop's (the trackers' sampling threads) per second of loop:
    # immune to other processes' load, unlike the wall-clock ratios.
    background: dict[str, list[float]] = {name: [] for name in variants}
    for rep in range(args.reps):
        order = list(variants)
        rng.shuffle(order)
        for name in order:
            with variants[name]():
                t0, p0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
                busy(n)
                wall = time.perf_counter() - t0
                other_cpu = (time.process_time() - p0) - (time.thread_time() - m0)
                times[name].append(wall)
                background[name].append(other_cpu / wall)
        print(f"rep {rep + 1}/{args.reps} done", file=sys.stderr)

    baseline = times["no tracker"]
    results: dict[str, Any] = {"reps": args.reps, "loop_s": statistics.median(baseline), "variants": {}}
    results["startup"] = startup
    print(
        f"\nCPU-bound loop, median {statistics.median(baseline):.2f} s without a tracker, {args.reps} reps\n"
    )
    header = f"{'variant':52s} {'median slowdown':>16s} {'min':>8s} {'max':>8s} {'tracker CPU':>12s}"
    print(header)
    for name, values in times.items():
        ratios = [v / b - 1.0 for v, b in zip(values, baseline, strict=True)]
        med = statistics.median(ratios)
        cpu_share = statistics.median(background[name])
        results["variants"][name] = {
            "median_slowdown": med,
            "min": min(ratios),
            "max": max(ratios),
            "background_cpu_share": cpu_share,
        }
        print(
            f"{name:52s} {med * 100:+15.2f}% {min(ratios) * 100:+7.2f}% {max(ratios) * 100:+7.2f}% "
            f"{cpu_share * 100:11.3f}%"
        )
    print()
    for key, label in (("fm1", "1 s"), ("fm01", "0.1 s"), ("fm1x8", "1 s, 8 fake GPUs")):
        costs, cpu = ticks[key].costs, ticks[key].cpu
        if costs:
            wall_ms, cpu_ms = statistics.median(costs) * 1000, statistics.mean(cpu) * 1000
            interval = 0.1 if key == "fm01" else 1.0
            results[f"sample_cpu_ms_{key}"] = cpu_ms
            results[f"sample_wall_ms_{key}"] = wall_ms
            print(
                f"one fmfootprint sample ({label}): {cpu_ms:.2f} ms CPU (mean), {wall_ms:.2f} ms wall "
                f"(median, incl. GIL waits), {len(costs)} samples -> {cpu_ms / 1000 / interval * 100:.3f} % "
                "of one core"
            )
    # The trackers' own CPU cost with an idle main thread: no GIL contention, no dependence on the loop.
    print("\nbackground CPU with an idle main thread (median of 3 x 5 s windows):")
    for name, make in variants.items():
        if name == "no tracker":
            continue
        shares = []
        for _ in range(3):
            with make():
                p0, t0 = time.process_time(), time.perf_counter()
                time.sleep(5.0)
                shares.append((time.process_time() - p0) / (time.perf_counter() - t0))
        share = statistics.median(shares)
        results["variants"][name]["idle_cpu_share"] = share
        print(f"  {name:52s} {share * 100:8.3f} % of one core")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
