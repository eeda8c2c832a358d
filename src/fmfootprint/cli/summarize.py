"""``fmfootprint summarize DIR [--json]``: rebuild a run's summary from its JSONL logs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fmfootprint.cli._output import print_json, print_table
from fmfootprint.units import format_mass_kg, format_number

if TYPE_CHECKING:
    from fmfootprint.measure.summary import RunSummary


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "summarize",
        help="rebuild a tracked run's summary from its logs",
        description="Rebuild the summary (same keys as *.summary.json) from the JSONL logs in DIR, "
        "e.g. after the process was killed.",
    )
    p.add_argument("run_dir", metavar="DIR", help="tracker output folder (or one .jsonl file)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.measure.log import summarize

    show(summarize(args.run_dir), as_json=args.json)
    return 0


def show(summary: RunSummary, *, as_json: bool) -> None:
    """Print a summary as JSON (``to_dict()``) or as aligned rows."""
    if as_json:
        print_json(summary.to_dict())
        return

    def kwh(value: float | None) -> str:
        return "unavailable" if value is None else f"{format_number(value)} kWh"

    rows = {
        "duration": f"{format_number(summary.duration_s)} s",
        "sessions": f"{len(summary.sessions)} ({'complete' if summary.complete else 'rebuilt from log'})",
        "GPUs": f"{summary.n_gpus} ({summary.gpu_energy_method}), {format_number(summary.gpu_hours)} GPU-h",
        "GPU energy": kwh(summary.gpu_energy_kwh),
        "CPU energy": kwh(summary.cpu_energy_kwh),
        "RAM energy": kwh(summary.ram_energy_kwh),
        "IT energy": kwh(summary.energy_it_kwh),
        "facility energy": f"{kwh(summary.energy_kwh)} (PUE {format_number(summary.pue)})",
        "CO2e": f"{format_mass_kg(summary.co2e_kg)} = {format_mass_kg(summary.co2e_operational_kg)} "
        f"operational ({format_number(summary.grid_intensity_g_per_kwh)} g/kWh, "
        f"region {summary.region or 'world average'}) + {format_mass_kg(summary.co2e_embodied_kg)} embodied",
        "water": f"{format_number(summary.water_l)} L",
        "stage": summary.stage,
        "exit code": "unknown" if summary.exit_code is None else str(summary.exit_code),
    }
    print_table(rows)
    for flag in summary.flags:
        print(f"note: {flag}")
