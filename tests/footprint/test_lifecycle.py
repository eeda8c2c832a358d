"""Lifecycle: stages from estimates and run summaries, totals equal the sums, experiments as a multiple."""

from __future__ import annotations

import json

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.lifecycle import inference_estimate, lifecycle, lifecycle_from_runs
from fmfootprint.footprint.stages import MIXED, STAGES

SITE = {"pue": 1.2, "grid_intensity": 300.0, "wue": 0.5, "ewif": 3.0}
SUMMED = ("energy_it_kwh", "energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l")


def _summary(stage: str, energy_it_kwh: float = 50.0, pue: float = 1.1) -> dict:
    # The keys of the tracker's RunSummary.to_dict() that a lifecycle reads.
    energy = energy_it_kwh * pue
    return {
        "duration_s": 3600.0,
        "energy_it_kwh": energy_it_kwh,
        "energy_kwh": energy,
        "co2e_kg": energy * 0.2,
        "water_l": energy * 2.0,
        "gpu_hours": 8.0,
        "pue": pue,
        "grid_intensity_g_per_kwh": 200.0,
        "stage": stage,
    }


@pytest.fixture
def final():
    return estimate(gpu_hours=10_000, power_w=400, embodied_kg_per_gpu=150, **SITE)


def test_totals_equal_the_sum_of_the_stages(final) -> None:
    life = lifecycle(
        final=final,
        experiments_multiple=0.5,
        evaluation=[_summary("evaluation"), _summary("evaluation", 20.0)],
        inference=estimate(gpu_hours=5000, power_w=300, **SITE),
    )
    assert [s.stage for s in life.stages] == list(STAGES)
    for key in SUMMED:  # a stage that does not count a figure (None) adds nothing to it
        counted = [s for s in life.stages if getattr(s, key) is not None]
        assert getattr(life.total, key) == pytest.approx(sum(getattr(s, key) for s in counted))
        low, high = life.total.bounds(key)
        assert low == pytest.approx(sum(s.bounds(key)[0] for s in counted))
        assert high == pytest.approx(sum(s.bounds(key)[1] for s in counted))
    assert life.co2e_kg == pytest.approx(life.total.co2e_operational_kg + life.total.co2e_embodied_kg)
    assert life.total.gpu_hours == pytest.approx(10_000 * 1.5 + 16 + 5000)
    assert life.total.method == MIXED


def test_experiments_as_a_multiple_of_the_final_run(final) -> None:
    life = lifecycle(final=final, experiments_multiple=2.0)
    assert life["experiments"].energy_kwh == pytest.approx(2 * final.energy_kwh)
    assert life["experiments"].co2e_embodied_kg == pytest.approx(2 * final.co2e_embodied_kg)
    assert life["experiments"].method == "2 x final"
    assert life.energy_kwh == pytest.approx(3 * final.energy_kwh)


def test_stage_from_an_estimate_keeps_energy_and_carbon_separate(final) -> None:
    stage = lifecycle(final=final)["final"]
    assert stage.energy_kwh == final.energy_kwh
    assert stage.co2e_operational_kg == final.co2e_operational_kg
    assert stage.co2e_embodied_kg == final.co2e_embodied_kg
    assert stage.water_l == final.water_l
    assert stage.ranges["co2e_kg"] == final.ranges["co2e_kg"]


def test_run_summaries_placed_by_their_stage() -> None:
    life = lifecycle_from_runs([_summary("final"), _summary("experiments"), _summary("final", 30.0)])
    assert life["final"].records == 2
    assert life["final"].energy_it_kwh == pytest.approx(80.0)
    assert life["final"].co2e_operational_kg == pytest.approx(80.0 * 1.1 * 0.2)
    assert life["final"].co2e_embodied_kg is None  # these summaries do not count embodied carbon
    assert life["final"].method == "measured"
    assert life["final"].ranges == {}  # measured: exact
    assert life["final"].bounds("energy_kwh") == (pytest.approx(88.0), pytest.approx(88.0))


def test_run_summary_objects_with_to_dict() -> None:
    class Summary:
        def to_dict(self) -> dict:
            return _summary("evaluation")

    life = lifecycle(evaluation=Summary())
    assert life["evaluation"].energy_kwh == pytest.approx(55.0)


def test_to_dict_is_strict_json_with_stages_and_totals(final) -> None:
    payload = lifecycle(final=final, experiments_multiple=1.0).to_dict()
    json.dumps(payload, allow_nan=False)
    assert [s["stage"] for s in payload["stages"]] == ["experiments", "final"]
    assert payload["co2e_kg"] == payload["total"]["co2e_kg"]
    for stage in payload["stages"]:
        assert {"energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l"} <= set(stage)


