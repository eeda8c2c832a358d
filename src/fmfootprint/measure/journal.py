"""The tracker's own log writer: one JSON line per ``os.write`` on an ``O_APPEND`` file, no heavy import.

The tracker writes its ``"start"`` record right after ``fmfootprint track`` has launched the command, so
this module imports only the standard library: no numpy, no catalog (the log *reader* in
:mod:`fmfootprint.measure.log` needs those, the writer does not). The window in which a kill of the
tracker leaves an empty log is then the interpreter's start and the option checks, not the import of
the summary's arithmetic.

Failures are reported once each and never raised (the training must not stop for the tracker's files):

- the first ``OSError`` on open or write (unwritable folder, ``ENAMETOOLONG``, full disk): one message,
  then the file is no longer written;
- a short write (``os.write`` wrote fewer bytes than the line): the rest is written, and if that fails
  too the line is torn; the log reader counts torn lines, and this writer says so once;
- an ``fsync`` error at close: one message (the lines may not survive a power cut).

The record format is the log's (:mod:`fmfootprint.measure.log`, schema :data:`LOG_SCHEMA_VERSION`);
``tests/measure/test_journal.py`` checks that the two modules agree on the version and the suffixes.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import platform
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "LOG_SCHEMA_VERSION",
    "LOG_SUFFIX",
    "SUMMARY_SUFFIX",
    "JournalWriter",
    "session_name",
    "start_record",
]

LOG_SCHEMA_VERSION = 1  # = fmfootprint.measure.log.LOG_SCHEMA_VERSION (checked by a test)
LOG_SUFFIX = ".jsonl"
SUMMARY_SUFFIX = ".summary.json"
_counter = itertools.count(1)


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", part).strip("-") or "x"


def session_name(project: str, hostname: str, job_id: str | None, start_unix: float) -> str:
    """``<project>.<hostname>.<job id or "local">.<UTC start>.<pid>-<n>``: unique per process and session.

    Parameters
    ----------
    project, hostname, job_id : str
        The parts of the name; characters outside ``[A-Za-z0-9_-]`` become ``-``.
    start_unix : float
        Start of the session [Unix s].
    """
    stamp = _dt.datetime.fromtimestamp(start_unix, tz=_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parts = (project, hostname, job_id or "local")
    return ".".join(_safe(p) for p in parts) + f".{stamp}.{os.getpid()}-{next(_counter)}"


def start_record(
    session_id: str,
    start_unix: float,
    project: str,
    stage: str,
    interval_s: float,
    site: dict[str, Any],
    rank: dict[str, Any],
    command: list[str] | None,
    command_pid: int | None,
    flags: list[str],
) -> dict[str, Any]:
    """The ``"start"`` record (:mod:`fmfootprint.measure.log`): the session before any meter is up.

    ``gpus`` is empty and ``measurement`` is ``"initialising"`` until the ``"ready"`` record completes it;
    ``start_unix`` [Unix s] and ``interval_s`` [s] as named.
    """
    from fmfootprint import __version__

    return {
        "type": "start",
        "session_id": session_id,
        "time": start_unix,
        "project": project,
        "stage": stage,
        "interval_s": interval_s,
        "site": site,
        "rank": rank,
        "gpus": [],
        "host": {"platform": platform.platform(), "python": platform.python_version(), "pid": os.getpid()},
        "command": command,
        "command_pid": command_pid,
        "measurement": "initialising",
        "flags": flags,
        "fmfootprint_version": __version__,
    }


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):  # a numpy scalar or array from a meter
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__}")


class JournalWriter:
    """Append JSON lines to ``path``; each failure kind is reported once through ``report``, never raised.

    Parameters
    ----------
    path : Path
        The ``.jsonl`` file; its folder is created on the first write.
    report : callable
        Called with a one-line message the first time each kind of failure happens.
    """

    def __init__(self, path: Path, report: Callable[[str], None]) -> None:
        self.path = path
        self.failed: str | None = None  # why the file is no longer written
        self.torn = 0  # lines cut short by a failed write
        self._report = report
        self._reported: set[str] = set()
        self._fd: int | None = None
        # One encoder for the session: json.dumps with options builds a new JSONEncoder at every call.
        self._encode = json.JSONEncoder(allow_nan=False, default=_jsonable).encode

    def _once(self, kind: str, message: str) -> None:
        if kind not in self._reported:
            self._reported.add(kind)
            self._report(message)

    def write(self, record: dict[str, Any]) -> bool:
        """Append ``record`` as one line; False if it was not (fully) written."""
        if self.failed is not None:
            return False
        data = (self._encode({"schema": LOG_SCHEMA_VERSION, **record}) + "\n").encode()
        written = 0
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            written = os.write(self._fd, data)
            if written < len(data):  # short write (a full disk, a signal): try the rest once
                self._once("short", f"short write to {self.path} ({written} of {len(data)} bytes)")
                written += os.write(self._fd, data[written:])
        except OSError as exc:
            self.failed = f"cannot write {self.path}: {exc.strerror or exc}"
            if written:
                self.torn += 1
            self._once("write", f"{self.failed}; measuring continues in memory")
            self.close()
            return False
        if written < len(data):
            self.torn += 1
            return False
        return True

    def close(self, sync: bool = False) -> None:
        """Close the file; with ``sync``, ``fsync`` it first (an error is reported once)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if sync:
                os.fsync(fd)
        except OSError as exc:
            self._once("fsync", f"cannot sync {self.path} to disk: {exc.strerror or exc}")
        finally:
            try:
                os.close(fd)
            except OSError as exc:  # NFS reports a failed flush at close
                self._once("close", f"cannot close {self.path}: {exc.strerror or exc}")
