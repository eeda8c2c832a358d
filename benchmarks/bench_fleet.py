"""Fleet scale: the SQL ledger with many writers, and a Prometheus query over a day of 64 GPUs.

Run: ``.venv/bin/python benchmarks/bench_fleet.py [--runs 10000] [--writers 8] [--only sqlite postgres
prometheus]``. Starts its own engines (tests/fleet/engines.py: a throw-away PostgreSQL cluster, a
Prometheus server), so it needs ``scripts/install_engines.sh`` first; a missing engine is reported and
skipped.

- ledger: ``--runs`` run summaries recorded by one writer process, then by ``--writers`` processes at
  once (each its share, batches of 250); rows, duplicates and report totals are checked; times and the
  ratio (8 writers / 1 writer) are printed;
- prometheus: 64 GPUs × 24 h of DCGM counters at 15 s (368,640 samples, one counter reset) backfilled with
  ``promtool tsdb create-blocks-from openmetrics``, then ``ingest_prometheus`` over the day (1 h chunks):
  time, energy error against the truth, and the peak Python memory (tracemalloc) of the ingest.
"""

from __future__ import annotations

import argparse
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fleet"))

from engines import Postgres, Prometheus  # noqa: E402

from fmfootprint.fleet.ledger_db import RunLedger  # noqa: E402
from fmfootprint.fleet.prom_ingest import ingest_prometheus  # noqa: E402
from fmfootprint.fleet.sacct import sacct_summary  # noqa: E402
from fmfootprint.measure.summary import RunSummary  # noqa: E402
from fmfootprint.units import J_PER_KWH  # noqa: E402

BASE_TEXT = (ROOT / "tests" / "data" / "fleet" / "sacct_4242_pipe.txt").read_text()


def summary(i: int, base: RunSummary) -> RunSummary:
    energy = 1.0 + (i % 97) * 0.25
    start = base.start_unix_s + (i % 12) * 30 * 86400
    return replace(
        base,
        energy_it_kwh=energy,
        energy_kwh=energy * base.pue,
        co2e_operational_kg=energy * base.pue * 0.05,
        water_l=energy * 1.5,
        stage=("experiments", "final", "evaluation")[i % 3],
        start_unix_s=start,
        end_unix_s=start + 3600,
        sessions=(f"bench-{i:07d}",),
    )


def write(url: str, first: int, count: int) -> int:
    base = sacct_summary(BASE_TEXT, "4242", project="bench", region="FR")
    ledger = RunLedger(url)
    new = 0
    for start in range(first, first + count, 250):
        new += ledger.record_many(
            [(summary(i, base), None) for i in range(start, min(first + count, start + 250))]
        )
    ledger.close()
    return new


def check(url: str, n: int) -> None:
    base = sacct_summary(BASE_TEXT, "4242", project="bench", region="FR")
    ledger = RunLedger(url)
    rows = ledger.rows(project="bench")
    assert len(rows) == n, (len(rows), n)
    assert len({r.run_id for r in rows}) == n, "duplicate run ids"
    total = sum(g.energy_kwh or 0.0 for g in ledger.report(group_by="month", project="bench"))
    expected = math.fsum(summary(i, base).energy_kwh or 0.0 for i in range(n))
    assert math.isclose(total, expected, rel_tol=1e-9), (total, expected)
    ledger.close()


def bench_ledger(name: str, make_url, n: int, writers: int) -> None:
    times = {}
    for count in (1, writers):
        url, cleanup = make_url()
        RunLedger(url).close()  # schema first: the migration is not what is timed
        start = time.perf_counter()
        share = n // count
        with ProcessPoolExecutor(count) as pool:
            new = sum(pool.map(write, [url] * count, range(0, n, share), [share] * count))
        times[count] = time.perf_counter() - start
        assert new == n, (new, n)
        check(url, n)
        cleanup()
    print(
        f"{name}: {n} runs, 1 writer {times[1]:.2f} s ({n / times[1]:,.0f} runs/s); {writers} writers "
        f"{times[writers]:.2f} s ({n / times[writers]:,.0f} runs/s); ratio {writers} writers / 1 writer = "
        f"{times[writers] / times[1]:.2f}; rows {n}, no duplicates, report total = sum"
    )


def bench_prometheus(gpus: int = 64, hours: float = 24.0, step_s: float = 15.0) -> None:
    promtool = shutil.which("promtool")
    if promtool is None or shutil.which("prometheus") is None:
        print("prometheus: skipped (run scripts/install_engines.sh)")
        return
    root = Path(tempfile.mkdtemp(prefix="fmfp-bench-prom-"))
    end = math.floor(time.time() / 3600) * 3600 - 4 * 3600  # whole hours, clear of the head block
    start = end - hours * 3600
    n = int(hours * 3600 / step_s) + 1
    truth_j = 0.0
    lines = [
        "# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION mJ",
        "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION gauge",
    ]
    for g in range(gpus):
        value = 1e9 * (g + 1)
        labels = (
            f'gpu="{g % 8}",UUID="GPU-{g:04d}",Hostname="n{g // 8:02d}",modelName="NVIDIA H100 80GB HBM3"'
        )
        for k in range(n):
            if k:
                inc = (300.0 + 100.0 * math.sin(k / 50.0 + g)) * step_s * 1e3  # 200-400 W over the step, mJ
                value = inc if (g == 5 and k == n // 2) else value + inc  # one counter reset
                truth_j += inc / 1e3
            lines.append(
                f"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{{{labels}}} {value:.0f} {start + k * step_s:.0f}"
            )
    lines.append("# EOF")
    (root / "dcgm.om").write_text("\n".join(lines) + "\n")
    t = time.perf_counter()
    backfill = [
        promtool,
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        str(root / "dcgm.om"),
        str(root / "data"),
    ]
    subprocess.run(backfill, check=True, capture_output=True)
    backfill_s = time.perf_counter() - t
    server = Prometheus([], data_dir=root / "data")
    try:
        tracemalloc.start()
        t = time.perf_counter()
        result = ingest_prometheus(
            server.url, "{}", start, end, scrape_interval_s=step_s, kepler_host_label=None
        )
        ingest_s = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    error = (result.gpu_energy_kwh or 0.0) * J_PER_KWH / truth_j - 1
    print(
        f"prometheus: {gpus} GPUs x {hours:g} h at {step_s:g} s = {gpus * n:,} samples; "
        f"backfill {backfill_s:.1f} s; "
        f"ingest {ingest_s:.2f} s ({math.ceil(hours)} requests of 1 h); energy error {error:+.2e}; "
        f"peak Python memory of the ingest {peak / 2**20:.1f} MiB; process max RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--only", nargs="*", default=["sqlite", "postgres", "prometheus"])
    args = parser.parse_args()
    if "sqlite" in args.only:

        def sqlite_url():
            folder = Path(tempfile.mkdtemp(prefix="fmfp-bench-sqlite-"))
            return f"sqlite:///{folder / 'ledger.db'}", lambda: shutil.rmtree(folder, ignore_errors=True)

        bench_ledger("sqlite", sqlite_url, args.runs, args.writers)
    if "postgres" in args.only:
        try:
            Postgres().stop()
        except FileNotFoundError:
            print("postgres: skipped (run scripts/install_engines.sh)")
        else:

            def pg_url():
                server = Postgres()
                return server.url, server.stop

            bench_ledger("postgres", pg_url, args.runs, args.writers)
    if "prometheus" in args.only:
        bench_prometheus()
    return 0


if __name__ == "__main__":
    sys.exit(main())
