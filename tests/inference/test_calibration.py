"""The per-query inference model against published measured energy per output token (issue 12, item 3).

``tests/data/inference/measured_inference.csv`` holds 76 measured configurations (69 of the ML.ENERGY
Leaderboard v3.0 data with file and commit, 7 from other sources), split once by a fixed stratified rule
(``build_measured.py``: within each model and accelerator, rows sorted by batch alternate). The
calibration half sets the fitted constants of :mod:`fmfootprint.serving.constants`; the held-back half is
used only here: at least 80 % within a factor 1.5 of the measurement and at least 80 % inside the range.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from fmfootprint.serving import constants
from fmfootprint.serving.calibration import calibrate, central_estimates, compare

DATA = Path(__file__).parents[1] / "data" / "inference"
ROWS = list(csv.DictReader((DATA / "measured_inference.csv").open()))
CALIBRATION = [row for row in ROWS if row["half"] == "calibration"]
HELD_BACK = [row for row in ROWS if row["half"] == "held_back"]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_measured", DATA / "build_measured.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_halves_split_the_comparisons() -> None:
    assert len(ROWS) == 76
    assert len(CALIBRATION) == len(HELD_BACK) == 38
    assert {row["half"] for row in ROWS} == {"calibration", "held_back"}
    assert all(row["source"].strip() and row["source_file"].strip() for row in ROWS)
    assert len({row["id"] for row in ROWS}) == len(ROWS)
    leaderboard = [row for row in ROWS if row["source_commit"]]
    assert len(leaderboard) == 69
    assert {row["source_commit"] for row in leaderboard} == {"0cd52dab897c5d91a45f4d413038f3b8b4251b0f"}


def test_the_split_follows_its_documented_rule() -> None:
    half = _build_module().half
    strata: dict[str, list[dict[str, str]]] = {}
    for row in ROWS:
        strata.setdefault(row["stratum"], []).append(row)
    for stratum, members in strata.items():
        members.sort(key=lambda r: (float(r["batch"]), r["id"]))
        assert [row["half"] for row in members] == [half(stratum, i) for i in range(len(members))]
    # both halves span every accelerator and every Llama model
    for key in ("gpu", "model"):
        assert {row[key] for row in CALIBRATION if row["source_commit"]} == {
            row[key] for row in HELD_BACK if row["source_commit"]
        }


def test_constants_follow_from_the_calibration_half() -> None:
    fit = calibrate(CALIBRATION)
    assert fit.rows == 38
    for name, value in constants.FITTED.items():
        assert value == pytest.approx(fit.factors[name], rel=5e-3, abs=1e-3 if not name.endswith("_s") else 0)
    low, high = fit.residual_range
    assert constants.RESIDUAL_RANGE[0] <= low < constants.RESIDUAL_RANGE[0] + 0.01
    assert constants.RESIDUAL_RANGE[1] - 0.01 < high <= constants.RESIDUAL_RANGE[1]


def test_inference_and_the_vectorised_calibration_agree() -> None:
    results = compare(ROWS)
    vectorised = central_estimates(ROWS)["j_per_output_token"]
    estimates = np.array([item.estimate_j_per_output_token for item in results])
    np.testing.assert_allclose(estimates, vectorised, rtol=1e-9)


def test_calibration_half_is_mostly_inside_its_own_range() -> None:
    results = compare(CALIBRATION)
    assert sum(item.in_range for item in results) >= 0.85 * len(results)  # a 5th-95th percentile band


def test_held_back_half_within_1_5x_and_inside_the_range() -> None:
    results = compare(HELD_BACK)
    ratios = {item.id: round(item.ratio, 2) for item in results}
    within = sum(item.within_1_5 for item in results) / len(results)
    inside = sum(item.in_range for item in results) / len(results)
    assert within >= 0.8, ratios
    assert inside >= 0.8, ratios


def test_held_back_power_follows_utilisation() -> None:
    # The average power of every held-back row that measured it, within x1.25 for at least 80 % of them.
    figures = central_estimates(HELD_BACK)
    measured = figures["measured_power_w"]
    has = np.isfinite(measured)
    ratio = figures["power_w"][has] / measured[has]
    assert has.sum() == 35
    assert np.mean((ratio >= 0.8) & (ratio <= 1.25)) >= 0.8, np.round(ratio, 2)


def test_a_wrong_power_draw_fails_the_held_back_check() -> None:
    # The check can fail: a constant draw at half the fitted floor puts most rows out of range.
    from fmfootprint.serving.calibration import _estimate

    outside = 0
    for row in HELD_BACK:
        result = _estimate(row, power_fraction=constants.POWER_FLOOR_FRACTION / 2)
        low_wh, high_wh = result.ranges["energy_accelerator_wh_per_query"]
        measured_wh = float(row["measured_j_per_output_token"]) * result.output_tokens / 3600.0
        outside += not low_wh <= measured_wh <= high_wh
    assert outside >= 0.8 * len(HELD_BACK)


def test_out_of_family_dense_transformers_hold_too() -> None:
    # Every other lm-arena-chat model of the ML.ENERGY v3 data (259 configurations, not in either half;
    # one, Qwen 3 8B on B200 at 1536 sequences, repeats a calibration row of the Lead Green index).
    # docs/methodology.md states the result by architecture: the dense transformers meet the issue's bar;
    # mixture-of-experts and Mamba hybrids do not (stated there as a limitation).
    rows = list(csv.DictReader((DATA / "mlenergy_v3_other.csv").open()))
    assert len(rows) == 259
    assert {row["source_commit"] for row in rows} == {"0cd52dab897c5d91a45f4d413038f3b8b4251b0f"}
    dense = compare([row for row in rows if row["architecture"] == "Dense Transformer"])
    assert len(dense) == 106
    assert sum(item.within_1_5 for item in dense) >= 0.8 * len(dense)
    assert sum(item.in_range for item in dense) >= 0.8 * len(dense)
