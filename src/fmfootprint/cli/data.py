"""``fmfootprint data gpus`` and ``fmfootprint data regions``: list the catalogs (parse and print only)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from fmfootprint.catalog.names import KINDS, PRECISIONS, PROVIDERS
from fmfootprint.cli._output import print_json
from fmfootprint.cli._region_args import add_intensity_arguments


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "data",
        help="list the accelerator and region catalogs",
        description="List the sourced catalogs that estimates use: accelerators (gpus) and regions.",
    )
    sub = p.add_subparsers(dest="catalog", metavar="CATALOG", parser_class=type(p))
    sub.required = True

    gpus = sub.add_parser(
        "gpus",
        help="accelerators: TDP, dense peak TFLOP/s, memory, bandwidth, embodied kg, source",
        description="List the accelerator catalog (per device; dense TFLOP/s; '-' where not defined).",
    )
    gpus.add_argument("--json", action="store_true", help="print JSON (a list of accelerator records)")
    gpus.set_defaults(func=run)

    regions = sub.add_parser(
        "regions",
        help="countries, US states, Canadian provinces, Electricity Maps zones and cloud regions",
        description=(
            "List the region catalog: grid carbon intensity [gCO2e/kWh] with year, basis and source, "
            "provider PUE, on-site WUE and off-site EWIF [L/kWh]. Zone values are Electricity Maps' yearly "
            "averages (ODbL-1.0, attribution 'Electricity Maps'); the newest year unless --data-year."
        ),
    )
    regions.add_argument("--provider", choices=PROVIDERS, help="only this cloud provider's regions")
    regions.add_argument("--kind", choices=KINDS, help="only regions of this kind")
    add_intensity_arguments(regions)
    regions.add_argument("--json", action="store_true", help="print JSON (a list of region records)")
    regions.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.catalog.grid import list_regions
    from fmfootprint.catalog.hardware import list_accelerators

    if args.catalog == "gpus":
        records = [a.to_dict() for a in list_accelerators()]
        if args.json:
            print_json(records)  # type: ignore[arg-type]  # a list of records
        else:
            _print_gpus(records)
        return 0
    regions = list_regions(
        provider=args.provider, kind=args.kind, year=args.data_year, intensity_source=args.intensity_source
    )
    records = [r.to_dict() for r in regions]
    if args.json:
        print_json(records)  # type: ignore[arg-type]
    else:
        _print_regions(records)
    return 0


def _num(value: Any, digits: int = 2) -> str:
    """A number with thousands separators and at most ``digits`` decimals; '-' for None."""
    if value is None:
        return "-"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _print_columns(header: Sequence[str], rows: list[list[str]], stream: TextIO) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    numeric = [all(_looks_numeric(r[i]) for r in rows) for i in range(len(header))]
    for line in [list(header), *rows]:
        cells = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(line, widths, numeric, strict=True)]
        stream.write("  ".join(cells).rstrip() + "\n")


def _looks_numeric(text: str) -> bool:
    return text == "-" or text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()


def _print_gpus(records: list[dict[str, Any]], stream: TextIO | None = None) -> None:
    header = (
        "name",
        "vendor",
        "TDP W",
        "power",
        *PRECISIONS,
        "mem GB",
        "TB/s",
        "year",
        "kgCO2e",
        "st",
    )
    rows = []
    for r in records:
        peak = r["peak_tflops"]
        rows.append(
            [
                r["name"],
                r["vendor"],
                _num(r["tdp_w"]),
                "modelled" if r["power_status"] == "modelled" else "published",
                *(_num(peak[p]) for p in PRECISIONS),
                _num(r["memory_gb"]),
                _num(r["memory_bandwidth_tb_s"], 3),
                str(r["release_year"] or "-"),
                _num(r["embodied_kg"]),
                r["status"],
            ]
        )
    out = stream or sys.stdout
    _print_columns(header, rows, out)
    out.write(
        f"\n{len(rows)} accelerators; dense peak TFLOP/s; power: published TDP, or modelled where none is "
        "published (range and derivation in --json); st = verification (V primary source, V2 secondary, "
        "U unverified). Sources: `fmfootprint data gpus --json`, data/SOURCES.md\n"
    )


def _print_regions(records: list[dict[str, Any]], stream: TextIO | None = None) -> None:
    header = ("code", "name", "gCO2e/kWh", "year", "basis", "data", "PUE", "WUE L/kWh", "EWIF L/kWh")
    rows = [
        [
            r["code"],
            r["name"][:36],
            _num(r["intensity_g_per_kwh"]),
            str(r["intensity_year"]),
            r["intensity_basis"],
            "EMaps" if r["intensity_dataset"] == "electricitymaps" else "open",
            _num(r["pue"], 3),
            _num(r["wue_l_per_kwh"], 3),
            _num(r["ewif_l_per_kwh"], 3),
        ]
        for r in records
    ]
    out = stream or sys.stdout
    _print_columns(header, rows, out)
    out.write(
        f"\n{len(rows)} regions; location-based intensity (lifecycle or direct, see basis); "
        "data: EMaps = Electricity Maps (ODbL-1.0, attribution 'Electricity Maps'), open = the openly "
        "licensed catalog value; '-' = not sourced. "
        "Sources: `fmfootprint data regions --json`, data/SOURCES.md\n"
    )
