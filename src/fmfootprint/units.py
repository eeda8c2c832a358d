"""Units, the quantity parser and the number formatter: one home for each, used by the library, CLI and app.

- Unit constants (:data:`J_PER_KWH`, :data:`G_PER_KG`, :data:`S_PER_H`, :data:`H_PER_YEAR`): every
  conversion in the package reads them from here.
- :func:`parse_quantity`: a number as a person types it (``2.5T``, ``1e24``, ``1,000``), for the CLI's
  options and the app's text boxes alike.
- :func:`format_number`, :func:`format_count` and :func:`format_mass_kg`: how a number is written, for the
  CLI's text output, the model card and the app alike.
"""

from __future__ import annotations

import math
import re
from typing import Any

from fmfootprint.errors import FootprintInputError

__all__ = [
    "G_PER_KG",
    "H_PER_YEAR",
    "J_PER_KWH",
    "S_PER_H",
    "W_PER_KW",
    "format_count",
    "format_mass_kg",
    "format_number",
    "parse_quantity",
]

J_PER_KWH = 3.6e6
"""Joules in one kilowatt-hour [J/kWh]."""
G_PER_KG = 1000.0
"""Grams in one kilogram [g/kg]."""
W_PER_KW = 1000.0
"""Watts in one kilowatt [W/kW]."""
S_PER_H = 3600.0
"""Seconds in one hour [s/h]."""
H_PER_YEAR = 8760.0
"""Hours in one (non-leap) year [h/yr], the convention of amortised embodied carbon."""

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12, "p": 1e15}
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([kmbgtp]?)$", re.IGNORECASE)
_DASH = "–"  # what a missing value prints as


def parse_quantity(name: str, text: Any, *, allow_zero: bool = False) -> float:
    """Parse a number typed by a person: ``1e24``, ``1,000``, ``2.5T``, ``300B``, ``70 M``.

    Parameters
    ----------
    name : str
        What the number is, for the error message.
    text : str or number
        The typed value. Thousands separators (``,`` ``_`` and spaces) are ignored; a suffix k, M, B (or G),
        T or P multiplies by 1e3, 1e6, 1e9, 1e12 or 1e15 (case-insensitive).
    allow_zero : bool, optional
        Accept 0 (for quantities such as inference tokens where none is meaningful).

    Returns
    -------
    float
        The value, finite and > 0 (or ≥ 0 with ``allow_zero``).

    Raises
    ------
    FootprintInputError
        Empty, non-numeric, negative, zero (unless allowed) or non-finite input; the message names ``name``.
    """
    if isinstance(text, bool):
        raise FootprintInputError(f"{name} must be a number such as 1e24 or 2.5T, got {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = re.sub(r"[,_\s]", "", str(text or ""))
        if not cleaned:
            raise FootprintInputError(f"{name} is empty; type a number such as 1e24 or 2.5T")
        match = _NUMBER.match(cleaned)
        if match is None:
            raise FootprintInputError(f"{name} must be a number such as 1e24 or 2.5T, got {str(text)!r}")
        value = float(match.group(1)) * _SUFFIXES.get(match.group(2).lower(), 1.0)
    if not math.isfinite(value):
        raise FootprintInputError(f"{name} must be finite, got {text!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise FootprintInputError(f"{name} must be {bound}, got {text!r}")
    return value


def format_number(value: Any, digits: int = 3) -> str:
    """A readable number: thousands separators from 1,000 to 1e15, ``digits`` significant figures otherwise.

    Parameters
    ----------
    value : float, int, str or None
        The number; a string is returned as it is and None prints as ``–`` (not counted).
    digits : int, optional
        Significant figures below 1,000 and from 1e15 up [-]. Default 3.

    Returns
    -------
    str
        ``1,234,567`` · ``0.123`` · ``1.23e+20`` · ``0`` · ``–``.
    """
    if value is None:
        return _DASH
    if isinstance(value, str):
        return value
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    magnitude = abs(number)
    if 1000 <= magnitude < 1e15:
        return f"{number:,.0f}"
    return f"{number:.{digits}g}"


def format_count(value: float, digits: int = 3) -> str:
    """A large count in the words people use for models: 7.05e10 → ``70.5B``, 1.4e12 → ``1.4T``.

    Parameters
    ----------
    value : float
        The count [-] (parameters, tokens, FLOPs).
    digits : int, optional
        Significant figures [-]. Default 3.
    """
    number = float(value)
    if abs(number) >= 1e15:
        return f"{number:.{digits}g}"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= scale:
            return f"{number / scale:.{digits}g}{suffix}"
    return f"{number:.{digits}g}"


def format_mass_kg(mass_kg: float | None, digits: int = 3) -> str:
    """A mass of CO2e [kg] with the unit that reads best: ``12.3 g``, ``4.56 kg``, ``7,890 t``."""
    if mass_kg is None:
        return _DASH
    if abs(mass_kg) >= 1000:
        return f"{format_number(mass_kg / 1000, digits)} t"
    if abs(mass_kg) >= 1 or mass_kg == 0:
        return f"{format_number(mass_kg, digits)} kg"
    return f"{format_number(mass_kg * G_PER_KG, digits)} g"
