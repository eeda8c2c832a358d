"""The app's closed doors: no server paths unless served with --allow-local-paths, uploads removed after
each run, typed text escaped in the card, and one error boundary (a red line, never an exception box)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

ui = pytest.importorskip("ui")

from fmfootprint.measure.log import load_run  # noqa: E402
from fmfootprint.report.modelcard import model_card  # noqa: E402
from fmfootprint.units import format_number  # noqa: E402

RUNS = Path(__file__).resolve().parents[1] / "data" / "app" / "runs"
NODE0 = RUNS / "final-node0"
EVIL = "![x](http://evil.example/pixel.png)"


def node0_files() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "application/json") for p in sorted(NODE0.iterdir())]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_default_runs_page_takes_uploads_only(page) -> None:
    at = page("runs")
    assert not at.exception
    assert not at.text_area  # no box to type a server path in
    assert not at.radio  # and no choice of one
    assert ui.LOCAL_PATHS_NOTE not in [w.value for w in at.warning]
    # Session state naming a server folder (as a local-paths server would keep it) opens nothing.
    at.session_state["runs_source"] = "dirs"
    at.session_state["run_dirs_text"] = str(NODE0)
    at.run()
    assert not at.exception
    assert not at.metric
    assert not at.text_area


def test_default_card_page_offers_no_server_directories(page) -> None:
    at = page("card")
    assert not at.exception
    assert "run directories" not in at.radio(key="card_source").options
    assert not at.text_area
    at.radio(key="card_source").set_value("uploaded runs").run()
    at.file_uploader(key="card_files").set_value(node0_files()).run()
    assert not at.exception
    assert not at.error
    expected = model_card([str(NODE0)])
    assert metrics(at)["co2_eq_emissions.emissions [g CO2e]"] == format_number(expected.emissions_g)


@pytest.mark.parametrize("name", ["runs", "card"])
def test_local_paths_flag_accepts_server_paths_and_says_so(page, name) -> None:
    at = page(name, local_paths=True)
    assert not at.exception
    assert ui.LOCAL_PATHS_NOTE in [w.value for w in at.warning]
    if name == "card":
        at.radio(key="card_source").set_value("run directories").run()
        at.text_area(key="card_dirs").set_value(str(NODE0)).run()
        expected = model_card([str(NODE0)]).emissions_g
        assert metrics(at)["co2_eq_emissions.emissions [g CO2e]"] == format_number(expected)
    else:
        at.text_area(key="run_dirs_text").set_value(str(NODE0)).run()
        expected = load_run(NODE0).to_dict()["energy_kwh"]
        assert metrics(at)["Energy, facility [kWh]"] == format_number(expected)
    assert not at.exception
    assert not at.error


def test_uploads_are_removed_after_the_run(page, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's uploads land here
    at = page("runs")
    at.file_uploader(key="run_files").set_value(node0_files()).run()
    assert not at.exception
    assert not at.error
    assert metrics(at)["Energy, facility [kWh]"] == format_number(load_run(NODE0).to_dict()["energy_kwh"])
    assert not list(tmp_path.glob("fmfootprint-upload-*"))  # read, then removed: nothing left to name


def _summary(**changes: object) -> bytes:
    data = json.loads((NODE0 / "final0.summary.json").read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("run.summary.json", b"{not json"),
        ("run.summary.json", b"[" * 100_000),
        ("run.jsonl", b'{"schema": 1, "type": "start"' + b"\n"),
        ("run.summary.json", _summary(energy_kwh=None)),
        ("run.summary.json", _summary(energy_kwh="lots")),
        ("run.summary.json", _summary(duration_s=[1, 2])),
        ("run.jsonl", b'{"schema": 1, "type": "sample", "gpus": 3}\n'),
    ],
    ids=["malformed", "nested", "truncated-log", "missing-field", "mistyped", "list-field", "bad-sample"],
)
@pytest.mark.parametrize("name_of_page", ["runs", "card"])
def test_a_bad_upload_is_one_red_line(page, name_of_page, name, content) -> None:
    at = page(name_of_page)
    if name_of_page == "card":
        at.radio(key="card_source").set_value("uploaded runs").run()
    at.file_uploader(key="run_files" if name_of_page == "runs" else "card_files").set_value(
        [(name, content, "application/json")]
    ).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "\n" not in message
    assert "Traceback" not in message


def test_typed_text_is_escaped_in_the_card_preview(page) -> None:
    at = page("card")
    at.text_input(key="hardware").set_value(EVIL).run()
    at.text_input(key="location").set_value(EVIL).run()
    assert not at.exception
    assert not at.error
    preview = "\n".join(m.value for m in at.markdown)
    assert "Hardware Type:" in preview
    assert "![x](" not in preview


def test_error_boundary_messages() -> None:
    assert ui.error_message(KeyError("site")) == "internal error: KeyError: 'site'"
    assert "nested too deeply" in ui.error_message(RecursionError("maximum recursion depth exceeded"))
    assert ui.error_message(ui.UploadError("bad\nfile")) == "bad file"
    assert len(ui.error_message(ValueError("x" * 5000))) <= ui.MAX_MESSAGE
