"""``fmfootprint laws``: the scaling-law presets by the names people cite them by, with their links, the
data each was fitted on and its fitted range."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fmfootprint.cli._output import print_json

if TYPE_CHECKING:
    from fmfootprint.scaling.laws import ChinchillaLaw, KaplanLaw

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "laws",
        help="list the scaling-law presets with their citations",
        description="List the scaling-law presets usable with `plan --law NAME`, with their sources.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fmfootprint.scaling.laws import DEFAULT_LAW, KAPLAN2020, PRESETS  # numpy: not for --help

    if args.json:
        laws: dict[str, ChinchillaLaw | KaplanLaw] = {**PRESETS, KAPLAN2020.name: KAPLAN2020}
        print_json({name: {**law.to_dict(), "default": name == DEFAULT_LAW} for name, law in laws.items()})
        return 0
    for name, law in PRESETS.items():
        extra = f", R_D* {law.r_d_star:g}, R_N* {law.r_n_star:g}" if law.r_d_star else ""
        _header(name, law.display_name, law.url, law.data)
        if law.fitted_range is not None:
            print(f"    fitted range: {law.fitted_range.summary()}")
        print(
            f"    constants:    E {law.E:.4g}  A {law.A:.5g}  B {law.B:.5g}  alpha {law.alpha:.4g}  "
            f"beta {law.beta:.4g}{extra}"
        )
        print(f"    source:       {law.citation}")
    k = KAPLAN2020
    _header(k.name, k.display_name, k.url, k.data)
    print(f"    constants:    alpha_N {k.alpha_n}  alpha_D {k.alpha_d}  N_c {k.n_c:g}  D_c {k.d_c:g}")
    print(f"    source:       {k.citation}")
    return 0


def _header(name: str, title: str, url: str, data: str) -> None:
    from fmfootprint.scaling.laws import DEFAULT_LAW

    default = " (default)" if name == DEFAULT_LAW else ""
    print(f"{name}{default}: {title}")
    print(f"    link:         {url}")
    print(f"    fitted on:    {data}")
