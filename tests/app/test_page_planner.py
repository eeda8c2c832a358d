"""The planner page driven with AppTest: the numbers shown are the library's for the same inputs."""

from __future__ import annotations

import pytest

ui = pytest.importorskip("ui")  # app/ui.py, put on sys.path by conftest.py

from fmfootprint.planning import Plan, plan  # noqa: E402
from fmfootprint.scaling.allocate import inference_optimal  # noqa: E402
from fmfootprint.scaling.laws import get_law  # noqa: E402
from fmfootprint.units import format_count, format_number  # noqa: E402

DEFAULT_HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def library_plan(kind: str, value: float, hardware: dict, law: str = "besiroglu2024", **kwargs) -> Plan:
    return plan(**{kind: value}, law=get_law(law), hardware=hardware, **kwargs)


def assert_shows(at, expected: Plan) -> None:
    shown = metrics(at)
    footprint = expected.footprint
    assert shown["Parameters"] == format_count(expected.params)
    assert shown["Training tokens"] == format_count(expected.tokens)
    assert shown["Expected loss [nats/token]"] == f"{expected.loss:.4f}"
    assert shown["GPU-hours"] == format_number(footprint.gpu_hours)
    assert shown["Wall clock [days]"] == format_number(footprint.hours / 24)
    assert shown["Energy [MWh]"] == format_number(footprint.energy_kwh / 1000)
    assert shown["Water [m³]"] == format_number(footprint.water_l / 1000)
    assert shown["Carbon, total [t CO2e]"] == format_number(footprint.co2e_kg / 1000)
    assert shown["Operational [t CO2e]"] == format_number(footprint.co2e_operational_kg / 1000)
    assert shown["Embodied [t CO2e]"] == format_number(footprint.co2e_embodied_kg / 1000)
    # And the unrounded numbers behind them are exactly the library's.
    assert at.session_state[ui.PLANNER_PLAN].to_dict() == expected.to_dict()


def test_default_plan_is_1000_h100_days_in_iowa(page) -> None:
    at = page("planner")
    assert not at.exception
    assert not at.error
    assert_shows(at, library_plan("accelerator_days", 1000, DEFAULT_HARDWARE))
    assert len(at.get("plotly_chart")) == 1  # lazy tabs: only the open one is drawn
    # 1,000 H100-days on 8 GPUs are 125 days of wall clock.
    assert metrics(at)["Wall clock [days]"] == "125"
    assert "Carbon-optimal suggestion" in at.success[0].value


def test_changing_budget_and_region_updates_every_number(page) -> None:
    at = page("planner")
    at.text_input(key="budget_accelerator_days").set_value("4,000").run()
    assert not at.exception
    assert_shows(at, library_plan("accelerator_days", 4000, DEFAULT_HARDWARE))
    at.selectbox(key="region").select("CA-QC").run()
    quebec = library_plan("accelerator_days", 4000, {**DEFAULT_HARDWARE, "region": "CA-QC"})
    assert_shows(at, quebec)
    iowa = library_plan("accelerator_days", 4000, DEFAULT_HARDWARE)
    assert quebec.footprint.co2e_kg < iowa.footprint.co2e_kg / 5  # hydro vs coal and gas


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [("compute_flops", "3e23", 3e23), ("energy_kwh", "200k", 2e5), ("co2e_kg", "50000", 5e4)],
)
def test_other_budget_kinds(page, kind, text, value) -> None:
    at = page("planner")
    at.selectbox(key="budget_kind").select(kind).run()
    at.text_input(key=f"budget_{kind}").set_value(text).run()
    assert not at.exception
    assert not at.error
    expected = library_plan(kind, value, DEFAULT_HARDWARE)
    assert_shows(at, expected)
    if kind != "compute_flops":
        assert getattr(expected.footprint, kind) == pytest.approx(value, rel=1e-9)


def test_law_pue_gpus_unique_tokens_reach_the_library(page) -> None:
    at = page("planner")
    at.selectbox(key="law").select("muennighoff2023")
    at.text_input(key="pue").set_value("1.1")
    at.text_input(key="gpus").set_value("64")
    at.text_input(key="mfu").set_value("0.35")
    at.text_input(key="unique_tokens").set_value("200B").run()
    assert not at.exception
    assert not at.error
    hardware = {"gpu": "H100 SXM", "gpus": 64, "mfu": 0.35, "region": "US-IA", "pue": 1.1}
    expected = library_plan("accelerator_days", 1000, hardware, law="muennighoff2023", unique_tokens=2e11)
    assert_shows(at, expected)
    assert expected.footprint.pue == 1.1


