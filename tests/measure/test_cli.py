"""The track, summarize and merge verbs: exit codes, signal forwarding, one-line errors (exit 2)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.cli.main import main
from fmfootprint.measure import Tracker

# A child that says when it is ready and exits with a known code on SIGTERM (7) or SIGINT (8).
CHILD = """
import signal, sys, time, pathlib
signal.signal(signal.SIGTERM, lambda *a: sys.exit(7))
signal.signal(signal.SIGINT, lambda *a: sys.exit(8))
pathlib.Path(sys.argv[1]).write_text("ready")
time.sleep(60)
sys.exit(0)
"""


def _summary(out: Path) -> dict:
    (path,) = out.glob("*.summary.json")
    return json.loads(path.read_text())


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "expected"), [(signal.SIGTERM, 7), (signal.SIGINT, 8)])
def test_signals_are_forwarded_and_exit_code_kept(isolated: Path, sig: int, expected: int) -> None:
    out, ready = isolated / "out", isolated / "ready"
    cmd = [sys.executable, "-m", "fmfootprint", "track", "--output", str(out), "--interval", "0.2",
           "--", sys.executable, "-c", CHILD, str(ready)]  # fmt: skip
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    # the command starts at once; wait for it and for measurement (the last "ready" record) to be up
    while not ready.exists() or '"pending": []' not in "".join(p.read_text() for p in out.glob("*.jsonl")):
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # a few samples
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == expected
    summary = _summary(out)
    assert summary["exit_code"] == expected
    assert summary["cpu_energy_kwh"] > 0  # real codecarbon measured the host


@pytest.mark.parametrize(
    ("code", "expected"), [("sys.exit(3)", 3), ("pass", 0), ("import os; os.kill(os.getpid(), 9)", 128 + 9)]
)
def test_track_exits_with_the_command_code(isolated: Path, code: str, expected: int) -> None:
    out = isolated / "out"
    argv = ["track", "--output", str(out), "--interval", "0.1", "--stage", "experiment", "--region", "FR",
            "--", sys.executable, "-c", f"import sys; {code}"]  # fmt: skip
    assert main(argv) == expected
    summary = _summary(out)
    assert summary["exit_code"] == expected
    assert summary["stage"] == "experiments"
    assert summary["region"] == "FR"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["track", "--region", "Frnce", "--", "true"], "unknown region 'Frnce'; did you mean"),
        (["track", "--interval", "0", "--", "true"], "--interval must be > 0, got"),
        (["track", "--interval", "-1", "--", "true"], "--interval must be > 0, got"),
        (["track", "--interval", "0.01", "--", "true"], "--interval must be from 0.1 s to 3600 s"),
        (["track", "--interval", "1e10", "--", "true"], "--interval must be from 0.1 s to 3600 s (1 h), got"),
        (["track", "--interval", "3601", "--", "true"], "--interval must be from 0.1 s to 3600 s"),
        (["track", "--init-timeout", "0", "--", "true"], "--init-timeout must be > 0"),
        (["track", "--project", " ", "--", "true"], "--project must be a non-empty name"),
        (["track", "--interval", "soon", "--", "true"], "--interval must be a number"),
        (["track", "--"], "no command to run"),
        (["track"], "no command to run"),
        (["track", "--", "no-such-command-xyz"], "command not found"),
        (["track", "--stage", "training", "--", "true"], "invalid choice"),
        (["summarize", "/no/such/dir"], "does not exist"),
        (["merge", "/no/such/dir"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "\n" not in err
    assert not list(isolated.glob("work/*.jsonl"))  # nothing started


def _tracked(out: Path, node: int) -> None:
    fake = FakeNvml(gpus(2, node=node))
    with Tracker(out, interval_s=0.1, nvml=fake, host=FakeHost(), **SITE):
        time.sleep(0.2)


def test_summarize_and_merge_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tracked(tmp_path / "a", 0)
    _tracked(tmp_path / "b", 1)
    assert main(["summarize", str(tmp_path / "a"), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one == _summary(tmp_path / "a")
    assert main(["merge", str(tmp_path / "a"), str(tmp_path / "b"), "--json"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert merged["gpu_energy_kwh"] == pytest.approx(
        one["gpu_energy_kwh"] + _summary(tmp_path / "b")["gpu_energy_kwh"]
    )
    assert main(["summarize", str(tmp_path / "a")]) == 0
    text = capsys.readouterr().out
    assert "GPU energy" in text
    assert "kWh" in text


def test_track_on_a_non_zero_local_rank_runs_the_command_without_measuring(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLURM_LOCALID", "2")  # e.g. `srun fmfootprint track -- ...` with 4 tasks per node
    out = isolated / "out"
    assert main(["track", "--output", str(out), "--", sys.executable, "-c", "import sys; sys.exit(4)"]) == 4
    assert not out.exists()
