"""Everyday equivalents of a footprint: car-kilometres, households' yearly electricity, Olympic pools.

A sourced factor table (:data:`FACTORS`) and one pure function, :func:`everyday_equivalents`, that divides a
footprint by those factors. The factors are US federal statistics (public domain: works of the US
government) and a pool's regulation volume; each :class:`Equivalent` carries its source so that every page
that shows one can show where it comes from. A quantity that was not measured (None) has no equivalent:
nothing is shown as 0.

References
----------
US EPA (2023). Greenhouse Gas Emissions from a Typical Passenger Vehicle, EPA-420-F-23-014: a typical
passenger vehicle emits about 400 g CO2 per mile.
US EIA (2023). Frequently Asked Questions: How much electricity does an American home use? In 2022 the
average US residential customer used 10,791 kWh.
World Aquatics (FINA) Facilities Rules FR 2: an Olympic pool is 50 m × 25 m with at least 2 m depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError

__all__ = ["FACTORS", "Equivalent", "EquivalentFactor", "equivalent_amounts", "everyday_equivalents"]

_M_PER_MILE = 1609.344  # international mile [m]


@dataclass(frozen=True)
class EquivalentFactor:
    """One everyday unit a footprint quantity is expressed in.

    Attributes
    ----------
    key : str
        Identifier (``"car_km"``).
    quantity : str
        Which footprint quantity it divides: ``"co2e_kg"``, ``"energy_kwh"`` or ``"water_l"``.
    per_unit : float
        Amount of that quantity per one everyday unit [kg CO2e, kWh or L per unit].
    unit : str
        The everyday unit, as a phrase after a number ("km driven by an average petrol car").
    source : str
        Citation of the figure.
    licence : str
        Licence of the figure ("public-domain" for US federal works, "fact" for a published rule).
    """

    key: str
    quantity: str
    per_unit: float
    unit: str
    source: str
    licence: str


FACTORS: tuple[EquivalentFactor, ...] = (
    EquivalentFactor(
        key="car_km",
        quantity="co2e_kg",
        # 400 g CO2 per mile → kg per km.
        per_unit=0.400 * 1000.0 / _M_PER_MILE,
        unit="km driven by an average petrol car",
        source="US EPA (2023), Greenhouse Gas Emissions from a Typical Passenger Vehicle, EPA-420-F-23-014: "
        "about 400 g CO2 per mile",
        licence="public-domain",
    ),
    EquivalentFactor(
        key="household_years",
        quantity="energy_kwh",
        per_unit=10791.0,
        unit="US households' yearly electricity",
        source="US EIA (2023), FAQ 'How much electricity does an American home use?': 10,791 kWh per "
        "residential customer in 2022",
        licence="public-domain",
    ),
    EquivalentFactor(
        key="olympic_pools",
        quantity="water_l",
        per_unit=2.5e6,
        unit="Olympic swimming pools",
        source="World Aquatics Facilities Rules FR 2: 50 m × 25 m × 2 m minimum depth = 2,500 m³",
        licence="fact",
    ),
)
"""The factor table: one row per everyday unit, each with its citation and licence."""


@dataclass(frozen=True)
class Equivalent:
    """A footprint quantity in an everyday unit.

    Attributes
    ----------
    key : str
        The :class:`EquivalentFactor` key.
    quantity : str
        The footprint quantity converted (``"co2e_kg"``, ``"energy_kwh"``, ``"water_l"``).
    amount : float
        How many everyday units [-].
    unit : str
        The everyday unit phrase.
    source : str
        Citation of the factor.
    """

    key: str
    quantity: str
    amount: float
    unit: str
    source: str

    def text(self) -> str:
        """``"≈ 1,234 km driven by an average petrol car"`` (the project's number formatter)."""
        from fmfootprint.units import format_number

        return f"≈ {format_number(self.amount)} {self.unit}"

    def to_dict(self) -> dict[str, Any]:
        """key, quantity, amount, unit, source (JSON-ready)."""
        return {
            "key": self.key,
            "quantity": self.quantity,
            "amount": self.amount,
            "unit": self.unit,
            "source": self.source,
        }


def equivalent_amounts(value: ArrayLike, per_unit: float) -> NDArray[np.float64]:
    """Everyday units in a footprint quantity: value / per_unit.

    Parameters
    ----------
    value : array_like
        Footprint quantity [kg CO2e, kWh or L], ≥ 0.
    per_unit : float
        The factor [same unit per everyday unit], > 0.

    Returns
    -------
    ndarray
        Number of everyday units [-].

    References
    ----------
    The factors of :data:`FACTORS` (US EPA 2023; US EIA 2023; World Aquatics FR 2).
    """
    amounts = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(amounts)) or np.any(amounts < 0):
        raise FootprintInputError(f"value must be finite and >= 0, got {value!r}")
    return np.asarray(amounts / _validate.positive("per_unit", per_unit), dtype=float)


def everyday_equivalents(
    co2e_kg: float | None = None, energy_kwh: float | None = None, water_l: float | None = None
) -> tuple[Equivalent, ...]:
    """The footprint given in everyday units, one :class:`Equivalent` per factor whose quantity is known.

    Parameters
    ----------
    co2e_kg : float or None
        Carbon [kg CO2e]; None (not measured) gives no car-km.
    energy_kwh : float or None
        Energy [kWh]; None gives no households.
    water_l : float or None
        Water [L]; None gives no pools.

    Returns
    -------
    tuple of Equivalent
        In the order of :data:`FACTORS`, quantities that are None left out.

    Raises
    ------
    FootprintInputError
        A negative or non-finite quantity.

    References
    ----------
    US EPA (2023), EPA-420-F-23-014; US EIA (2023) FAQ; World Aquatics Facilities Rules FR 2 (see
    :data:`FACTORS`).
    """
    given = {"co2e_kg": co2e_kg, "energy_kwh": energy_kwh, "water_l": water_l}
    out = []
    for factor in FACTORS:
        value = given[factor.quantity]
        if value is None:
            continue
        amount = float(equivalent_amounts(value, factor.per_unit))
        out.append(Equivalent(factor.key, factor.quantity, amount, factor.unit, factor.source))
    return tuple(out)
