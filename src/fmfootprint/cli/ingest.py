"""``fmfootprint ingest prometheus|sacct``: a run summary from energy the cluster already measured."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", default="default", help="project the run belongs to (default: default)")
    p.add_argument("--stage", default="final", help="lifecycle stage of the run (default: final)")
    p.add_argument("--region", default=None, help="region code for grid intensity and water (FR, US-CA, ...)")
    p.add_argument("--pue", type=float, default=None, help="override the site's PUE")
    p.add_argument("--ledger", metavar="URL", default=None, help="also record the run in this SQL ledger")
    p.add_argument("--output", metavar="FILE", default=None, help="write the summary JSON to FILE")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="a run summary from the cluster's own counters (Prometheus/DCGM, Slurm)",
        description="Read the energy a cluster already measured and print a run summary that merges, "
        "records and reports like a tracked run. See docs/fleet.md.",
    )
    engines = p.add_subparsers(dest="engine", metavar="ENGINE")
    engines.required = True
    prom = engines.add_parser(
        "prometheus",
        help="DCGM energy counters from a Prometheus server (method dcgm_prometheus)",
        description="Query DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ) through the Prometheus HTTP API; "
        "counter resets, missing scrapes and GPUs appearing mid-window are handled and flagged.",
    )
    prom.add_argument("--url", required=True, help="the Prometheus server, e.g. http://prometheus:9090")
    prom.add_argument("--selector", default="{}", help="label matchers, e.g. '{hpc_job=\"4242\"}'")
    prom.add_argument("--start", required=True, help="window start: epoch s, ISO 8601 or now-24h")
    prom.add_argument("--end", default="now", help="window end (default: now)")
    prom.add_argument("--scrape-interval", type=float, default=15.0, help="scrape interval [s] (default 15)")
    prom.add_argument(
        "--kepler-host-label",
        default="instance",
        help="label naming the node on Kepler's node metrics (default instance); 'none' to skip Kepler",
    )
    _common(prom)
    prom.set_defaults(func=run)
    sacct = engines.add_parser(
        "sacct",
        help="Slurm accounting of a job (method slurm_acct)",
        description="Read `sacct -j JOB --json` or `sacct -j JOB -P -o JobID,Start,End,NNodes,NodeList,"
        "AllocTRES,ConsumedEnergyRaw` output (a file, or - for stdin); without FILE, runs sacct --json.",
    )
    sacct.add_argument("file", metavar="FILE", nargs="?", default=None, help="saved sacct output, or -")
    sacct.add_argument("--job", required=True, help="the Slurm job id")
    sacct.add_argument("--cluster", default="", help="cluster name (part of the run id)")
    _common(sacct)
    sacct.set_defaults(func=run)


def _sacct_text(path: str | None, job: str) -> str:
    import shutil
    import subprocess

    from fmfootprint._io import read_text
    from fmfootprint.errors import FootprintInputError

    if path == "-":
        return sys.stdin.read()
    if path is not None:
        return read_text(path, what="sacct output")
    binary = shutil.which("sacct")
    if binary is None:
        raise FootprintInputError("sacct is not on PATH: give its saved output as FILE")
    done = subprocess.run([binary, "-j", job, "--json"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise FootprintInputError(f"sacct -j {job} --json failed: {done.stderr.strip()[:200]}")
    return done.stdout


def run(args: argparse.Namespace) -> int:
    from fmfootprint.cli.summarize import show

    if args.engine == "prometheus":
        from fmfootprint.fleet.prom_ingest import ingest_prometheus

        label = None if args.kepler_host_label.lower() == "none" else args.kepler_host_label
        summary = ingest_prometheus(
            args.url,
            args.selector,
            args.start,
            args.end,
            project=args.project,
            stage=args.stage,
            region=args.region,
            pue=args.pue,
            scrape_interval_s=args.scrape_interval,
            kepler_host_label=label,
        )
    else:
        from fmfootprint.fleet.sacct import sacct_summary

        summary = sacct_summary(
            _sacct_text(args.file, args.job),
            args.job,
            project=args.project,
            stage=args.stage,
            region=args.region,
            pue=args.pue,
            cluster=args.cluster,
        )
    if args.output:
        import json

        from fmfootprint._io import atomic_write_text

        atomic_write_text(args.output, json.dumps(summary.to_dict(), indent=2, allow_nan=False) + "\n")
    if args.ledger:
        from fmfootprint.fleet.ledger_db import RunLedger

        ledger = RunLedger(args.ledger)
        new = ledger.record(summary)
        ledger.close()
        if not args.json:
            print(f"ledger {ledger.label}: {'recorded' if new else 'already recorded'}", file=sys.stderr)
    show(summary, as_json=args.json)
    return 0
