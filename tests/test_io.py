"""The files the tool reads and writes: whole or untouched, bounded, every error naming the file."""

from __future__ import annotations

import errno
import itertools
import json
import os
import stat

import pytest
import yaml

from fmfootprint import _io
from fmfootprint.errors import FootprintInputError, FootprintIOError

# --------------------------------------------------------------------------------------------------
# atomic writes


def test_a_write_replaces_the_file_whole_and_keeps_its_bytes_and_mode(tmp_path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    _io.atomic_write_text(path, "new\r\nline\n")
    assert path.read_bytes() == b"new\r\nline\n"  # line endings written as given
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["README.md"]  # no temporary file left
    _io.atomic_write_bytes(tmp_path / "new.bin", b"\x00\x01")
    assert (tmp_path / "new.bin").read_bytes() == b"\x00\x01"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_root_updating_a_users_file_keeps_its_owner(tmp_path) -> None:
    path = tmp_path / "README.md"
    path.write_text("old")
    os.chown(path, 1234, 5678)
    _io.atomic_write_text(path, "new")
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_a_device_is_written_through() -> None:
    _io.atomic_write_text(os.devnull, "nothing to keep")  # no temporary file can be renamed over it


def test_a_symbolic_link_is_followed(tmp_path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "README.md"
    link.symlink_to(target)
    _io.atomic_write_text(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_byte_identical(tmp_path, monkeypatch, step) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"---\nlicense: mit\n---\n# Model\n")
    before = path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_io.os, step, full)
    with pytest.raises(FootprintIOError) as caught:
        _io.atomic_write_text(path, "x" * 100_000)
    message = str(caught.value)
    assert message == f"could not write {path}: No space left on device; the file is unchanged"
    assert caught.value.path == str(path)
    assert caught.value.reason == "No space left on device"
    assert isinstance(caught.value, FootprintInputError)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["README.md"]


def test_a_write_that_cannot_start_says_nothing_was_written(tmp_path) -> None:
    with pytest.raises(FootprintIOError, match=r"could not write .*: No such file or directory; nothing"):
        _io.atomic_write_text(tmp_path / "no" / "such" / "README.md", "x")
    with pytest.raises(FootprintIOError, match="Is a directory; the file is unchanged"):
        _io.atomic_write_text(tmp_path, "x")


def test_an_interrupted_write_removes_its_temporary_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "README.md"
    path.write_text("old")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_io.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _io.atomic_write_text(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["README.md"]


# --------------------------------------------------------------------------------------------------
# reading text and JSON


def test_read_errors_name_the_file(tmp_path) -> None:
    with pytest.raises(FootprintIOError, match=r"cannot read law file '.*absent.json': No such file"):
        _io.read_json(tmp_path / "absent.json", what="law file")
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(FootprintIOError, match=r"law file '.*latin1.json' is not UTF-8 text \(byte 13"):
        _io.read_json(bad, what="law file")
    broken = tmp_path / "broken.json"
    broken.write_text('{"E": 1.7,\n "A": }')
    with pytest.raises(FootprintInputError, match=r"'.*broken.json' is not valid JSON: .*line 2, column 7"):
        _io.read_json(broken, what="law file")


def test_files_over_the_read_cap_are_refused_naming_the_file_and_the_cap(tmp_path, monkeypatch) -> None:
    assert _io.MAX_READ_BYTES == 256 * 1024 * 1024
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b"0," * 600_000 + b"0]")  # 1.2 MB
    monkeypatch.setattr(_io, "MAX_READ_BYTES", 1024 * 1024)
    with pytest.raises(
        FootprintIOError, match=r"law file '.*big\.json' is 1 MiB; the tool reads files of at most 1 MiB"
    ):
        _io.read_json(big, what="law file")
    with pytest.raises(FootprintIOError, match="at most 1 MiB"):
        _io.check_read_size(big, what="runs file")
    small = tmp_path / "small.json"
    small.write_text("[1, 2]")
    _io.check_read_size(small)
    assert _io.read_json(small) == [1, 2]


def test_a_stream_over_the_read_cap_is_refused_without_reading_all_of_it(tmp_path, monkeypatch) -> None:
    # A FIFO reports size 0; the reader stops one byte past the cap.
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    monkeypatch.setattr(_io, "MAX_READ_BYTES", 10)
    import threading

    def feed() -> None:
        with open(fifo, "wb") as out:
            out.write(b"x" * 1000)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with pytest.raises(FootprintIOError, match="the tool reads files of at most 0 MiB"):
            _io.read_text(fifo)
    finally:
        writer.join(timeout=10)


def test_json_reads_as_json(tmp_path) -> None:
    path = tmp_path / "law"
    payload = {"law": {"E": 1.7, "nested": [[1, 2], {"s": "[[[[{{{{"}]}, "text": '\\"['}
    path.write_text("\ufeff" + json.dumps(payload))  # a byte-order mark is allowed
    assert _io.read_json(path) == payload
    assert _io.parse_json(b'{"a": [1]}') == {"a": [1]}


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 65 + "1" + "}" * 65, "[" * 65 + "]" * 65])
def test_deep_json_is_refused_before_it_is_parsed(tmp_path, text) -> None:
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(FootprintInputError, match=r"'.*deep.json' nests arrays or objects deeper than 64"):
        _io.read_json(path, what="summary")


def test_json_at_the_depth_limit_and_brackets_in_strings_are_fine() -> None:
    assert _io.parse_json("[" * 64 + "]" * 64) is not None
    assert _io.parse_json(json.dumps(["[" * 1000, "{" * 1000])) == ["[" * 1000, "{" * 1000]


def test_json_that_python_cannot_hold_is_one_line() -> None:
    with pytest.raises(FootprintInputError, match=r"run\.json is not valid JSON"):
        _io.parse_json("1" * 10_000, what="run.json")


# --------------------------------------------------------------------------------------------------
# YAML


def _bomb(levels: int, width: int = 10) -> str:
    names = "abcdefghijklmnop"
    lines = [f"a: &a [{', '.join(['x'] * width)}]"]
    lines += [f"{k}: &{k} [{', '.join([f'*{p}'] * width)}]" for p, k in itertools.pairwise(names[:levels])]
    return "\n".join(lines) + "\n"


def test_yaml_alias_bombs_are_refused() -> None:
    with pytest.raises(FootprintInputError, match=r"^ledger 'x.yaml' expands to more than 100,000 values"):
        _io.load_yaml(_bomb(8), what="ledger 'x.yaml'")
    with pytest.raises(FootprintInputError, match="uses more than 100 aliases"):
        _io.load_yaml(_bomb(12), what="ledger")
    with pytest.raises(FootprintInputError, match="expands to more than"):
        _io.load_yaml("&a [*a, *a]", what="ledger")  # a document that contains itself


def test_deep_yaml_is_refused_with_its_line() -> None:
    with pytest.raises(FootprintInputError, match="nests deeper than 64 levels at line 3"):
        _io.load_yaml("\n\n" + "[" * 100_000, what="ledger")


def test_ordinary_yaml_with_a_few_aliases_loads() -> None:
    text = "base: &site {region: FR, pue: 1.1}\na: *site\nb: *site\n"
    assert _io.load_yaml(text) == {"base": {"region": "FR", "pue": 1.1}, "a": {"region": "FR", "pue": 1.1},
                                   "b": {"region": "FR", "pue": 1.1}}  # fmt: skip
    assert _io.load_yaml(_bomb(3)) is not None  # 1,000 values: fine
    with pytest.raises(yaml.YAMLError):  # syntax errors are the caller's to word
        _io.load_yaml("a: [1, 2")
