"""The tracker's log writer: agrees with the log reader, reports each failure once, never raises."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from fmfootprint.measure import journal, log
from fmfootprint.measure.journal import JournalWriter


def test_the_writer_and_the_reader_agree_on_the_format() -> None:
    assert journal.LOG_SCHEMA_VERSION == log.LOG_SCHEMA_VERSION
    assert journal.LOG_SUFFIX == log.LOG_SUFFIX
    assert journal.SUMMARY_SUFFIX == log.SUMMARY_SUFFIX


def test_lines_are_read_back(tmp_path: Path) -> None:
    told: list[str] = []
    writer = JournalWriter(tmp_path / "sub" / "x.jsonl", told.append)
    assert writer.write({"type": "start", "n": 1})
    assert writer.write({"type": "sample", "n": 2})
    writer.close(sync=True)
    lines = (tmp_path / "sub" / "x.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"schema": log.LOG_SCHEMA_VERSION, "type": "start", "n": 1},
        {"schema": log.LOG_SCHEMA_VERSION, "type": "sample", "n": 2},
    ]
    assert told == []


def test_a_short_write_is_completed_and_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = {"n": 0}

    def half(fd: int, data: bytes) -> int:  # the first part of each line only, as a full pipe would
        calls["n"] += 1
        return real_write(fd, data[: max(1, len(data) // 2)] if calls["n"] % 2 else data)

    told: list[str] = []
    writer = JournalWriter(tmp_path / "x.jsonl", told.append)
    monkeypatch.setattr(journal.os, "write", half)
    for n in range(3):
        assert writer.write({"type": "sample", "n": n})
    monkeypatch.undo()
    writer.close()
    lines = (tmp_path / "x.jsonl").read_text().splitlines()
    assert [json.loads(line)["n"] for line in lines] == [0, 1, 2]  # whole lines, in order
    assert len(told) == 1
    assert "short write" in told[0]
    assert writer.torn == 0


def test_a_failed_fsync_is_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    told: list[str] = []
    writer = JournalWriter(tmp_path / "x.jsonl", told.append)
    writer.write({"type": "start"})
    monkeypatch.setattr(journal.os, "fsync", broken)
    writer.close(sync=True)
    writer.close(sync=True)  # already closed: nothing more
    assert told == [f"cannot sync {tmp_path / 'x.jsonl'} to disk: Input/output error"]


def test_a_full_disk_is_one_message_and_nothing_raises() -> None:
    told: list[str] = []
    writer = JournalWriter(Path("/dev/full"), told.append)
    assert not writer.write({"type": "start"})
    assert not writer.write({"type": "sample"})
    writer.close(sync=True)
    assert len(told) == 1
    assert "No space left on device" in told[0]


def test_a_name_too_long_is_one_message(tmp_path: Path) -> None:
    told: list[str] = []
    writer = JournalWriter(tmp_path / ("x" * 300) / "x.jsonl", told.append)
    for _ in range(3):
        assert not writer.write({"type": "sample"})
    assert len(told) == 1
    assert "File name too long" in told[0]
