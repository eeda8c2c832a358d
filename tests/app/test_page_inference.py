"""The Inference page driven with AppTest: its figures are the library's; batch and precision move them."""

from __future__ import annotations

import pytest

pytest.importorskip("ui")

from fmfootprint.serving.query import inference
from fmfootprint.serving.rating import rate_inference
from fmfootprint.units import format_number


def table(at, first_column: str):
    (frame,) = [d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_column]]
    return frame


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_default_page_shows_the_library_figures_and_rating(page) -> None:
    at = page("inference")
    assert not at.exception
    assert not at.error
    expected = inference(70e9, gpu="H100 SXM", input_tokens=1000, output_tokens=500, batch="auto")
    shown = metrics(at)
    assert shown["Energy [Wh]"] == format_number(expected.energy_wh_per_query)
    assert shown["CO2e [g]"] == format_number(expected.co2e_g_per_query)
    assert shown["Water [mL]"] == format_number(expected.water_ml_per_query)
    label = rate_inference(expected.energy_wh_per_1000_queries, params=70e9)
    assert shown["Energy rating"] == label.label
    totals = table(at, "figure")
    day = float(totals.iloc[0]["per day"].replace(",", ""))
    assert day == pytest.approx(expected.energy_wh_per_query / 1000 * 1e6, rel=1e-2)
    sweep = table(at, "precision")
    assert set(sweep["precision"]) == {"bf16", "fp8", "int4"}


def test_batch_precision_and_region_move_the_figures(page) -> None:
    at = page("inference")
    before = metrics(at)["Energy [Wh]"]
    at.selectbox(key="inf_batch").select(1).run()
    at.radio(key="inf_precision").set_value("fp8").run()
    at.selectbox(key="inf_region").select("FR").run()
    assert not at.exception
    assert not at.error
    expected = inference(
        70e9, gpu="H100 SXM", input_tokens=1000, output_tokens=500, batch=1, precision="fp8", region="FR"
    )
    shown = metrics(at)
    assert shown["Energy [Wh]"] == format_number(expected.energy_wh_per_query)
    assert shown["Energy [Wh]"] != before
    assert shown["CO2e [g]"] == format_number(expected.co2e_g_per_query)


def test_a_model_that_cannot_fit_is_one_red_line(page) -> None:
    at = page("inference")
    at.number_input(key="inf_input").set_value(1_000_000).run()
    at.number_input(key="inf_params_b").set_value(8.0).run()
    at.selectbox(key="inf_gpu").select("L4").run()
    assert not at.exception
    assert len(at.error) == 1
    assert "does not fit" in at.error[0].value
