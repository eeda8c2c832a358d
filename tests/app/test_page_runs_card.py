"""The Runs and Model-card pages driven with AppTest, against the library's own results."""

from __future__ import annotations

from pathlib import Path

import pytest

ui = pytest.importorskip("ui")

from fmfootprint.measure.log import load_run  # noqa: E402
from fmfootprint.measure.merge import merge_runs  # noqa: E402
from fmfootprint.planning import plan  # noqa: E402
from fmfootprint.report.modelcard import model_card  # noqa: E402
from fmfootprint.units import format_number  # noqa: E402

RUNS = Path(__file__).resolve().parents[1] / "data" / "app" / "runs"
NODE0, NODE1 = RUNS / "final-node0", RUNS / "final-node1"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_totals(at, summary: dict) -> None:
    shown = metrics(at)
    assert shown["Duration [h]"] == format_number(summary["duration_s"] / 3600)
    assert shown["GPU-hours"] == format_number(summary["gpu_hours"])
    assert shown["Energy, facility [kWh]"] == format_number(summary["energy_kwh"])
    assert shown["Energy, IT [kWh]"] == format_number(summary["energy_it_kwh"])
    assert shown["GPU energy [kWh]"] == format_number(summary["gpu_energy_kwh"])
    assert shown["Carbon [kg CO2e]"] == format_number(summary["co2e_kg"])
    assert shown["Water [L]"] == format_number(summary["water_l"])
    assert at.session_state[ui.RUN_SUMMARY] == summary


def test_runs_page_shows_one_node(page) -> None:
    at = page("runs", local_paths=True)
    assert not at.exception
    assert at.info  # asks for a folder
    at.text_area(key="run_dirs_text").set_value(str(NODE0)).run()
    assert not at.exception
    assert not at.error
    assert_totals(at, load_run(NODE0).to_dict())
    assert len(at.get("plotly_chart")) == 2  # power and energy over time


def test_runs_page_merges_nodes(page) -> None:
    at = page("runs", local_paths=True)
    at.text_area(key="run_dirs_text").set_value(f"{NODE0}\n{NODE1}\n").run()
    assert not at.exception
    merged = merge_runs([NODE0, NODE1]).to_dict()
    assert_totals(at, merged)
    assert "merged from 2 folders" in at.subheader[0].value


def test_runs_page_reads_uploaded_tracker_files(page) -> None:
    at = page("runs")
    files = [(p.name, p.read_bytes(), "application/json") for p in sorted(NODE0.iterdir())]
    at.file_uploader(key="run_files").set_value(files).run()
    assert not at.exception
    assert not at.error
    expected = load_run(NODE0).to_dict()
    assert metrics(at)["Energy, facility [kWh]"] == format_number(expected["energy_kwh"])


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ([("evil.py", b"import os\nos.system('echo pwned')\n", "text/x-python")], "not a tracker file"),
        ([("big.jsonl", b"x" * (50 * 1024 * 1024), "application/json")], "the limit is 10 MB"),
        ([("garbage.jsonl", b"\xff\xfe\x00binary", "application/json")], "not UTF-8"),
    ],
)
def test_runs_page_rejects_bad_uploads(page, files, fragment) -> None:
    at = page("runs")
    at.file_uploader(key="run_files").set_value(files).run()
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value


def test_runs_page_explains_a_wrong_folder(page, tmp_path) -> None:
    at = page("runs", local_paths=True)
    at.text_area(key="run_dirs_text").set_value(str(tmp_path / "nowhere")).run()
    assert not at.exception
    assert "is not a folder" in at.error[0].value
    at.text_area(key="run_dirs_text").set_value(str(tmp_path)).run()  # a folder without tracker files
    assert not at.exception
    assert len(at.error) == 1


def test_card_from_the_planner_estimate(page) -> None:
    at = page("planner")
    at.selectbox(key="region").select("CA-QC").run()
    at.switch_page("views/card.py").run()
    assert not at.exception
    assert not at.error
    hardware = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "CA-QC"}
    expected = model_card(plan(accelerator_days=1000, hardware=hardware).footprint)
    assert metrics(at)["co2_eq_emissions.emissions [g CO2e]"] == format_number(expected.emissions_g)
    assert at.markdown  # the preview
    assert ui.without_html_comments(expected.markdown) in [m.value for m in at.markdown]
    # Merge into an uploaded README.
    readme = b"---\nlicense: apache-2.0\n---\n# tiny-lm\n\nA model.\n"
    at.file_uploader(key="readme_upload").set_value(("README.md", readme, "text/markdown")).run()
    assert not at.exception
    assert at.code[0].value == expected.card.rstrip("\n")
    assert "co2_eq_emissions" in at.code[-1].value


def test_card_from_run_directories(page) -> None:
    at = page("card", local_paths=True)
    assert not at.exception
    at.radio(key="card_source").set_value("run directories").run()
    at.text_area(key="card_dirs").set_value(f"{NODE0}\n{NODE1}").run()
    assert not at.exception
    assert not at.error
    expected = model_card([str(NODE0), str(NODE1)])
    assert metrics(at)["co2_eq_emissions.emissions [g CO2e]"] == format_number(expected.emissions_g)


def test_card_explains_bad_input(page, tmp_path) -> None:
    at = page("card", local_paths=True)
    at.radio(key="card_source").set_value("run directories").run()
    at.text_area(key="card_dirs").set_value(str(tmp_path / "missing")).run()
    assert not at.exception
    assert len(at.error) == 1


def test_card_from_the_runs_loaded_on_the_runs_page(page) -> None:
    at = page("runs", local_paths=True)
    at.text_area(key="run_dirs_text").set_value(f"{NODE0}\n{NODE1}").run()
    at.switch_page("views/card.py").run()
    at.radio(key="card_source").set_value("runs page").run()
    at.text_input(key="location").set_value("Paris, France").run()
    assert not at.exception
    assert not at.error
    expected = model_card([str(NODE0), str(NODE1)], location="Paris, France")
    assert metrics(at)["co2_eq_emissions.emissions [g CO2e]"] == format_number(expected.emissions_g)
    assert ui.without_html_comments(expected.markdown) in [m.value for m in at.markdown]
    assert at.get("download_button")


def test_card_rejects_a_huge_or_binary_readme(page) -> None:
    at = page("card")  # the planner ran first, so its estimate is the default source
    at.file_uploader(key="readme_upload").set_value(
        ("README.md", b"#" * (50 * 1024 * 1024), "text/markdown")
    ).run()
    assert not at.exception
    assert "the limit is 10 MB" in at.error[0].value
    at.file_uploader(key="readme_upload").set_value(("README.md", b"\xff\xfe\x00\x01", "text/markdown")).run()
    assert not at.exception
    assert "not UTF-8" in at.error[0].value


def test_runs_page_shows_the_basis_of_the_merged_grid_intensity(page) -> None:
    """Issue 15: the merged "Grid" metric's basis and year beside it."""
    from fmfootprint.catalog.basis import intensity_label
    from fmfootprint.catalog.grid import grid_defaults

    at = page("runs", local_paths=True)
    at.text_area(key="run_dirs_text").set_value(f"{NODE0}\n{NODE1}\n").run()
    assert not at.exception
    source = merge_runs([NODE0, NODE1]).to_dict()["sources"].get("grid_intensity_g_per_kwh")
    label = intensity_label(source, grid_defaults().world_intensity_year) if source else "–"
    assert any(f"grid basis: {label}" in c.value for c in at.caption)
