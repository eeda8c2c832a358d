"""`fmfootprint track` launches plain command lines before argparse is imported, and never one that the
full check would refuse.

The launch-first reader (`fmfootprint.cli._fast_track`) and the full reading (argparse + `track._checked`)
are compared over a corpus of command lines: wherever the reader would launch, the full check accepts
the line and gives the same options; every line the full check refuses, the reader declines. What the
process has imported at the moment of the launch is read from a real `fmfootprint track` start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fmfootprint.catalog.grid import get_region, region_codes
from fmfootprint.cli import _fast_track, track
from fmfootprint.cli.main import build_parser
from fmfootprint.errors import FootprintInputError
from fmfootprint.measure import launch

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

LINES: list[list[str]] = [
    ["--", PY, "-c", "pass"],
    ["--output", "runs", "--project", "bert", "--", PY],
    ["--region", "FR", "--interval", "5", "--", PY],
    ["--region=aws:us-east-1", "--interval=0.1", "--", PY],
    ["--region", "US-MIDA-PJM", "--stage", "experiments", "--all-gpus", "--", PY],
    ["--stage", "experiment", "--init-timeout", "2.5", "--", PY],
    ["--prometheus-port", "9100", "--mlflow", "--ledger", "x.db", "--pushgateway", "http://h:9091", "--", PY],
    ["--prometheus-port", "0", "--", PY],
    # the full reading decides these (accepted there, or refused with a message)
    ["--region", "Iowa", "--", PY],  # a name, not a code
    ["--region", "fr", "--", PY],  # another spelling of a code
    ["--region", "Fr4nce", "--", PY],
    ["--region", "FR", "--data-year", "2023", "--", PY],
    ["--intensity-source", "catalog", "--", PY],
    ["--pue", "1.2", "--", PY],
    ["--pue", "0.5", "--", PY],
    ["--interval", "0.01", "--", PY],
    ["--interval", "1e9", "--", PY],
    ["--interval", "nan", "--", PY],
    ["--interval", "inf", "--", PY],
    ["--interval", "1,5", "--", PY],
    ["--interval", "2s", "--", PY],
    ["--interval", "-1", "--", PY],
    ["--init-timeout", "0", "--", PY],
    ["--project", " ", "--", PY],
    ["--project=", "--", PY],
    ["--stage", "training", "--", PY],
    ["--prometheus-port", "70000", "--", PY],
    ["--prometheus-port", "-1", "--", PY],
    ["--prometheus-port", "0x10", "--", PY],
    ["--int", "2", "--", PY],  # an abbreviation: argparse's to judge
    ["--help"],
    ["--output"],
    ["--all-gpus=yes", "--", PY],
    ["--", "no-such-command-anywhere"],
    ["--"],
    [PY, "-c", "pass"],  # no "--"
    ["--output", "--", PY],
]


def _full(words: list[str]) -> tuple[list[str], dict[str, object]] | None:
    """The full reading's command and options, or None where it refuses the line."""
    try:
        args = build_parser(("track",)).parse_args(["track", *words])
        return track._checked(args)
    except (SystemExit, FootprintInputError):
        return None


def _would_launch(words: list[str]) -> bool:
    read = _fast_track.read_plain(words)
    return read is not None and _fast_track._acceptable(*read)


@pytest.mark.parametrize("words", LINES, ids=[" ".join(w) for w in LINES])
def test_the_reader_launches_only_what_the_full_check_accepts(words: list[str]) -> None:
    full = _full(words)
    if _would_launch(words):
        assert full is not None, "launched a line the full check refuses"
        command, _ = full
        read = _fast_track.read_plain(words)
        assert read is not None
        assert read[1] == command


def test_the_usual_lines_are_launched_first_and_read_alike() -> None:
    plain = LINES[:8]
    assert all(_would_launch(words) for words in plain)
    for words in plain:
        values, command = _fast_track.read_plain(words) or ({}, [])
        args = build_parser(("track",)).parse_args(["track", *words])
        for option in _fast_track.BY_FLAG.values():
            if option.dest != "prometheus_port":
                assert values[option.dest] == getattr(args, option.dest), option.flag
        assert track._checked(args)[0] == command


def test_the_other_lines_are_left_to_the_full_reading() -> None:
    declined = [words for words in LINES[8:] if not _would_launch(words)]
    assert declined == LINES[8:]


def test_the_region_code_list_is_the_catalogs_and_every_code_resolves() -> None:
    listed = (ROOT / "data" / "grid_intensity" / "region_codes.txt").read_text(encoding="utf-8").splitlines()
    codes = [line for line in listed if not line.startswith("#")]
    assert codes == region_codes()
    assert len(codes) > 700
    for code in codes:
        region = get_region(code)
        assert code in (region.code, region.country_alpha2, region.country_alpha3)
    assert _fast_track.known_region_code("US-MIDA-PJM")
    assert not _fast_track.known_region_code("us-mida-pjm")  # the resolver's to accept


def test_the_track_parser_has_every_option_of_the_table() -> None:
    parser = build_parser(("track",))
    sub = next(a for a in parser._actions if a.dest == "verb")
    flags = {s for a in sub.choices["track"]._actions for s in a.option_strings}
    assert {option.flag for option in _fast_track.BY_FLAG.values()} <= flags


# What is imported when the command is launched: the launch is replaced by a stop that lists sys.modules.
AT_LAUNCH = """
import os, sys
import fmfootprint.measure.launch as launch
def stop(command):
    print(" ".join(sorted(sys.modules))); sys.stdout.flush(); os._exit(0)
launch.launch = stop
sys.argv = ["fmfootprint", "track", "--region", "FR", "--output", sys.argv[1], "--", "true"]
from fmfootprint.cli import run
run()
"""


def test_nothing_heavy_is_imported_before_the_command_is_launched(tmp_path: Path) -> None:
    done = subprocess.run([PY, "-c", AT_LAUNCH, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    for heavy in ("argparse", "typing", "re", "enum", "subprocess", "pathlib", "fmfootprint.cli.main"):
        assert heavy not in modules, heavy
    assert not any(m.startswith(("numpy", "codecarbon", "pynvml", "fmfootprint.catalog")) for m in modules)


def test_an_exec_failure_on_the_terminal_path_is_raised_as_the_os_error() -> None:
    controller, terminal = os.openpty()  # not our controlling terminal: tcsetpgrp fails, exec still runs
    try:
        with pytest.raises(FileNotFoundError):
            launch._spawn_for_terminal(["/no/such/command"], terminal)
        own_group = "import os; raise SystemExit(5 if os.getpgrp() == os.getpid() else 6)"
        pid = launch._spawn_for_terminal([PY, "-c", own_group], terminal)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 5  # it ran, in its own process group
    finally:
        os.close(controller)
        os.close(terminal)


def test_a_plain_line_runs_through_the_console_script_and_keeps_the_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [PY, "-m", "fmfootprint", "track", "--region", "FR", "--interval", "0.2", "--output", str(out),
           "--", PY, "-c", "import sys; print('ran'); sys.exit(3)"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == "ran"
    assert "Traceback" not in done.stderr
    (summary,) = out.glob("*.summary.json")
    assert json.loads(summary.read_text())["exit_code"] == 3
