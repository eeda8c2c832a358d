"""The planner's sharing: inputs in the URL query, pinned scenarios, the downloads' contents, the labels."""

from __future__ import annotations

import csv
import io
import json

import pytest

ui = pytest.importorskip("ui")  # app/ui.py, put on sys.path by conftest.py
share = pytest.importorskip("share")

from fmfootprint.planning import compare_regions, plan  # noqa: E402
from fmfootprint.planning.cite import cite_plan  # noqa: E402
from fmfootprint.planning.equivalents import everyday_equivalents  # noqa: E402
from fmfootprint.scaling.laws import get_law, load_law  # noqa: E402
from fmfootprint.units import format_count  # noqa: E402

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def shared_link(query: dict[str, str]):
    """The app opened from a link carrying ``query`` (a fresh session, as a browser opening it)."""
    from streamlit.testing.v1 import AppTest

    from fmfootprint._resources import app_dir

    at = AppTest.from_file(str(app_dir() / "streamlit_app.py"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    return at


def test_a_shared_link_reproduces_the_plan() -> None:
    at = shared_link(
        {
            "budget_accelerator_days": "4,000",
            "region": "CA-QC",
            "gpus": "64",
            "law": "hoffmann2022",
            "inference_tokens": "0",
            "compare": "FR,SE",
        }
    )
    assert not at.exception
    expected = plan(
        accelerator_days=4000,
        law=get_law("hoffmann2022"),
        hardware={**HARDWARE, "gpus": 64, "region": "CA-QC"},
    )
    assert at.session_state[ui.PLANNER_PLAN].to_dict() == expected.to_dict()
    assert at.text_input(key="budget_accelerator_days").value == "4,000"
    assert at.multiselect(key="compare").value == ["FR", "SE"]
    # The page writes the inputs back into the URL, so a reload keeps them.
    assert at.query_params["region"] == "CA-QC"
    assert at.query_params["budget_accelerator_days"] == "4,000"


def test_the_url_follows_the_inputs_and_ignores_what_is_not_a_choice() -> None:
    at = shared_link({"region": "Atlantis", "gpu": "no such chip"})
    assert not at.exception
    assert at.selectbox(key="region").value == "US-IA"  # the default stays
    assert at.query_params["region"] == "US-IA"
    at.selectbox(key="region").select("FR").run()
    assert at.query_params["region"] == "FR"
    at.text_input(key="budget_accelerator_days").set_value("250").run()
    assert at.query_params["budget_accelerator_days"] == "250"
    # A fresh session from that URL shows the same plan.
    again = shared_link({key: str(value) for key, value in at.query_params.items()})
    assert again.session_state[ui.PLANNER_PLAN].to_dict() == at.session_state[ui.PLANNER_PLAN].to_dict()


def pinned_table(at):
    tables = [d.value for d in at.dataframe if "" in d.value.columns]
    return tables[0] if tables else None


def test_pinned_scenarios_side_by_side(page) -> None:
    at = page("planner")
    assert pinned_table(at) is None
    at.button(key="pin").click().run()
    at.selectbox(key="region").select("CA-QC").run()
    at.button(key="pin").click().run()
    at.selectbox(key="region").select("FR").run()
    table = pinned_table(at)
    assert list(table.columns)[1:] == [
        "1. Iowa (US-IA), Besiroglu et al. 2024 (Epoch) — Chinchilla replication",
        "2. Quebec (CA-QC), Besiroglu et al. 2024 (Epoch) — Chinchilla replication",
        "3. current",
    ]
    carbon = table[table[""] == "Carbon [t CO2e]"].iloc[0]
    iowa = plan(accelerator_days=1000, law="besiroglu2024", hardware=HARDWARE).footprint.co2e_kg / 1000
    assert carbon.iloc[1] == ui.format_number(iowa)
    # At most three pinned: the oldest goes.
    for code in ("SE", "NO"):
        at.selectbox(key="region").select(code).run()
        at.button(key="pin").click().run()
    assert len(pinned_table(at).columns) == 1 + share.MAX_PINNED + 1
    at.button(key="clear_pins").click().run()
    assert pinned_table(at) is None


def test_download_contents_parse_and_round_trip(tmp_path) -> None:
    result = plan(accelerator_days=1000, law="besiroglu2024", hardware=HARDWARE)
    payload = result.to_dict()
    assert json.loads(share.as_json(payload)) == json.loads(json.dumps(payload))
    rows = dict(csv.reader(io.StringIO(share.plan_csv(payload))))
    assert float(rows["params"]) == result.params
    assert float(rows["footprint.co2e_kg"]) == result.footprint.co2e_kg
    comparison = compare_regions(result.compute_flops, ["US-IA", "CA-QC"], HARDWARE)
    records = list(csv.DictReader(io.StringIO(share.records_csv(comparison.to_dict()))))
    assert [r["region"] for r in records] == ["CA-QC", "US-IA"]
    assert float(records[1]["co2e_kg"]) == comparison.row("US-IA").co2e_kg
    law_file = tmp_path / "law.json"
    law_file.write_text(share.as_json(get_law("besiroglu2024").to_dict()))
    assert load_law(law_file) == get_law("besiroglu2024")  # loadable by --law-file


def test_assumptions_have_human_labels_and_carbon_an_everyday_equivalent(page) -> None:
    at = page("planner")
    (assumptions,) = [d.value for d in at.dataframe if "Assumption" in d.value.columns]
    rows = dict(zip(assumptions["Assumption"], assumptions["Source"], strict=True))
    assert rows["Compute budget"] == "accelerator-days: given (1,000 accelerator-days)"
    assert "compute_flops" not in set(assumptions["Assumption"])
    assert "flops" not in set(assumptions["Assumption"])
    footprint = at.session_state[ui.PLANNER_PLAN].footprint
    car, homes = everyday_equivalents(footprint.co2e_kg, footprint.energy_kwh)
    captions = [c.value for c in at.caption]
    assert car.text() in captions
    assert homes.text() in captions
    cite = cite_plan(at.session_state[ui.PLANNER_PLAN], region_name="Iowa")
    assert any(cite.markdown in m.value for m in at.markdown)
    assert format_count(at.session_state[ui.PLANNER_PLAN].params) in cite.markdown


def test_the_eu_ai_act_threshold_note_is_shown(page) -> None:
    from fmfootprint.planning.thresholds import threshold_note

    at = page("planner")
    result = at.session_state[ui.PLANNER_PLAN]  # 3.42e22 FLOP: below both thresholds, a caption
    assert threshold_note(result.compute_flops) in [c.value for c in at.caption]
    at.selectbox(key="budget_kind").select("compute_flops").run()
    at.text_input(key="budget_compute_flops").set_value("2e25").run()
    assert not at.exception
    big = at.session_state[ui.PLANNER_PLAN]
    assert big.eu_ai_act.exceeded == ("gpai_indicative", "systemic_risk_presumption")
    note = threshold_note(big.compute_flops)
    assert "presumption of systemic risk" in note
    assert note in [i.value for i in at.info]  # crossed: an info box, not a caption


def test_the_lifetime_headline_says_it_ignores_the_unique_token_limit(page) -> None:
    at = page("planner")
    at.selectbox(key="law").select("muennighoff2023")
    at.text_input(key="unique_tokens").set_value("200B")
    at.text_input(key="inference_tokens").set_value("2T").run()
    assert not at.exception
    (lifetime,) = [i.value for i in at.info if i.value.startswith("Lifetime optimum")]
    assert lifetime.endswith("It does not apply the unique-token limit (repeated data).")
    at.text_input(key="unique_tokens").set_value("").run()
    (lifetime,) = [i.value for i in at.info if i.value.startswith("Lifetime optimum")]
    assert "unique-token" not in lifetime


def test_the_equivalents_factor_table_shows_each_source(page) -> None:
    from fmfootprint.planning.equivalents import FACTORS

    at = page("planner")
    (table,) = [d.value for d in at.dataframe if "Licence" in d.value.columns]
    assert list(table["Source"]) == [factor.source for factor in FACTORS]
    assert list(table["Licence"]) == [factor.licence for factor in FACTORS]
    assert table["Factor"].iloc[0] == "0.249 kg CO2e per unit"
