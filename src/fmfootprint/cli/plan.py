"""``fmfootprint plan``: model size, tokens and loss for a budget, a size or a target loss.

Parses and prints only; :func:`fmfootprint.planning.plan` and
:func:`fmfootprint.planning.compare_regions` do the work. Numbers are read by
:func:`fmfootprint.units.parse_quantity`, so ``2.5T``, ``1e24`` and ``1,000`` all work.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fmfootprint.cli._output import print_json, print_table

if TYPE_CHECKING:
    from fmfootprint.planning import RegionComparison

__all__ = ["register", "run"]

# (flag, plan keyword, metavar, help) of the ways to state the run; exactly one is given.
_TARGETS = (
    ("--compute", "compute_flops", "FLOPS", "training budget [FLOP], e.g. 1e23 or 2.5e23"),
    (
        "--accelerator-days",
        "accelerator_days",
        "DAYS",
        "training budget [accelerator-days, all devices together], e.g. 1,000 (needs --gpu, --mfu)",
    ),
    ("--energy-kwh", "energy_kwh", "KWH", "facility-energy cap [kWh] (needs --gpu, --mfu)"),
    ("--co2e-kg", "co2e_kg", "KG", "total-carbon cap, operational + embodied [kg CO2e] (needs --gpu, --mfu)"),
    ("--params", "params", "N", "model size [parameters], e.g. 7B"),
    ("--target-loss", "target_loss", "L", "loss to reach [nats/token]"),
)
# Other spellings of the caps (the names the app's budget kinds read as).
_ALIASES = {"--energy-kwh": ("--energy-cap-kwh",), "--co2e-kg": ("--carbon-cap-kg",)}
_HARDWARE = ("gpu", "gpus", "mfu", "region")


def _quantity(name: str, *, allow_zero: bool = False) -> Callable[[str], float]:
    """An argparse type reading a number as a person types it (``2.5T``, ``1e24``, ``1,000``).

    Text that is no number is a one-line usage error with the library's message; a number out of range
    (negative, zero, nan, inf) goes through, so that the library names the bad value where it checks it.
    """

    def parse(text: str) -> float:
        from fmfootprint.units import parse_quantity

        try:
            return parse_quantity(name, text, allow_zero=allow_zero)
        except ValueError as exc:
            try:
                return float(text)
            except ValueError:
                raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "plan",
        help="compute-optimal model size and tokens for a budget, a size or a target loss",
        description=(
            "Plan a training run with a scaling law. Give one of --compute, --accelerator-days, "
            "--energy-kwh, --co2e-kg, --params or --target-loss (with --inference-tokens for the "
            "lifetime-optimal model of Sardana et al. 2024). Numbers may be written 2.5T, 1e24 or 1,000."
        ),
    )
    what = p.add_mutually_exclusive_group(required=True)
    for flag, dest, metavar, text in _TARGETS:
        what.add_argument(
            flag, *_ALIASES.get(flag, ()), dest=dest, type=_quantity(dest), metavar=metavar, help=text
        )
    p.add_argument(
        "--inference-tokens",
        type=_quantity("inference_tokens", allow_zero=True),
        metavar="T",
        help="lifetime inference tokens (with --target-loss), e.g. 2T",
    )
    p.add_argument(
        "--unique-tokens",
        type=_quantity("unique_tokens"),
        metavar="U",
        help="unique tokens available (data-constrained plan), e.g. 25B",
    )
    law = p.add_mutually_exclusive_group()
    law.add_argument(
        "--law",
        default=None,
        metavar="NAME",
        help="law preset (default besiroglu2024, or muennighoff2023 with --unique-tokens; see `laws`)",
    )
    law.add_argument(
        "--law-file", default=None, metavar="FIT.json", help="law written by `fmfootprint fit --json`"
    )
    hw = p.add_argument_group("footprint of the planned compute (optional)")
    hw.add_argument("--gpu", default=None, metavar="NAME", help="accelerator, e.g. H100")
    hw.add_argument(
        "--gpus", type=_quantity("gpus"), default=None, metavar="N", help="number of accelerators"
    )
    hw.add_argument(
        "--mfu", type=_quantity("mfu"), default=None, metavar="F", help="model FLOPs utilisation, e.g. 0.4"
    )
    hw.add_argument("--region", default=None, metavar="R", help="grid region, e.g. FR, US-CA, aws:us-east-1")
    hw.add_argument(
        "--compare-regions",
        nargs="+",
        default=None,
        metavar="CODE",
        help="also estimate the same run in these regions (e.g. US-IA CA-QC, or US-IA,CA-QC)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def hardware_of(args: argparse.Namespace) -> dict[str, Any] | None:
    """The --gpu/--gpus/--mfu/--region flags that were given, or None when none was."""
    given = {key: getattr(args, key) for key in _HARDWARE if getattr(args, key) is not None}
    return given or None


def _region_codes(values: list[str]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _warn(warnings: tuple[str, ...]) -> None:
    """Extrapolation warnings go to stderr: the plan is still printed and the exit status stays 0."""
    import sys

    for text in warnings:
        print(f"warning: {text}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.planning import compare_regions, plan
    from fmfootprint.planning.spread import spread_text

    targets = {dest: getattr(args, dest) for _, dest, _, _ in _TARGETS}
    hardware = hardware_of(args)
    result = plan(
        **targets,
        inference_tokens=args.inference_tokens,
        law=args.law_file if args.law_file is not None else args.law,
        unique_tokens=args.unique_tokens,
        hardware=hardware,
    )
    comparison = None
    if args.compare_regions is not None:
        comparison = compare_regions(
            result.compute_flops, _region_codes(args.compare_regions), hardware or {}
        )
    _warn(result.warnings)
    payload = result.to_dict()
    if comparison is not None:
        payload["regions"] = comparison.to_dict()
    if args.json:
        print_json(payload)
        return 0
    rows = {
        "law": payload["law"],
        "compute": f"{payload['compute_flops']:.3e} FLOPs",
        "params": f"{payload['params']:.3e}",
        "tokens": f"{payload['tokens']:.3e}",
        "tokens/param": f"{payload['tokens_per_param']:.1f}",
        "loss": f"{payload['loss']:.4f} nats/token",
    }
    if result.published_laws:
        rows["published laws"] = spread_text(result.published_laws)
    if "flops_saved" in payload:
        rows["lifetime"] = f"{payload['lifetime_flops']:.3e} FLOPs"
        rows["saved"] = f"{payload['flops_saved']:.3e} FLOPs vs the Chinchilla-optimal model"
    footprint = payload.get("footprint")
    if footprint:
        for key in ("energy_kwh", "co2e_kg", "water_l", "hours"):
            if footprint.get(key) is not None:
                rows[key] = f"{footprint[key]:.4g}"
    print_table(rows)
    if comparison is not None:
        _print_regions(comparison)
    return 0


def _print_regions(comparison: RegionComparison) -> None:
    from fmfootprint.units import format_number

    print("\nthe same run by region (lowest carbon first):")
    table = {
        f"{row.name} ({row.region})": (
            f"{format_number(row.estimate.grid_intensity_g_per_kwh, digits=4)} gCO2e/kWh  "
            f"{format_number(row.estimate.energy_kwh, digits=4)} kWh  "
            f"{format_number(row.co2e_kg, digits=4)} kg CO2e  "
            f"{format_number(row.estimate.water_l, digits=4)} L"
        )
        for row in comparison
    }
    print_table(table)
