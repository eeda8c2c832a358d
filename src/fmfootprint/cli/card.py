"""``fmfootprint card``: the Hugging Face model card's emissions metadata and Environmental Impact section.

Parsing and printing only: the figures come from :func:`fmfootprint.estimate` (the same flags as
``fmfootprint estimate``), from tracked runs, or from a ledger, and :mod:`fmfootprint.report.modelcard`
builds and writes the card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fmfootprint.cli._output import print_json
from fmfootprint.cli.estimate import ESTIMATE_INPUTS, add_estimate_arguments, estimate_from_args
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.stages import STAGE_ALIASES, STAGES, TRAINING_TYPES


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "card",
        help="write the Hugging Face model card's emissions metadata and Environmental Impact section",
        description=(
            "Build the co2_eq_emissions metadata (emissions in grams CO2eq) and the 'Environmental Impact' "
            "section of a Hugging Face model card from exactly one source of figures: the flags of "
            "`fmfootprint estimate`, tracked run directories (--runs), or a ledger listing runs and "
            "estimates by stage (--ledger, YAML; see docs/methodology.md). Prints the card, or writes it "
            "with --output, or updates an existing README.md in place with --update."
        ),
    )
    source = p.add_argument_group("figures from tracked runs or a ledger")
    source.add_argument(
        "--runs",
        metavar="DIR",
        nargs="+",
        help="tracker output directories (each one run; stages as recorded)",
    )
    source.add_argument(
        "--ledger", metavar="FILE", help="YAML ledger: stage -> runs and/or estimate parameters"
    )
    source.add_argument(
        "--ledger-db", metavar="URL", help="SQL run ledger (file or postgresql://...), with --project"
    )
    source.add_argument("--project", help="the project whose runs --ledger-db holds (docs/fleet.md)")
    source.add_argument(
        "--allow-partial",
        action="store_true",
        help="publish runs whose carbon is only partly known (a part not measured: GPU without NVML, "
        "CPU/RAM without codecarbon); the card states what is missing. Without it they are refused",
    )
    source.add_argument(
        "--stage",
        choices=[*STAGES, *STAGE_ALIASES],
        help="stage of the estimate or the --runs (default: final for an estimate, as recorded for runs)",
    )
    card = p.add_argument_group("the card")
    card.add_argument(
        "--training-type",
        choices=TRAINING_TYPES,
        help="co2_eq_emissions.training_type (default pre-training, or the ledger's)",
    )
    card.add_argument("--location", metavar="TEXT", help="geographical_location (default: the region's name)")
    card.add_argument(
        "--hardware", metavar="TEXT", help="hardware_used (default derived, e.g. '384 A100 SXM4 80GB GPUs')"
    )
    card.add_argument(
        "--cloud-provider", metavar="TEXT", help="the template's Cloud Provider (default derived)"
    )
    card.add_argument(
        "--output", metavar="FILE", help="write the card (or, with --update, the updated card) here"
    )
    card.add_argument(
        "--update",
        metavar="README",
        help="insert or replace co2_eq_emissions and the section in this model card, changing nothing else",
    )
    card.add_argument("--json", action="store_true", help="print the report as JSON")
    estimate_flags = p.add_argument_group("figures from an estimate (the flags of `fmfootprint estimate`)")
    add_estimate_arguments(estimate_flags, require_run=False)
    p.set_defaults(func=run)


def _given_estimate_flags(args: argparse.Namespace) -> list[str]:
    # Every estimate flag defaults to None, so "given" is "not None".
    return ["--" + dest.replace("_", "-") for dest in ESTIMATE_INPUTS if getattr(args, dest) is not None]


def _source(args: argparse.Namespace) -> Any:
    """The one source of figures the options name; conflicting or missing sources are one-line errors."""
    estimate_flags = _given_estimate_flags(args)
    given = (("--runs", args.runs), ("--ledger", args.ledger), ("--ledger-db", args.ledger_db))
    named = [name for name, value in given if value]
    if len(named) > 1:
        raise FootprintInputError(
            f"give {' or '.join(named)}, not {'both' if len(named) == 2 else 'several'}"
        )
    if named and estimate_flags:
        raise FootprintInputError(
            f"{named[0]} cannot be combined with estimate options ({', '.join(estimate_flags)}): "
            "the figures come from one source"
        )
    if args.ledger_db:
        if not args.project:
            raise FootprintInputError("--ledger-db needs --project: the project whose runs make the card")
        from fmfootprint.fleet.ledger_db import RunLedger

        return RunLedger(args.ledger_db).to_ledger(project=args.project)
    if args.ledger:
        if args.stage:
            raise FootprintInputError("--stage does not apply to a ledger: it lists runs by stage")
        return Path(args.ledger)
    if args.runs:
        return [Path(d) for d in args.runs]
    if not any(getattr(args, k, None) is not None for k in ("hours", "gpu_hours", "flops", "energy_kwh")):
        raise FootprintInputError(
            "no source of figures: give --runs DIR..., --ledger FILE, or estimate options "
            "(--gpu-hours, --hours, --flops with --mfu, or --energy-kwh)"
        )
    return estimate_from_args(args)


def run(args: argparse.Namespace) -> int:
    from fmfootprint._io import read_text  # PyYAML: not for --help
    from fmfootprint.report.modelcard import model_card, update_card

    source = _source(args)
    if args.update and not Path(args.update).is_file():
        raise FootprintInputError(
            f"--update {args.update!r}: no such model card (use --output to create one)"
        )
    report = model_card(
        source,
        training_type=args.training_type,
        location=args.location,
        hardware=args.hardware,
        cloud_provider=args.cloud_provider,
        stage=args.stage,
        allow_partial=args.allow_partial,
    )
    written: list[str] = []
    if args.update:
        original = read_text(args.update, what="model card")  # bytes decoded as is: CRLF stays CRLF
        target = Path(args.output or args.update)
        _write(target, update_card(original, report))
        written.append(str(target))
    elif args.output:
        _write(Path(args.output), report.card)
        written.append(args.output)
    if args.json:
        print_json(report.to_dict())
    elif not written:
        sys.stdout.write(report.card)
    else:
        sys.stdout.write(
            f"wrote {', '.join(written)}: "
            f"co2_eq_emissions.emissions = {report.metadata['emissions']} g CO2eq\n"
        )
    return 0


def _write(path: Path, text: str) -> None:
    # Whole or not at all: a full disk leaves the old card byte-identical (and says so). The text is
    # written as is, so a CRLF card stays CRLF.
    from fmfootprint._io import atomic_write_text

    atomic_write_text(path, text)
