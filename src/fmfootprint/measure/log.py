"""The tracker's files: an append-only JSON Lines log per session, and a ``*.summary.json`` when it stops.

Format (log schema version 1, :data:`LOG_SCHEMA_VERSION`)
---------------------------------------------------------
``<name>.jsonl``, one JSON object per line, each with ``"schema": 1`` and a ``"type"``:

- ``"start"``: session id, project, stage, interval, site (region, grid intensity, PUE, WUE, EWIF), rank
  (hostname, local rank, node, job id), GPUs (NVML index, UUID, name, energy counter or not), host info.
- ``"ready"`` (``fmfootprint track``, which writes ``"start"`` before measurement begins): written as each
  part (NVML, the host meter) comes up, cumulatively: the GPUs and the host meter that are up,
  ``unmeasured_s`` per part, flags, and ``pending``, the parts still starting (``[]`` once all are up or
  have given up); the last one read completes the start record.
- ``"sample"``, one per interval: ``seq``, ``time`` [Unix s], ``elapsed_s``, per GPU (``index``, ``uuid``,
  ``method``, ``status``, ``power_w``, interval ``delta_j`` and cumulative ``energy_j``), cumulative
  ``cpu_energy_kwh`` and ``ram_energy_kwh`` (null = unavailable), cumulative ``gpu_energy_kwh`` and
  ``energy_it_kwh``. Every sample carries cumulative totals, so the last complete line is enough to rebuild
  the summary and a kill -9 loses at most the interval in progress.
- ``"stop"``: exit code, final per-GPU accounting (method, resets, errors, lost GPUs), warnings.

Each line is written with a single ``os.write`` on a file opened with ``O_APPEND`` (nothing is buffered in
the process, so a killed process leaves every line it wrote). Reading a log back (:func:`read_log`) skips
and *counts* a torn line (the last one, cut by a kill) or a corrupt one (not a JSON object with a
``"type"``): the summary's ``corrupt_lines`` and a flag say how many, and :class:`LogWarning` is raised
once per log. A record whose fields have the wrong type is a one-line error naming the file, the line and
the field (:func:`fmfootprint.measure.records.check_record`).

``<name>.summary.json`` holds :meth:`RunSummary.to_dict`, which has its own version
(:data:`fmfootprint.measure.summary.SCHEMA_VERSION`; older summaries still load). The name is
``<project>.<hostname>.<job id or "local">.<UTC start>.<pid>``: one file pair per node and session.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fmfootprint._io import atomic_write_text, parse_json, read_json
from fmfootprint.errors import FootprintInputError, FootprintIOError
from fmfootprint.measure.combine import combine
from fmfootprint.measure.records import check_record
from fmfootprint.measure.startup import TrackerWarning
from fmfootprint.measure.summary import RunSummary, apply_ready, session_summary
from fmfootprint.units import J_PER_KWH

__all__ = [
    "LOG_SCHEMA_VERSION",
    "LogRead",
    "LogWarning",
    "LogWriter",
    "RunSummary",
    "Session",
    "TrackerWarning",
    "find_sessions",
    "load_run",
    "read_log",
    "read_records",
    "read_samples",
    "summarize",
    "write_summary",
]

LOG_SCHEMA_VERSION = 1
"""Version of the JSONL records (``"schema"`` in each line); the summary's version is separate."""
LOG_SUFFIX = ".jsonl"
SUMMARY_SUFFIX = ".summary.json"


