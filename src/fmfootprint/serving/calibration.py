"""Estimate against measurement: the per-query model on published measured inference energy.

A comparison is one measured configuration (model, accelerator, precision, batch, tokens) and its measured
accelerator energy per output token. :func:`compare` gives the estimate, its stated range and the ratio for
each; :func:`calibrate` sets the two fitted factors of :mod:`fmfootprint.serving.constants` from the
calibration half, by the procedure that module documents. Nothing here reads a file: the comparisons are
mappings (rows of ``tests/data/inference/measured_inference.csv``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fmfootprint.errors import FootprintInputError
from fmfootprint.serving import constants as c

__all__ = ["Calibration", "Comparison", "calibrate", "compare"]

_GRID = np.round(np.arange(0.05, 0.805, 0.01), 2)
"""Candidate decode compute efficiencies [-] searched by :func:`calibrate`."""


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
    decode_compute_efficiency : float
        η_c [-], the grid value with the least spread of log(estimate / measurement).
    power_fraction : float
        f [-], geometric mean of measurement / estimate at f = 1.
    residual_range : tuple of float
        (0.8 × lowest, 1.25 × highest) measurement / estimate at the fitted factors [-].
    rows : int
        Comparisons used.
    """

    decode_compute_efficiency: float
    power_fraction: float
    residual_range: tuple[float, float]
    rows: int


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


def calibrate(rows: Iterable[Mapping[str, Any]]) -> Calibration:
    """Fit η_c and f on ``rows`` (the calibration half), η_m and η_p held at their assumed values.

    Parameters
    ----------
    rows : iterable of mapping
        Calibration rows (as :func:`compare`).

    Returns
    -------
    Calibration

    Notes
    -----
    For each η_c on a 0.01 grid in [0.05, 0.80], r_i = estimate_i(f = 1) / measured_i; η_c minimises the
    standard deviation of log r_i, then f = exp(−mean log r_i) (the geometric-mean fit), capped at 1. The
    residual range is (0.8 · min, 1.25 · max) of measured_i / estimate_i at the fitted factors, the margins
    used for the training power classes (:mod:`fmfootprint.footprint.power`).
    """
    data = list(rows)
    if len(data) < 2:
        raise FootprintInputError("calibration needs at least two measured rows")
    measured = np.array([_measured(row) for row in data])
    base = {"memory_efficiency": c.MEMORY_EFFICIENCY, "prefill_efficiency": c.PREFILL_EFFICIENCY}
    best: tuple[float, float, float] | None = None
    for eta in _GRID:
        estimates = np.array(
            [
                _estimate(
                    row, decode_compute_efficiency=float(eta), power_fraction=1.0, **base
                ).accelerator_j_per_output_token
                for row in data
            ]
        )
        logs = np.log(estimates / measured)
        spread = float(np.std(logs))
        if best is None or spread < best[0] - 1e-12:
            best = (spread, float(eta), float(min(1.0, np.exp(-np.mean(logs)))))
    assert best is not None
    _, eta_c, fraction = best
    fitted = np.array(
        [
            _estimate(
                row, decode_compute_efficiency=eta_c, power_fraction=fraction, **base
            ).accelerator_j_per_output_token
            for row in data
        ]
    )
    ratios = measured / fitted
    return Calibration(
        decode_compute_efficiency=eta_c,
        power_fraction=fraction,
        residual_range=(0.8 * float(ratios.min()), 1.25 * float(ratios.max())),
        rows=len(data),
    )
