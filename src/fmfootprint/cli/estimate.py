"""``fmfootprint estimate``: energy, carbon and water of a run (parsing and printing only)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fmfootprint.catalog.names import PRECISIONS
from fmfootprint.cli._output import print_json, print_table, seed
from fmfootprint.cli._region_args import add_intensity_arguments
from fmfootprint.units import format_number

# (JSON key, label, unit) of the rows of the text table.
_ROWS = (
    ("gpu_hours", "accelerator-hours", "h"),
    ("hours", "wall-clock time", "h"),
    ("energy_it_kwh", "IT energy", "kWh"),
    ("energy_kwh", "facility energy (x PUE)", "kWh"),
    ("co2e_operational_kg", "CO2e operational", "kg"),
    ("co2e_embodied_kg", "CO2e embodied", "kg"),
    ("co2e_kg", "CO2e total", "kg"),
    ("water_onsite_l", "water on-site", "L"),
    ("water_offsite_l", "water off-site", "L"),
    ("water_l", "water total", "L"),
    ("grid_intensity_g_per_kwh", "grid intensity", "gCO2e/kWh"),
    ("pue", "PUE", "-"),
)


_SITE_LABELS = {
    "pue": "PUE",
    "grid_intensity_g_per_kwh": "grid intensity",
    "wue_l_per_kwh": "WUE",
    "ewif_l_per_kwh": "EWIF",
}


_FLAGS = {"model_params": "--params"}


def _unit_suffix(unit: str) -> str:
    return "" if unit in ("", "-") else f" {unit.split(' ')[0]}"


# The estimate() inputs that the run flags set, by argparse destination.
ESTIMATE_INPUTS: tuple[str, ...] = (
    "gpu",
    "gpus",
    "hours",
    "gpu_hours",
    "flops",
    "mfu",
    "energy_kwh",
    "power_w",
    "utilization",
    "host_power_w",
    "pue",
    "region",
    "data_year",
    "intensity_source",
    "grid_intensity",
    "wue",
    "ewif",
    "embodied_kg_per_gpu",
    "server_embodied_kg",
    "gpus_per_server",
    "lifetime_years",
    "usage_fraction",
    "precision",
    "peak_tflops",
    "model_params",
)


def add_estimate_arguments(container: Any, *, require_run: bool = True) -> dict[str, str]:
    """Add the flags that describe a run to ``container`` (a parser or an argument group).

    Shared by ``fmfootprint estimate`` and ``fmfootprint card``. At most one of ``--hours``,
    ``--gpu-hours``, ``--flops`` and ``--energy-kwh`` may be given (exactly one when ``require_run``).
    Returns ``{dest: flag}`` for every flag added (the inputs :func:`estimate_from_args` passes on).
    """
    container.add_argument(
        "--gpu", metavar="NAME", help="accelerator name (catalog: TDP, peak FLOP/s, embodied kg)"
    )
    container.add_argument(
        "--gpus", metavar="N", type=float, default=None, help="number of accelerators (default 1)"
    )
    run_group = container.add_mutually_exclusive_group(required=require_run)
    run_group.add_argument("--hours", metavar="H", type=float, help="wall-clock hours")
    run_group.add_argument("--gpu-hours", metavar="H", type=float, help="accelerator-hours")
    run_group.add_argument("--flops", metavar="C", type=float, help="training compute [FLOP] (needs --mfu)")
    run_group.add_argument("--energy-kwh", metavar="E", type=float, help="measured IT energy [kWh]")
    container.add_argument(
        "--mfu", metavar="F", type=float, help="model FLOP utilisation in (0, 1] (with --flops)"
    )
    container.add_argument(
        "--precision",
        default=None,
        choices=PRECISIONS,
        help="precision of the peak FLOP/s used with --flops (default bf16)",
    )
    container.add_argument(
        "--peak-tflops",
        metavar="T",
        type=float,
        help="peak TFLOP/s per accelerator (instead of the catalog's)",
    )
    container.add_argument(
        "--params",
        dest="model_params",
        metavar="N",
        type=float,
        help="parameters of the model trained (picks the calibrated default power)",
    )
    power_group = container.add_mutually_exclusive_group()
    power_group.add_argument("--power-w", metavar="W", type=float, help="average power per accelerator [W]")
    power_group.add_argument(
        "--utilization",
        metavar="F",
        type=float,
        help="average draw as a fraction of TDP (default: calibrated by job size)",
    )
    container.add_argument(
        "--host-power-w", metavar="W", type=float, help="host power per server [W] (default: not counted)"
    )
    container.add_argument("--pue", metavar="P", type=float, help="power usage effectiveness (>= 1)")
    container.add_argument(
        "--region", metavar="CODE", help="region code or name: FR, US-IA, US-MIDA-PJM, aws:us-east-1, Iowa"
    )
    add_intensity_arguments(container)
    container.add_argument("--grid-intensity", metavar="G", type=float, help="grid intensity [gCO2e/kWh]")
    container.add_argument(
        "--wue", metavar="L_PER_KWH", type=float, help="on-site water usage effectiveness [L/kWh IT]"
    )
    container.add_argument(
        "--ewif", metavar="L_PER_KWH", type=float, help="off-site electricity water intensity [L/kWh]"
    )
    container.add_argument(
        "--embodied-kg-per-gpu", metavar="K", type=float, help="embodied kgCO2e per accelerator"
    )
    container.add_argument(
        "--server-embodied-kg", metavar="K", type=float, help="embodied kgCO2e per server (no GPUs)"
    )
    container.add_argument(
        "--gpus-per-server", metavar="N", type=float, help="accelerators per server (default 8)"
    )
    container.add_argument(
        "--lifetime-years", metavar="Y", type=float, help="hardware lifetime [yr] (default 6)"
    )
    container.add_argument(
        "--usage-fraction", metavar="F", type=float, help="fraction of life in use (default 0.85)"
    )
    return {dest: _FLAGS.get(dest, "--" + dest.replace("_", "-")) for dest in ESTIMATE_INPUTS}


def estimate_from_args(args: argparse.Namespace) -> Any:
    """Call :func:`~fmfootprint.footprint.estimate.estimate` with the parsed run flags."""
    from fmfootprint.footprint.estimate import estimate

    return estimate(**{dest: getattr(args, dest) for dest in ESTIMATE_INPUTS})


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "estimate",
        help="estimate the energy, carbon and water of a run",
        description=(
            "Estimate the energy, carbon (operational and embodied) and water of a run from exactly one of "
            "--hours, --gpu-hours, --flops with --mfu, or --energy-kwh (measured IT energy). Explicit flags "
            "override catalog values; every value used is listed under assumptions."
        ),
    )
    add_estimate_arguments(p)
    p.add_argument(
        "--samples",
        metavar="N",
        type=int,
        help="also run a seeded Monte Carlo of N samples over the stated ranges (5th/50th/95th percentiles)",
    )
    p.add_argument("--seed", metavar="S", type=seed, default=0, help="seed of the Monte Carlo (default 0)")
    p.add_argument(
        "--market-based",
        action="store_true",
        help="also report market-based operational carbon, next to the location-based figure, from the "
        "provider-published carbon-free-energy share (Google CFE of GCP regions) or --cfe-fraction",
    )
    p.add_argument(
        "--cfe-fraction",
        metavar="F",
        type=float,
        help="carbon-free-energy share 0-1 for the market-based figure (implies --market-based)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    # The library's names that are not a flag's dest (monte_carlo's n), for the error messages.
    p.set_defaults(func=run, library_names={"n": "samples"})


def run(args: argparse.Namespace) -> int:
    result = estimate_from_args(args)
    payload = result.to_dict()
    if args.samples is not None:
        from fmfootprint.footprint.uncertainty import monte_carlo

        payload["uncertainty"] = monte_carlo(result, args.samples, seed=args.seed).to_dict()
    market = None
    if args.market_based or args.cfe_fraction is not None:
        from fmfootprint.footprint.market import market_based

        market = market_based(result, args.cfe_fraction)
        payload["market_based"] = market.to_dict()  # next to, never instead of, the location-based figure
    if args.json:
        print_json(payload)
        return 0
    rows: dict[str, str] = {}
    for key, label, unit in _ROWS:
        value = payload.get(key)
        if value is None:
            rows[label] = "unknown"
            continue
        text = f"{format_number(value, digits=4)} {unit}"
        low, high = payload["ranges"].get(key, (value, value))
        if low != high:
            text += f"   [bounds {format_number(low, digits=4)} - {format_number(high, digits=4)}]"
        if key == "grid_intensity_g_per_kwh":  # its basis and year beside it ("lifecycle, 2025")
            from fmfootprint.catalog.basis import intensity_label
            from fmfootprint.catalog.grid import grid_defaults

            cited = next(a.source for a in result.assumptions if a.name == key)
            text += f"   ({intensity_label(cited, grid_defaults().world_intensity_year)})"
        rows[label] = text
    print_table(rows)
    defaults = result.defaults_used()
    if defaults:
        named = ", ".join(
            f"{_SITE_LABELS[a.name]} {format_number(a.value, digits=4)}{_unit_suffix(a.unit)}"
            for a in defaults
        )
        where = f"{result.region} has none" if result.region else "no region given"
        sys.stdout.write(f"\ndefaults used ({where}): {named}; sources under assumptions\n")
    if market is not None:
        sys.stdout.write(
            f"\nmarket-based CO2e operational: {format_number(market.market_co2e_kg, digits=4)} kg "
            f"(CFE {market.cfe_fraction:.0%}, {market.cfe_source}); location-based "
            f"{format_number(market.location_co2e_kg, digits=4)} kg above stays the estimate's figure\n"
        )
    if "uncertainty" in payload:
        mc = payload["uncertainty"]
        sys.stdout.write(
            f"\nMonte Carlo, {mc['n']:,} samples (seed {mc['seed']}), 5th / 50th / 95th percentiles:\n"
        )
        for key, label, unit in _ROWS:
            if key in mc["intervals"]:
                low, median, high = (format_number(v, digits=4) for v in mc["intervals"][key])
                sys.stdout.write(f"  {label}: {low} / {median} / {high} {unit}\n")
    sys.stdout.write("\nassumptions:\n")
    for item in payload["assumptions"]:
        value = "" if item["value"] is None else format_number(item["value"], digits=4)
        unit = f" {item['unit']}" if item["unit"] and value else ""
        sys.stdout.write(f"  {item['name']}: {value}{unit} ({item['source']})\n")
    return 0