class LogWriter:
    """Appends JSON lines to ``path``; on the first OSError it warns once and stops writing that file.

    Parameters
    ----------
    path : Path
        The ``.jsonl`` file; its folder is created if needed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failed: str | None = None
        self._fd: int | None = None

    def write(self, record: dict[str, Any]) -> bool:
        if self.failed is not None:
            return False
        line = (
            json.dumps({"schema": LOG_SCHEMA_VERSION, **record}, allow_nan=False, default=_jsonable) + "\n"
        ).encode()
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.write(self._fd, line)
        except OSError as exc:
            # A full disk or an unwritable folder must not stop the training: warn once, keep measuring.
            self.failed = f"cannot write {self.path}: {exc.strerror or exc}"
            warnings.warn(
                f"fmfootprint tracker: {self.failed}; measuring continues in memory", TrackerWarning, 2
            )
            self.close()
            return False
        return True

    def close(self, sync: bool = False) -> None:
        if self._fd is not None:
            try:
                if sync:
                    os.fsync(self._fd)
                os.close(self._fd)
            except OSError:
                pass  # already reported by write(); closing a broken file has nothing left to save
            self._fd = None


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def write_summary(path: Path, summary: RunSummary) -> str | None:
    """Write ``summary`` whole or not at all (:func:`fmfootprint._io.atomic_write_text`: temporary file,
    fsync, rename). Returns None, or the one-line error naming the file and the reason."""
    try:
        atomic_write_text(path, json.dumps(summary.to_dict(), indent=2, allow_nan=False) + "\n")
    except FootprintIOError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------------------------------
# reading


class LogWarning(UserWarning):
    """A log read back had torn or corrupt lines; they were skipped and counted."""


@dataclass(frozen=True)
class LogRead:
    """The records of one log, and the lines that were skipped.

    Attributes
    ----------
    records : tuple of dict
        Every record, each checked (:func:`fmfootprint.measure.records.check_record`).
    torn : int
        1 when the last line has no newline (cut while being written), else 0.
    corrupt : tuple of int
        Line numbers (from 1) that are not a JSON object with a ``"type"``.
    """

    records: tuple[dict[str, Any], ...]
    torn: int
    corrupt: tuple[int, ...]

    @property
    def skipped(self) -> int:
        return self.torn + len(self.corrupt)

    def flag(self, path: str | os.PathLike[str]) -> str | None:
        """The one line that says what was skipped, or None."""
        if not self.skipped:
            return None
        parts = []
        if self.corrupt:
            shown = ", ".join(map(str, self.corrupt[:5])) + (", ..." if len(self.corrupt) > 5 else "")
            parts.append(f"{len(self.corrupt)} corrupt line(s) (line {shown})")
        if self.torn:
            parts.append("1 torn last line (cut while it was written)")
        return f"log {os.fspath(path)!r}: {' and '.join(parts)} skipped"


def read_log(path: str | os.PathLike[str]) -> LogRead:
    """Read one ``.jsonl`` log: its checked records, and the torn or corrupt lines skipped.

    Raises
    ------
    FootprintInputError
        A record has a field of the wrong type (named with the file and line), or the file cannot be read.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            return _scan(handle, name)
    except OSError as exc:
        raise FootprintInputError(f"cannot read log {name!r}: {exc.strerror or exc}") from None


def _scan(lines: Iterable[bytes], name: str) -> LogRead:
    records: list[dict[str, Any]] = []
    corrupt: list[int] = []
    torn = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.endswith(b"\n"):
            torn = 1  # the line being written when the process died (or is writing now)
            break
        if not raw.strip():
            continue
        try:  # bounded in depth: a hostile line is skipped like a corrupt one, not a RecursionError
            record = parse_json(raw, what=f"line {number} of {name!r}")
        except FootprintInputError:
            corrupt.append(number)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            corrupt.append(number)
            continue
        check_record(record, f"log {name!r}, line {number}")
        records.append(record)
    return LogRead(tuple(records), torn, tuple(corrupt))


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of one ``.jsonl`` log (:func:`read_log`: checked; torn and corrupt lines skipped)."""
    yield from read_log(path).records


@dataclass(frozen=True)
class Session:
    """One tracker session's files: the log and, if it stopped cleanly, its summary."""

    name: str
    log_path: Path | None
    summary_path: Path | None

    def rebuild(self) -> RunSummary:
        """The summary rebuilt from the log alone."""
        if self.log_path is None:
            raise FootprintInputError(f"no log for session {self.name!r}; cannot rebuild it")
        start: dict[str, Any] | None = None
        last: dict[str, Any] | None = None
        stop: dict[str, Any] | None = None
        read = read_log(self.log_path)
        for record in read.records:
            kind = record.get("type")
            if kind == "start" and start is None:
                start = record
            elif kind == "ready" and start is not None:
                start = apply_ready(start, record)
            elif kind == "sample":
                last = record
            elif kind == "stop":
                stop = record
        if start is None:
            raise FootprintInputError(f"{self.log_path} has no start record; is it an fmfootprint log?")
        try:
            summary = session_summary(start, last, stop)
        except KeyError as exc:  # the log's records are the user's file: name it and the field
            raise FootprintInputError(f"log {str(self.log_path)!r}: a record has no field {exc}") from None
        except (TypeError, AttributeError) as exc:
            raise FootprintInputError(
                f"log {str(self.log_path)!r}: a record has a field of the wrong type ({exc})"
            ) from None
        flag = read.flag(self.log_path)
        if flag is None:
            return summary
        warnings.warn(f"fmfootprint: {flag}", LogWarning, stacklevel=2)
        return replace(summary, corrupt_lines=read.skipped, flags=(*summary.flags, flag))

    def load(self) -> RunSummary:
        """The stored summary if present and readable, else the one rebuilt from the log.

        A stored summary that is not readable (a mistyped field, a negative energy) is an error naming the
        file and the field when there is no log; with a log, the summary is rebuilt from it, with a
        :class:`LogWarning` and a flag saying why.
        """
        if self.summary_path is not None:
            try:
                data = read_json(self.summary_path, what="run summary")
                if not isinstance(data, dict):
                    raise FootprintInputError(
                        f"run summary {str(self.summary_path)!r} must hold a JSON object, "
                        f"got {type(data).__name__}"
                    )
                try:
                    return RunSummary.from_dict(data)
                except FootprintInputError as exc:  # a missing or mistyped field: name the file too
                    raise FootprintInputError(f"run summary {str(self.summary_path)!r}: {exc}") from None
            except FootprintInputError as exc:
                if self.log_path is None:
                    raise
                rebuilt = self.rebuild()
                why = f"{exc}; rebuilt from its log {str(self.log_path)!r}"
                warnings.warn(f"fmfootprint: {why}", LogWarning, stacklevel=2)
                return replace(rebuilt, flags=(*rebuilt.flags, why))
        return self.rebuild()


