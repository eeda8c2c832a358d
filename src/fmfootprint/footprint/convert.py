"""Energy → carbon and water: the one place where energy becomes carbon and water.

The estimator, the tracker's summaries, the planner and the model card all call :func:`convert`
(or the vectorised elementary functions below, for Monte Carlo samples).

Conventions
-----------
- Facility energy = IT energy × PUE (Patterson et al. 2021, §2; Luccioni et al. 2023, eq. 1).
- Operational carbon is location-based: facility energy × grid intensity.
- On-site (scope-1) water = WUE × IT energy; off-site (scope-2) water = EWIF × facility energy
  (Li, Yang, Islam & Ren 2023, "Making AI Less Thirsty", eq. 1 and Table 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint import _validate
from fmfootprint.units import G_PER_KG

__all__ = [
    "EnergyFootprint",
    "convert",
    "facility_energy_kwh",
    "offsite_water_l",
    "onsite_water_l",
    "operational_co2e_kg",
]


def facility_energy_kwh(energy_it_kwh: ArrayLike, pue: ArrayLike) -> NDArray[np.float64] | float:
    """Facility energy from IT energy.

    Parameters
    ----------
    energy_it_kwh : array_like
        Energy drawn by the IT equipment [kWh].
    pue : array_like
        Power usage effectiveness of the data centre [-], ≥ 1.

    Returns
    -------
    array_like
        Facility energy [kWh].

    Notes
    -----
    E_facility = PUE · E_IT.

    References
    ----------
    Patterson, D. et al. (2021). Carbon Emissions and Large Neural Network Training. arXiv:2104.10350, §2.
    """
    return np.multiply(energy_it_kwh, pue)


def operational_co2e_kg(energy_kwh: ArrayLike, intensity_g_per_kwh: ArrayLike) -> NDArray[np.float64] | float:
    """Location-based operational emissions.

    Parameters
    ----------
    energy_kwh : array_like
        Facility energy [kWh].
    intensity_g_per_kwh : array_like
        Grid carbon intensity [gCO2e/kWh].

    Returns
    -------
    array_like
        Emissions [kgCO2e].

    Notes
    -----
    CO2e = E_facility · CI / 1000.

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §3 and Table 1.
    """
    return np.multiply(energy_kwh, intensity_g_per_kwh) / G_PER_KG


def onsite_water_l(energy_it_kwh: ArrayLike, wue_l_per_kwh: ArrayLike) -> NDArray[np.float64] | float:
    """On-site (scope-1) water consumed for cooling.

    Parameters
    ----------
    energy_it_kwh : array_like
        IT energy [kWh].
    wue_l_per_kwh : array_like
        On-site water usage effectiveness [L/kWh of IT energy].

    Returns
    -------
    array_like
        Water consumed on site [L].

    Notes
    -----
    W_on = WUE · E_IT.

    References
    ----------
    Li, P., Yang, J., Islam, M. A. & Ren, S. (2023). Making AI Less "Thirsty".
    arXiv:2304.03271, eq. 1, Table 1.
    """
    return np.multiply(energy_it_kwh, wue_l_per_kwh)


def offsite_water_l(energy_kwh: ArrayLike, ewif_l_per_kwh: ArrayLike) -> NDArray[np.float64] | float:
    """Off-site (scope-2) water consumed to generate the electricity.

    Parameters
    ----------
    energy_kwh : array_like
        Facility energy [kWh].
    ewif_l_per_kwh : array_like
        Electricity water intensity factor of the grid [L/kWh].

    Returns
    -------
    array_like
        Water consumed off site [L].

    Notes
    -----
    W_off = EWIF · PUE · E_IT = EWIF · E_facility.

    References
    ----------
    Li, P., Yang, J., Islam, M. A. & Ren, S. (2023). Making AI Less "Thirsty".
    arXiv:2304.03271, eq. 1, Table 1.
    """
    return np.multiply(energy_kwh, ewif_l_per_kwh)


@dataclass(frozen=True)
class EnergyFootprint:
    """Carbon and water of an amount of IT energy at one site. All fields in the units their names say."""

    energy_it_kwh: float
    energy_kwh: float
    co2e_operational_kg: float
    water_onsite_l: float
    water_offsite_l: float
    pue: float
    grid_intensity_g_per_kwh: float
    wue_l_per_kwh: float
    ewif_l_per_kwh: float

    @property
    def water_l(self) -> float:
        """Total water, on-site plus off-site [L]."""
        return self.water_onsite_l + self.water_offsite_l

    def to_dict(self) -> dict[str, float]:
        return {**asdict(self), "water_l": self.water_l}


def convert(
    energy_it_kwh: float,
    *,
    pue: float,
    grid_intensity_g_per_kwh: float,
    wue_l_per_kwh: float = 0.0,
    ewif_l_per_kwh: float = 0.0,
) -> EnergyFootprint:
    """Carbon and water of ``energy_it_kwh`` of IT energy at a site.

    Parameters
    ----------
    energy_it_kwh : float
        IT energy (accelerators, plus host where counted) [kWh], ≥ 0.
    pue : float
        Power usage effectiveness [-], ≥ 1.
    grid_intensity_g_per_kwh : float
        Location-based grid carbon intensity [gCO2e/kWh], ≥ 0.
    wue_l_per_kwh : float, optional
        On-site water usage effectiveness [L/kWh of IT energy], ≥ 0. Default 0 (not counted).
    ewif_l_per_kwh : float, optional
        Off-site electricity water intensity factor [L/kWh], ≥ 0. Default 0 (not counted).

    Returns
    -------
    EnergyFootprint
        Facility energy [kWh], operational CO2e [kg], on-site and off-site water [L].

    Notes
    -----
    E = PUE·E_IT; CO2e = E·CI/1000; W_on = WUE·E_IT; W_off = EWIF·E.

    References
    ----------
    Patterson et al. (2021), arXiv:2104.10350, §2; Li et al. (2023), arXiv:2304.03271, eq. 1.
    """
    energy_it = _validate.non_negative("energy_it_kwh", energy_it_kwh)
    pue = _validate.at_least("pue", pue, 1.0)
    intensity = _validate.non_negative("grid_intensity_g_per_kwh", grid_intensity_g_per_kwh)
    wue = _validate.non_negative("wue_l_per_kwh", wue_l_per_kwh)
    ewif = _validate.non_negative("ewif_l_per_kwh", ewif_l_per_kwh)
    energy = float(facility_energy_kwh(energy_it, pue))
    return EnergyFootprint(
        energy_it_kwh=energy_it,
        energy_kwh=energy,
        co2e_operational_kg=float(operational_co2e_kg(energy, intensity)),
        water_onsite_l=float(onsite_water_l(energy_it, wue)),
        water_offsite_l=float(offsite_water_l(energy, ewif)),
        pue=pue,
        grid_intensity_g_per_kwh=intensity,
        wue_l_per_kwh=wue,
        ewif_l_per_kwh=ewif,
    )
