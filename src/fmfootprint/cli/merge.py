"""``fmfootprint merge DIR... [--json]``: add up nodes and runs, each session counted once."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "merge",
        help="merge tracked runs and nodes into one summary",
        description="Add up every tracker session (node, restart, run) found in the folders, each counted "
        "once; sessions without a summary are rebuilt from their logs.",
    )
    p.add_argument("run_dirs", metavar="DIR", nargs="+", help="tracker output folders")
    p.add_argument("--json", action="store_true", help="print the merged summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.cli.summarize import one_line_warnings, show
    from fmfootprint.measure.merge import merge_runs

    with one_line_warnings("merge"):
        merged = merge_runs(args.run_dirs)
    show(merged, as_json=args.json)
    return 0
