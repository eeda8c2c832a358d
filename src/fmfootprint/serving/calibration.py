"""Estimate against measurement: the per-query model on published measured inference energy.

A comparison is one measured configuration (model, accelerator, precision, batch, tokens) and its measured
accelerator energy per output token. :func:`compare` gives the estimate, its stated range and the ratio for
each; :func:`calibrate` sets the fitted factors of :mod:`fmfootprint.serving.constants` from the
calibration half, by the procedure that module documents (one least-squares fit in log space, evaluated
through :func:`fmfootprint.serving.power.accelerator_query`, the function ``inference`` itself calls).
Nothing here reads a file: the comparisons are mappings (rows of
``tests/data/inference/measured_inference.csv``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from fmfootprint.errors import FootprintInputError
from fmfootprint.serving import constants as c
from fmfootprint.serving import physics, power
from fmfootprint.serving.hardware import resolve_hardware

__all__ = ["Calibration", "Comparison", "calibrate", "central_estimates", "compare"]

_BOUNDS: dict[str, tuple[float, float]] = {
    "memory_efficiency": (0.30, 0.95),
    "prefill_efficiency": (0.05, 0.80),
    "decode_compute_efficiency": (0.05, 0.80),
    "layer_overhead_s": (0.0, 500e-6),
    "allreduce_s": (0.0, 500e-6),
    "sequence_overhead_s": (0.0, 500e-6),
    "power_floor_fraction": (0.10, 1.0),
    "power_peak_fraction": (0.10, 1.0),
}
"""Physical bounds of each fitted factor: efficiencies at most 95 % of peak bandwidth and 80 % of peak
FLOP/s (the best dense matmuls), overheads 0–0.5 ms, draws 10–100 % of TDP."""

_START: dict[str, float] = {
    "memory_efficiency": 0.9,
    "prefill_efficiency": 0.5,
    "decode_compute_efficiency": 0.5,
    "layer_overhead_s": 50e-6,
    "allreduce_s": 10e-6,
    "sequence_overhead_s": 10e-6,
    "power_floor_fraction": 0.6,
    "power_peak_fraction": 0.9,
}
_SCALE = {name: (1e-6 if name.endswith("_s") else 1.0) for name in power.FACTORS}
"""Units of the optimiser's variables: µs for times, so that every variable is of order one."""


@dataclass(frozen=True)
class Comparison:
    """One measured configuration against the model.

    Attributes
    ----------
    id : str
        Identifier of the comparison.
    half : str
        ``calibration`` or ``held_back``.
    measured_j_per_output_token, estimate_j_per_output_token : float
        Accelerator energy per output token, measured and estimated [J/token].
    low_j_per_output_token, high_j_per_output_token : float
        The estimate's stated range [J/token].
    """

    id: str
    half: str
    measured_j_per_output_token: float
    estimate_j_per_output_token: float
    low_j_per_output_token: float
    high_j_per_output_token: float

    @property
    def ratio(self) -> float:
        """Estimate / measurement [-]."""
        return self.estimate_j_per_output_token / self.measured_j_per_output_token

    @property
    def within_1_5(self) -> bool:
        """True when the estimate is within a factor 1.5 of the measurement."""
        return 1 / 1.5 <= self.ratio <= 1.5

    @property
    def in_range(self) -> bool:
        """True when the stated range contains the measurement."""
        return self.low_j_per_output_token <= self.measured_j_per_output_token <= self.high_j_per_output_token


@dataclass(frozen=True)
class Calibration:
    """The fitted factors and the residual range, from the calibration half.

    Attributes
    ----------
    factors : dict
        Each of :data:`fmfootprint.serving.power.FACTORS` [-] or [s], at its least-squares value.
    residual_range : tuple of float
        5th and 95th percentiles of measurement / estimate at the fitted factors [-].
    rows : int
        Comparisons used.
    log_sd : float
        Standard deviation of log(measurement / estimate) of energy [-].
    """

    factors: dict[str, float]
    residual_range: tuple[float, float]
    rows: int
    log_sd: float


def _estimate(row: Mapping[str, Any], **factors: Any) -> Any:
    from fmfootprint.serving.query import inference

    return inference(
        float(row["params"]),
        active_params=float(row["active_params"]),
        gpu=str(row["gpu"]),
        accelerators=int(float(row["accelerators"])),
        precision=str(row["precision"]),
        batch=int(float(row["batch"])),
        input_tokens=float(row["input_tokens"]),
        output_tokens=float(row["output_tokens"]),
        scope="accelerator",
        pue=1.0,
        grid_intensity_g_per_kwh=0.0,
        **factors,
    )


def _measured(row: Mapping[str, Any]) -> float:
    return float(row["measured_j_per_output_token"])


def compare(rows: Iterable[Mapping[str, Any]]) -> list[Comparison]:
    """The model (scope ``accelerator``) against each measured row, with the calibrated constants.

    Parameters
    ----------
    rows : iterable of mapping
        Rows with ``id, half, params, active_params, gpu, accelerators, precision, batch, input_tokens,
        output_tokens, measured_j_per_output_token``.

    Returns
    -------
    list of Comparison
    """
    out = []
    for row in rows:
        result = _estimate(row)
        low_wh, high_wh = result.ranges["energy_accelerator_wh_per_query"]
        per_token = 3600.0 / result.output_tokens
        out.append(
            Comparison(
                id=str(row["id"]),
                half=str(row["half"]),
                measured_j_per_output_token=_measured(row),
                estimate_j_per_output_token=result.accelerator_j_per_output_token,
                low_j_per_output_token=low_wh * per_token,
                high_j_per_output_token=high_wh * per_token,
            )
        )
    return out


