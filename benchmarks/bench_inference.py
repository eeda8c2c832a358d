"""Benchmark the per-query inference model: one estimate, and the ``batch="auto"`` search.

Run: ``.venv/bin/python benchmarks/bench_inference.py`` (``--json`` for machine-readable output).

1. One estimate: ``inference(70e9, gpu="H100", input_tokens=1000, output_tokens=500, batch=64,
   precision="fp8", region="FR")`` — validation, catalog and site look-ups, the roofline model at the
   central values and at every corner of the factor box (8 ranged factors, 256 corners), the assumptions
   list — against a reference timed side by side: the same central accelerator energy by hand (floats,
   no validation, no ranges, no carbon or water). Target < 1 ms.
2. ``batch="auto"``: the same query with the batch chosen among the powers of two that fit in memory
   (one vectorised evaluation of every candidate, then the corners at the chosen batch). Target < 50 ms.

Timings are the best of several repeats of many calls (``timeit``), interleaved with the reference.
"""

from __future__ import annotations

import argparse
import json
import platform
import timeit

from fmfootprint.serving.query import inference

CASE = {"gpu": "H100", "input_tokens": 1000, "output_tokens": 500, "precision": "fp8", "region": "FR"}


def _inline_reference() -> float:
    """Central accelerator energy of the fixed-batch case by hand [Wh] (2 x H100, fp8, batch 64).

    The calibrated model of :mod:`fmfootprint.serving.constants` written out in floats: roofline step plus
    layer, all-reduce and per-sequence overheads, power rising from the floor with compute utilisation.
    """
    n, bw, peak, tdp = 2, 3.35e12 * 0.95, 1978.9e12, 700.0
    params, batch, out, ctx = 70e9, 64, 500, 1250
    kv = 131072 * (params / 8.03e9) ** 0.35 / 2
    n_layers = 32 * (params / 8.03e9) ** 0.35
    compute_s = 2 * params * batch / (n * peak * 0.80)
    overhead = n_layers * (70.6e-6 + 2 * 45.4e-6) + batch * 30.0e-6
    step = max(params / (n * bw), compute_s) + batch * ctx * kv / (n * bw) + overhead
    prefill = 2 * params * 1000 / (n * peak * 0.757)
    share = prefill + out * step / batch
    u = (prefill + out * compute_s / batch) / share
    return n * tdp * (0.689 + (1.0 - 0.689) * u) * share / 3600


def _best(fn, number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def run(number: int = 300, repeat: int = 5) -> dict[str, float]:
    inference(70e9, batch=64, **CASE)  # warm the catalog caches
    results: dict[str, float] = {}
    results["one_estimate_s"] = _best(lambda: inference(70e9, batch=64, **CASE), number, repeat)
    results["inline_reference_s"] = _best(_inline_reference, number * 10, repeat)
    results["batch_auto_s"] = _best(lambda: inference(70e9, batch="auto", **CASE), number // 3, repeat)
    results["ratio_one_vs_inline"] = results["one_estimate_s"] / results["inline_reference_s"]
    results["ratio_auto_vs_one"] = results["batch_auto_s"] / results["one_estimate_s"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = run()
    if args.json:
        print(json.dumps({"python": platform.python_version(), **results}, indent=2))
        return 0
    print(f"one estimate:      {results['one_estimate_s'] * 1e6:8.1f} us  (target < 1 ms)")
    print(
        f"inline reference:  {results['inline_reference_s'] * 1e6:8.2f} us  "
        f"(ratio {results['ratio_one_vs_inline']:.0f}x)"
    )
    print(
        f"batch auto:        {results['batch_auto_s'] * 1e3:8.2f} ms  (target < 50 ms; "
        f"{results['ratio_auto_vs_one']:.1f}x one estimate)"
    )
    ok = results["one_estimate_s"] < 1e-3 and results["batch_auto_s"] < 50e-3
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
