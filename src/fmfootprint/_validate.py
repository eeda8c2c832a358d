"""Input checks shared by the library, the CLI and the app. Each raises a one-line FootprintInputError."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

from fmfootprint.errors import FootprintInputError

if TYPE_CHECKING:  # numpy is imported where an array is checked, so that the CLI's --help starts fast
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BOUNDS",
    "Bound",
    "as_float",
    "bounded",
    "fraction",
    "non_negative",
    "positive",
    "positive_array",
    "positive_int",
]


class Bound(NamedTuple):
    """A plausibility bound: ``low`` ≤ value ≤ ``high`` (``low`` < value when ``open_low``), and why."""

    low: float
    high: float
    reason: str
    open_low: bool = False

    def text(self) -> str:
        return f"{'(' if self.open_low else '['}{self.low:g}, {self.high:g}]"


# The one table of plausibility bounds (docs/methodology.md, "Plausibility bounds", shows the same table).
# A value outside is a typo or an attack, not a run: it is refused rather than carried through 100 orders
# of magnitude. Units are those of the argument.
BOUNDS: dict[str, Bound] = {
    "gpus": Bound(1, 1e7, "over 10x the largest cluster announced"),
    "hours": Bound(0, 1e6, "10^6 h is about 114 years"),
    "gpu_hours": Bound(0, 1e13, "10^7 accelerators for 10^6 h"),
    "energy_kwh": Bound(0, 1e14, "10^13 accelerator-hours at 10 kW, about 3x the world's yearly electricity"),
    "flops": Bound(0, 1e30, "over 10^4 x the largest training run; the laws mean nothing beyond"),
    "power_w": Bound(0, 1e4, "10 kW per accelerator, about 10x the hungriest chip", True),
    "peak_tflops": Bound(0, 1e5, "100 PFLOP/s per accelerator, over 10x the fastest chip", True),
    "host_power_w": Bound(0, 1e5, "100 kW per server, a whole rack"),
    "gpus_per_server": Bound(1, 1e3, "over 10x the largest single-node accelerator count"),
    "pue": Bound(1, 3, "the widest measured data-centre range"),
    "grid_intensity_g_per_kwh": Bound(0, 2000, "above the dirtiest coal plant (about 1,200 g/kWh)"),
    "wue_l_per_kwh": Bound(0, 20, "10x the highest reported on-site water use (about 2 L/kWh)"),
    "ewif_l_per_kwh": Bound(0, 100, "above the highest grid water factor (hydro-heavy grids, tens of L/kWh)"),
    "embodied_kg_per_gpu": Bound(0, 1e4, "10 t per accelerator, about 10x any published estimate"),
    "server_embodied_kg": Bound(0, 1e5, "100 t per server, a loaded rack and more"),
    "lifetime_years": Bound(0, 30, "no accelerator serves 30 years", True),
    "compute_flops": Bound(
        0, 1e30, "over 10^4 x the largest training run; the laws mean nothing beyond", True
    ),
    "params": Bound(0, 1e16, "over 10^3 x the largest model trained", True),
    "tokens": Bound(0, 1e16, "over 10^2 x the text ever written down", True),
    "unique_tokens": Bound(0, 1e16, "over 10^2 x the text ever written down", True),
    "inference_tokens": Bound(0, 1e20, "10^16 tokens a day for 30 years", True),
    "accelerator_days": Bound(0, 1e13 / 24, "10^7 accelerators for 10^6 h", True),
    "co2e_kg": Bound(0, 1e14, "above the world's yearly emissions (about 4e13 kg)", True),
    # a law's constants (law files are user input): exponents of published laws lie in 0.03-1.5
    "law_exponent": Bound(
        1e-3, 10, "published scaling exponents lie in 0.03-1.5; near 0 the law has no optimum"
    ),
    "law_coefficient": Bound(0, 1e30, "published E, A, B lie in 1-1e5; beyond 1e30 powers overflow", True),
    # read back from run summaries (merge): totals are never negative; the highs are those above
    "energy_it_kwh": Bound(0, 1e14, "as energy_kwh"),
}


def bounded(name: str, value: Any, bound: Bound | None = None) -> float:
    """A finite number within its plausibility bound (``bound``, default ``BOUNDS[name]``).

    Bounds, units as the argument (reason in :data:`BOUNDS` and docs/methodology.md): gpus [1, 1e7];
    hours [0, 1e6]; gpu_hours [0, 1e13]; energy_kwh [0, 1e14]; flops [0, 1e30]; power_w (0, 1e4] W;
    peak_tflops (0, 1e5]; host_power_w [0, 1e5] W; gpus_per_server [1, 1e3]; pue [1, 3];
    grid_intensity_g_per_kwh [0, 2000]; wue_l_per_kwh [0, 20]; ewif_l_per_kwh [0, 100];
    embodied_kg_per_gpu [0, 1e4]; server_embodied_kg [0, 1e5]; lifetime_years (0, 30];
    compute_flops (0, 1e30]; params, tokens, unique_tokens (0, 1e16]; inference_tokens (0, 1e20];
    accelerator_days (0, 1e13/24]; co2e_kg (0, 1e14]. MFU and utilisation are :func:`fraction`, (0, 1].

    Raises
    ------
    FootprintInputError
        Below the floor as :func:`positive`/:func:`non_negative` say it (``pue must be >= 1, got 0.9``);
        above, with the bound and its reason: ``pue must be in [1, 3] (the widest measured data-centre
        range), got 1e+308``.
    """
    limit = BOUNDS[name] if bound is None else bound
    number = as_float(name, value)
    if number <= limit.low if limit.open_low else number < limit.low:  # the physical floor, as positive()
        raise FootprintInputError(
            f"{name} must be {'>' if limit.open_low else '>='} {limit.low:g}, got {_fmt(value)}"
        )
    if number > limit.high:
        raise FootprintInputError(f"{name} must be in {limit.text()} ({limit.reason}), got {number:g}")
    return number


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
