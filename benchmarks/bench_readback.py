"""Reading a tracker log back: the cost of checking every record's fields (``measure/records.py``).

A synthetic log of N samples × G GPUs (copies of one real sample written by the tracker with simulated
GPUs) is read by :func:`fmfootprint.measure.log.read_log` with its checks and with ``check_record``
replaced by a no-op, alternating, R times each; the figure is min(checked) / min(unchecked) and the
checked time per sample. Minima, because other work on the machine only ever adds time.

Usage: python benchmarks/bench_readback.py [--samples 10000] [--gpus 8] [--reps 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "measure"))  # the simulated NVML and host meter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--gpus", type=int, default=8)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    from fake_nvml import FakeHost, FakeNvml, gpus

    import fmfootprint.measure.log as log
    from fmfootprint.measure import Tracker

    folder = Path(tempfile.mkdtemp())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Tracker(
            folder, interval_s=0.1, nvml=FakeNvml(gpus(args.gpus)), host=FakeHost(), registry=False
        ) as t:
            time.sleep(0.3)
    assert t.log_path is not None
    lines = t.log_path.read_text().splitlines()
    sample = [line for line in lines if '"type": "sample"' in line][-1]
    t.log_path.write_text("\n".join([*lines[:2], *[sample] * args.samples, lines[-1]]) + "\n")

    checked, unchecked = [], []
    real = log.check_record
    for _ in range(args.reps):
        log.check_record = real
        start = time.perf_counter()
        log.read_log(t.log_path)
        checked.append(time.perf_counter() - start)
        log.check_record = lambda record, where: None
        start = time.perf_counter()
        log.read_log(t.log_path)
        unchecked.append(time.perf_counter() - start)
    log.check_record = real
    figures = {
        "samples": args.samples,
        "gpus": args.gpus,
        "checked_s": min(checked),
        "unchecked_s": min(unchecked),
        "ratio": min(checked) / min(unchecked),
        "checked_us_per_sample": min(checked) / args.samples * 1e6,
    }
    print(
        f"read-back of {args.samples} samples x {args.gpus} GPUs: checked {figures['checked_s']:.2f} s, "
        f"unchecked {figures['unchecked_s']:.2f} s, ratio {figures['ratio']:.2f} "
        f"({figures['checked_us_per_sample']:.0f} us per sample checked)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
