"""Launching the measured command: its own process group, the terminal's foreground, signals forwarded.

``fmfootprint track -- CMD`` must behave, for CMD and for the person at the terminal, as if CMD had been
typed alone. So:

- CMD runs in its own process group (so that a kill of the tracker does not reach it), with SIGPIPE and
  SIGXFSZ back to their defaults (Python ignores them). Without a terminal it is started with
  ``posix_spawnp`` (no ``subprocess`` import before it, so it starts sooner). When the tracker's standard
  input is the terminal and the tracker is in its foreground, CMD's group becomes the terminal's
  foreground group, set by CMD itself between ``fork`` and ``exec`` (``subprocess`` with a ``preexec_fn``;
  ``SIGTTOU`` ignored for that call, as job-control shells do), so it holds the terminal before its first
  instruction, and by the tracker too. Interactive
  programs (``input()``, ``pdb``, a password prompt) read the terminal instead of stopping on
  ``SIGTTIN``, and Ctrl-C, Ctrl-\\ and a window resize reach CMD's group once, straight from the
  terminal. When CMD ends the tracker takes the foreground back.
- SIGINT, SIGTERM, SIGHUP (the terminal closed, the SSH link dropped), SIGQUIT, SIGUSR1 and SIGUSR2 sent
  to the tracker are forwarded to CMD's process group (:data:`FORWARDED`); the tracker itself carries
  on, and writes its summary when CMD ends.
- If CMD is stopped from the terminal (Ctrl-Z), the tracker takes the terminal back and stops itself, so
  the shell sees the job stopped; on ``fg`` it gives the terminal back to CMD and continues it.
- The exit status is CMD's, or 128 + N when signal N ended it (as a shell reports it):
  :func:`exit_status`.

This module imports only the standard library (and the project's error types): it runs before anything
else of the tracker. So does :func:`check_interval`, the one option check ``track`` needs before it
launches the command.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError

__all__ = [
    "FORWARDED",
    "MAX_INTERVAL_S",
    "MIN_INTERVAL_S",
    "Child",
    "check_interval",
    "exit_code_of",
    "exit_status",
    "launch",
]

MIN_INTERVAL_S = 0.1  # NVML's power readings gain nothing above ~10 Hz (gpustat#76)
MAX_INTERVAL_S = 3600.0  # a kill loses at most one interval: at most an hour


def check_interval(interval_s: Any) -> float:
    """The sampling interval [s], checked: a number from 0.1 s to 1 h (else FootprintInputError)."""
    value = _validate.as_float("interval_s", interval_s)
    if not MIN_INTERVAL_S <= value <= MAX_INTERVAL_S:
        raise FootprintInputError(
            f"interval_s must be from {MIN_INTERVAL_S:g} s to {MAX_INTERVAL_S:g} s (1 h), "
            f"got {_validate._fmt(interval_s)}"
        )
    return value


FORWARDED: tuple[signal.Signals, ...] = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


def exit_status(returncode: int) -> int:
    """The shell's exit status for a return code: the code, or 128 + N for signal N (given as -N)."""
    return 128 - returncode if returncode < 0 else returncode


def exit_code_of(exc: BaseException | None) -> int:
    """The exit status a process would have for ``exc`` (0 for none; sys.exit's code; 130 for Ctrl-C)."""
    if exc is None:
        return 0
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    if isinstance(exc, KeyboardInterrupt):
        return 130
    return 1


def _terminal() -> int | None:
    """The terminal's file descriptor if our stdin is a terminal whose foreground group is ours."""
    try:
        fd = sys.stdin.fileno() if sys.stdin is not None else 0
        if os.isatty(fd) and os.tcgetpgrp(fd) == os.getpgrp():
            return fd
    except (OSError, ValueError, AttributeError):  # no stdin, a closed one, or no controlling terminal
        pass
    return None


@contextmanager
def _ttou_ignored() -> Iterator[None]:
    """``tcsetpgrp`` from a background group raises SIGTTOU, which would stop us: ignore it meanwhile."""
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGTTOU, previous)


def _give_terminal(fd: int, pgid: int) -> bool:
    try:
        with _ttou_ignored():
            os.tcsetpgrp(fd, pgid)
    except OSError:  # the terminal was closed (SIGHUP), or the group is gone
        return False
    return True


