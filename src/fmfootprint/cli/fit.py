"""``fmfootprint fit``: fit a scaling law (Chinchilla, or Gadre et al. 2024's over-training form) to training
runs in a CSV; the JSON output is a law file."""

from __future__ import annotations

import argparse
from typing import Any

from fmfootprint.cli._output import print_json, print_table, seed

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "fit",
        help="fit L = E + A/N^alpha + B/D^beta (or another --form) to training runs (Hoffmann App. D.2)",
        description=(
            "Fit a scaling law to a CSV of training runs (any modality: the columns are model size, tokens "
            "or FLOPs, and loss) with the procedure of Hoffmann et al. 2022, App. D.2. --json output can be "
            "passed to `plan --law-file`."
        ),
    )
    p.add_argument("runs", metavar="RUNS.csv", help="CSV with one row per training run")
    # Without a flag, a role's column is "params", "tokens", "loss" if present, else guessed from the names
    # (scaling.runs.guess_columns: model_size, train_tokens, eval_loss, ...); the output names the columns.
    p.add_argument(
        "--params-col", default=None, metavar="C", help="model-size column (default params, or guessed)"
    )
    cols = p.add_mutually_exclusive_group()
    cols.add_argument(
        "--tokens-col", default=None, metavar="C", help="tokens column (default tokens, or guessed)"
    )
    cols.add_argument(
        "--flops-col", default=None, metavar="C", help="FLOPs column; tokens = FLOPs/(6 params)"
    )
    p.add_argument("--loss-col", default=None, metavar="C", help="loss column (default loss, or guessed)")
    p.add_argument(
        "--exclude-top-loss", type=int, default=0, metavar="K", help="drop the K highest-loss runs"
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="resamples for 95%% intervals (e.g. 4000; at most 100,000)",
    )
    p.add_argument(
        "--method",
        choices=("screen", "exhaustive"),
        default="screen",
        help="screen: best 32 of the 4,500 starts (default, same optimum); exhaustive: all 4,500 (slow)",
    )
    p.add_argument(
        "--form",
        default="chinchilla",
        metavar="NAME",
        help=(
            "functional form: chinchilla (default; E + A/N^alpha + B/D^beta) or gadre2024 (Gadre et al. "
            "2024 eq. 4, over-training: E + (a M^eta + b M^-eta) C^-eta with M = D/N, i.e. alpha = beta)"
        ),
    )
    p.add_argument("--seed", type=seed, default=0, metavar="S", help="bootstrap seed (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON (a valid --law-file)")
    # The library's names that are not a flag's dest, for the error messages.
    p.set_defaults(func=run, library_names={"bootstrap n": "bootstrap"})


def run(args: argparse.Namespace) -> int:
    from fmfootprint.scaling.fit import bootstrap, fit, load_runs  # scipy and pandas: not for --help
    from fmfootprint.scaling.forms import get_form
    from fmfootprint.scaling.runs import range_warnings

    form = get_form(args.form).name  # an unknown form: one line listing the valid ones, before any work
    guess = [
        role
        for role, given in (
            ("params", args.params_col),
            ("data", args.tokens_col or args.flops_col),
            ("loss", args.loss_col),
        )
        if given is None
    ]
    runs = load_runs(
        args.runs,
        params_col=args.params_col or "params",
        tokens_col=args.tokens_col or "tokens",
        flops_col=args.flops_col,
        loss_col=args.loss_col or "loss",
        guess=guess,
    )
    columns = runs.attrs.get("columns", {})
    # progress=None: a bar only when stderr is a terminal (never drawn into a log file or a pipe).
    convergence = ""
    if args.bootstrap:
        result = bootstrap(
            runs, n=args.bootstrap, seed=args.seed, exclude_top_loss=args.exclude_top_loss, form=form
        )
        payload = result.to_dict()
        convergence = result.convergence_text()
    else:
        payload = fit(runs, exclude_top_loss=args.exclude_top_loss, method=args.method, form=form).to_dict()
    payload["columns"] = columns
    warnings = range_warnings(runs)
    if warnings:
        payload["warnings"] = list(warnings)
    if args.json:
        print_json(payload)
        return 0
    print_table(_rows(payload, convergence, warnings))
    return 0


def _rows(payload: dict[str, Any], convergence: str, warnings: tuple[str, ...]) -> dict[str, str]:
    from fmfootprint.units import format_count

    intervals = payload.get("intervals", {})
    own = payload.get("form_parameters", {})
    rows = {"form": str(payload["form"])}
    rows["columns"] = ", ".join(f"{role} {column!r}" for role, column in payload.get("columns", {}).items())
    # The form's own parameters first (Gadre's E, a, b, eta), then the Chinchilla law they are.
    for name in [*own, *(n for n in ("E", "A", "B", "alpha", "beta") if n not in own)]:
        value = own.get(name, payload.get(name))
        text = f"{value:.6g}"
        if name in intervals:
            low, high = intervals[name]
            text += f"  [{low:.5g}, {high:.5g}] (95%)"
        rows[name] = text
    rows["objective"] = f"{payload['objective']:.10g}"
    rows["points"] = format_count(payload["n_points"])
    if convergence:
        rows["bootstrap"] = convergence
    for i, note in enumerate(warnings, 1):
        rows[f"warning {i}" if len(warnings) > 1 else "warning"] = note
    return rows
