"""Input checks shared by the library, the CLI and the app. Each raises a one-line FootprintInputError."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fmfootprint.errors import FootprintInputError

if TYPE_CHECKING:  # numpy is imported where an array is checked, so that the CLI's --help starts fast
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

__all__ = ["as_float", "fraction", "non_negative", "positive", "positive_array", "positive_int"]


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{value!r}"


def as_float(name: str, value: Any) -> float:
    """``value`` as a finite float, or an error naming ``name``."""
    if isinstance(value, bool):
        raise FootprintInputError(f"{name} must be a number, got {_fmt(value)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FootprintInputError(f"{name} must be a number, got {_fmt(value)}") from None
    if not math.isfinite(number):
        raise FootprintInputError(f"{name} must be finite, got {_fmt(value)}")
    return number


def positive(name: str, value: Any) -> float:
    """A finite number > 0."""
    number = as_float(name, value)
    if number <= 0:
        raise FootprintInputError(f"{name} must be > 0, got {_fmt(value)}")
    return number


def non_negative(name: str, value: Any) -> float:
    """A finite number ≥ 0."""
    number = as_float(name, value)
    if number < 0:
        raise FootprintInputError(f"{name} must be >= 0, got {_fmt(value)}")
    return number


def at_least(name: str, value: Any, minimum: float) -> float:
    """A finite number ≥ ``minimum``."""
    number = as_float(name, value)
    if number < minimum:
        raise FootprintInputError(f"{name} must be >= {minimum:g}, got {_fmt(value)}")
    return number


def fraction(name: str, value: Any) -> float:
    """A number in (0, 1]."""
    number = as_float(name, value)
    if not 0 < number <= 1:
        raise FootprintInputError(f"{name} must be in (0, 1], got {_fmt(value)}")
    return number


def positive_int(name: str, value: Any) -> int:
    """An integer ≥ 1 (floats such as 8.0 are accepted)."""
    number = as_float(name, value)
    if number < 1 or number != int(number):
        raise FootprintInputError(f"{name} must be a whole number >= 1, got {_fmt(value)}")
    return int(number)


def positive_array(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """A float array whose entries are all finite and > 0; the message shows the first bad entry."""
    import numpy as np

    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise FootprintInputError(f"{name} must be numeric, got {_fmt(values)}") from None
    bad = ~np.isfinite(array) | (array <= 0)
    if bad.any():
        first = float(array[bad].flat[0]) if array.ndim else array.item()
        raise FootprintInputError(f"{name} must be finite and > 0, got {first!r}")
    return array
