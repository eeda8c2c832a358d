from __future__ import annotations

import subprocess
import sys

from fmfootprint.cli.main import main


def test_unknown_verb_is_a_one_line_error_exit_2(capsys) -> None:
    assert main(["no-such-verb"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "invalid choice" in err


def test_version_runs_as_a_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("fmfootprint ")


def test_negative_scientific_number_reaches_the_library(capsys) -> None:
    assert main(["plan", "--compute", "-1e22"]) == 2
    assert capsys.readouterr().err.strip() == "fmfootprint plan: error: --compute must be > 0, got -1e+22"
