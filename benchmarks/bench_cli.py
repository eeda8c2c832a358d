"""Benchmark the CLI's start: ``fmfootprint --help`` and ``fmfootprint laws`` against ``python -c pass``.

Run: ``.venv/bin/python benchmarks/bench_cli.py`` (``--json`` for machine-readable output, ``--rounds N``).

Each round starts three fresh interpreters in turn, the same ``sys.executable`` each time: the reference
``python -c pass`` (the interpreter's own start, the floor of any command), ``python -m fmfootprint --help``
(argparse and every verb's parser; no numpy, scipy or pandas) and ``python -m fmfootprint laws`` (the
presets, which need the scaling package). Rounds alternate the three so a load spike hits all alike; the
figure is the median wall time of each over the rounds, and the ratio is against the reference; the
median CPU time (user + system) is shown too, as it is less sensitive to other work on the machine. Output
goes to a pipe that is read to the end, as a user's terminal or ``| less`` would. Target: both commands
under 300 ms (issue 10).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CASES: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "fmfootprint --help": [sys.executable, "-m", "fmfootprint", "--help"],
    "fmfootprint laws": [sys.executable, "-m", "fmfootprint", "laws"],
}
REFERENCE = "python -c pass"

# As an installed package runs: bytecode compiled once and reused. (This machine sets
# PYTHONDONTWRITEBYTECODE=1, which would recompile every module of the project on every start.)
_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "fmfootprint-bench-pycache"),
}
TARGET_MS = 300.0


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) [s] of one run of ``command``."""
    cpu = _cpu_s()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False, env=_ENV)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed, _cpu_s() - cpu


def measure(rounds: int = 10) -> dict[str, dict[str, float]]:
    """Median and spread [ms] of each case over ``rounds`` alternating rounds; the ratio to the reference."""
    for command in CASES.values():  # warm the file cache and the byte-code caches once
        _once(command)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    cpu: dict[str, list[float]] = {name: [] for name in CASES}
    for index in range(rounds):
        order = list(CASES) if index % 2 == 0 else list(reversed(CASES))
        for name in order:
            wall, used = _once(CASES[name])
            times[name].append(wall * 1000.0)
            cpu[name].append(used * 1000.0)
    reference = statistics.median(times[REFERENCE])
    return {
        name: {
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
            "ratio": statistics.median(values) / reference,
            "cpu_median_ms": statistics.median(cpu[name]),
        }
        for name, values in times.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    results = measure(args.rounds)
    if args.json:
        machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
        print(json.dumps({"rounds": args.rounds, "machine": machine, "results": results}, indent=2))
        return 0
    print(f"CLI start, median of {args.rounds} alternating rounds (load {os.getloadavg()[0]:.1f}):")
    for name, row in results.items():
        verdict = "" if name == REFERENCE else ("  ok" if row["median_ms"] < TARGET_MS else "  over 300 ms")
        print(
            f"  {name:<20} {row['median_ms']:7.1f} ms  (min {row['min_ms']:.1f}, max {row['max_ms']:.1f})"
            f"  {row['ratio']:5.1f}x python -c pass  (CPU {row['cpu_median_ms']:.0f} ms){verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