def _arrays(rows: list[Mapping[str, Any]]) -> dict[str, NDArray[np.float64]]:
    """The workload of every row as arrays, built as :func:`fmfootprint.serving.inference` builds one."""
    cols: dict[str, list[float]] = {key: [] for key in ("params", "active", "bytes", "kv", "context", "input",
                                                       "output", "n", "bandwidth", "peak", "tdp", "layers",
                                                       "batch", "measured", "power")}  # fmt: skip
    for row in rows:
        prec = str(row["precision"])
        hw = resolve_hardware(str(row["gpu"]), prec, None, None, None, None, None)
        active, n_in, n_out = (
            float(row["active_params"]),
            float(row["input_tokens"]),
            float(row["output_tokens"]),
        )
        values = {
            "params": float(row["params"]),
            "active": active,
            "bytes": physics.BYTES_PER_PARAM[prec],
            "kv": float(physics.kv_bytes_per_token(active, physics.KV_BYTES_PER_ELEMENT[prec])),
            "context": n_in + n_out / 2.0,
            "input": n_in,
            "output": n_out,
            "n": float(row["accelerators"]),
            "bandwidth": hw.bandwidth_b_per_s,
            "peak": hw.peak_flops,
            "tdp": hw.tdp_w,
            "layers": float(power.layers(active)),
            "batch": float(row["batch"]),
            "measured": _measured(row),
            "power": float(row.get("measured_power_w") or "nan"),
        }
        for key, value in values.items():
            cols[key].append(value)
    return {key: np.array(value, dtype=np.float64) for key, value in cols.items()}


def central_estimates(
    rows: Iterable[Mapping[str, Any]], factors: Mapping[str, float] | None = None
) -> dict[str, NDArray[np.float64]]:
    """Accelerator J per output token and average power [W] of every row, vectorised, at ``factors``.

    Parameters
    ----------
    rows : iterable of mapping
        Rows as :func:`compare`, optionally with ``measured_power_w``.
    factors : mapping, optional
        The :data:`~fmfootprint.serving.power.FACTORS`; default the calibrated constants.

    Returns
    -------
    dict of ndarray
        ``j_per_output_token``, ``power_w``, ``measured_j_per_output_token``, ``measured_power_w`` (NaN
        where not measured).
    """
    w = _arrays(list(rows))
    f = dict(c.FITTED if factors is None else factors)
    out = power.accelerator_query(w, w["batch"], f)
    return {
        "j_per_output_token": out["energy_j"] / w["output"],
        "power_w": out["power_w"],
        "measured_j_per_output_token": w["measured"],
        "measured_power_w": w["power"],
    }


def calibrate(rows: Iterable[Mapping[str, Any]]) -> Calibration:
    """Fit the factors of :data:`~fmfootprint.serving.power.FACTORS` on ``rows`` (the calibration half).

    Parameters
    ----------
    rows : iterable of mapping
        Calibration rows (as :func:`compare`; ``measured_power_w`` where measured).

    Returns
    -------
    Calibration

    Notes
    -----
    One bounded least-squares fit (scipy.optimize.least_squares, trust-region reflective, from fixed
    starting values within :data:`_BOUNDS`) of the residuals log(E_est / E_meas) of every row's energy
    per output token together with log(P_est / P_meas) of every row whose average power is measured:
    energy alone cannot tell a slow step at low power from a fast one at high power, the measured power
    can. The residual range is the 5th to 95th percentile of E_meas / E_est at the fit (a 90 % interval).
    """
    w = _arrays(list(rows))
    if w["batch"].size < len(power.FACTORS) + 2:
        raise FootprintInputError(f"calibration needs at least {len(power.FACTORS) + 2} measured rows")
    names = power.FACTORS
    has_power = np.isfinite(w["power"])

    def factors_of(x: NDArray[np.float64]) -> dict[str, float]:
        return {name: float(value) * _SCALE[name] for name, value in zip(names, x, strict=True)}

    def residuals(x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = power.accelerator_query(w, w["batch"], factors_of(x))
        energy = np.log(out["energy_j"] / w["output"] / w["measured"])
        draw = np.log(out["power_w"][has_power] / w["power"][has_power])
        return np.concatenate([energy, draw])

    low = np.array([_BOUNDS[name][0] / _SCALE[name] for name in names])
    high = np.array([_BOUNDS[name][1] / _SCALE[name] for name in names])
    start = np.array([_START[name] / _SCALE[name] for name in names])
    fit = least_squares(residuals, start, bounds=(low, high), method="trf", x_scale=1.0)
    factors = factors_of(fit.x)
    out = power.accelerator_query(w, w["batch"], factors)
    ratios = w["measured"] / (out["energy_j"] / w["output"])
    q05, q95 = np.percentile(ratios, [5.0, 95.0])
    return Calibration(
        factors=factors,
        residual_range=(float(q05), float(q95)),
        rows=int(w["batch"].size),
        log_sd=float(np.std(np.log(ratios))),
    )
