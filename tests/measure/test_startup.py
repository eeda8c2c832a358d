"""`fmfootprint track` starts the command at once, and nothing in measurement can stop it.

Broken or slow stand-in `pynvml`/`codecarbon` modules (tests/measure/standins/) are put first on the
tracker's `PYTHONPATH`. Order is checked with marks written to files (the child's first instruction, the
stand-in's import, the log's records), never with wall-clock thresholds, so a loaded machine cannot
fail these tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fmfootprint.measure.log import read_records, summarize

STANDINS = Path(__file__).resolve().parent / "standins"

# The command: marks its first instruction, waits until the tracker's measurement is up or gave up (the
# log's last "ready" record, nothing pending), so each failure has happened before it exits, then prints
# and exits with 3.
CHILD = """
import pathlib, sys, time
out, mark = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
mark.write_text(repr(time.time()))
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    if any('"pending": []' in p.read_text() for p in out.glob("*.jsonl")):
        break
    time.sleep(0.02)
print("ran", flush=True)
sys.exit(3)
"""


def _env(tmp: Path, standin: str) -> dict[str, str]:
    marks = tmp / "marks"
    marks.mkdir(exist_ok=True)
    path = os.pathsep.join(p for p in (str(STANDINS / standin), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "FMF_STANDIN_MARKS": str(marks),
        "FMF_STANDIN_LOGDIR": str(tmp / "out"),
    }


def _track(tmp: Path, standin: str, *options: str) -> subprocess.CompletedProcess[str]:
    out = tmp / "out"
    cmd = [sys.executable, "-m", "fmfootprint", "track", "--output", str(out), "--interval", "0.2",
           *options, "--", sys.executable, "-c", CHILD, str(out), str(tmp / "child.mark")]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(tmp, standin), timeout=300)


def _mark(tmp: Path, name: str) -> dict[str, object]:
    return json.loads((tmp / "marks" / f"{name}.json").read_text())


def _summary(tmp: Path) -> dict[str, object]:
    (path,) = (tmp / "out").glob("*.summary.json")
    return json.loads(path.read_text())


CASES = [
    # stand-in, options, the mark its import leaves, what the summary and the one warning say
    ("broken_pynvml", (), "pynvml-import-start", "pynvml not importable: RuntimeError: stand-in pynvml"),
    ("nvml_oserror", (), "nvmlInit", "OSError: stand-in: libnvidia-ml.so.1"),
    ("nvml_hang", ("--init-timeout", "1"), "nvmlInit", "NVML did not start within 1 s"),
    ("broken_codecarbon", (), "codecarbon-import-start", "codecarbon not importable: RuntimeError"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("standin", "options", "mark", "failure"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_measurement_library_never_stops_the_command(
    isolated: Path, standin: str, options: tuple[str, ...], mark: str, failure: str
) -> None:
    done = _track(isolated, standin, *options)
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == ["ran"]  # the command ran to completion, its output untouched
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if failure in line]
    assert len(warnings) == 1, done.stderr  # one warning for the failure
    assert warnings[0].startswith("fmfootprint track: warning: ")
    assert _mark(isolated, mark)["log_started"]  # the start record was on disk before the library loaded
    assert "not measured" in done.stderr.splitlines()[-1]  # the one-line summary says so, no stand-in 0
    summary = _summary(isolated)
    assert summary["exit_code"] == 3
    assert any(failure in flag for flag in summary["flags"]), summary["flags"]
    if "codecarbon" in standin:
        assert summary["cpu_energy_kwh"] is None
        assert summary["ram_energy_kwh"] is None
    else:
        assert summary["n_gpus"] == 0
        assert summary["gpus"] == []


@pytest.mark.slow
def test_the_command_starts_before_a_slow_codecarbon_import_finishes(isolated: Path) -> None:
    done = _track(isolated, "slow_codecarbon")
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == ["ran"]
    child_started = float((isolated / "child.mark").read_text())
    import_began, import_ended = (
        _mark(isolated, "codecarbon-import-start"),
        _mark(isolated, "codecarbon-import-end"),
    )
    assert import_began["log_started"]
    assert child_started < float(import_ended["time"])  # ran while codecarbon was still importing
    records = list(read_records(next((isolated / "out").glob("*.jsonl"))))
    start = records[0]
    assert start["type"] == "start"
    assert start["measurement"] == "initialising"
    assert start["command"][-2:] == [str(isolated / "out"), str(isolated / "child.mark")]
    assert isinstance(start["command_pid"], int)
    assert start["host"]["pid"] != start["command_pid"]
    readies = [r for r in records if r["type"] == "ready"]
    assert readies[0]["pending"] == ["host"]  # sampling began with NVML's answer, not after codecarbon's
    ready = readies[-1]
    assert ready["pending"] == []
    assert ready["time"] >= float(import_ended["time"])  # complete once the slow import had given up
    summary = _summary(isolated)
    assert summary["cpu_energy_kwh"] is None
    assert any("codecarbon not importable: ImportError" in flag for flag in summary["flags"])
    assert done.stderr.count("codecarbon not importable") == 1


def _wait_for(predicate: object, what: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.mark.slow
def test_kill_9_while_measurement_starts_leaves_a_log_that_summarize_rebuilds(isolated: Path) -> None:
    out = isolated / "out"
    child = "import time; time.sleep(120)"
    cmd = [sys.executable, "-m", "fmfootprint", "track", "--output", str(out), "--",
           sys.executable, "-c", child]  # fmt: skip
    # codecarbon's import takes 10 s: the kill lands while measurement is still starting
    proc = subprocess.Popen(cmd, env=_env(isolated, "slow_codecarbon"), stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: (isolated / "marks" / "codecarbon-import-start.json").exists(), "the import")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    (log,) = out.glob("*.jsonl")
    lines = log.read_bytes().split(b"\n")
    for line in lines[:-1]:
        json.loads(line)  # every complete line parses
    records = list(read_records(log))
    assert [r["type"] for r in records] == ["start"]
    command_pid = records[0]["command_pid"]
    try:
        os.kill(command_pid, 0)  # the command is unharmed by the tracker's death
    finally:
        os.kill(command_pid, signal.SIGKILL)
    summary = summarize(out)
    assert not summary.complete
    assert summary.exit_code is None
    assert summary.cpu_energy_kwh is None
    assert summary.ram_energy_kwh is None
    assert any("still starting; nothing was measured" in flag for flag in summary.flags)
    # nothing was read: every energy, carbon and water figure is null, never a stand-in 0
    data = summary.to_dict()
    for key in ("energy_it_kwh", "energy_kwh", "gpu_energy_kwh", "co2e_operational_kg", "co2e_kg", "water_l"):
        assert data[key] is None, key
    shown = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "summarize", str(out)], capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert " 0 kWh" not in shown.stdout
    assert "unavailable" in shown.stdout


def test_building_a_tracker_loads_no_measurement_library(tmp_path: Path) -> None:
    # what `track` does before it launches the command: no pynvml, no codecarbon (nor numpy) yet
    code = (
        "import sys; from fmfootprint.measure.tracker import Tracker; Tracker(sys.argv[1], region='FR'); "
        "print(sorted(m for m in ('pynvml', 'codecarbon', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
