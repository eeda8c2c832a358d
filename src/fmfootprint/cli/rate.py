"""``fmfootprint rate``: the absolute A-G energy label of an inference or training figure (docs/rating.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fmfootprint.cli._output import print_json
from fmfootprint.cli.inference import quantity


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "rate",
        help="energy label A-G on fixed bands: energy per 1,000 queries, or kWh per 1e21 training FLOP",
        description=(
            "Rate energy on the fixed logarithmic bands of docs/rating.md (labels never change when other "
            "models are rated). Inference: --energy-wh-per-1000 with --params [--task]. Training: "
            "--training-kwh with --flops."
        ),
    )
    p.add_argument(
        "--energy-wh-per-1000",
        metavar="WH",
        type=quantity("--energy-wh-per-1000"),
        help="facility Wh per 1,000 queries",
    )
    p.add_argument(
        "--params", metavar="N", type=quantity("--params"), help="total parameters of the model (size class)"
    )
    p.add_argument(
        "--task", default="text-generation", choices=("text-generation", "reasoning"), help="inference class"
    )
    p.add_argument(
        "--training-kwh",
        metavar="KWH",
        type=quantity("--training-kwh"),
        help="facility energy of a training run",
    )
    p.add_argument("--flops", metavar="C", type=quantity("--flops"), help="training compute [FLOP]")
    p.add_argument("--json", action="store_true", help="print the label as JSON")
    p.set_defaults(
        func=run,
        library_names={"energy_wh_per_1000_queries": "energy_wh_per_1000", "energy_kwh": "training_kwh"},
    )


def run(args: argparse.Namespace) -> int:
    from fmfootprint.errors import FootprintInputError
    from fmfootprint.serving.rating import card_line, rate_inference, rate_training

    inference_given = args.energy_wh_per_1000 is not None
    training_given = args.training_kwh is not None
    if inference_given == training_given:
        raise FootprintInputError(
            "give --energy-wh-per-1000 (with --params) or --training-kwh (with --flops)"
        )
    if inference_given:
        if args.params is None:
            raise FootprintInputError("--energy-wh-per-1000 needs --params (the size class)")
        label = rate_inference(args.energy_wh_per_1000, params=args.params, task=args.task)
    else:
        if args.flops is None:
            raise FootprintInputError("--training-kwh needs --flops")
        label = rate_training(args.training_kwh, args.flops)
    if args.json:
        print_json(label.to_dict())
        return 0
    sys.stdout.write(card_line(label) + "\n")
    return 0
