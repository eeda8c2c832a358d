"""The footprint estimator: a planned or finished run → energy, carbon and water, every assumption listed.

A run is described by exactly one of: training FLOPs + accelerator + count + MFU; accelerator-hours;
count × wall-clock hours; or measured IT energy. :func:`estimate` runs named steps, each in its own module:

1. hardware, power, duration, host and embodied inputs (:mod:`fmfootprint.footprint.inputs`; power from an
   explicit average draw, a utilisation × TDP, or the default fraction of TDP, :mod:`~.power`);
2. the site (:func:`fmfootprint.footprint.site.resolve_site`, shared with the tracker) and its factors with
   their stated ranges (:func:`fmfootprint.footprint.factors.site_factors`);
3. the vectorised model at the central values and every corner of the factor box
   (:mod:`fmfootprint.footprint.model`), where energy becomes carbon and water only through
   :mod:`~.convert` and embodied carbon follows the BLOOM convention (:mod:`~.embodied`).

Monte Carlo over the same ranges is :func:`fmfootprint.footprint.uncertainty.monte_carlo`.

Conventions (those of the published figures; docs/methodology.md)
------------------------------------------------------------------
- IT energy = accelerator-hours × average power per accelerator (+ host power per server × server-hours,
  only when ``host_power_w`` is given: published figures count accelerators only).
- Facility energy = IT energy × PUE; operational CO2e = facility energy × location-based grid intensity.
- On-site water = WUE × IT energy; off-site water = EWIF × facility energy (Li et al. 2023).
- Embodied CO2e = kg per unit × unit-hours / (lifetime × 8,760 × usage fraction), for accelerators and for
  servers (server-hours = accelerator-hours / accelerators per server; Luccioni et al. 2023, §4.1).
- A value given explicitly overrides the catalog (region PUE, WUE, EWIF, intensity; accelerator embodied).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint import _validate
from fmfootprint.catalog.hardware import PRECISIONS
from fmfootprint.footprint import inputs
from fmfootprint.footprint.factors import Assumption, Factor, site_factors
from fmfootprint.footprint.model import FootprintModel, evaluate_box
from fmfootprint.footprint.site import Site, resolve_site
from fmfootprint.footprint.stages import StageFootprint, check_stage

__all__ = ["ESTIMATE_PARAMETERS", "OUTPUT_KEYS", "PRECISIONS", "Assumption", "Estimate", "estimate"]

OUTPUT_KEYS = (
    "gpu_hours",
    "hours",
    "energy_it_kwh",
    "energy_kwh",
    "co2e_operational_kg",
    "co2e_embodied_kg",
    "co2e_kg",
    "water_onsite_l",
    "water_offsite_l",
    "water_l",
    "grid_intensity_g_per_kwh",
    "pue",
)
"""Numeric outputs of an estimate, in the order of :meth:`Estimate.to_dict` (each has a range)."""

SITE_FACTOR_NAMES = ("pue", "grid_intensity_g_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh")
"""Assumption names of the site factors (:meth:`Estimate.defaults_used`)."""

_RANGED_KEYS = (*OUTPUT_KEYS, "co2e_embodied_gpu_kg", "co2e_embodied_server_kg")
_STAGE_RANGES = ("energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l")


@dataclass(frozen=True)
class Estimate:
    """Energy, carbon and water of a run, with ranges and every assumption used.

    Attributes
    ----------
    gpu_hours : float or None
        Accelerator-hours [h] (None when only energy is known and no power to convert it).
    hours : float or None
        Wall-clock hours [h] = accelerator-hours / accelerators.
    energy_it_kwh : float
        IT energy (accelerators, plus hosts when counted) [kWh].
    energy_kwh : float
        Facility energy = IT energy × PUE [kWh].
    co2e_operational_kg, co2e_embodied_kg, co2e_kg : float
        Location-based operational, amortised embodied, and total emissions [kgCO2e].
    co2e_embodied_gpu_kg, co2e_embodied_server_kg : float
        The embodied part of the accelerators and of the servers [kgCO2e].
    water_onsite_l, water_offsite_l, water_l : float
        On-site (WUE × IT energy), off-site (EWIF × facility energy) and total water consumed [L].
    grid_intensity_g_per_kwh : float
        Grid carbon intensity used [gCO2e/kWh].
    pue, wue_l_per_kwh, ewif_l_per_kwh : float
        Site factors used [-], [L/kWh], [L/kWh].
    ranges : dict
        ``{output: (low, high)}`` for every numeric output: bounds over the stated ranges of the factors.
    assumptions : tuple of Assumption
        Every value used, with unit and source.
    method : str
        ``"estimated"``, or ``"measured"`` when the IT energy was given.
    gpu, gpus, region : str or None, int, str or None
        The accelerator, its count and the region, as resolved.
    factors : tuple of Factor
        The uncertain inputs (for :func:`fmfootprint.footprint.uncertainty.monte_carlo`).
    """

    gpu_hours: float | None
    hours: float | None
    energy_it_kwh: float
    energy_kwh: float
    co2e_operational_kg: float
    co2e_embodied_kg: float
    co2e_kg: float
    water_onsite_l: float
    water_offsite_l: float
    water_l: float
    grid_intensity_g_per_kwh: float
    pue: float
    wue_l_per_kwh: float
    ewif_l_per_kwh: float
    co2e_embodied_gpu_kg: float
    co2e_embodied_server_kg: float
    ranges: dict[str, tuple[float, float]]
    assumptions: tuple[Assumption, ...]
    method: str
    gpu: str | None
    gpus: int
    region: str | None
    factors: tuple[Factor, ...] = field(repr=False, compare=False)
    _model: FootprintModel = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, ArrayLike]) -> dict[str, NDArray[np.float64]]:
        """The outputs for other values of the factors (arrays broadcast together)."""
        return self._model.evaluate(values)

    def defaults_used(self) -> tuple[Assumption, ...]:
        """The site factors (PUE, grid intensity, WUE, EWIF) that came from a default, the site having none.

        Surfaces show these next to the answer (issue 15: every default said where the answer is shown).
        """
        return tuple(
            a for a in self.assumptions if a.name in SITE_FACTOR_NAMES and a.source.startswith("default")
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``fmfootprint estimate --json`` payload."""
        payload: dict[str, Any] = {
            "gpu_hours": self.gpu_hours,
            "hours": self.hours,
            "energy_it_kwh": self.energy_it_kwh,
            "energy_kwh": self.energy_kwh,
            "co2e_operational_kg": self.co2e_operational_kg,
            "co2e_embodied_kg": self.co2e_embodied_kg,
            "co2e_kg": self.co2e_kg,
            "water_onsite_l": self.water_onsite_l,
            "water_offsite_l": self.water_offsite_l,
            "water_l": self.water_l,
            "grid_intensity_g_per_kwh": self.grid_intensity_g_per_kwh,
            "pue": self.pue,
            "wue_l_per_kwh": self.wue_l_per_kwh,
            "ewif_l_per_kwh": self.ewif_l_per_kwh,
            "co2e_embodied_gpu_kg": self.co2e_embodied_gpu_kg,
            "co2e_embodied_server_kg": self.co2e_embodied_server_kg,
            "ranges": {key: [low, high] for key, (low, high) in self.ranges.items()},
            "assumptions": [a.to_dict() for a in self.assumptions],
            "defaults_used": [a.name for a in self.defaults_used()],
            "method": self.method,
            "gpu": self.gpu,
            "gpus": self.gpus,
            "region": self.region,
        }
        return payload

    def to_stage(self, stage: str | None = None) -> StageFootprint:
        """This estimate as the footprint of one lifecycle stage (for the model card and lifecycle sums).

        Parameters
        ----------
        stage : str, optional
            A lifecycle stage (:data:`fmfootprint.footprint.stages.STAGES`, or the alias ``experiment``).
            Default (None): ``"final"``.

        Returns
        -------
        StageFootprint
            The estimate's figures, the source of its grid intensity, and its ranges of facility energy,
            operational, embodied and total CO2e, and water. Embodied CO2e is None (not counted) when the
            accelerator-hours are unknown.
        """
        embodied = None if self.gpu_hours is None else self.co2e_embodied_kg
        intensity_source = next(
            (a.source for a in self.assumptions if a.name == "grid_intensity_g_per_kwh"), None
        )
        kept = [key for key in _STAGE_RANGES if embodied is not None or key != "co2e_embodied_kg"]
        return StageFootprint(
            stage=check_stage(stage or "final"),
            method=self.method,
            energy_kwh=self.energy_kwh,
            co2e_operational_kg=self.co2e_operational_kg,
            co2e_embodied_kg=embodied,
            water_l=self.water_l,
            gpu_hours=self.gpu_hours,
            hours=self.hours,
            energy_it_kwh=self.energy_it_kwh,
            pue=self.pue,
            grid_intensity_g_per_kwh=self.grid_intensity_g_per_kwh,
            grid_intensity_source=intensity_source,
            region=self.region,
            gpu=self.gpu,
            gpus=self.gpus,
            ranges={key: self.ranges[key] for key in kept if key in self.ranges},
            site_defaults={a.name: a.source for a in self.defaults_used()},
        )