def test_inference_tokens_drive_the_carbon_optimal_suggestion(page) -> None:
    at = page("planner")
    at.text_input(key="inference_tokens").set_value("5T").run()
    assert not at.exception
    training = library_plan("accelerator_days", 1000, DEFAULT_HARDWARE)
    best = inference_optimal(training.loss, 5e12, get_law("besiroglu2024"))
    suggestion = at.success[0].value
    assert f"{format_count(best.params)} parameters on {format_count(best.tokens)} tokens" in suggestion
    assert "over the model's life" in suggestion
    assert best.params < training.params  # serving 5T tokens favours a smaller model
    assert (
        "Quebec" in suggestion or "Norway" in suggestion or "Sweden" in suggestion or "France" in suggestion
    )


def test_with_inference_tokens_the_headline_is_the_lifetime_optimum(page) -> None:
    from fmfootprint.planning.lifetime import lifetime_choice

    at = page("planner")
    at.text_input(key="inference_tokens").set_value("2T").run()
    assert not at.exception
    training = library_plan("accelerator_days", 1000, DEFAULT_HARDWARE)
    choice = lifetime_choice(training, 2e12, "besiroglu2024", DEFAULT_HARDWARE)
    lifetime = plan(
        target_loss=training.loss,
        inference_tokens=2e12,
        law=get_law("besiroglu2024"),
        hardware=DEFAULT_HARDWARE,
    )
    assert_shows(at, lifetime)  # every headline and footprint figure is the lifetime optimum's
    assert metrics(at)["Parameters"] != format_count(training.params)
    infos = [i.value for i in at.info]
    assert choice.text() in infos  # beside the training-only optimum, with what the difference saves
    assert (
        f"vs {format_count(training.params)} on {format_count(training.tokens)} for training alone"
        in choice.text()
    )
    # Back to 0 inference tokens: the training-only optimum, and no lifetime wording anywhere.
    at.text_input(key="inference_tokens").set_value("0").run()
    assert_shows(at, training)
    suggestion = at.success[0].value
    assert "life" not in suggestion
    assert "-0" not in suggestion
    assert "for training" in suggestion
    captions = [c.value for c in at.caption]
    assert any(c.startswith("The suggestion minimises training carbon") for c in captions)
    assert not any("Lifetime =" in c for c in captions)


def test_the_suggestion_never_says_minus_zero_percent(page) -> None:
    at = page("planner")
    at.selectbox(key="region").select("CA-QC")
    at.multiselect(key="compare").set_value([]).run()  # Quebec alone: nothing can beat the baseline
    assert not at.exception
    suggestion = at.success[0].value
    assert "%" not in suggestion
    assert "no model or region compared emits less" in suggestion


@pytest.mark.parametrize(
    ("key", "bad", "fragment"),
    [
        ("budget_accelerator_days", "abc", "must be a number"),
        ("budget_accelerator_days", "-1000", "must be > 0"),
        ("gpus", "eight", "must be a number"),
        ("gpus", "2.5", "whole number"),
        ("mfu", "40", "mfu must be in (0, 1], got 40"),
        ("mfu", "-0.4", "must be > 0"),
        ("pue", "0.8", "pue must be >= 1, got 0.8"),
        ("unique_tokens", "lots", "must be a number"),
        ("inference_tokens", "-5", "must be >= 0"),
    ],
)
def test_bad_input_is_an_error_message_not_a_traceback(page, key, bad, fragment) -> None:
    at = page("planner")
    at.text_input(key=key).set_value(bad).run()
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value
    assert not at.metric  # nothing is computed from bad input


def test_a_budget_too_small_for_any_model_is_explained(page) -> None:
    at = page("planner")
    at.selectbox(key="budget_kind").select("compute_flops").run()
    at.text_input(key="budget_compute_flops").set_value("10").run()
    assert not at.exception


def test_precision_reaches_the_estimator_and_a_missing_peak_is_explained(page) -> None:
    at = page("planner")
    at.selectbox(key="gpu").select("V100 SXM2").run()
    assert not at.exception
    assert "has no bf16 peak" in at.error[0].value
    at.selectbox(key="precision").select("fp16").run()
    assert not at.exception
    assert not at.error
    hardware = {**DEFAULT_HARDWARE, "gpu": "V100 SXM2", "precision": "fp16"}
    assert_shows(at, library_plan("accelerator_days", 1000, hardware))


def test_every_chart_tab_draws_its_chart(page) -> None:
    at = page("planner")
    at.text_input(key="inference_tokens").set_value("1T").run()
    traces = {
        "Iso-FLOP curves": "planned optimum",
        "Loss vs compute": "compute-optimal loss",
        "Footprint": "operational",
        "Across regions": "Quebec (CA-QC)",
        "Inference trade-off": "inference-aware optimum",
    }
    for tab, text in traces.items():
        at.session_state["chart_tab"] = tab
        at.run()
        assert not at.exception
        (chart,) = at.get("plotly_chart")
        assert text in chart.proto.spec
    # The regions tab also lists the estimator's figures for each region.
    at.session_state["chart_tab"] = "Across regions"
    at.run()
    (table,) = [d.value for d in at.dataframe if "Carbon [t CO2e]" in d.value.columns]
    assert "Iowa (US-IA)" in set(table["Region"])
    # The same units and formatter as the headlines: t CO2e, MWh, m³ with thousands separators.
    iowa = table[table["Region"] == "Iowa (US-IA)"].iloc[0]
    assert iowa["Carbon [t CO2e]"] == metrics(at)["Carbon, total [t CO2e]"]
    assert iowa["Energy [MWh]"] == format_number(
        at.session_state[ui.PLANNER_PLAN].footprint.energy_kwh / 1000
    )
    assert "Water [m³]" in table.columns


