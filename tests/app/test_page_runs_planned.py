"""Runs page: a tracked run laid over a saved plan; Runs and Card pages: incomplete runs are flagged; the
card's provider and region fields reach the card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ui = pytest.importorskip("ui")

from fmfootprint.measure.log import load_run  # noqa: E402
from fmfootprint.planning import plan  # noqa: E402
from fmfootprint.planning.measured import planned_vs_measured  # noqa: E402
from fmfootprint.report.modelcard import model_card  # noqa: E402
from fmfootprint.units import format_number  # noqa: E402

RUNS = Path(__file__).resolve().parents[1] / "data" / "app" / "runs"
NODE0 = RUNS / "final-node0"
HARDWARE = {"gpu": "A100 SXM4 80GB", "gpus": 2, "mfu": 0.4, "region": "FR"}


def uploads(folder: Path, keep=lambda name: True) -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "application/json") for p in sorted(folder.iterdir()) if keep(p.name)]


def shown_rows(at) -> dict[str, dict[str, str]]:
    (table,) = [d.value for d in at.dataframe if "Measured / planned" in d.value.columns]
    return {row["Quantity"]: row for row in table.to_dict("records")}


def test_an_uploaded_plan_json_is_laid_over_the_run(page, tmp_path) -> None:
    at = page("runs")
    at.file_uploader(key="run_files").set_value(uploads(NODE0)).run()
    assert not at.exception
    saved = plan(compute_flops=1e20, hardware=HARDWARE).to_dict()  # what `plan --json` prints
    at.radio(key="plan_source").set_value("upload").run()
    at.file_uploader(key="plan_file").set_value(
        ("plan.json", json.dumps(saved).encode(), "application/json")
    ).run()
    assert not at.exception
    assert not at.error
    expected = planned_vs_measured(saved, load_run(NODE0).to_dict())
    rows = shown_rows(at)
    for row in expected:
        shown = rows[f"{row.label} [{row.unit}]"]
        assert shown["Planned"] == format_number(row.planned)
        assert shown["Measured"] == format_number(row.measured)
        assert shown["Measured / planned"] == ("–" if row.ratio is None else f"{format_number(row.ratio)}×")
    energy = next(r for r in expected if r.key == "energy_kwh")
    assert energy.ratio == pytest.approx(load_run(NODE0).energy_kwh / saved["footprint"]["energy_kwh"])


def test_the_planner_plan_is_the_default_comparison(page) -> None:
    at = page("planner")
    at.switch_page("views/runs.py").run()
    at.file_uploader(key="run_files").set_value(uploads(NODE0)).run()
    assert not at.exception
    assert at.radio(key="plan_source").value == "planner"
    planned = at.session_state[ui.PLANNER_PLAN]
    rows = shown_rows(at)
    assert rows["Energy, facility [MWh]"]["Planned"] == format_number(planned.footprint.energy_kwh / 1000)


def test_a_plan_without_footprint_or_not_json_is_one_error(page) -> None:
    at = page("runs")
    at.file_uploader(key="run_files").set_value(uploads(NODE0)).run()
    at.radio(key="plan_source").set_value("upload").run()
    bare = json.dumps(plan(compute_flops=1e20).to_dict()).encode()
    at.file_uploader(key="plan_file").set_value(("plan.json", bare, "application/json")).run()
    assert not at.exception
    assert "the plan has no footprint" in at.error[0].value
    at.file_uploader(key="plan_file").set_value(("plan.json", b"{not json", "application/json")).run()
    assert not at.exception
    assert "is not valid JSON" in at.error[0].value


def test_an_incomplete_run_is_flagged_on_the_runs_and_card_pages(page) -> None:
    # The log alone, without its stop record and summary: what a killed process leaves.
    log = (NODE0 / "final0.jsonl").read_text().splitlines()
    killed = [
        (
            "final0.jsonl",
            ("\n".join(line for line in log if '"type": "stop"' not in line) + "\n").encode(),
            "application/json",
        )
    ]
    at = page("runs")
    at.file_uploader(key="run_files").set_value(killed).run()
    assert not at.exception
    assert any("This run is incomplete" in w.value and "no stop record" in w.value for w in at.warning)
    at.switch_page("views/card.py").run()
    at.radio(key="card_source").set_value("runs page").run()
    assert not at.exception
    assert any("This run is incomplete" in w.value for w in at.warning)
    # A complete run: no such warning.
    at = page("runs")
    at.file_uploader(key="run_files").set_value(uploads(NODE0)).run()
    assert not [w for w in at.warning if "incomplete" in w.value]


def test_card_provider_and_region_fields_reach_the_card(page) -> None:
    at = page("card", local_paths=True)
    at.radio(key="card_source").set_value("run directories").run()
    at.text_area(key="card_dirs").set_value(str(NODE0))
    at.text_input(key="cloud_provider").set_value("Scaleway")
    at.text_input(key="compute_region").set_value("fr-par-2").run()
    assert not at.exception
    assert not at.error
    expected = model_card([str(NODE0)], cloud_provider="Scaleway", compute_region="fr-par-2")
    assert "**Cloud Provider:** Scaleway" in expected.markdown
    assert "**Compute Region:** fr-par-2" in expected.markdown
    assert ui.without_html_comments(expected.markdown) in [m.value for m in at.markdown]
