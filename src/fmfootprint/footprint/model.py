"""The vectorised footprint model: factor arrays → energy, carbon and water arrays.

The estimator fixes what is known exactly (duration or energy, host power, servers, lifetime) in a
:class:`FootprintModel`; :meth:`FootprintModel.evaluate` maps arrays of the uncertain factors (power, PUE,
grid intensity, WUE, EWIF, embodied kg) to every output at once, for the central value, the corners of the
factor box (:func:`evaluate_box`) and Monte Carlo samples alike. Each formula lives in
:mod:`fmfootprint.footprint.power`, :mod:`~fmfootprint.footprint.convert` or
:mod:`~fmfootprint.footprint.embodied`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint import convert, embodied, power
from fmfootprint.footprint.factors import Factor, corner_grid
from fmfootprint.units import W_PER_KW

__all__ = ["FootprintModel", "Mode", "evaluate_box"]

Mode = Literal["flops", "hours", "gpu_hours", "energy"]
"""How the run was described: training FLOPs, wall-clock hours, accelerator-hours or measured IT energy."""

Arrays = dict[str, NDArray[np.float64]]


@dataclass(frozen=True)
class FootprintModel:
    """The fixed part of an estimate.

    Attributes
    ----------
    mode : {"flops", "hours", "gpu_hours", "energy"}
        How the run was described.
    gpus : float
        Accelerators [-].
    gpu_hours : float or None
        Accelerator-hours [h]; fixed unless ``mode == "energy"``.
    energy_it_kwh : float or None
        Measured IT energy [kWh]; fixed when ``mode == "energy"``.
    power_known : bool
        Whether a power per accelerator is known (then measured energy gives accelerator-hours).
    host_power_w : float
        Host power per server [W]; 0 when not counted.
    gpus_per_server : float
        Accelerators per server [-].
    lifetime_years : float
        Hardware lifetime [yr].
    usage_fraction : float
        Fraction of its life the hardware is in use [-].
    """

    mode: Mode
    gpus: float
    gpu_hours: float | None
    energy_it_kwh: float | None
    power_known: bool
    host_power_w: float
    gpus_per_server: float
    lifetime_years: float
    usage_fraction: float

    def evaluate(self, values: Mapping[str, ArrayLike]) -> Arrays:
        """Every output for arrays of the factors (broadcast together).

        Parameters
        ----------
        values : mapping
            ``power_w`` [W] (unless the energy is measured and no power is known), ``pue`` [-],
            ``grid_intensity_g_per_kwh`` [gCO2e/kWh], ``wue_l_per_kwh`` [L/kWh], ``ewif_l_per_kwh``
            [L/kWh], ``embodied_kg_per_gpu`` and ``embodied_kg_per_server`` [kgCO2e].

        Returns
        -------
        dict
            Float arrays of ``energy_it_kwh``, ``energy_kwh`` [kWh], ``co2e_operational_kg``,
            ``co2e_embodied_kg``, ``co2e_kg`` [kgCO2e], ``water_onsite_l``, ``water_offsite_l``,
            ``water_l`` [L], ``grid_intensity_g_per_kwh``, ``pue``, ``co2e_embodied_gpu_kg``,
            ``co2e_embodied_server_kg``, and, when accelerator-hours are known, ``gpu_hours`` and
            ``hours`` [h]. Overflow shows as inf (the caller rejects it).

        Notes
        -----
        With measured energy and a known power, GPU-h = E_IT·1000 / (P + P_host / GPUs per server).
        Otherwise E_IT = GPU-h·P/1000 (+ GPU-h/g·P_host/1000). Then E = PUE·E_IT; CO2e_op = E·CI/1000;
        W_on = WUE·E_IT; W_off = EWIF·E; CO2e_emb = kg_GPU·GPU-h/(L·8760·u) + kg_srv·(GPU-h/g)/(L·8760·u).
        """
        with np.errstate(all="ignore"):
            host_w_per_gpu = self.host_power_w / self.gpus_per_server
            gpu_hours: NDArray[np.float64] | None
            if self.mode == "energy":
                energy_it = np.asarray(self.energy_it_kwh, dtype=float)
                if self.power_known:
                    gpu_hours = np.asarray(
                        energy_it * W_PER_KW / (np.asarray(values["power_w"], dtype=float) + host_w_per_gpu)
                    )
                else:
                    gpu_hours = None
            else:
                gpu_hours = np.asarray(self.gpu_hours, dtype=float)
                energy_it = np.asarray(power.accelerator_energy_kwh(gpu_hours, values["power_w"]))
                if self.host_power_w:
                    energy_it = energy_it + power.host_energy_kwh(
                        gpu_hours, self.gpus_per_server, self.host_power_w
                    )
            energy = np.asarray(convert.facility_energy_kwh(energy_it, values["pue"]))
            co2e_operational = np.asarray(
                convert.operational_co2e_kg(energy, values["grid_intensity_g_per_kwh"])
            )
            water_onsite = np.asarray(convert.onsite_water_l(energy_it, values["wue_l_per_kwh"]))
            water_offsite = np.asarray(convert.offsite_water_l(energy, values["ewif_l_per_kwh"]))
            if gpu_hours is None:
                embodied_gpu = embodied_server = np.zeros(1)
            else:
                embodied_gpu = np.asarray(
                    embodied.amortized_co2e_kg(
                        values["embodied_kg_per_gpu"], gpu_hours, self.lifetime_years, self.usage_fraction
                    )
                )
                embodied_server = np.asarray(
                    embodied.amortized_co2e_kg(
                        values["embodied_kg_per_server"],
                        np.divide(gpu_hours, self.gpus_per_server),
                        self.lifetime_years,
                        self.usage_fraction,
                    )
                )
            co2e_embodied = embodied_gpu + embodied_server
            out = {
                "energy_it_kwh": energy_it,
                "energy_kwh": energy,
                "co2e_operational_kg": co2e_operational,
                "co2e_embodied_kg": co2e_embodied,
                "co2e_kg": co2e_operational + co2e_embodied,
                "water_onsite_l": water_onsite,
                "water_offsite_l": water_offsite,
                "water_l": water_onsite + water_offsite,
                "grid_intensity_g_per_kwh": values["grid_intensity_g_per_kwh"],
                "pue": values["pue"],
                "co2e_embodied_gpu_kg": embodied_gpu,
                "co2e_embodied_server_kg": embodied_server,
            }
            if gpu_hours is not None:
                out["gpu_hours"] = gpu_hours
                out["hours"] = gpu_hours / self.gpus
        return {key: np.asarray(value, dtype=float) for key, value in out.items()}


def evaluate_box(
    model: FootprintModel, factors: Sequence[Factor]
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """The central outputs and their low and high over every corner of the factor box, in one call.

    Parameters
    ----------
    model : FootprintModel
        The fixed part of the estimate.
    factors : sequence of Factor
        The uncertain inputs with their ranges.

    Returns
    -------
    central : dict
        ``{output: value}`` at the central values of the factors.
    ranges : dict
        ``{output: (low, high)}`` over the corners; exact because the model is monotone in each factor.

    Raises
    ------
    FootprintInputError
        An output overflows (inputs too large).
    """
    grid = corner_grid(factors)
    size = 1 + max(len(v) for v in grid.values())
    values = {}
    for f in factors:  # column 0: the central values; then the corners
        column = np.empty(size)
        column[0] = f.central
        column[1:] = grid[f.name]
        values[f.name] = column
    outputs = model.evaluate(values)
    keys = list(outputs)
    table = np.empty((len(keys), size))
    for row, key in enumerate(keys):
        table[row] = outputs[key]
    finite = np.isfinite(table).all(axis=1)
    if not finite.all():
        raise FootprintInputError(f"inputs too large: {keys[int(np.argmin(finite))]} is not a finite number")
    central = dict(zip(keys, table[:, 0].tolist(), strict=True))
    ranges = dict(
        zip(keys, zip(table.min(axis=1).tolist(), table.max(axis=1).tolist(), strict=True), strict=True)
    )
    return central, ranges
