"""Reading logs and summaries back: bad fields are one line naming the file and the field (exit 2), torn or
corrupt lines are counted and said, a summary that does not read falls back to its log and says why."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.cli.main import main
from fmfootprint.measure import Tracker
from fmfootprint.measure.log import LogWarning, find_sessions


@pytest.fixture
def run(tmp_path: Path) -> Path:
    with Tracker(tmp_path / "run", interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), **SITE):
        time.sleep(0.35)
    return tmp_path / "run"


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"energy_kwh": -1.0}, "field 'energy_kwh' must be"),
        ({"cpu_energy_kwh": "12"}, "field 'cpu_energy_kwh' must be a number or null, got '12'"),
        ({"flags": "abc"}, "field 'flags' must be a list of strings, got 'abc'"),
        ({"cpu_energy_range_kwh": [2.0, 1.0]}, "field 'cpu_energy_range_kwh' must be a list of two numbers"),
        ({"corrupt_lines": -3}, "field 'corrupt_lines' must be a count"),
    ],
)
def test_merge_rejects_a_mistyped_summary(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, said: str
) -> None:
    (session,) = find_sessions(run)
    alone = tmp_path / "alone"
    alone.mkdir()
    data = {**json.loads(session.summary_path.read_text()), **change}
    target = alone / session.summary_path.name  # a summary without its log: nothing to fall back on
    target.write_text(json.dumps(data))
    err = _one_line_error(capsys, ["merge", str(alone)])
    assert str(target) in err
    assert said in err


def test_a_summary_that_does_not_read_is_rebuilt_from_its_log_and_flagged(run: Path) -> None:
    (session,) = find_sessions(run)
    data = json.loads(session.summary_path.read_text())
    session.summary_path.write_text(json.dumps({**data, "flags": "abc"}))
    with pytest.warns(LogWarning, match="field 'flags' must be a list of strings.*rebuilt from its log"):
        loaded = session.load()
    assert loaded.energy_kwh == pytest.approx(data["energy_kwh"])
    assert any("rebuilt from its log" in flag for flag in loaded.flags)


@pytest.mark.parametrize(
    ("kind", "field", "value", "said"),
    [
        (
            "sample",
            "cpu_energy_kwh",
            "lots",
            "field 'cpu_energy_kwh' must be a number >= 0 or null, got 'lots'",
        ),
        ("sample", "elapsed_s", -1, "field 'elapsed_s' must be a number >= 0, got -1"),
        ("stop", "exit_code", "3", "field 'exit_code' must be an integer or null, got '3'"),
        ("stop", "warnings", "abc", "field 'warnings' must be a list of strings, got 'abc'"),
        ("start", "interval_s", 0, "field 'interval_s' must be a number > 0, got 0"),
        ("ready", "pending", 5, "field 'pending' must be a list of strings, got 5"),
    ],
)
def test_summarize_names_the_log_line_and_field_of_a_wrong_type(
    run: Path, capsys: pytest.CaptureFixture[str], kind: str, field: str, value: object, said: str
) -> None:
    (session,) = find_sessions(run)
    lines = session.log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    number = max(i for i, r in enumerate(records) if r["type"] == kind)
    records[number][field] = value
    session.log_path.write_text("".join(json.dumps(r) + "\n" for r in records))
    err = _one_line_error(capsys, ["summarize", str(run)])
    assert f"log '{session.log_path}', line {number + 1}: {said}" in err


def test_a_gpu_reading_of_the_wrong_type_is_named(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (session,) = find_sessions(run)
    records = [json.loads(line) for line in session.log_path.read_text().splitlines()]
    sample = next(r for r in records if r["type"] == "sample")
    sample["gpus"][0]["energy_j"] = -5
    session.log_path.write_text("".join(json.dumps(r) + "\n" for r in records))
    err = _one_line_error(capsys, ["summarize", str(run)])
    assert "field 'gpus[0].energy_j' must be a number >= 0, got -5" in err


def test_corrupt_lines_are_counted_in_the_output_and_warned_once(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (session,) = find_sessions(run)
    copy = tmp_path / "copy"
    copy.mkdir()
    log = copy / session.log_path.name
    shutil.copy(session.log_path, log)
    lines = log.read_text().splitlines()
    log.write_text("\n".join([*lines[:2], "garbage {", *lines[2:]]) + "\n" + '{"type": "sam')
    assert main(["summarize", str(copy)]) == 0
    captured = capsys.readouterr()
    assert "log lines skipped  2 (torn or corrupt; see the notes)" in captured.out
    warned = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warned) == 1
    assert "1 corrupt line(s) (line 3) and 1 torn last line" in warned[0]
    assert main(["summarize", str(copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["corrupt_lines"] == 2
