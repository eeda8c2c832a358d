"""``fmfootprint plan``: model size, tokens and loss for a budget, a size or a target loss.

Parses and prints only; :func:`fmfootprint.planning.plan` and
:func:`fmfootprint.planning.compare_regions` do the work. Numbers are read by
:func:`fmfootprint.units.parse_quantity`, so ``2.5T``, ``1e24`` and ``1,000`` all work.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fmfootprint.cli._output import print_json, quantity_type
from fmfootprint.cli._region_args import add_intensity_arguments

if TYPE_CHECKING:
    from fmfootprint.planning import Plan, RegionComparison

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
_HARDWARE = ("gpu", "gpus", "mfu", "region", "data_year", "intensity_source")
# Row label of an everyday equivalent, by the footprint quantity it restates.
_EVERYDAY = {"co2e_kg": "carbon", "energy_kwh": "energy", "water_l": "water"}


_quantity = quantity_type


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
        help="law preset, e.g. besiroglu2024, llama3, deepseek2024, gadre2024-rpj (default besiroglu2024, "
        "or muennighoff2023 with --unique-tokens; see `laws` and docs/laws.md)",
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
    add_intensity_arguments(hw)
    hw.add_argument(
        "--compare-regions",
        nargs="+",
        default=None,
        metavar="CODE",
        help="also estimate the same run in these regions (e.g. US-IA CA-QC, or US-IA,CA-QC)",
    )
    p.add_argument(
        "--cite",
        action="store_true",
        help="add a 'cite this estimate' paragraph (Markdown; LaTeX too with --json) and BibTeX entries",
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
    """With --json, extrapolation warnings also go to stderr (the JSON has them); the exit status stays 0."""
    import sys

    for text in warnings:
        print(f"warning: {text}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.planning import compare_regions, plan

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
    citation = None
    if args.cite:
        from fmfootprint.catalog.grid import get_region
        from fmfootprint.planning.cite import cite_plan

        region = result.footprint.region if result.footprint is not None else None
        citation = cite_plan(result, region_name=get_region(region).name if region else None)
    if args.json:
        _warn(result.warnings)
        payload = result.to_dict()
        if comparison is not None:
            payload["regions"] = comparison.to_dict()
        if citation is not None:
            payload["cite"] = citation.to_dict()
        print_json(payload)
        return 0
    _print_plan(result)
    if comparison is not None:
        _print_regions(comparison)
    if citation is not None:
        print("\ncite this estimate (Markdown):\n")
        print(citation.markdown)
        print("\nBibTeX:\n")
        print(citation.bibtex)
    return 0


def _section(title: str, rows: dict[str, str]) -> None:
    print(title)
    width = max((len(k) for k in rows), default=0)
    for label, value in rows.items():
        print(f"  {label:<{width}}  {value}")


def _print_plan(result: Plan) -> None:
    """The plan as labelled sections: the model, its footprint (with everyday equivalents), the warnings."""
    from fmfootprint.catalog.grid import get_region
    from fmfootprint.planning.budgets import BUDGET_KINDS
    from fmfootprint.planning.equivalents import everyday_equivalents
    from fmfootprint.planning.labels import defaults_text
    from fmfootprint.planning.spread import spread_text
    from fmfootprint.scaling.published import PUBLISHED
    from fmfootprint.units import format_count, format_number

    preset = PUBLISHED.get(result.law)
    model: dict[str, str] = {}
    flops = f"{format_number(result.compute_flops)} FLOP"
    if result.budget_kind not in (None, "compute_flops"):
        kind = str(result.budget_kind)
        model["budget"] = f"{format_number(result.budget)} {BUDGET_KINDS[kind]} → {flops}"
    else:
        model["compute"] = flops
    model["parameters"] = format_count(result.params)
    model["training tokens"] = format_count(result.tokens)
    model["tokens/param"] = format_number(result.tokens_per_param)
    answers = result.law_answers or {}
    model["loss"] = (
        f"{result.loss:.4f} nats/token"
        if result.loss is not None
        else f"not given by this law ({answers.get('cannot_answer', {}).get('loss', 'no loss law')})"
    )
    if "batch_size_tokens" in answers:
        model["batch size"] = f"{format_count(answers['batch_size_tokens'])} tokens (the law's optimum)"
    if "learning_rate" in answers:
        model["learning rate"] = f"{answers['learning_rate']:.3g} (the law's optimum)"
    if "downstream_top1_error" in answers:
        model["downstream error"] = f"{answers['downstream_top1_error']:.3f} (mean top-1, the law's forecast)"
    if result.published_laws:
        model["published laws"] = spread_text(result.published_laws)
    if result.lifetime_flops is not None and result.flops_saved is not None:
        model["inference tokens"] = format_count(result.inference_tokens or 0.0)
        model["lifetime compute"] = f"{format_number(result.lifetime_flops)} FLOP"
        model["saved"] = f"{format_number(result.flops_saved)} FLOP vs the compute-optimal model"
    if result.eu_ai_act is not None:  # the AI Act's 1e23 / 1e25 FLOP thresholds, as the app says them
        from fmfootprint.planning.thresholds import threshold_note

        model["EU AI Act"] = threshold_note(result.eu_ai_act.compute_flops)
    _section(f"plan  (law: {preset.display_name if preset is not None else result.law})", model)
    footprint = result.footprint
    if footprint is not None:
        region = get_region(footprint.region).name if footprint.region else None
        where = f"{region} ({footprint.region})" if region else "no region"
        ranges = footprint.ranges

        def ranged(key: str, value: float, scale: float, unit: str) -> str:
            text = f"{format_number(value / scale)} {unit}"
            low_high = ranges.get(key)
            if low_high is not None and low_high[0] != low_high[1]:
                low, high = (format_number(bound / scale) for bound in low_high)
                text += f"  (range {low} – {high} {unit})"
            return text

        rows = {
            "accelerator-hours": f"{format_number(footprint.gpu_hours)} h",
            "wall clock": (
                f"{format_number(footprint.hours / 24.0)} days" if footprint.hours is not None else "–"
            ),
            "energy": ranged("energy_kwh", footprint.energy_kwh, 1000.0, "MWh"),
            "carbon": ranged("co2e_kg", footprint.co2e_kg, 1000.0, "t CO2e"),
            "  operational": f"{format_number(footprint.co2e_operational_kg / 1000.0)} t CO2e",
            "  embodied": f"{format_number(footprint.co2e_embodied_kg / 1000.0)} t CO2e",
            "water": ranged("water_l", footprint.water_l, 1000.0, "m³"),
        }
        grid = next((a for a in footprint.assumptions if a.name == "grid_intensity_g_per_kwh"), None)
        if grid is not None and grid.value is not None:  # the intensity with its year, basis and dataset
            where_from, _, cited = grid.source.partition(": ")
            dataset = cited.split(";")[0].split(",")[0][:70]
            rows["  grid intensity"] = f"{format_number(grid.value)} gCO2e/kWh, {where_from}: {dataset}"
        said = defaults_text(footprint)  # every site default used, and why (issue 15)
        rows["  defaults used"] = (
            said.removeprefix("Defaults used (").replace("): ", ": ", 1) if said else "none"
        )
        for item in everyday_equivalents(footprint.co2e_kg, footprint.energy_kwh, footprint.water_l):
            rows[f"  {_EVERYDAY[item.quantity]} ≈"] = f"{format_number(item.amount)} {item.unit}"
        print()
        _section(f"footprint  ({footprint.gpus} × {footprint.gpu}, {where})", rows)
    if result.warnings:
        print()
        _section("warnings", {f"{i}.": text for i, text in enumerate(result.warnings, 1)})


def _print_regions(comparison: RegionComparison) -> None:
    """The region comparison as an aligned table in the headline units (t CO2e, MWh, m³)."""
    from fmfootprint.planning.labels import REGION_COLUMNS, region_rows

    rows = region_rows(comparison)
    widths = {col: max(len(col), *(len(row[col]) for row in rows)) for col in REGION_COLUMNS}
    print("\nthe same run by region (lowest carbon first):")
    print(
        "  ".join(
            col.ljust(widths[col]) if i == 0 else col.rjust(widths[col])
            for i, col in enumerate(REGION_COLUMNS)
        )
    )
    for row in rows:
        print(
            "  ".join(
                row[col].ljust(widths[col]) if i == 0 else row[col].rjust(widths[col])
                for i, col in enumerate(REGION_COLUMNS)
            )
        )