class Child:
    """The running command: its process id, the terminal it holds, and the forwarding of signals."""

    def __init__(self, terminal: int | None) -> None:
        self.pid = 0  # set by :func:`launch`
        self.terminal = terminal
        self.returncode: int | None = None
        self.forwarded: list[int] = []  # signal numbers forwarded, in order
        self.pending: list[int] = []  # received before the command existed; forwarded once it does
        self.popen: Any = None  # the subprocess.Popen of the terminal path (we reap it ourselves)
        self._previous: dict[int, object] = {}

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        if self.returncode is not None:
            return
        if not self.pid:
            self.pending.append(signum)
            return
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:  # the group is gone (the command ended and was reaped meanwhile)
            return
        except PermissionError:  # the command changed its user: reach it alone
            with contextlib.suppress(OSError):
                os.kill(self.pid, signum)
        self.forwarded.append(signum)

    def forward_signals(self) -> None:
        """Forward :data:`FORWARDED` to the command's group until :meth:`wait` returns (installed by
        :func:`launch` before the command starts, so that none is lost and none stops the tracker)."""
        for sig in FORWARDED:
            self._previous[sig] = signal.signal(sig, self._forward)

    def _started(self, pid: int) -> None:
        self.pid = pid
        for signum in self.pending:
            self._forward(signum, None)
        self.pending.clear()

    def _restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def wait(self) -> int:
        """Wait for the command (following Ctrl-Z and ``fg``); its exit status (128 + N: signal N)."""
        try:
            while self.returncode is None:
                _, status = os.waitpid(self.pid, os.WUNTRACED)
                if os.WIFSTOPPED(status):
                    self._suspended()
                    continue
                self.returncode = os.waitstatus_to_exitcode(status)
                if self.popen is not None:
                    self.popen.returncode = self.returncode  # reaped here: Popen must not wait again
        finally:
            self._restore()
            if self.terminal is not None:
                _give_terminal(self.terminal, os.getpgrp())
        return exit_status(self.returncode)

    def _suspended(self) -> None:
        """The command was stopped (Ctrl-Z): stop ourselves too, so the shell sees the job stopped."""
        if self.terminal is None:
            return  # no terminal: someone else stopped it and will continue it
        _give_terminal(self.terminal, os.getpgrp())
        os.kill(os.getpid(), signal.SIGSTOP)
        # continued (``fg``): give the terminal back and continue the command
        _give_terminal(self.terminal, self.pid)
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile; waitpid reports it
            os.killpg(self.pid, signal.SIGCONT)


def _foreground_in_child(fd: int) -> Callable[[], None]:
    def take() -> None:  # runs in the child between fork and exec, single-threaded
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        with contextlib.suppress(OSError):  # the terminal went away: the command runs in the background
            os.tcsetpgrp(fd, os.getpgrp())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)

    return take


def _spawn_for_terminal(argv: list[str], fd: int) -> Any:
    import subprocess  # only here: the fork path, which can run code in the child before exec

    take = _foreground_in_child(fd)

    def own_group_then_terminal() -> None:
        os.setpgid(0, 0)
        take()

    # no thread runs yet (the tracker starts after the launch), so preexec_fn is safe here
    return subprocess.Popen(argv, preexec_fn=own_group_then_terminal)


def launch(command: Sequence[str]) -> Child:
    """Start ``command`` (looked up on ``$PATH``) in its own process group, in the terminal's foreground
    when we hold it, with the signals forwarded (:meth:`Child.forward_signals`) from before it starts.

    Raises OSError (``FileNotFoundError``, ``PermissionError``) if it cannot be executed.
    """
    terminal = _terminal()
    argv = list(command)
    child = Child(terminal)
    child.forward_signals()
    if terminal is not None:  # our warnings reach the terminal even with `stty tostop` while CMD holds it
        child._previous[signal.SIGTTOU] = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        if terminal is not None:
            child.popen = _spawn_for_terminal(argv, terminal)
            pid = int(child.popen.pid)
            _give_terminal(terminal, pid)  # also from here, as shells do
        else:
            pid = os.posix_spawnp(
                argv[0], argv, os.environ, setpgroup=0, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ)
            )
    except BaseException:
        child._restore()
        raise
    child._started(pid)
    return child
