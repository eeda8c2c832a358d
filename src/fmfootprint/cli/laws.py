"""``fmfootprint laws``: the scaling-law presets and their citations."""

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
    from fmfootprint.scaling.laws import KAPLAN2020, PRESETS  # numpy: not for --help

    if args.json:
        laws: dict[str, ChinchillaLaw | KaplanLaw] = {**PRESETS, KAPLAN2020.name: KAPLAN2020}
        print_json({name: law.to_dict() for name, law in laws.items()})
        return 0
    for name, law in PRESETS.items():
        extra = f", R_D* {law.r_d_star:g}, R_N* {law.r_n_star:g}" if law.r_d_star else ""
        print(
            f"{name:<24} E {law.E:.4g}  A {law.A:.5g}  B {law.B:.5g}  alpha {law.alpha:.4g}  "
            f"beta {law.beta:.4g}{extra}"
        )
        print(f"{'':<24} {law.citation}")
    k = KAPLAN2020
    print(f"{k.name:<24} alpha_N {k.alpha_n}  alpha_D {k.alpha_d}  N_c {k.n_c:g}  D_c {k.d_c:g} (loss only)")
    print(f"{'':<24} {k.citation}")
    return 0