def test_inference_is_two_n_flops_per_token_at_the_serving_mfu() -> None:
    # 7e9 parameters serving 1e12 tokens: 1.4e22 FLOP on 312 TFLOP/s at 10 % MFU.
    served = inference_estimate(params=7e9, tokens_served=1e12, mfu=0.1, peak_tflops=312, power_w=300, **SITE)
    gpu_hours = 2 * 7e9 * 1e12 / (312e12 * 0.1) / 3600
    assert served.gpu_hours == pytest.approx(gpu_hours)
    assert served.energy_it_kwh == pytest.approx(gpu_hours * 0.3)
    with pytest.raises(FootprintInputError, match="do not pass"):
        inference_estimate(params=7e9, tokens_served=1e12, mfu=0.1, hours=3, power_w=300)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({}, "at least one stage"),
        ({"experiments_multiple": 1.0}, "needs the final run"),
        ({"final": {"energy_kwh": 1.0}}, "no 'co2e_kg'"),
        ({"final": {"energy_kwh": -1.0, "co2e_kg": 1.0}}, "energy_kwh must be >= 0"),
        ({"final": 3}, "takes Estimates or run summaries"),
    ],
)
def test_bad_lifecycle_input(kwargs, fragment) -> None:
    with pytest.raises(FootprintInputError, match=fragment):
        lifecycle(**kwargs)


def test_unknown_stage_suggests_names() -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        lifecycle_from_runs([_summary("finale")])


def test_experiments_given_both_ways_is_an_error(final) -> None:
    with pytest.raises(FootprintInputError, match="not both"):
        lifecycle(final=final, experiments=final, experiments_multiple=1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"final": {"energy_kwh": 1e300, "co2e_kg": 1.0}, "experiments_multiple": 1e300},
        {"final": [{"energy_kwh": 1e308, "co2e_kg": 1.0}] * 3},
    ],
)
def test_overflow_is_an_input_error_not_inf(kwargs) -> None:
    with pytest.raises(FootprintInputError, match="too large"):
        lifecycle(**kwargs)


@pytest.mark.parametrize("ranges", [{"energy_kwh": 5}, {"energy_kwh": [1]}, {"energy_kwh": [1, "x"]}, [1, 2]])
def test_malformed_ranges_are_input_errors(ranges) -> None:
    with pytest.raises(FootprintInputError, match="ranges"):
        lifecycle(final={"energy_kwh": 1.0, "co2e_kg": 1.0, "ranges": ranges})


def test_real_run_summaries_from_the_tracker() -> None:
    # RunSummary objects as the tracker writes them (constructed here, so this test owns its inputs).
    from fmfootprint.measure.summary import RunSummary

    common = {
        "duration_s": 3600.0, "gpu_energy_kwh": 4.0, "cpu_energy_kwh": 0.5, "ram_energy_kwh": 0.5,
        "water_onsite_l": 1.0, "water_offsite_l": 2.0, "region": "FR", "grid_intensity_g_per_kwh": 50.0,
        "pue": 1.2, "wue_l_per_kwh": 0.2, "ewif_l_per_kwh": 0.33, "gpu_energy_method": "energy_counter",
        "exit_code": 0, "gpu_hours": 8.0, "n_gpus": 8, "project": "t", "start_unix_s": 0.0,
        "end_unix_s": 3600.0, "complete": True, "interval_s": 1.0,
    }  # fmt: skip
    runs = [
        RunSummary(
            energy_it_kwh=5.0,
            energy_kwh=6.0,
            co2e_operational_kg=0.3,
            co2e_embodied_kg=0.0,
            water_l=3.0,
            stage="final",
            **common,
        ),
        RunSummary(
            energy_it_kwh=5.0,
            energy_kwh=6.0,
            co2e_operational_kg=0.3,
            co2e_embodied_kg=0.0,
            water_l=3.0,
            stage="evaluation",
            **common,
        ),
    ]
    life = lifecycle_from_runs(runs, experiments_multiple=2.0)
    assert [s.stage for s in life.stages] == ["experiments", "final", "evaluation"]
    assert life["final"].co2e_operational_kg == pytest.approx(0.3)
    assert life["final"].method == "measured"
    assert life.energy_kwh == pytest.approx(6.0 * 2 + 6.0 + 6.0)
    assert life.total.gpu_hours == pytest.approx(8.0 * 4)