def test_inputs_survive_a_visit_to_another_page(page) -> None:
    at = page("planner")
    at.text_input(key="budget_accelerator_days").set_value("4000")
    at.selectbox(key="region").select("CA-QC").run()
    at.switch_page("views/fit.py").run()
    at.switch_page("views/planner.py").run()
    assert not at.exception
    assert at.text_input(key="budget_accelerator_days").value == "4000"
    assert at.selectbox(key="region").value == "CA-QC"
    expected = library_plan("accelerator_days", 4000, {**DEFAULT_HARDWARE, "region": "CA-QC"})
    assert_shows(at, expected)


def test_the_law_selector_shows_citation_names_and_defaults_to_the_epoch_replication(page) -> None:
    from fmfootprint.scaling.laws import PRESETS

    at = page("planner")
    selector = at.selectbox(key="law")
    assert selector.value == "besiroglu2024"
    assert selector.options == [law.title for law in PRESETS.values()]
    captions = [c.value for c in at.caption]
    assert any(
        PRESETS["besiroglu2024"].url in c and "fitted range: params 57.3M–16.2B" in c for c in captions
    )
    at.selectbox(key="law").select("hoffmann2022").run()
    assert not at.exception
    assert_shows(at, library_plan("accelerator_days", 1000, DEFAULT_HARDWARE, law="hoffmann2022"))
    assert metrics(at)["Tokens per parameter"] == "70.5"


def test_the_page_shows_the_published_spread_and_the_extrapolation_warnings(page) -> None:
    at = page("planner")
    result = at.session_state[ui.PLANNER_PLAN]
    assert result.warnings  # 3.42e22 FLOP is beyond the largest fitted run (1.3e22)
    shown = [w.value for w in at.warning]
    for warning in result.warnings:
        assert any(warning in text for text in shown)
    (table,) = [d.value for d in at.dataframe if "tokens per parameter" in d.value.columns]
    assert list(table["law"]) == [row.title for row in result.published_laws]
    # A budget inside the fitted range: no warning.
    at.text_input(key="budget_accelerator_days").set_value("100").run()
    assert not at.exception
    assert at.session_state[ui.PLANNER_PLAN].warnings == ()
    assert not [w for w in at.warning if "Extrapolation" in w.value]


def test_a_fitted_law_warns_beyond_the_runs_it_was_fitted_on(page) -> None:
    from fmfootprint.scaling.laws import ChinchillaLaw, FittedRange

    law = ChinchillaLaw(
        E=1.8,
        A=480.0,
        B=2000.0,
        alpha=0.35,
        beta=0.36,
        name="my-runs",
        fitted_range=FittedRange.of_runs([1e8, 6e9], [1e9, 6e10]),
    )
    at = page("planner")
    at.session_state[ui.FITTED_LAW] = law
    at.run()
    at.selectbox(key="law").select("fitted on the Fit page").run()
    assert not at.exception
    result = at.session_state[ui.PLANNER_PLAN]
    assert result.warnings == law.extrapolation_warnings(result.params, result.tokens)
    assert result.warnings[0].startswith("params ")
    assert any("above the largest fitted model (6e9)" in w.value for w in at.warning)


def test_headline_caption_shows_the_grid_basis_and_the_site_defaults_used(page) -> None:
    """Issue 15: the basis and year beside the intensity, and the PUE/WUE/EWIF defaults with the reason."""
    from fmfootprint.planning.labels import defaults_text, intensity_text

    at = page("planner")
    assert not at.exception
    expected = library_plan("accelerator_days", 1000, DEFAULT_HARDWARE).footprint
    said = defaults_text(expected)
    assert said is not None
    assert said.startswith("Defaults used (US-IA has none): PUE 1.56 (")
    captions = [c.value for c in at.caption]
    shown = next(c for c in captions if c.startswith("Grid "))
    assert shown.startswith(intensity_text(expected))
    assert "(lifecycle, 2025)" in shown
    for named in ("US-IA has none", "PUE 1.56", "WUE 1.8 L/kWh"):
        assert named in shown
    assert {a.name for a in expected.defaults_used()} == {"pue", "wue_l_per_kwh"}  # US-IA has its own EWIF
    assert "EWIF" not in shown
