"""The one stage vocabulary, the one StageFootprint and the one way to add stages up."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stages import (
    MIXED,
    STAGE_ALIASES,
    STAGES,
    StageFootprint,
    check_stage,
    sum_stages,
)


def _stage(stage: str = "final", energy_kwh: float = 100.0, **fields) -> StageFootprint:
    fields.setdefault("co2e_operational_kg", energy_kwh * 0.05)
    return StageFootprint(
        stage=stage, method=fields.pop("method", "estimated"), energy_kwh=energy_kwh, **fields
    )


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("final", "final"),
        ("Experiment", "experiments"),
        (" EXPERIMENTS ", "experiments"),
        ("inference", "inference"),
    ],
)
def test_check_stage_accepts_names_case_and_the_alias(name: str, canonical: str) -> None:
    assert check_stage(name) == canonical


@pytest.mark.parametrize(("name", "suggested"), [("finale", "final"), ("evaluate", "evaluation")])
def test_unknown_stage_suggests_the_closest(name: str, suggested: str) -> None:
    with pytest.raises(UnknownNameError, match=f"unknown stage '{name}'; did you mean {suggested}") as info:
        check_stage(name)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("verb", ["track", "card"])
def test_the_cli_offers_the_stages_and_the_alias(verb: str) -> None:
    from fmfootprint.cli.main import build_parser

    parser = build_parser()
    tail = ["--", "true"] if verb == "track" else []
    for name in (*STAGES, *STAGE_ALIASES):
        assert parser.parse_args([verb, "--stage", name, *tail]).stage == name
    with pytest.raises(SystemExit):
        parser.parse_args([verb, "--stage", "training", *tail])


def test_sum_adds_figures_with_fsum_and_keeps_what_records_share() -> None:
    parts = [_stage(energy_kwh=0.1, gpu_hours=1.0, hours=1.0, pue=1.2, region="FR", gpus=8)] * 10
    parts.append(_stage(energy_kwh=1e-17, gpu_hours=2.0, hours=0.5, pue=1.2, region="FR", gpus=16))
    total = sum_stages("final", parts)
    assert total.energy_kwh == math.fsum([0.1] * 10 + [1e-17])  # not the naive 0.9999999999999999
    assert total.gpu_hours == 12.0
    assert total.hours == 10.5
    assert (total.pue, total.region, total.gpus, total.records) == (1.2, "FR", 16, 11)
    mixed = sum_stages("final", [_stage(region="FR", pue=1.1), _stage(region="US-CA", pue=1.1)])
    assert (mixed.region, mixed.pue) == (None, 1.1)


def test_sum_of_ranges_is_the_sum_of_bounds_and_a_record_without_one_counts_exact() -> None:
    ranged = _stage(energy_kwh=100.0, ranges={"energy_kwh": (80.0, 130.0)})
    exact = _stage(energy_kwh=50.0, method="measured")
    total = sum_stages("final", [ranged, exact])
    assert total.ranges == {"energy_kwh": (130.0, 180.0)}  # only keys some record has a range for
    assert total.bounds("co2e_operational_kg") == (total.co2e_operational_kg, total.co2e_operational_kg)
    assert total.method == MIXED


def test_not_counted_stays_none_and_unknown_hours_make_the_sum_unknown() -> None:
    counted = _stage(co2e_embodied_kg=3.0, water_l=10.0, gpu_hours=5.0)
    silent = _stage(gpu_hours=None)
    total = sum_stages("total", [counted, silent])
    assert (total.co2e_embodied_kg, total.water_l) == (3.0, 10.0)  # summed over the records counting it
    assert total.gpu_hours is None  # a part is unknown: the total is not known
    assert total.co2e_kg == total.co2e_operational_kg + 3.0
    neither = sum_stages("total", [silent, silent])
    assert (neither.co2e_embodied_kg, neither.water_l) == (None, None)
    assert neither.bounds("water_l") is None


def test_a_multiple_of_the_final_run_sums_as_an_estimate() -> None:
    final = _stage(method="measured")
    experiments = final.scaled(2.0, stage="experiments", method="2 x final")
    assert experiments.energy_kwh == 2 * final.energy_kwh
    assert sum_stages("total", [final, experiments]).method == MIXED


def test_a_single_record_of_the_stage_is_returned_as_it_is() -> None:
    record = _stage(method="2 x final", stage="experiments")
    assert sum_stages("experiments", [record]) is record
    assert sum_stages("total", [record]).stage == "total"


@pytest.mark.parametrize(
    "records",
    [[_stage(energy_kwh=1e308)] * 3, [_stage(energy_kwh=1.0, ranges={"energy_kwh": (1.0, 1e308)})] * 2],
)
def test_a_sum_too_large_is_a_one_line_input_error(records) -> None:
    with pytest.raises(FootprintInputError, match="too large: the total stage") as info:
        sum_stages("total", records)
    assert "\n" not in str(info.value)


def test_an_empty_sum_and_a_huge_multiple_are_input_errors() -> None:
    with pytest.raises(FootprintInputError, match="has no runs or estimates"):
        sum_stages("final", [])
    with pytest.raises(FootprintInputError, match="too large"):
        _stage(energy_kwh=1e300).scaled(1e300, stage="experiments", method="x")


def test_to_dict_is_strict_json_and_from_dict_reads_it_back() -> None:
    record = _stage(
        stage="evaluation",
        co2e_embodied_kg=1.5,
        water_l=3.0,
        gpu_hours=4.0,
        hours=0.5,
        energy_it_kwh=80.0,
        pue=1.25,
        grid_intensity_g_per_kwh=50.0,
        grid_intensity_source="catalog",
        region="FR",
        gpu="H100 SXM",
        gpus=8,
        ranges={"co2e_kg": (5.0, 9.0)},
        records=2,
    )
    data = json.loads(json.dumps(record.to_dict(), allow_nan=False))
    assert data["co2e_kg"] == record.co2e_kg
    assert StageFootprint.from_dict(data) == record


def test_from_dict_reads_a_summary_of_schema_one_as_operational_only() -> None:
    old = {"energy_kwh": 12.0, "co2e_kg": 0.6, "pue": 1.2, "stage": "experiment"}
    record = StageFootprint.from_dict(old)
    assert (record.stage, record.method) == ("experiments", "measured")
    assert (record.co2e_operational_kg, record.co2e_embodied_kg) == (0.6, None)
    assert record.energy_it_kwh == pytest.approx(10.0)  # E = E_IT × PUE


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"co2e_kg": 1.0}, "no 'energy_kwh'"),
        ({"energy_kwh": 1.0}, "no 'co2e_kg'"),
        ({"energy_kwh": 1.0, "co2e_kg": 1.0, "stage": "finale"}, "did you mean final"),
        ({"energy_kwh": 1.0, "co2e_kg": 1.0, "ranges": {"water_l": [1.0]}}, r"ranges\['water_l'\]"),
        ({"energy_kwh": "x", "co2e_kg": 1.0}, "energy_kwh must be a number"),
    ],
)
def test_from_dict_errors_are_one_line(data, match) -> None:
    with pytest.raises(FootprintInputError, match=match) as info:
        StageFootprint.from_dict(data)
    assert "\n" not in str(info.value)


FIGURE = st.floats(min_value=0.0, max_value=1e300, allow_nan=False)


@st.composite
def records(draw) -> StageFootprint:
    energy = draw(FIGURE)
    spread = draw(st.one_of(st.none(), st.tuples(FIGURE, FIGURE)))
    ranges = {} if spread is None else {"energy_kwh": (max(energy - spread[0], 0.0), energy + spread[1])}
    if ranges and not math.isfinite(ranges["energy_kwh"][1]):
        ranges = {}
    return StageFootprint(
        stage="final",
        method=draw(st.sampled_from(["measured", "estimated", "3 x final"])),
        energy_kwh=energy,
        co2e_operational_kg=draw(FIGURE),
        co2e_embodied_kg=draw(st.one_of(st.none(), FIGURE)),
        ranges=ranges,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(records(), min_size=1, max_size=6))
def test_a_sum_is_an_input_error_or_finite_and_bracketed(parts: list[StageFootprint]) -> None:
    try:
        total = sum_stages("total", parts)
    except FootprintInputError as exc:
        message = str(exc)
        assert message == "figures too large: the total stage is not a finite number"
        return
    json.dumps(total.to_dict(), allow_nan=False)
    assert total.energy_kwh == math.fsum(p.energy_kwh for p in parts)
    low, high = total.bounds("energy_kwh")
    assert low <= total.energy_kwh * (1 + 1e-12)
    assert total.energy_kwh <= high * (1 + 1e-12)
    assert total.method in ("measured", "estimated", MIXED)


def test_a_sum_across_regions_never_mixes_intensity_bases() -> None:
    """Issue 15: a merged total refuses lifecycle + direct intensities, naming both records and bases."""
    from fmfootprint.footprint.estimate import estimate

    direct = estimate(gpu="H100", gpus=8, hours=10, region="US-IA", intensity_source="catalog")
    lifecycle_fr = estimate(gpu="H100", gpus=8, hours=10, region="FR").to_stage("evaluation")
    with pytest.raises(FootprintInputError) as raised:
        sum_stages("total", [direct.to_stage("final"), lifecycle_fr])
    message = str(raised.value)
    assert "final (US-IA) is direct" in message
    assert "evaluation (FR) is lifecycle" in message
    lifecycle_ia = estimate(gpu="H100", gpus=8, hours=10, region="US-IA").to_stage("final")
    total = sum_stages("total", [lifecycle_ia, lifecycle_fr])  # one basis: summed
    assert total.co2e_kg == pytest.approx(lifecycle_ia.co2e_kg + lifecycle_fr.co2e_kg)
    given = estimate(gpu="H100", gpus=8, hours=10, grid_intensity=300.0).to_stage("evaluation")
    assert sum_stages("total", [direct.to_stage("final"), given]).records == 2  # a given value has no basis
