"""The lifecycle's inference stage from the per-query model: queries per day x days."""

from __future__ import annotations

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.lifecycle import inference_stage, lifecycle
from fmfootprint.serving.query import inference

QUERY = {"gpu": "H100", "input_tokens": 1000, "output_tokens": 500, "batch": 64, "region": "FR"}


def test_stage_is_queries_per_day_times_days_of_the_per_query_figures() -> None:
    stage = inference_stage(params=70e9, queries_per_day=1e6, days=365, **QUERY)
    one = inference(70e9, **QUERY)
    queries = 1e6 * 365
    assert stage.stage == "inference"
    assert stage.energy_kwh == pytest.approx(one.energy_wh_per_query * queries / 1000)
    assert stage.co2e_kg == pytest.approx(one.co2e_g_per_query * queries / 1000)
    assert stage.water_l == pytest.approx(one.water_ml_per_query * queries / 1000)
    assert stage.gpus == 4


def test_lifecycle_total_adds_training_and_serving() -> None:
    final = estimate(gpu_hours=1e5, gpu="H100", region="FR")
    served = inference_stage(params=70e9, queries_per_day=1e5, days=30, **QUERY)
    life = lifecycle(final=final, inference=served)
    assert [s.stage for s in life.stages] == ["final", "inference"]
    assert life.energy_kwh == pytest.approx(final.energy_kwh + served.energy_kwh)
    low, high = life.total.ranges["co2e_kg"]
    assert low <= life.co2e_kg <= high


def test_bad_traffic_is_an_input_error() -> None:
    with pytest.raises(FootprintInputError, match="queries_per_day"):
        inference_stage(params=8e9, queries_per_day=0, days=1, **QUERY)
    with pytest.raises(FootprintInputError, match="days"):
        inference_stage(params=8e9, queries_per_day=10, days=-1, **QUERY)