def find_sessions(run_dir: str | os.PathLike[str]) -> list[Session]:
    """The sessions in ``run_dir`` (a folder, or one ``.jsonl`` / ``.summary.json`` file)."""
    path = Path(run_dir)
    if path.is_file():
        files = [path]
        if path.name.endswith(LOG_SUFFIX):
            files.append(path.with_name(path.name[: -len(LOG_SUFFIX)] + SUMMARY_SUFFIX))
        elif path.name.endswith(SUMMARY_SUFFIX):
            files.append(path.with_name(path.name[: -len(SUMMARY_SUFFIX)] + LOG_SUFFIX))
    elif path.is_dir():
        files = sorted(path.iterdir())
    else:
        raise FootprintInputError(f"run directory {str(run_dir)!r} does not exist")
    logs: dict[str, Path] = {}
    summaries: dict[str, Path] = {}
    for file in files:
        if not file.is_file():
            continue
        if file.name.endswith(SUMMARY_SUFFIX):
            summaries[file.name[: -len(SUMMARY_SUFFIX)]] = file
        elif file.name.endswith(LOG_SUFFIX):
            logs[file.name[: -len(LOG_SUFFIX)]] = file
    names = sorted(set(logs) | set(summaries))
    return [Session(name, logs.get(name), summaries.get(name)) for name in names]


def _sessions_or_error(run_dir: str | os.PathLike[str]) -> list[Session]:
    sessions = find_sessions(run_dir)
    if not sessions:
        raise FootprintInputError(
            f"no fmfootprint log (*.jsonl) or summary (*.summary.json) in {str(run_dir)!r}"
        )
    return sessions


def summarize(run_dir: str | os.PathLike[str]) -> RunSummary:
    """Rebuild the summary of every session in ``run_dir`` from its JSONL log, and add them up.

    Parameters
    ----------
    run_dir : path
        A tracker output folder (or one ``.jsonl`` file).

    Returns
    -------
    RunSummary
        The same keys the tracker writes to ``*.summary.json``; ``complete`` is False for sessions
        rebuilt without a stop record (a killed process).
    """
    sessions = [s for s in _sessions_or_error(run_dir) if s.log_path is not None]
    if not sessions:
        raise FootprintInputError(f"no fmfootprint log (*.jsonl) in {str(run_dir)!r}")
    return combine([s.rebuild() for s in sessions])


def load_run(run_dir: str | os.PathLike[str]) -> RunSummary:
    """The summary of ``run_dir``: each session's ``*.summary.json`` if present, else rebuilt from its log."""
    return combine([s.load() for s in _sessions_or_error(run_dir)])


def read_samples(run_dir: str | os.PathLike[str]) -> Any:
    """Every sample of every session in ``run_dir`` as a long table, for plotting.

    Returns
    -------
    pandas.DataFrame
        One row per sample and device, columns ``session``, ``hostname``, ``time`` (UTC datetime),
        ``elapsed_s``, ``device`` ("GPU 0", "CPU", "RAM"), ``kind`` ("gpu", "cpu", "ram"), ``uuid``,
        ``method``, ``status``, ``power_w``, ``energy_kwh`` (cumulative).
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for session in _sessions_or_error(run_dir):
        if session.log_path is None:
            continue
        hostname = ""
        for record in read_records(session.log_path):
            if record["type"] == "start":
                hostname = record.get("rank", {}).get("hostname", "")
                continue
            if record["type"] != "sample":
                continue
            base = {"session": session.name, "hostname": hostname, "time": record["time"]}
            base["elapsed_s"] = record["elapsed_s"]
            for gpu in record.get("gpus", []):
                rows.append(
                    {
                        **base,
                        "device": f"GPU {gpu['index']}",
                        "kind": "gpu",
                        "uuid": gpu["uuid"],
                        "method": gpu["method"],
                        "status": gpu["status"],
                        "power_w": gpu.get("power_w"),
                        "energy_kwh": gpu["energy_j"] / J_PER_KWH,
                    }
                )
            for kind in ("cpu", "ram"):
                energy = record.get(f"{kind}_energy_kwh")
                rows.append(
                    {
                        **base,
                        "device": kind.upper(),
                        "kind": kind,
                        "uuid": None,
                        "method": record.get("host_method"),
                        "status": "ok" if energy is not None else "unavailable",
                        "power_w": record.get(f"{kind}_power_w"),
                        "energy_kwh": energy,
                    }
                )
    columns = [
        "session", "hostname", "time", "elapsed_s", "device", "kind", "uuid",
        "method", "status", "power_w", "energy_kwh",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"], unit="s", utc=True)
    for column in ("elapsed_s", "power_w", "energy_kwh"):
        frame[column] = pd.to_numeric(frame[column])
    return frame
