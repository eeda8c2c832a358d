"""``fmfootprint app``: the command it runs, the URL it prints, its errors."""

from __future__ import annotations

import sys

from fmfootprint.cli import app as cli_app
from fmfootprint.cli.main import main


def test_command_serves_the_packaged_entry_point_headless() -> None:
    command = cli_app.streamlit_command(8600)
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4].endswith("streamlit_app.py")
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.port"] == "8600"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--server.maxUploadSize"] == "10"


def test_app_verb_prints_the_url_and_runs_streamlit(monkeypatch, capsys) -> None:
    calls = []
    monkeypatch.setattr(cli_app.os, "chdir", lambda path: calls.append(("chdir", path)))
    monkeypatch.setattr(cli_app.os, "execv", lambda exe, argv: calls.append(("execv", exe, argv)))
    assert main(["app", "--port", "8765"]) == 0
    assert "http://localhost:8765" in capsys.readouterr().out
    (_, folder), (_, exe, argv) = calls
    assert folder == cli_app.app_dir()
    assert exe == sys.executable
    assert argv == cli_app.streamlit_command(8765)


def test_bad_port_is_a_one_line_error_exit_2(capsys) -> None:
    assert main(["app", "--port", "70000"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "fmfootprint app: error: --port must be in 1..65535, got 70000"
    assert main(["app", "--port", "eighty"]) == 2


def test_local_paths_are_off_unless_asked_for(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli_app.os, "chdir", lambda path: None)
    monkeypatch.setattr(cli_app.os, "execv", lambda exe, argv: None)
    monkeypatch.setenv(cli_app.LOCAL_PATHS_ENV, "1")  # left in the shell: the default still closes it
    assert main(["app", "--port", "8766"]) == 0
    assert cli_app.LOCAL_PATHS_ENV not in cli_app.os.environ
    assert "local paths" not in capsys.readouterr().out
    assert main(["app", "--port", "8766", "--allow-local-paths"]) == 0
    assert cli_app.os.environ[cli_app.LOCAL_PATHS_ENV] == "1"
    assert "local paths enabled: this server's files can be read" in capsys.readouterr().out
