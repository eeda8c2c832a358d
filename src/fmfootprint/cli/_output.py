"""Helpers shared by the verbs: JSON exactly as ``to_dict()`` gives it, aligned text, and the argparse type
of a random seed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
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