def estimate(
    *,
    gpu: str | None = None,
    gpus: int | None = 1,
    hours: float | None = None,
    gpu_hours: float | None = None,
    flops: float | None = None,
    mfu: float | None = None,
    energy_kwh: float | None = None,
    power_w: float | None = None,
    utilization: float | None = None,
    host_power_w: float | None = None,
    pue: float | None = None,
    region: str | None = None,
    data_year: int | None = None,
    intensity_source: str | None = None,
    grid_intensity: float | None = None,
    wue: float | None = None,
    ewif: float | None = None,
    embodied_kg_per_gpu: float | None = None,
    server_embodied_kg: float | None = None,
    gpus_per_server: int | None = None,
    lifetime_years: float | None = None,
    usage_fraction: float | None = None,
    precision: str | None = "bf16",
    peak_tflops: float | None = None,
    model_params: float | None = None,
) -> Estimate:
    """Energy, carbon and water of a training (or any accelerator) run, with ranges and assumptions.

    Parameters
    ----------
    gpu : str, optional
        Accelerator name, looked up in the catalog (TDP, peak FLOP/s, embodied kg). Needed unless
        ``power_w`` or ``energy_kwh`` is given (and, for ``flops``, unless ``peak_tflops`` is).
    gpus : int, optional
        Number of accelerators [-], ≥ 1. Default 1 (also for None).
    hours : float, optional
        Wall-clock duration [h], ≥ 0; accelerator-hours = ``gpus`` × ``hours``.
    gpu_hours : float, optional
        Accelerator-hours [h], ≥ 0.
    flops : float, optional
        Training compute [FLOP], ≥ 0; needs ``mfu``. Hours = FLOPs / (gpus × peak × MFU).
    mfu : float, optional
        Model FLOP utilisation [-], in (0, 1]; only with ``flops``.
    energy_kwh : float, optional
        Measured IT energy [kWh], ≥ 0 (PUE still applies).
    power_w : float, optional
        Average power per accelerator [W], > 0. Overrides ``utilization`` and the default.
    utilization : float, optional
        Average draw as a fraction of TDP [-], in (0, 1]. Default: calibrated by class of job, from the
        model size (``model_params``) or the number of accelerators (:func:`~.power.power_class`): 0.32
        for models under 50M parameters up to 0.79 from 1B on; 0.75 (range 0.21–1.0) when nothing is known.
    host_power_w : float, optional
        Host power per server, accelerators excluded [W], ≥ 0. Default: not counted.
    pue : float, optional
        Power usage effectiveness [-], ≥ 1. Default: the region's, else its provider's fleet PUE, else the
        catalog default (:func:`fmfootprint.footprint.site.resolve_site`).
    region : str, optional
        Region code (``FR``, ``US-CA``, ``aws:us-east-1``, …) for intensity, PUE, WUE, EWIF.
    data_year : int, optional
        Year of the region's Electricity Maps intensity (2021–2025); default the newest.
    intensity_source : {"electricitymaps", "catalog"}, optional
        Dataset of the region's intensity (:func:`fmfootprint.footprint.site.resolve_site`).
    grid_intensity : float, optional
        Grid carbon intensity [gCO2e/kWh], ≥ 0. Default: the region's, else the world average.
    wue : float, optional
        On-site water usage effectiveness [L/kWh of IT energy], ≥ 0.
    ewif : float, optional
        Off-site electricity water intensity factor [L/kWh], ≥ 0.
    embodied_kg_per_gpu : float, optional
        Embodied emissions of one accelerator [kgCO2e], ≥ 0. Default: the catalog's, else 0.
    server_embodied_kg : float, optional
        Embodied emissions of one server without accelerators [kgCO2e], ≥ 0.
    gpus_per_server : int, optional
        Accelerators per server [-], ≥ 1. Default: catalog server default (8).
    lifetime_years : float, optional
        Hardware lifetime [yr], > 0. Default: catalog server default (6, BLOOM).
    usage_fraction : float, optional
        Fraction of its life the hardware is used [-], in (0, 1]. Default: catalog (0.85, BLOOM).
    precision : str, optional
        Precision whose dense peak the ``flops`` path uses: bf16, fp16, tf32, fp32 or fp8. Default bf16.
    peak_tflops : float, optional
        Dense peak throughput per accelerator [TFLOP/s], > 0, instead of the catalog's.
    model_params : float, optional
        Parameters of the model trained [-], > 0; only picks the calibrated default power's class.

    Returns
    -------
    Estimate
        Frozen result; ``to_dict()`` is the ``fmfootprint estimate --json`` payload.

    Raises
    ------
    FootprintInputError
        A one-line message naming the bad or missing input.

    Notes
    -----
    E_IT = GPU-h·P/1000 (+ GPU-h/g·P_host/1000); E = PUE·E_IT; CO2e_op = E·CI/1000;
    W_on = WUE·E_IT; W_off = EWIF·E; CO2e_emb = Σ kg·unit-h/(L·8760·u); T = C/(n·peak·MFU).

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), Table 1, §4.1. Patterson, D. et al. (2021). arXiv:2104.10350, Table 4. Touvron, H. et al.
    (2023). LLaMA. arXiv:2302.13971, Table 15. Li, P. et al. (2023). arXiv:2304.03271, eq. 1, Table 1.
    """
    mode = inputs.resolve_mode(hours=hours, gpu_hours=gpu_hours, flops=flops, energy=energy_kwh)
    hardware = inputs.resolve_hardware(gpu, gpus, precision)
    power_factor = inputs.resolve_power(
        hardware.accelerator,
        power_w,
        utilization,
        needed=mode != "energy",
        model_params=model_params,
        accelerators=hardware.gpus,
    )
    duration = inputs.resolve_duration(
        mode,
        hardware,
        hours=hours,
        gpu_hours=gpu_hours,
        flops=flops,
        mfu=mfu,
        energy_kwh=energy_kwh,
        peak_tflops=peak_tflops,
        power_known=power_factor is not None,
    )
    host = inputs.resolve_host(host_power_w, gpus_per_server)
    site = resolve_site(
        region,
        data_year=data_year,
        intensity_source=intensity_source,
        grid_intensity_g_per_kwh=_non_negative("grid_intensity", grid_intensity),
        pue=pue,
        wue_l_per_kwh=_non_negative("wue", wue),
        ewif_l_per_kwh=_non_negative("ewif", ewif),
    )
    site_part = site_factors(site)
    hardware_embodied = inputs.resolve_embodied(
        hardware.accelerator,
        embodied_kg_per_gpu,
        server_embodied_kg,
        lifetime_years=lifetime_years,
        usage_fraction=usage_fraction,
        gpus_per_server=host.gpus_per_server,
        has_hours=duration.gpu_hours is not None or power_factor is not None,
    )
    power_part = () if power_factor is None else (power_factor,)
    factors = (*power_part, *site_part, hardware_embodied.gpu, hardware_embodied.server)
    assumptions = (
        *hardware.assumptions,
        *(Assumption("power_w", f.central, "W per accelerator", f.source) for f in power_part),
        *duration.assumptions,
        *host.assumptions,
        *_site_assumptions(site, site_part),
        *hardware_embodied.assumptions,
    )
    model = FootprintModel(
        mode=mode,
        gpus=float(hardware.gpus),
        gpu_hours=duration.gpu_hours,
        energy_it_kwh=duration.energy_it_kwh,
        power_known=power_factor is not None,
        host_power_w=host.power_w,
        gpus_per_server=float(hardware_embodied.gpus_per_server or 1),
        lifetime_years=hardware_embodied.lifetime_years,
        usage_fraction=hardware_embodied.usage_fraction,
    )
    gpu_name = hardware.accelerator.name if hardware.accelerator is not None else None
    return _assemble(model, factors, assumptions, gpu_name, hardware.gpus, site)


