"""kill -9 of `fmfootprint track` at 20 random moments, 12 of them within its first second.

The 12 early moments are counted from the spawn of ``track`` (on a loaded machine most land before the
command is even launched); the 8 late ones from the moment its log appears, plus up to 4 s, so that
some land while it samples whatever the machine's speed.

Whatever the moment: every log left parses and ``summarize`` rebuilds it (an incomplete run, never an
error), and the command, once launched, is not harmed: it runs on and finishes (its own mark says so).
Moments are seeded; the checks are on files, never on timings.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fmfootprint.measure.log import read_records, summarize

TRIALS, EARLY, BATCH = 20, 12, 5
# The command: a mark when it starts; runs until the test releases it (after the kill), then a mark when
# it finishes. So every kill lands while the command runs, however slow the machine.
COMMAND = """
import pathlib, sys, time
folder = pathlib.Path(sys.argv[1])
(folder / "started").write_text("")
deadline = time.monotonic() + 300
while not (folder / "release").exists() and time.monotonic() < deadline:
    time.sleep(0.05)
(folder / "finished").write_text("")
"""


def _track(trial: Path) -> subprocess.Popen[bytes]:
    trial.mkdir()
    argv = [sys.executable, "-m", "fmfootprint", "track", "--output", str(trial / "out"), "--interval", "0.1",
            "--", sys.executable, "-c", COMMAND, str(trial)]  # fmt: skip
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(path: Path, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_kill_9_of_track_at_random_moments_leaves_a_readable_log_and_an_unharmed_command(
    tmp_path: Path,
) -> None:
    rng = random.Random(20261202)
    delays = [(False, rng.uniform(0.0, 1.0)) for _ in range(EARLY)]
    delays += [(True, rng.uniform(0.0, 4.0)) for _ in range(TRIALS - EARLY)]
    rng.shuffle(delays)
    outcomes = {"before the launch": 0, "before the first record": 0, "start record only": 0, "sampling": 0}
    for first in range(0, TRIALS, BATCH):
        batch = [(tmp_path / f"trial{first + i}", *delays[first + i]) for i in range(BATCH)]
        started = time.monotonic()
        procs = [(trial, late, delay, _track(trial)) for trial, late, delay in batch]
        for trial, late, delay, proc in sorted(procs, key=lambda p: (p[1], p[2])):
            if late:  # after the log appeared
                while not list((trial / "out").glob("*.jsonl")):
                    assert proc.poll() is None, "track ended by itself"
                    time.sleep(0.02)
                time.sleep(delay)
            else:  # from the spawn
                time.sleep(max(0.0, started + delay - time.monotonic()))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        for trial, _, _, _ in procs:
            logs = list((trial / "out").glob("*.jsonl")) if (trial / "out").exists() else []
            launched = _wait(trial / "started", 10 if logs else 5)
            if not launched:
                assert not logs, "a log without a launched command"
                outcomes["before the launch"] += 1
                continue
            # the command was launched: it is not harmed, runs on and finishes when released
            assert not (trial / "finished").exists()
            (trial / "release").write_text("")
            assert _wait(trial / "finished", 60), f"{trial.name}: the command did not finish"
            if not logs:
                outcomes["before the first record"] += 1
                continue
            (log,) = logs
            *complete, _tail = log.read_bytes().split(b"\n")
            for line in complete:
                json.loads(line)  # every complete line parses
            records = list(read_records(log))
            assert records, f"{trial.name}: an empty log"
            assert records[0]["type"] == "start"
            summary = summarize(trial / "out")  # rebuilt, whatever the moment
            assert summary.complete is False
            assert summary.exit_code is None
            kinds = {r["type"] for r in records}
            outcomes["sampling" if "sample" in kinds else "start record only"] += 1
    for index in range(TRIALS):  # a command counted as never launched but started late: let it end
        (tmp_path / f"trial{index}" / "release").write_text("")
    print("kill -9 outcomes:", outcomes)
    assert sum(outcomes.values()) == TRIALS
    assert outcomes["sampling"] + outcomes["start record only"] >= TRIALS - EARLY  # every late kill
