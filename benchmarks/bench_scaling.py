"""Benchmark the scaling core: the App. D.2 fit, the 4,000-resample bootstrap and planning many budgets.

Run: ``.venv/bin/python benchmarks/bench_scaling.py`` (``--quick`` or ``FMFOOTPRINT_BENCH_QUICK=1`` times
the slow references on a subset and extrapolates; ``--record`` rewrites
``tests/data/scaling/reference_fit.json`` from a full reference run; ``--json`` for machine output).

1. Fit, on the 240 Epoch points (Besiroglu et al. 2024; 5 highest losses dropped): ``fit()`` against the
   reference procedure run side by side in this process — scipy L-BFGS-B with default settings and
   finite-difference gradients from each of the 4,500 grid starts, one after another
   (:func:`fmfootprint.scaling._reference.reference_fit`). Also checks that the optimum is at least as good.
2. Bootstrap, 4,000 resamples: ``bootstrap()`` against the reference per-resample refit (scipy L-BFGS-B,
   finite differences, warm-started from the full-data optimum — one start per resample, fewer than
   Epoch's six), timed on a subset of resamples and extrapolated.
3. Planning: ``compute_optimal`` on 1e5 budgets at once against a Python loop of the same closed form
   (math module, no validation); ``data_constrained_optimal`` on 1e4 budgets for scale.
4. Large fit (``--large-only`` runs just this): ``fit()`` on 10⁶ synthetic runs in a child process, its peak
   resident memory (``ru_maxrss``) against a child that only imports the package and builds the same
   runs; the code before the bound evaluated all 4,500 starts × 10⁶ runs at once (33.5 GiB per array).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from fmfootprint.scaling import _objective as obj
from fmfootprint.scaling._reference import reference_fit
from fmfootprint.scaling.allocate import compute_optimal, data_constrained_optimal
from fmfootprint.scaling.fit import bootstrap, fit, load_runs
from fmfootprint.scaling.laws import PRESETS

ROOT = Path(__file__).resolve().parents[1]
EPOCH = ROOT / "tests" / "data" / "scaling" / "epoch_chinchilla_svg_extracted_data.csv"
RECORD = ROOT / "tests" / "data" / "scaling" / "reference_fit.json"
PROCEDURE = (
    'scipy.optimize.minimize(method="L-BFGS-B") defaults, finite-difference gradients, '
    "from each of the 4,500 Hoffmann App. D.2 grid starts; best converged"
)
DATA_NOTE = (
    "epoch_chinchilla_svg_extracted_data.csv, 5 highest losses excluded (240 points), tokens = FLOP/(6 N)"
)


def _best_of(fn, repeats: int) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_fit(quick: bool, record: bool) -> dict:
    runs = load_runs(EPOCH, params_col="Model Size", flops_col="Training FLOP")
    frame = runs[runs["loss"] < np.sort(runs["loss"])[-5]].reset_index(drop=True)
    data = obj.Data(frame["params"], frame["tokens"], frame["loss"])
    ours_s, ours = _best_of(lambda: fit(frame), 5)
    grid = obj.initial_grid()
    # --quick: a random 150 of the 4,500 starts (a stride would pick one corner of the inner a, b grid).
    subset = np.sort(np.random.default_rng(0).choice(len(grid), 150, replace=False))
    starts = grid[subset] if quick and not record else grid
    start = time.perf_counter()
    ref_theta, ref_value, ref_converged = reference_fit(data, starts)
    ref_s = (time.perf_counter() - start) * len(grid) / len(starts)
    out = {
        "points": data.n,
        "ours_s": ours_s,
        "reference_s": ref_s,
        "reference_extrapolated_from_starts": len(starts),
        "ratio": ref_s / ours_s,
        "ours_objective": ours.objective,
        "reference_objective": ref_value,
        "relative_difference": (ours.objective - ref_value) / ref_value,
        "ours": {k: ours.to_dict()[k] for k in ("E", "A", "B", "alpha", "beta")},
        "reference": {
            "E": math.exp(ref_theta[2]),
            "A": math.exp(ref_theta[0]),
            "B": math.exp(ref_theta[1]),
            "alpha": ref_theta[3],
            "beta": ref_theta[4],
        },
    }
    exhaustive_s, exhaustive = _best_of(lambda: fit(frame, method="exhaustive"), 1)
    out["exhaustive_s"] = exhaustive_s
    out["exhaustive_objective"] = exhaustive.objective
    out["exhaustive_starts_at_optimum"] = exhaustive.converged_starts
    if record and len(starts) == len(grid):
        RECORD.write_text(
            json.dumps(
                {
                    "procedure": PROCEDURE,
                    "data": DATA_NOTE,
                    "objective": ref_value,
                    "theta": [float(v) for v in ref_theta],
                    **out["reference"],
                    "converged_starts": ref_converged,
                    "seconds": ref_s,
                },
                indent=2,
            )
            + "\n"
        )
    return out


def bench_bootstrap(quick: bool) -> dict:
    runs = load_runs(EPOCH, params_col="Model Size", flops_col="Training FLOP")
    frame = runs[runs["loss"] < np.sort(runs["loss"])[-5]].reset_index(drop=True)
    ours_s, result = _best_of(lambda: bootstrap(frame, n=4000, seed=0), 3)
    data = obj.Data(frame["params"], frame["tokens"], frame["loss"])
    theta0 = result.point.theta
    subset = 20 if quick else 100
    draws = np.random.default_rng(0).integers(0, data.n, size=(subset, data.n))
    start = time.perf_counter()
    for row in draws:
        weights = np.bincount(row, minlength=data.n).astype(float)[None, :]
        minimize(lambda x, w=weights: float(obj.objective(x[None, :], data, w)[0]), theta0, method="L-BFGS-B")
    ref_s = (time.perf_counter() - start) * 4000 / subset
    return {
        "resamples": 4000,
        "ours_s": ours_s,
        "reference_s": ref_s,
        "reference_extrapolated_from_resamples": subset,
        "ratio": ref_s / ours_s,
        "intervals": result.intervals(0.95),
        "sd": result.samples.std().to_dict(),
    }


def bench_planning() -> dict:
    law = PRESETS["hoffmann2022"]
    budgets = np.geomspace(1e18, 1e27, 100_000)
    ours_s, _ = _best_of(lambda: compute_optimal(budgets, law), 7)

    def loop() -> list[tuple[float, float, float]]:
        g = (law.alpha * law.A / (law.beta * law.B)) ** (1 / (law.alpha + law.beta))
        a = law.beta / (law.alpha + law.beta)
        out = []
        for c in budgets.tolist():
            n = g * (c / 6) ** a
            d = c / 6 / n
            out.append((n, d, law.E + law.A / n**law.alpha + law.B / d**law.beta))
        return out

    loop_s, _ = _best_of(loop, 3)
    muennighoff = PRESETS["muennighoff2023"]
    constrained_s, _ = _best_of(
        lambda: data_constrained_optimal(np.geomspace(1e19, 1e24, 10_000), 25e9, muennighoff), 2
    )
    return {
        "budgets": budgets.size,
        "ours_s": ours_s,
        "python_loop_s": loop_s,
        "ratio": loop_s / ours_s,
        "data_constrained_10k_s": constrained_s,
    }


LARGE_CHILD = """
import json, resource, sys, time
import numpy as np, pandas as pd
from fmfootprint.scaling.fit import fit
rows = int(sys.argv[1])
rng = np.random.default_rng(1)
n = 10 ** rng.uniform(7, 10, rows)
d = n * 10 ** rng.uniform(0.5, 2.5, rows)
loss = (1.8 + 480 / n**0.35 + 2100 / d**0.37) * np.exp(rng.normal(0, 0.01, rows))
runs = pd.DataFrame({"params": n, "tokens": d, "loss": loss})
seconds, result = None, None
if sys.argv[2] == "fit":
    start = time.perf_counter()
    result = fit(runs)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "alpha": result and result.law.alpha, "E": result and result.law.E,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def bench_large(rows: int = 1_000_000) -> dict:
    def child(mode: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", LARGE_CHILD, str(rows), mode], capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)

    base, run = child("build"), child("fit")
    unit = 1024 if platform.system() != "Darwin" else 1  # ru_maxrss: KiB on Linux, bytes on macOS
    return {
        "rows": rows,
        "seconds": run["seconds"],
        "peak_rss_mb": run["maxrss_kib"] * unit / 1e6,
        "baseline_rss_mb": base["maxrss_kib"] * unit / 1e6,
        "fit_adds_mb": (run["maxrss_kib"] - base["maxrss_kib"]) * unit / 1e6,
        "old_one_array_gib": 4500 * rows * 8 / 2**30,
        "alpha": run["alpha"],
        "E": run["E"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the reference on a subset")
    parser.add_argument("--record", action="store_true", help="rewrite tests/data/scaling/reference_fit.json")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--large-only", action="store_true", help="only the 10^6-run fit's memory and time")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("FMFOOTPRINT_BENCH_QUICK") == "1"
    if args.large_only:
        large = bench_large()
        print(json.dumps(large, indent=2) if args.json else _large_line(large))
        return 0
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "fit": bench_fit(quick, args.record),
        "bootstrap": bench_bootstrap(quick),
        "planning": bench_planning(),
        "large": bench_large(),
    }
    if args.json:
        print(json.dumps(results, indent=2, default=float))
        return 0
    f, b, p = results["fit"], results["bootstrap"], results["planning"]
    print(f"machine: {results['machine']}")
    print(
        f"fit ({f['points']} points): {f['ours_s'] * 1e3:.0f} ms vs reference {f['reference_s']:.1f} s "
        f"(from {f['reference_extrapolated_from_starts']} starts) = {f['ratio']:.0f}x; objective "
        f"{f['ours_objective']:.13g} vs {f['reference_objective']:.13g} (rel {f['relative_difference']:+.2e})"
    )
    print(
        f"  exhaustive (all 4,500 starts, batched Newton): {f['exhaustive_s']:.1f} s, "
        f"objective {f['exhaustive_objective']:.13g}, {f['exhaustive_starts_at_optimum']} starts at it"
    )
    print(
        f"bootstrap (4,000): {b['ours_s']:.2f} s vs reference {b['reference_s']:.0f} s "
        f"(from {b['reference_extrapolated_from_resamples']} resamples) = {b['ratio']:.0f}x"
    )
    print(
        f"planning (1e5 budgets): {p['ours_s'] * 1e3:.1f} ms vs Python loop "
        f"{p['python_loop_s'] * 1e3:.0f} ms "
        f"= {p['ratio']:.0f}x; data-constrained 1e4 budgets {p['data_constrained_10k_s'] * 1e3:.0f} ms"
    )
    print(_large_line(results["large"]))
    return 0


def _large_line(large: dict) -> str:
    return (
        f"fit ({large['rows']:,} runs): {large['seconds']:.1f} s, peak RSS {large['peak_rss_mb']:,.0f} MB "
        f"(the runs alone {large['baseline_rss_mb']:,.0f} MB, the fit adds {large['fit_adds_mb']:,.0f} MB); "
        f"before: one array of 4,500 starts x runs = {large['old_one_array_gib']:.1f} GiB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
