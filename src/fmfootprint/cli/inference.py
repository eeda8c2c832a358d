"""``fmfootprint inference``: energy, carbon, water and latency per query of a served model (parse, print)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from fmfootprint.cli._output import print_json, print_table, quantity_type

# (JSON key, label, unit) of the rows of the text table.
_ROWS = (
    ("energy_wh_per_query", "energy per query (facility)", "Wh"),
    ("energy_accelerator_wh_per_query", "  of which accelerators", "Wh"),
    ("energy_j_per_output_token", "energy per output token", "J"),
    ("co2e_g_per_query", "CO2e per query", "g"),
    ("co2e_embodied_g_per_query", "  of which embodied", "g"),
    ("water_ml_per_query", "water per query", "mL"),
    ("latency_s", "latency", "s"),
)

# The library's argument names that are not a flag's dest, for one-line errors that name the flag.
LIBRARY_NAMES = {
    "grid_intensity_g_per_kwh": "grid_intensity",
    "wue_l_per_kwh": "wue",
    "ewif_l_per_kwh": "ewif",
    "latency_target_s": "latency_target_s",
}


def quantity(name: str) -> Callable[[str], float]:
    """An argparse type reading ``70e9``, ``70B`` or ``1,000``; zero allowed, a value out of range goes
    through, so that the library names it."""
    return quantity_type(name, allow_zero=True)


def _batch(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 or 'auto', got {text!r}") from None


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "inference",
        help="energy, carbon and water per query of a served language model, and its energy rating",
        description=(
            "Estimate one query to a served model: prefill compute-bound, decode memory-bound and shared by "
            "the batch, the accelerators that hold the weights, host, idle capacity and PUE. Numbers may be "
            "written 70e9, 70B or 1,000. Every value used is listed under assumptions; ranges are stated."
        ),
    )
    p.add_argument(
        "--params", metavar="N", required=True, type=quantity("--params"), help="total parameters (70e9)"
    )
    p.add_argument(
        "--active-params", metavar="N", type=quantity("--active-params"), help="parameters per token (MoE)"
    )
    p.add_argument("--gpu", required=True, metavar="NAME", help="accelerator name (H100, B200, ...)")
    p.add_argument(
        "--input-tokens", metavar="T", required=True, type=quantity("--input-tokens"), help="prompt tokens"
    )
    p.add_argument(
        "--output-tokens",
        metavar="T",
        required=True,
        type=quantity("--output-tokens"),
        help="generated tokens",
    )
    p.add_argument(
        "--batch", metavar="B|auto", type=_batch, default="auto", help="batch size, or auto (default)"
    )
    p.add_argument("--precision", default="bf16", choices=("bf16", "fp8", "int4"), help="default bf16")
    p.add_argument(
        "--accelerators", metavar="N", type=int, help="accelerators per replica (default: enough to hold it)"
    )
    p.add_argument("--latency-target-s", metavar="S", type=float, help="latency target of --batch auto [s]")
    p.add_argument("--scope", default="full", choices=("full", "accelerator"), help="default full")
    p.add_argument("--region", metavar="CODE", help="region code: FR, US-CA, aws:us-east-1, ...")
    p.add_argument("--pue", metavar="P", type=float, help="power usage effectiveness (>= 1)")
    p.add_argument("--grid-intensity", metavar="G", type=float, help="grid intensity [gCO2e/kWh]")
    p.add_argument(
        "--wue", metavar="L_PER_KWH", type=float, help="on-site water usage effectiveness [L/kWh IT]"
    )
    p.add_argument(
        "--ewif", metavar="L_PER_KWH", type=float, help="off-site electricity water intensity [L/kWh]"
    )
    p.add_argument(
        "--kv-bytes-per-token", metavar="B", type=float, help="KV-cache bytes per token (model config)"
    )
    p.add_argument(
        "--tdp-w", metavar="W", type=float, help="TDP per accelerator [W] (instead of the catalog's)"
    )
    p.add_argument("--memory-gb", metavar="GB", type=float, help="memory per accelerator [GB]")
    p.add_argument("--memory-bandwidth-tb-s", metavar="TB_S", type=float, help="memory bandwidth [TB/s]")
    p.add_argument(
        "--peak-tflops", metavar="T", type=float, help="dense peak TFLOP/s at the compute precision"
    )
    p.add_argument("--embodied-kg-per-gpu", metavar="K", type=float, help="embodied kgCO2e per accelerator")
    p.add_argument(
        "--task", default="text-generation", choices=("text-generation", "reasoning"), help="rating class"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run, library_names=LIBRARY_NAMES)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.serving.query import inference
    from fmfootprint.serving.rating import card_line, rate_inference

    result = inference(
        args.params,
        active_params=args.active_params,
        gpu=args.gpu,
        input_tokens=args.input_tokens,
        output_tokens=args.output_tokens,
        batch=args.batch,
        precision=args.precision,
        accelerators=args.accelerators,
        latency_target_s=args.latency_target_s,
        scope=args.scope,
        region=args.region,
        pue=args.pue,
        grid_intensity_g_per_kwh=args.grid_intensity,
        wue_l_per_kwh=args.wue,
        ewif_l_per_kwh=args.ewif,
        kv_bytes_per_token=args.kv_bytes_per_token,
        tdp_w=args.tdp_w,
        memory_gb=args.memory_gb,
        memory_bandwidth_tb_s=args.memory_bandwidth_tb_s,
        peak_tflops=args.peak_tflops,
        embodied_kg_per_gpu=args.embodied_kg_per_gpu,
    )
    # The rating's measure is facility energy in scope "full" (docs/rating.md).
    label = (
        rate_inference(result.energy_wh_per_1000_queries, params=result.params, task=args.task)
        if result.scope == "full"
        else None
    )
    payload = {**result.to_dict(), "rating": label.to_dict() if label is not None else None}
    if args.json:
        print_json(payload)
        return 0
    print_rows(payload)
    if label is not None:
        sys.stdout.write(f"\n{card_line(label)}\n")
    else:
        sys.stdout.write("\nno energy rating: it rates scope full (docs/rating.md)\n")
    for warning in result.warnings:
        sys.stdout.write(f"warning: {warning}\n")
    sys.stdout.write("\nassumptions:\n")
    _print_assumptions(payload["assumptions"])
    return 0


def print_rows(payload: dict[str, Any]) -> None:
    """The figures per query and per 1,000 queries, each with its stated range."""
    from fmfootprint.units import format_count, format_number

    rows = {
        "model": f"{format_count(payload['params'])} parameters"
        + (
            f" ({format_count(payload['active_params'])} active)"
            if payload["active_params"] != payload["params"]
            else ""
        ),
        "served on": f"{payload['accelerators']} x {payload['gpu']}, {payload['precision']}, batch "
        f"{payload['batch_size']}{' (auto)' if payload['batch_auto'] else ''}",
    }
    for key, label, unit in _ROWS:
        value = payload[key]
        low, high = payload["ranges"][key]
        rows[label] = f"{format_number(value)} {unit}   [range {format_number(low)} - {format_number(high)}]"
    per_1000 = payload["per_1000_queries"]
    rows["per 1,000 queries"] = (
        f"{format_number(per_1000['energy_wh'])} Wh, {format_number(per_1000['co2e_g'])} gCO2e, "
        f"{format_number(per_1000['water_ml'])} mL"
    )
    print_table(rows)


def _print_assumptions(items: list[dict[str, Any]]) -> None:
    from fmfootprint.units import format_number

    for item in items:
        value = "" if item["value"] is None else format_number(item["value"], digits=4)
        unit = f" {item['unit']}" if item["unit"] and item["unit"] != "-" and value else ""
        sys.stdout.write(f"  {item['name']}: {value}{unit} ({item['source']})\n")
