"""``fmfootprint summarize DIR [--json]``: rebuild a run's summary from its JSONL logs."""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Iterator
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

    with one_line_warnings("summarize"):
        summary = summarize(args.run_dir)
    show(summary, as_json=args.json)
    return 0


@contextlib.contextmanager
def one_line_warnings(verb: str) -> Iterator[None]:
    """Warnings raised while reading logs (torn or corrupt lines) as one line each on stderr."""

    def one_line(message: Warning | str, *args: object, **kwargs: object) -> None:
        print(f"fmfootprint {verb}: warning: {message}".replace("fmfootprint: ", ""), file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = one_line
        yield


NOT_MEASURED = "not measured"


def _kwh(value: float | None) -> str:
    return NOT_MEASURED if value is None else f"{format_number(value)} kWh"


def _part(summary: RunSummary, part: str) -> str:
    """``"1.2 kWh (modelled: codecarbon TDP × CPU-load model, range 0.1–1 kWh)"``, or not measured."""
    from fmfootprint.measure.hostmethods import method_text

    energy = getattr(summary, f"{part}_energy_kwh")
    if energy is None:
        return NOT_MEASURED
    method = getattr(summary, f"{part}_energy_method")
    info = summary.hosts[0] if len(summary.hosts) == 1 else {}
    how = method_text(method, getattr(summary, f"{part}_energy_range_kwh"), info)
    return f"{_kwh(energy)}, {how}"


def one_line(summary: RunSummary) -> str:
    """The one-line summary ``fmfootprint track`` prints: totals, and each part not measured named.

    ``"6.8e-06 kWh, 0.0033 g CO2e (operational; embodied not counted), 2.9e-05 L water; GPU not measured;
    CPU modelled (range …)"``; ``"energy not measured (…)"`` when no part was. Never a 0 for a part that
    was not measured or counted.
    """
    if summary.energy_kwh is None or summary.co2e_kg is None:
        return "energy not measured (no part of the run was; see the summary's flags)"
    counted = any(g.get("co2e_embodied_kg") is not None for g in summary.gpus)
    embodied = (
        f" + {format_mass_kg(summary.co2e_embodied_kg)} embodied" if counted else "; embodied not counted"
    )
    water = "" if summary.water_l is None else f", {format_number(summary.water_l)} L water"
    line = (
        f"{format_number(summary.energy_kwh)} kWh, {format_mass_kg(summary.co2e_kg)} CO2e "
        f"({format_mass_kg(summary.co2e_operational_kg)} operational{embodied}){water}"
    )
    if summary.gpu_energy_kwh is None:
        line += "; GPU not measured"
    elif summary.n_gpus:
        line += f"; GPU measured ({summary.gpu_energy_method})"
    if summary.cpu_energy_kwh is None and summary.ram_energy_kwh is None:
        return line + "; CPU/RAM not measured"
    for part in ("cpu", "ram"):
        energy_range = getattr(summary, f"{part}_energy_range_kwh")
        if getattr(summary, f"{part}_energy_kwh") is None:
            line += f"; {part.upper()} not measured"
        elif energy_range is not None:
            line += (
                f"; {part.upper()} modelled ({format_number(energy_range[0])}–"
                f"{format_number(energy_range[1])} kWh)"
            )
    return line


def show(summary: RunSummary, *, as_json: bool) -> None:
    """Print a summary as JSON (``to_dict()``) or as aligned rows; a part not measured says so, never 0."""
    if as_json:
        print_json(summary.to_dict())
        return
    partial = (
        " (partial: see 'not measured')" if summary.unmeasured and summary.energy_it_kwh is not None else ""
    )
    gpu = _kwh(summary.gpu_energy_kwh)
    if summary.gpu_energy_kwh is not None:
        gpu += f" (measured: NVML, {summary.gpu_energy_method})" if summary.n_gpus else " (no GPU selected)"
    counted = any(g.get("co2e_embodied_kg") is not None for g in summary.gpus)
    embodied = f"{format_mass_kg(summary.co2e_embodied_kg)} embodied" if counted else "embodied not counted"
    gpus = f"{summary.n_gpus} ({summary.gpu_energy_method}), {format_number(summary.gpu_hours)} GPU-h"
    if summary.gpu_energy_kwh is None and not summary.n_gpus:
        gpus = NOT_MEASURED
    co2e = (
        NOT_MEASURED
        if summary.co2e_kg is None
        else f"{format_mass_kg(summary.co2e_kg)} = {format_mass_kg(summary.co2e_operational_kg)} "
        f"operational ({format_number(summary.grid_intensity_g_per_kwh)} g/kWh, "
        f"region {summary.region or 'world average'}) + {embodied}"
    )
    rows = {
        "duration": f"{format_number(summary.duration_s)} s",
        "sessions": f"{len(summary.sessions)} ({'complete' if summary.complete else 'rebuilt from log'})",
        "GPUs": gpus,
        "GPU energy": gpu,
        "CPU energy": _part(summary, "cpu"),
        "RAM energy": _part(summary, "ram"),
        "IT energy": _kwh(summary.energy_it_kwh) + partial,
        "facility energy": f"{_kwh(summary.energy_kwh)} (PUE {format_number(summary.pue)}){partial}",
        "CO2e": co2e + partial if summary.co2e_kg is not None else co2e,
        "water": NOT_MEASURED if summary.water_l is None else f"{format_number(summary.water_l)} L{partial}",
        "stage": summary.stage,
        "exit code": "unknown" if summary.exit_code is None else str(summary.exit_code),
    }
    if summary.site_defaults:  # which site figures no region or flag gave (their sources: --json, the card)
        from fmfootprint.planning.labels import SITE_LABELS

        named = ", ".join(SITE_LABELS.get(key, key) for key in summary.site_defaults)
        rows["site defaults"] = f"{named} (the site has none of its own; sources in --json)"
    if summary.corrupt_lines:
        rows["log lines skipped"] = f"{summary.corrupt_lines} (torn or corrupt; see the notes)"
    print_table(rows)
    for missing in summary.unmeasured:
        print(f"not measured: {missing}")
    for flag in summary.flags:
        print(f"note: {flag}")
