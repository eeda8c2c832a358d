"""Launching the measured command: its own process group, the terminal's foreground, signals forwarded.

``fmfootprint track -- CMD`` must behave, for CMD and for the person at the terminal, as if CMD had been
typed alone. So:

- CMD runs in its own process group (so that a kill of the tracker does not reach it), with SIGPIPE and
  SIGXFSZ back to their defaults (Python ignores them). Without a terminal it is started with
  ``posix_spawnp`` (no ``subprocess`` import before it, so it starts sooner). When the tracker's standard
  input is the terminal and the tracker is in its foreground, CMD's group becomes the terminal's
  foreground group, set by CMD itself between ``fork`` and ``exec`` (``SIGTTOU`` ignored for that call,
  as job-control shells do), so it holds the terminal before its first instruction, and by the tracker
  too. Interactive programs (``input()``, ``pdb``, a password prompt) read the terminal instead of stopping on
  ``SIGTTIN``, and Ctrl-C, Ctrl-\\ and a window resize reach CMD's group once, straight from the
  terminal. When CMD ends the tracker takes the foreground back.
- SIGINT, SIGTERM, SIGHUP (the terminal closed, the SSH link dropped), SIGQUIT, SIGUSR1 and SIGUSR2 sent
  to the tracker are forwarded to CMD's process group (:data:`FORWARDED`); the tracker itself carries
  on, and writes its summary when CMD ends.
- If CMD is stopped from the terminal (Ctrl-Z), the tracker takes the terminal back and stops itself, so
  the shell sees the job stopped; on ``fg`` it gives the terminal back to CMD and continues it.
- The exit status is CMD's, or 128 + N when signal N ended it (as a shell reports it):
  :func:`exit_status`.

This module imports only ``os``, ``sys`` and ``_signal`` (the C module under :mod:`signal`, without its
enum wrappers, whose import alone costs about as much as the launch): it runs before anything else of the
tracker, so that the command starts within a few milliseconds of the tracker's own start. So does
:func:`check_interval`, the one option check ``track`` needs before it launches the command (it imports
the validators when called).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: ``typing`` and ``collections.abc`` would cost milliseconds here
    import signal as _signal  # the same functions and numbers, typed
    from collections.abc import Sequence
    from types import FrameType
    from typing import Any
else:
    import _signal

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
    from fmfootprint import _validate
    from fmfootprint.errors import FootprintInputError

    value = _validate.as_float("interval_s", interval_s)
    if not MIN_INTERVAL_S <= value <= MAX_INTERVAL_S:
        raise FootprintInputError(
            f"interval_s must be from {MIN_INTERVAL_S:g} s to {MAX_INTERVAL_S:g} s (1 h), "
            f"got {_validate._fmt(interval_s)}"
        )
    return value


FORWARDED: tuple[int, ...] = (
    _signal.SIGINT,
    _signal.SIGTERM,
    _signal.SIGHUP,
    _signal.SIGQUIT,
    _signal.SIGUSR1,
    _signal.SIGUSR2,
)
"""Signal numbers forwarded to the command's process group."""

_DEFAULTED = (_signal.SIGPIPE, _signal.SIGXFSZ)  # ignored by Python, back to their defaults for the command


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


def _give_terminal(fd: int, pgid: int) -> bool:
    """``tcsetpgrp``, with SIGTTOU ignored meanwhile (from a background group it would stop us)."""
    previous = _signal.signal(_signal.SIGTTOU, _signal.SIG_IGN)
    try:
        os.tcsetpgrp(fd, pgid)
    except OSError:  # the terminal was closed (SIGHUP), or the group is gone
        return False
    finally:
        _signal.signal(_signal.SIGTTOU, previous)
    return True


class Child:
    """The running command: its process id, the terminal it holds, and the forwarding of signals."""

    def __init__(self, terminal: int | None) -> None:
        self.pid = 0  # set by :func:`launch`
        self.terminal = terminal
        self.returncode: int | None = None
        self.forwarded: list[int] = []  # signal numbers forwarded, in order
        self.pending: list[int] = []  # received before the command existed; forwarded once it does
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
            try:
                os.kill(self.pid, signum)
            except OSError:
                return
        self.forwarded.append(signum)

    def forward_signals(self) -> None:
        """Forward :data:`FORWARDED` to the command's group until :meth:`wait` returns (installed by
        :func:`launch` before the command starts, so that none is lost and none stops the tracker)."""
        for sig in FORWARDED:
            self._previous[sig] = _signal.signal(sig, self._forward)

    def _started(self, pid: int) -> None:
        self.pid = pid
        for signum in self.pending:
            self._forward(signum, None)
        self.pending.clear()

    def _restore(self) -> None:
        for number, handler in self._previous.items():
            _signal.signal(number, handler)  # type: ignore[arg-type]
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
        os.kill(os.getpid(), _signal.SIGSTOP)
        # continued (``fg``): give the terminal back and continue the command
        _give_terminal(self.terminal, self.pid)
        try:
            os.killpg(self.pid, _signal.SIGCONT)
        except ProcessLookupError:  # it ended meanwhile; waitpid reports it
            return


def _spawn_for_terminal(argv: list[str], fd: int) -> int:
    """``fork`` and ``exec`` ``argv`` in its own group, which takes the terminal ``fd`` before ``exec``.

    What ``subprocess`` with a ``preexec_fn`` would do, without importing it (its import costs more than
    the launch). No thread runs yet (the tracker starts after the launch), so the child may run Python
    code between ``fork`` and ``exec``. An ``exec`` failure comes back through a close-on-exec pipe as
    its errno and is raised here as OSError, as ``posix_spawnp`` raises it.
    """
    read_end, write_end = os.pipe()  # close-on-exec: the parent reads EOF once exec succeeds
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            os.setpgid(0, 0)
            _signal.signal(_signal.SIGTTOU, _signal.SIG_IGN)
            try:  # noqa: SIM105 (importing contextlib costs milliseconds here)
                os.tcsetpgrp(fd, os.getpgrp())
            except OSError:  # the terminal went away: the command runs in the background
                pass
            for number in (_signal.SIGTTOU, *_DEFAULTED):
                _signal.signal(number, _signal.SIG_DFL)
            os.execvp(argv[0], argv)
        except OSError as exc:
            os.write(write_end, str(exc.errno or 0).encode())
        finally:
            os._exit(127)
    os.close(write_end)
    try:  # noqa: SIM105
        os.setpgid(pid, pid)  # also from here, as shells do, so that the group exists on return
    except OSError:  # the child already exec'd (EACCES) or set it itself
        pass
    with os.fdopen(read_end, "rb") as failure:
        reported = failure.read()
    if reported:
        os.waitpid(pid, 0)
        code = int(reported)
        raise OSError(code, os.strerror(code), argv[0])
    return pid


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
        child._previous[_signal.SIGTTOU] = _signal.signal(_signal.SIGTTOU, _signal.SIG_IGN)
    try:
        if terminal is not None:
            pid = _spawn_for_terminal(argv, terminal)
            _give_terminal(terminal, pid)  # also from here, as shells do
        else:
            pid = os.posix_spawnp(argv[0], argv, os.environ, setpgroup=0, setsigdef=_DEFAULTED)
    except BaseException:
        child._restore()
        raise
    child._started(pid)
    return child
