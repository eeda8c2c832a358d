"""The per-query inference model against published measured energy per output token (issue 12, item 3).

The calibration half of ``tests/data/inference/measured_inference.csv`` sets the fitted constants of
:mod:`fmfootprint.serving.constants` by the documented procedure; the held-back half is used only here:
at least 80 % of it within a factor 1.5 of the measurement, and at least 80 % inside the stated range.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fmfootprint.serving import constants
from fmfootprint.serving.calibration import calibrate, compare

ROWS = list(
    csv.DictReader((Path(__file__).parents[1] / "data" / "inference" / "measured_inference.csv").open())
)
CALIBRATION = [row for row in ROWS if row["half"] == "calibration"]
HELD_BACK = [row for row in ROWS if row["half"] == "held_back"]


def test_the_halves_split_the_comparisons() -> None:
    assert len(CALIBRATION) == len(HELD_BACK) == 5
    assert {row["half"] for row in ROWS} == {"calibration", "held_back"}
    assert all(row["source"].strip() for row in ROWS)
    assert len({row["id"] for row in ROWS}) == len(ROWS)


def test_constants_follow_from_the_calibration_half() -> None:
    fit = calibrate(CALIBRATION)
    assert fit.rows == 5
    assert pytest.approx(fit.decode_compute_efficiency, abs=1e-9) == constants.DECODE_COMPUTE_EFFICIENCY
    assert pytest.approx(fit.power_fraction, abs=5e-3) == constants.POWER_FRACTION
    assert constants.RESIDUAL_RANGE[0] == pytest.approx(fit.residual_range[0], abs=5e-3)
    assert constants.RESIDUAL_RANGE[1] == pytest.approx(fit.residual_range[1], abs=5e-3)


def test_calibration_half_is_inside_its_own_range() -> None:
    results = compare(CALIBRATION)
    assert all(item.in_range for item in results)


def test_held_back_half_within_1_5x_and_inside_the_range() -> None:
    results = compare(HELD_BACK)
    ratios = {item.id: round(item.ratio, 2) for item in results}
    within = sum(item.within_1_5 for item in results) / len(results)
    inside = sum(item.in_range for item in results) / len(results)
    assert within >= 0.8, ratios
    assert inside >= 0.8, ratios


def test_a_factor_off_by_two_fails_the_held_back_check() -> None:
    # The check can fail: doubling the power fraction's effect (halving it) puts most rows out of range.
    from fmfootprint.serving.calibration import _estimate

    outside = 0
    for row in HELD_BACK:
        result = _estimate(row, power_fraction=constants.POWER_FRACTION / 2)
        low_wh = result.ranges["energy_accelerator_wh_per_query"][0]
        high_wh = result.ranges["energy_accelerator_wh_per_query"][1]
        measured_wh = float(row["measured_j_per_output_token"]) * result.output_tokens / 3600.0
        outside += not low_wh <= measured_wh <= high_wh
    assert outside >= 4


WIDER = [
    dict(row, half="wider_check")
    for row in csv.DictReader(
        (Path(__file__).parents[1] / "data" / "inference" / "mlenergy_v3_llama.csv").open()
    )
]


def test_wider_check_on_every_ml_energy_v3_llama_configuration() -> None:
    # Every Llama 3.1 8B/70B/405B lm-arena-chat configuration of the ML.ENERGY v3 data (69 rows), none used
    # to calibrate. docs/methodology.md states the result: the H100 rows hold (>= 80 % within x1.5 and in
    # range); the B200 rows do not (the model underestimates B200 at small batches), so the whole set
    # does not meet the issue's 80 % bar. This test pins the claim about H100 and the size of the set.
    results = compare(WIDER)
    assert len(results) == 69
    h100 = [item for item in results if "-H100x" in item.id]
    assert len(h100) == 31
    assert sum(item.within_1_5 for item in h100) / len(h100) >= 0.8
    assert sum(item.in_range for item in h100) / len(h100) >= 0.8
    everything = sum(item.within_1_5 for item in results) / len(results)
    assert 0.5 <= everything < 0.8  # as documented: 42 of 69; a change of the model must update the docs
