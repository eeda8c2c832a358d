"""Helpers shared by the verbs: JSON exactly as ``to_dict()`` gives it, aligned text, and the argparse types
of a quantity and of a random seed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO


def print_json(payload: Mapping[str, Any], stream: TextIO | None = None) -> None:
    """Print ``payload`` as JSON (NaN/inf are bugs here, so they raise)."""
    json.dump(payload, stream or sys.stdout, indent=2, allow_nan=False, default=_default)
    (stream or sys.stdout).write("\n")


def _default(value: Any) -> Any:
    # numpy scalars and arrays
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_table(rows: Mapping[str, str], stream: TextIO | None = None) -> None:
    """Print ``label  value`` rows with the labels aligned."""
    out = stream or sys.stdout
    width = max((len(k) for k in rows), default=0)
    for label, value in rows.items():
        out.write(f"{label:<{width}}  {value}\n")


def seed(text: str) -> int:
    """An argparse type: a random seed, a whole number >= 0 (what ``numpy.random.default_rng`` accepts)."""
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def quantity_type(name: str, *, allow_zero: bool = False) -> Callable[[str], float]:
    """An argparse type reading a number as a person types it (``2.5T``, ``70B``, ``1e24``, ``1,000``).

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
