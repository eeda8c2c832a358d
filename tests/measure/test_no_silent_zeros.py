"""No output of `track`, `summarize`, `merge` or `card` shows 0 for a quantity that was not measured.

Three runs, each with a real failure from the stand-ins in tests/measure/standins/ (put first on the path):

- ``nothing``: `fmfootprint track` as a subprocess with a broken `pynvml` and a broken `codecarbon`;
- ``no_nvml``: the broken `pynvml` (NVML never comes up), CPU/RAM from a constant-power meter;
- ``no_codecarbon``: the broken `codecarbon` (CPU/RAM never come up), two simulated GPUs.

Every text output is searched for a zero with a unit, every JSON output for a 0 where null belongs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.cli.main import main
from fmfootprint.measure import Tracker
from fmfootprint.measure.startup import TrackerWarning

STANDINS = Path(__file__).resolve().parent / "standins"
CHILD = """
import pathlib, sys, time
out = pathlib.Path(sys.argv[1])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:  # until every meter came up or gave up (the last "ready" record)
    if any('"pending": []' in p.read_text() for p in out.glob("*.jsonl")):
        break
    time.sleep(0.02)
sys.exit(3)
"""
# A zero with a unit ("0 kWh", "0.0 g", "0 GPU-h", "0 L"), as a silent stand-in would print it.
ZERO = re.compile(r"(?<![\w.])0(?:\.0*)?(?:e[+-]?\d+)?\s*(?:kWh|g|kg|t|L|GPU-h|h)(?![\w])")
ALWAYS_NULL = ("energy_it_kwh", "energy_kwh", "co2e_operational_kg", "co2e_kg", "water_l")


def _zeros(text: str) -> list[str]:
    return [line for line in text.splitlines() if ZERO.search(line)]


def _fresh(monkeypatch: pytest.MonkeyPatch, standin: str, module: str) -> None:
    """Import the stand-in ``module`` (from ``standin``) next time, not a copy already loaded."""
    monkeypatch.syspath_prepend(str(STANDINS / standin))
    for name in [n for n in sys.modules if n == module or n.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)


def _track(tmp: Path, *standins: str) -> Path:
    out = tmp / "out"
    path = os.pathsep.join(str(STANDINS / s) for s in standins)
    env = {**os.environ, "PYTHONPATH": path, "FMFOOTPRINT_TRACKER_REGISTRY": "off"}
    cmd = [sys.executable, "-m", "fmfootprint", "track", "--output", str(out), "--interval", "0.2",
           "--", sys.executable, "-c", CHILD, str(out)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    (tmp / "track.txt").write_text(done.stderr)
    assert done.returncode == 3, done.stderr  # the command's own status
    return out


@pytest.fixture(scope="module")
def nothing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _track(tmp_path_factory.mktemp("nothing"), "broken_pynvml", "broken_codecarbon")


def test_track_without_nvml_names_the_gpu_part_and_no_zero(tmp_path: Path) -> None:
    # The real codecarbon meters CPU/RAM (modelled on most machines: its range is printed too).
    out = _track(tmp_path, "broken_pynvml")
    line = (tmp_path / "track.txt").read_text().splitlines()[-1]
    assert line.startswith("fmfootprint: ")
    assert "not measured" in line  # the GPU part (or everything, if codecarbon did not come up)
    assert _zeros(line) == [], line
    data = json.loads(next(out.glob("*.summary.json")).read_text())
    assert (data["gpu_energy_kwh"], data["gpu_hours"]) == (None, None)
    if data["cpu_energy_range_kwh"] is not None:
        assert "CPU modelled (" in line


def test_track_with_nothing_measured_prints_no_figure(nothing: Path) -> None:
    text = (nothing.parent / "track.txt").read_text()
    assert "energy not measured" in text
    assert "pynvml not importable" in text
    assert "codecarbon not importable" in text
    assert _zeros(text) == []


def _in_process(out: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> Path:
    if broken == "nvml":
        _fresh(monkeypatch, "broken_pynvml", "pynvml")
        options = {"nvml": None, "host": FakeHost()}
        said = "pynvml not importable"
    else:
        _fresh(monkeypatch, "broken_codecarbon", "codecarbon")
        options = {"nvml": FakeNvml(gpus(2)), "host": None}
        said = "codecarbon not importable"
    tracker = Tracker(out, interval_s=0.1, registry=False, **SITE, **options)
    with pytest.warns(TrackerWarning, match=said), tracker:
        time.sleep(0.35)
    return out


@pytest.fixture
def runs(nothing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    no_nvml = _in_process(tmp_path / "no_nvml", monkeypatch, "nvml")
    monkeypatch.undo()
    no_codecarbon = _in_process(tmp_path / "no_codecarbon", monkeypatch, "codecarbon")
    return {"nothing": nothing, "no_nvml": no_nvml, "no_codecarbon": no_codecarbon}


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_summarize_and_merge_say_not_measured_never_zero(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    expected_null = {
        "nothing": ("gpu_energy_kwh", "gpu_hours", "cpu_energy_kwh", "ram_energy_kwh", *ALWAYS_NULL),
        "no_nvml": ("gpu_energy_kwh", "gpu_hours"),
        "no_codecarbon": ("cpu_energy_kwh", "ram_energy_kwh"),
    }
    for name, folder in runs.items():
        code, text = _cli(capsys, "summarize", str(folder))
        assert code == 0
        assert _zeros(text) == [], (name, text)
        assert "not measured" in text
        code, raw = _cli(capsys, "summarize", str(folder), "--json")
        data = json.loads(raw)
        assert {key: data[key] for key in expected_null[name]} == dict.fromkeys(expected_null[name]), name
        assert data["unmeasured"], name
    data = json.loads(_cli(capsys, "summarize", str(runs["no_nvml"]), "--json")[1])
    assert data["cpu_energy_kwh"] > 0  # the parts measured are kept
    assert data["energy_it_kwh"] == pytest.approx(data["cpu_energy_kwh"] + data["ram_energy_kwh"])
    data = json.loads(_cli(capsys, "summarize", str(runs["no_codecarbon"]), "--json")[1])
    assert data["gpu_energy_kwh"] > 0
    assert data["energy_it_kwh"] == data["gpu_energy_kwh"]

    folders = [str(f) for f in runs.values()]
    code, text = _cli(capsys, "merge", *folders)
    assert code == 0
    assert _zeros(text) == [], text
    assert text.count("not measured:") == 4  # GPU twice, CPU/RAM twice, each with its host and reason
    merged = json.loads(_cli(capsys, "merge", *folders, "--json")[1])
    assert len(merged["unmeasured"]) == 4
    assert merged["gpu_energy_kwh"] == data["gpu_energy_kwh"]  # partial, and said to be


def test_card_refuses_partial_runs_unless_allowed_and_then_names_what_is_missing(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _cli(capsys, "card", "--runs", str(runs["nothing"]), "--allow-partial")
    assert code == 2
    assert "measured nothing" in text
    for name in ("no_nvml", "no_codecarbon"):
        code, text = _cli(capsys, "card", "--runs", str(runs[name]))
        assert code == 2
        assert "only partly known" in text
        assert "--allow-partial" in text
        assert len(text.strip().splitlines()) == 1  # one line, no traceback
        code, card = _cli(capsys, "card", "--runs", str(runs[name]), "--allow-partial")
        assert code == 0
        assert "- **Not measured:** " in card
        assert "partial: the parts not measured are not in this figure" in card
        assert _zeros(card) == [], card
        assert "| 0 |" not in card
        data = json.loads(_cli(capsys, "card", "--runs", str(runs[name]), "--allow-partial", "--json")[1])
        assert data["not_measured"]
        assert data["co2_eq_emissions"]["source"].endswith("(measured, partial)")
    card = _cli(capsys, "card", "--runs", str(runs["no_nvml"]), "--allow-partial")[1]
    assert "GPU: not measured (NVML did not start)" in card
    card = _cli(capsys, "card", "--runs", str(runs["no_codecarbon"]), "--allow-partial")[1]
    assert "GPU: measured (NVML energy counter); CPU: not measured" in card