def _non_negative(name: str, value: float | None) -> float | None:
    return None if value is None else _validate.non_negative(name, value)


def _site_assumptions(site: Site, factors: tuple[Factor, ...]) -> tuple[Assumption, ...]:
    region = () if site.region is None else (Assumption("region", site.region, "", site.region_name or ""),)
    return (*region, *(Assumption(f.name, f.central, f.unit, f.source) for f in factors))


def _assemble(
    model: FootprintModel,
    factors: tuple[Factor, ...],
    assumptions: tuple[Assumption, ...],
    gpu: str | None,
    gpus: int,
    site: Site,
) -> Estimate:
    """The estimate at the central values, with ranges over every corner of the factor box."""
    central, ranges = evaluate_box(model, factors)
    return Estimate(
        gpu_hours=central.get("gpu_hours"),
        hours=central.get("hours"),
        energy_it_kwh=central["energy_it_kwh"],
        energy_kwh=central["energy_kwh"],
        co2e_operational_kg=central["co2e_operational_kg"],
        co2e_embodied_kg=central["co2e_embodied_kg"],
        co2e_kg=central["co2e_kg"],
        water_onsite_l=central["water_onsite_l"],
        water_offsite_l=central["water_offsite_l"],
        water_l=central["water_l"],
        grid_intensity_g_per_kwh=central["grid_intensity_g_per_kwh"],
        pue=central["pue"],
        wue_l_per_kwh=site.wue_l_per_kwh,
        ewif_l_per_kwh=site.ewif_l_per_kwh,
        co2e_embodied_gpu_kg=central["co2e_embodied_gpu_kg"],
        co2e_embodied_server_kg=central["co2e_embodied_server_kg"],
        ranges={key: ranges[key] for key in _RANGED_KEYS if key in ranges},
        assumptions=assumptions,
        method="measured" if model.mode == "energy" else "estimated",
        gpu=gpu,
        gpus=gpus,
        region=site.region,
        factors=factors,
        _model=model,
    )


ESTIMATE_PARAMETERS: tuple[str, ...] = tuple(inspect.signature(estimate).parameters)
"""The keyword arguments of :func:`estimate`, in order (the CLI's and the planner's settings are these)."""
