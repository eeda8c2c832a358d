"""The Fit page driven with AppTest: fitted parameters are the library's; bad uploads are explained."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ui = pytest.importorskip("ui")

from fmfootprint._resources import data_dir  # noqa: E402
from fmfootprint.scaling.allocate import compute_optimal  # noqa: E402
from fmfootprint.scaling.fit import bootstrap, fit, load_runs  # noqa: E402

EXAMPLE = data_dir() / "examples" / "sardana2024_runs.csv"


def fitted_table(at) -> pd.DataFrame:
    (frame,) = [d for d in at.dataframe if list(d.value.columns)[:2] == ["parameter", "value"]]
    return frame.value.set_index("parameter")


@pytest.fixture(scope="module")
def example_fit():
    return fit(load_runs(EXAMPLE))


def test_fit_the_bundled_example_and_use_it_in_the_planner(page, example_fit) -> None:
    at = page("fit")
    assert not at.exception
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert not at.error
    table = fitted_table(at)
    for name in ("E", "A", "B", "alpha", "beta"):
        assert table.loc[name, "value"] == getattr(example_fit.law, name)
    assert len(at.get("plotly_chart")) == 1  # residuals
    at.button(key="use_law").click().run()
    assert at.session_state[ui.FITTED_LAW] == example_fit.law
    at.switch_page("views/planner.py").run()
    at.selectbox(key="law").select("fitted on the Fit page").run()
    assert not at.exception
    assert not at.error
    from fmfootprint.planning import plan

    hardware = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}
    expected = plan(accelerator_days=1000, law=example_fit.law, hardware=hardware)
    assert at.session_state[ui.PLANNER_PLAN].to_dict() == expected.to_dict()


def test_residuals_are_the_fits_own_after_dropping_the_highest_losses(page) -> None:
    import base64
    import json

    import numpy as np

    def values(encoded) -> np.ndarray:  # plotly sends float arrays base64-encoded
        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])

    at = page("fit")
    at.selectbox(key="n_boot").select(0)
    at.number_input(key="exclude").set_value(5)
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert not at.error
    result = fit(load_runs(EXAMPLE), exclude_top_loss=5)
    (chart,) = at.get("plotly_chart")
    trace = json.loads(chart.proto.spec)["data"][0]
    np.testing.assert_array_equal(values(trace["y"]), result.residuals)
    assert len(values(trace["x"])) == result.n_points == len(load_runs(EXAMPLE)) - 5
    assert json.loads(chart.proto.spec)["layout"]["yaxis"]["title"]["text"].startswith("log L̂ − log L")


@pytest.mark.slow
def test_fit_with_bootstrap_shows_intervals_and_a_loss_band(page) -> None:
    at = page("fit")
    at.selectbox(key="n_boot").select(200)
    at.button(key="fit_button").click().run()
    assert not at.exception
    table = fitted_table(at)
    runs = load_runs(EXAMPLE)
    boot = bootstrap(runs, n=200, seed=0)
    low, high = boot.intervals(0.95)["alpha"]
    assert table.loc["alpha", "95% low"] == low
    assert table.loc["alpha", "95% high"] == high
    at.button(key="use_law").click().run()
    at.switch_page("views/planner.py").run()
    at.selectbox(key="law").select("fitted on the Fit page").run()
    assert not at.exception
    flops = at.session_state[ui.PLANNER_PLAN].compute_flops
    low, high = boot.interval_of(lambda law: compute_optimal(flops, law).loss)
    assert f"Loss 95% bootstrap interval: {low:.4f} – {high:.4f}" in [c.value for c in at.caption]
    assert low < at.session_state[ui.PLANNER_PLAN].loss < high
    # The loss-vs-compute chart carries the band.
    at.session_state["chart_tab"] = "Loss vs compute"
    at.run()
    assert "95% bootstrap band" in at.get("plotly_chart")[0].proto.spec


def _upload(at, name: str, content: bytes):
    at.radio(key="fit_source").set_value("upload").run()
    at.file_uploader(key="runs_csv").set_value((name, content, "text/csv")).run()
    return at


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("runs.csv", b"a,b\n1,2\n", "needs a header row and at least 3 columns"),
        ("runs.csv", b"x" * (50 * 1024 * 1024), "the limit is 10 MB"),
        ("runs.csv", b"", "not a readable CSV"),
        ("runs.pkl", b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.", "not a readable CSV"),
    ],
)
def test_bad_uploads_are_explained(page, name, content, fragment) -> None:
    at = _upload(page("fit"), name, content)
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value


def test_wrong_or_non_numeric_columns_are_explained_on_fit(page) -> None:
    csv = b"size,data,quality\n1e8,2e9,abc\n2e8,4e9,3.1\n4e8,8e9,2.9\n"
    at = _upload(page("fit"), "runs.csv", csv)
    assert not at.exception
    at.selectbox(key="params_col").select("size")
    at.selectbox(key="tokens_col").select("data")
    at.selectbox(key="loss_col").select("quality")
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value.endswith("column 'quality' must hold finite numbers > 0; row 1 has 'abc'")


def test_too_few_runs_and_missing_token_columns_are_explained(page) -> None:
    at = _upload(page("fit"), "runs.csv", b"params,tokens,loss\n1e8,2e9,3.2\n2e8,4e9,3.1\n4e8,8e9,2.9\n")
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert "need at least 5 runs" in at.error[0].value
    at.selectbox(key="tokens_col").select("(none)")
    at.selectbox(key="flops_col").select("(none)")
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert "tokens column" in at.error[0].value


def test_a_law_file_can_be_used_in_the_planner(page) -> None:
    import json

    from fmfootprint.planning import plan
    from fmfootprint.scaling.laws import ChinchillaLaw

    payload = {"E": 1.8, "A": 500.0, "B": 2000.0, "alpha": 0.35, "beta": 0.36, "objective": 0.01}
    at = page("fit")
    at.file_uploader(key="law_file").set_value(
        ("my law.json", json.dumps(payload).encode(), "application/json")
    )
    at.run()
    assert not at.exception
    assert not at.error
    at.button(key="use_law_file").click().run()
    law = at.session_state[ui.FITTED_LAW]
    assert (law.E, law.A, law.B, law.alpha, law.beta) == (1.8, 500.0, 2000.0, 0.35, 0.36)
    at.switch_page("views/planner.py").run()
    at.selectbox(key="law").select("fitted on the Fit page").run()
    assert not at.exception
    hardware = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}
    expected = plan(
        accelerator_days=1000,
        law=ChinchillaLaw(**{k: payload[k] for k in ["E", "A", "B", "alpha", "beta"]}),
        hardware=hardware,
    )
    shown = at.session_state[ui.PLANNER_PLAN]
    assert (shown.params, shown.tokens, shown.loss) == (expected.params, expected.tokens, expected.loss)
    assert shown.footprint.to_dict() == expected.footprint.to_dict()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"E": 1.8}', "missing A, B, alpha, beta"),
    ],
)
def test_a_bad_law_file_is_explained_and_the_page_goes_on(page, content, fragment) -> None:
    at = page("fit")
    at.file_uploader(key="law_file").set_value(("law.json", content, "application/json")).run()
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value
    assert "/tmp" not in at.error[0].value
    assert at.radio(key="fit_source")  # the rest of the page still renders


def test_columns_are_guessed_distinct_and_one_column_for_two_roles_is_refused(page) -> None:
    # Issue 10: for these names the page used to offer train_tokens as the parameters too.
    law_rows = [(n, n * r) for n in (1e8, 3e8, 1e9, 3e9) for r in (5.0, 20.0, 80.0)]
    csv = "model_size,train_tokens,eval_loss\n" + "".join(
        f"{n},{d},{1.8 + 480 / n**0.35 + 2100 / d**0.37}\n" for n, d in law_rows
    )
    at = _upload(page("fit"), "mine.csv", csv.encode())
    assert not at.exception
    assert at.selectbox(key="params_col").value == "model_size"
    assert at.selectbox(key="tokens_col").value == "train_tokens"
    assert at.selectbox(key="loss_col").value == "eval_loss"
    assert not at.error
    at.selectbox(key="params_col").select("train_tokens").run()
    assert not at.exception
    assert len(at.error) == 1
    assert "'train_tokens' is chosen for both parameters and tokens" in at.error[0].value
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert "'train_tokens' is chosen for both parameters and tokens" in at.error[-1].value
    assert "fit_result" not in at.session_state


def test_fit_errors_name_the_file_and_the_column(page) -> None:
    csv = b"size,data,quality\n1e8,2e9,abc\n2e8,4e9,3.1\n4e8,8e9,2.9\n"
    at = _upload(page("fit"), "my runs.csv", csv)
    at.selectbox(key="loss_col").select("quality")
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert not at.exception
    message = at.error[0].value.removeprefix("⚠️ ")
    assert message.startswith("my runs.csv: column 'quality' must hold finite numbers > 0")


def test_bootstrap_convergence_is_shown_in_text_and_the_bar_reaches_100(page) -> None:
    at = page("fit")
    at.selectbox(key="n_boot").select(200)
    at.button(key="fit_button").click().run()
    assert not at.exception
    _, boot, _ = at.session_state["fit_result"]
    expected = f"Bootstrap: {boot.converged} of 200 resamples converged."
    shown = [c.value for c in at.caption] + [w.value for w in at.warning]
    assert any(text.startswith(expected) for text in shown), shown
    (bar,) = at.get("progress")
    assert bar.proto.value == 100


def test_the_gadre_form_fits_on_the_page(page) -> None:
    at = page("fit")
    at.selectbox(key="fit_form").select("gadre2024")
    at.selectbox(key="n_boot").select(0)
    at.button(key="fit_button").click().run()
    assert not at.exception
    assert not at.error
    table = fitted_table(at)
    expected = fit(load_runs(EXAMPLE), form="gadre2024")
    assert table.loc["eta", "value"] == expected.form_parameters["eta"]
    assert table.loc["alpha", "value"] == table.loc["beta", "value"] == expected.law.alpha
    assert any("Gadre et al. 2024" in c.value for c in at.caption)


def test_the_upload_folder_helper_names_the_uploaded_file_not_its_private_copy() -> None:
    # A summary with a wrong type and no log beside it: the library names the file and the field.
    import json
    from types import SimpleNamespace

    from fmfootprint.measure.log import load_run

    fixture = Path(__file__).resolve().parents[1] / "data" / "measure" / "v1" / "tiny-lm.schema1.summary.json"
    data = json.loads(fixture.read_text(encoding="utf-8"))
    data["energy_kwh"] = "lots"
    payload = json.dumps(data).encode()
    upload = SimpleNamespace(name=fixture.name, size=len(payload), getvalue=lambda: payload)
    with pytest.raises(ui.UploadError) as info, ui.uploaded_run_folder([upload]) as folder:
        load_run(folder)
    message = str(info.value)
    assert f"'{fixture.name}'" in message
    assert "energy_kwh" in message
    assert "fmfootprint-upload-" not in message
