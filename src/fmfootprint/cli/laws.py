"""``fmfootprint laws``: the published scaling laws by the names people cite them by, with their links,
forms, constants and where each is printed, the data each was fitted on, its fitted range, and what each
can answer (``plan --law NAME``). docs/laws.md says which one to use."""

from __future__ import annotations

import argparse
from typing import Any

from fmfootprint.cli._output import print_json

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "laws",
        help="list the published scaling laws with their citations, constants and what each answers",
        description=(
            "List the published scaling laws usable with `plan --law NAME`: citation, link, functional "
            "form, constants with the table or equation they stand in, fitted data and range, caveats, and "
            "which questions each answers. docs/laws.md: which law should I use?"
        ),
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _entry(name: str) -> dict[str, Any]:
    from fmfootprint.scaling.laws import DEFAULT_LAW
    from fmfootprint.scaling.published import PUBLISHED

    law = PUBLISHED[name]
    chinchilla = getattr(law, "law", None)
    legacy = chinchilla.to_dict() if chinchilla is not None else {}
    return {**legacy, **law.to_dict(), "default": name == DEFAULT_LAW}


def run(args: argparse.Namespace) -> int:
    from fmfootprint.scaling.laws import DEFAULT_LAW
    from fmfootprint.scaling.published import PUBLISHED  # numpy: not for --help

    if args.json:
        print_json({name: _entry(name) for name in PUBLISHED})
        return 0
    for name, law in PUBLISHED.items():
        default = " (default)" if name == DEFAULT_LAW else ""
        print(f"{name}{default}: {law.display_name}")
        print(f"    link:         {law.url}")
        print(f"    fitted on:    {law.data}")
        if law.fitted_range is not None:
            print(f"    fitted range: {law.fitted_range.summary()}")
        print(f"    form:         {law.form}")
        sources = {item.source for item in law.constants}
        if len(sources) == 1:
            values = "  ".join(f"{item.name} {item.value:.6g}" for item in law.constants)
            constants = f"{values}  [{sources.pop()}]"
        else:
            constants = "  ".join(f"{item.name} {item.value:.6g} [{item.source}]" for item in law.constants)
        print(f"    constants:    {constants}")
        print(f"    source:       {law.citation}")
        cannot = ", ".join(question for question, _ in law.cannot) or "none"
        print(f"    answers:      {', '.join(law.answers()) or 'none of the planner questions'}")
        print(f"    cannot:       {cannot} (reasons: laws --json, or plan --law {name})")
    return 0
