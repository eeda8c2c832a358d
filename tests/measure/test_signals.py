"""Signals and terminals under `fmfootprint track`, with real subprocesses and a real pseudo-terminal.

- An interactive command (``input()``) reads a line typed at the terminal: it runs in the terminal's
  foreground process group, so it does not stop on SIGTTIN.
- Ctrl-C typed at the terminal reaches the command once (from the terminal, not forwarded twice).
- SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 sent to `track` are forwarded; the summary is written; the exit status
  is 128 + N when signal N ended the command.
- The exit status survives the tracker's own I/O failures (a name too long for the file system, a folder
  it may not write).

Order is checked with marks the command writes (its start, what it read), never with timings.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from fmfootprint.measure.log import summarize

TRACK = [sys.executable, "-m", "fmfootprint", "track", "--interval", "0.2"]
# The command: writes a mark when it runs, then waits (until killed, or at most 60 s).
WAITER = """
import pathlib, resource, sys, time
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGQUIT: no core file
pathlib.Path(sys.argv[1]).write_text("started")
time.sleep(60)
sys.exit(5)
"""


def _wait_for(path: Path, proc: subprocess.Popen[Any], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert proc.poll() is None, "track ended before the command started"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def _summary(out: Path) -> dict[str, object]:
    (path,) = out.glob("*.summary.json")
    return json.loads(path.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2])
def test_signals_sent_to_track_are_forwarded_and_the_summary_written(tmp_path: Path, sig: int) -> None:
    out, mark = tmp_path / "out", tmp_path / "started"
    proc = subprocess.Popen([*TRACK, "--output", str(out), "--", sys.executable, "-c", WAITER, str(mark)],
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    _wait_for(mark, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig  # the command died of the signal, as a shell reports it
    summary = _summary(out)
    assert summary["exit_code"] == 128 + sig
    assert summary["complete"] is True
    assert "Traceback" not in err


def _pty_track(tmp_path: Path, code: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    """`track -- python -c code` with a pseudo-terminal as its controlling terminal (stdin/out/err)."""
    master, slave = os.openpty()
    out = tmp_path / "out"

    def controlling_terminal() -> None:  # in the new session, make the pty our controlling terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([*TRACK, "--output", str(out), "--", sys.executable, "-c", code],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=controlling_terminal)  # fmt: skip
    os.close(slave)
    return proc, master, out


def _read_until(master: int, proc: subprocess.Popen[bytes], needle: bytes, timeout_s: float = 90) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while needle not in seen:
        assert time.monotonic() < deadline, f"never saw {needle!r}; got {seen!r}"
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every process holding the terminal has closed it
                break
            seen += chunk
        elif proc.poll() is not None and needle not in seen:
            break
    return seen


@pytest.mark.slow
def test_an_interactive_command_reads_a_line_typed_at_the_terminal(tmp_path: Path) -> None:
    code = "print('ready', flush=True); print('got', input())"
    proc, master, out = _pty_track(tmp_path, code)
    try:
        _read_until(master, proc, b"ready")
        os.write(master, b"hello there\n")
        seen = _read_until(master, proc, b"got hello there")
        assert b"got hello there" in seen
        assert proc.wait(timeout=120) == 0
    finally:
        os.close(master)
    assert _summary(out)["exit_code"] == 0


@pytest.mark.slow
def test_ctrl_c_at_the_terminal_reaches_the_command_once(tmp_path: Path) -> None:
    code = (
        "import time\ncount = 0\n"
        "try:\n    print('ready', flush=True)\n    time.sleep(30)\n"
        "except KeyboardInterrupt:\n    count += 1\n    print('interrupted', count, flush=True)\n"
        "try:\n    time.sleep(1.0)  # a second SIGINT (a forwarded copy) would land here\n"
        "except KeyboardInterrupt:\n    count += 1\n"
        "print('count', count, flush=True)\nraise SystemExit(20 + count)\n"
    )
    proc, master, out = _pty_track(tmp_path, code)
    try:
        _read_until(master, proc, b"ready")
        os.write(master, b"\x03")  # the terminal's INTR character: SIGINT to the foreground group
        seen = _read_until(master, proc, b"count ")
        assert proc.wait(timeout=120) == 21  # interrupted once, then finished normally
    finally:
        os.close(master)
    assert b"interrupted 1" in seen
    assert _summary(out)["exit_code"] == 21


EXIT_3 = [sys.executable, "-c", "import sys; print('ran', flush=True); sys.exit(3)"]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["name too long", "not writable"])
def test_the_exit_code_survives_the_trackers_own_io_failures(tmp_path: Path, case: str) -> None:
    if case == "name too long":
        out = tmp_path / ("x" * 300)  # ENAMETOOLONG on every file system Linux mounts
    elif os.geteuid() != 0:
        out = tmp_path / "locked"
        out.mkdir()
        out.chmod(0o500)  # EACCES
    else:  # root may write anywhere: a file where the folder should be (ENOTDIR) instead
        (tmp_path / "a-file").write_text("")
        out = tmp_path / "a-file" / "out"
    done = subprocess.run([*TRACK, "--output", str(out), "--", *EXIT_3], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 3
    assert "ran" in done.stdout
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert any("cannot write" in line for line in warnings), done.stderr
    assert "Traceback" not in done.stderr
    assert len([w for w in warnings if "cannot write" in w]) == 1  # once, not per record


def test_summarize_rebuilds_a_log_cut_by_a_signal_to_the_tracker(tmp_path: Path) -> None:
    """kill -9 of `track` while the command waits: the command lives on, the log says incomplete."""
    out, mark = tmp_path / "out", tmp_path / "started"
    proc = subprocess.Popen([*TRACK, "--output", str(out), "--", sys.executable, "-c", WAITER, str(mark)],
                            stderr=subprocess.DEVNULL)  # fmt: skip
    _wait_for(mark, proc)
    while not list(out.glob("*.jsonl")):  # the start record follows the command's launch
        assert proc.poll() is None
        time.sleep(0.02)
    (log,) = out.glob("*.jsonl")
    first = json.loads(log.read_text().splitlines()[0])
    proc.kill()
    proc.wait(timeout=60)
    child = int(first["command_pid"])
    try:
        os.kill(child, 0)  # still alive: not harmed by the tracker's death
        summary = summarize(out)
        assert summary.complete is False
    finally:
        os.kill(child, signal.SIGKILL)


@pytest.mark.slow
def test_ctrl_z_stops_the_job_and_continuing_it_resumes_the_command(tmp_path: Path) -> None:
    """Ctrl-Z stops the command; `track` takes the terminal back and stops itself, as a job; SIGCONT (a
    shell's ``fg``) gives the terminal back to the command, which then reads a typed line and finishes."""
    code = "print('ready', flush=True); print('got', input())"
    proc, master, out = _pty_track(tmp_path, code)
    try:
        _read_until(master, proc, b"ready")
        os.write(master, b"\x1a")  # the terminal's SUSP character: SIGTSTP to the foreground group
        _, status = os.waitpid(proc.pid, os.WUNTRACED)  # track stops itself once the command stopped
        assert os.WIFSTOPPED(status)
        assert os.tcgetpgrp(master) == os.getpgid(proc.pid)  # it took the terminal back first
        os.kill(proc.pid, signal.SIGCONT)  # `fg`
        os.write(master, b"after fg\n")
        seen = _read_until(master, proc, b"got after fg")
        assert b"got after fg" in seen
        _, status = os.waitpid(proc.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        proc.returncode = 0
    finally:
        os.close(master)
    assert _summary(out)["exit_code"] == 0
