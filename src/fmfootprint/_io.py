"""The files the tool reads and writes, bounded and whole.

Writes: :func:`atomic_write_bytes` and :func:`atomic_write_text` put the new content in a temporary file in
the target's folder, flush and ``fsync`` it, and rename it over the target (``os.replace``, atomic on
POSIX and Windows), then ``fsync`` the folder. A failure at any step (a full disk, a read-only folder)
removes the temporary file, leaves the old file byte-identical and raises one
:class:`~fmfootprint.errors.FootprintIOError` naming the file and the reason. Appending to a log is not a
whole-file write and does not come here.

Reads: :func:`read_text` and :func:`read_json` name the file in every error (missing, unreadable, not
UTF-8, not JSON); JSON nested deeper than :data:`MAX_JSON_DEPTH` is refused before it is parsed, so a file
of 100,000 ``[`` is a one-line error, not a ``RecursionError``. :func:`load_yaml` parses YAML with PyYAML's
safe loader, bounded in nesting depth, in aliases and in the size of the document once aliases are
expanded (an "alias bomb" of a few hundred bytes otherwise stands for billions of nodes). No file larger
than :data:`MAX_READ_BYTES` (256 MiB) is read: :func:`read_text` refuses it, and readers that hand a path to
another library (the runs CSV to pandas) call :func:`check_read_size` first; the message names the file,
its size and the cap. The tool's own files are kilobytes; a million-run CSV is about 60 MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from fmfootprint.errors import FootprintInputError, FootprintIOError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_READ_BYTES",
    "MAX_YAML_ALIASES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_read_size",
    "load_yaml",
    "parse_json",
    "read_json",
    "read_text",
]

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in a JSON file (the tool's own files nest 4 levels)."""
MAX_YAML_DEPTH = 64
"""Deepest nesting of sequences and mappings accepted in a YAML file."""
MAX_YAML_ALIASES = 100
"""Most ``*alias`` references accepted in one YAML document."""
MAX_YAML_NODES = 100_000
"""Most nodes a YAML document may stand for once its aliases are expanded."""
MAX_READ_BYTES = 256 * 1024 * 1024
"""Largest file the tool reads [bytes] (256 MiB): a bigger one is refused before it is read."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# --------------------------------------------------------------------------------------------------
# writing


def _temporary(directory: Path, name: str, mode: int) -> tuple[Path, int]:
    """A new file next to the target (hidden, unique), opened for writing; created with ``mode``."""
    for _ in range(100):
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; best effort (some platforms and filesystems cannot open or sync a folder)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_through(target: Path, data: bytes) -> None:
    with open(target, "wb") as handle:
        handle.write(data)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one step: all of it, or the old file untouched.

    Parameters
    ----------
    path : str or path-like
        The file to create or replace. A symbolic link is followed: its target is replaced. An existing
        file keeps its permission bits; a new one gets the usual ``0o666`` less the umask.
    data : bytes
        The whole new content.

    Notes
    -----
    A target that exists and is not a regular file (a character device such as ``/dev/stdout``, a pipe) is
    written straight through: there is no file to keep.

    Raises
    ------
    FootprintIOError
        The file could not be written (no space, no permission, no such folder, a folder of that name).
        The message names the file and the reason and says that the old file is unchanged; no temporary
        file is left behind.
    """
    shown = os.fspath(path)
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    existed = target.exists()
    tmp: Path | None = None
    fd: int | None = None
    info: os.stat_result | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        info = target.stat() if existed else None
        if info is not None and not stat.S_ISREG(info.st_mode):
            _write_through(target, data)  # a device or a pipe (/dev/stdout): nothing to rename over
            return
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666
        tmp, fd = _temporary(target.parent, target.name, mode)
        if info is not None:
            os.chmod(tmp, mode)  # os.open's mode is masked by the umask; keep the file's own bits
            if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # root updating a user's card: the card stays theirs
                    os.chown(tmp, info.st_uid, info.st_gid)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = None
        os.replace(tmp, target)
        tmp = None
    except BaseException as exc:
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if not isinstance(exc, OSError):
            raise
        if info is not None and not stat.S_ISREG(info.st_mode):
            outcome = "what it received may be incomplete"
        else:
            outcome = "the file is unchanged" if existed else "nothing was written"
        raise FootprintIOError(
            f"could not write {shown}: {_reason(exc)}; {outcome}", path=shown, reason=_reason(exc)
        ) from exc
    _fsync_directory(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """:func:`atomic_write_bytes` of ``text`` encoded as ``encoding``; line endings are written as given."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        shown = os.fspath(path)
        raise FootprintIOError(
            f"could not write {shown}: the text cannot be encoded as {encoding}; the file is unchanged",
            path=shown,
            reason=str(exc),
        ) from None
    atomic_write_bytes(path, data)


# --------------------------------------------------------------------------------------------------
# reading


def _label(what: str, path: str | os.PathLike[str]) -> str:
    return f"{what} {os.fspath(path)!r}".strip()


def _too_big(label: str, path: str | os.PathLike[str], size: int) -> FootprintIOError:
    return FootprintIOError(
        f"{label} is {size / 2**20:,.0f} MiB; the tool reads files of at most {MAX_READ_BYTES // 2**20} MiB",
        path=os.fspath(path),
        reason="too large",
    )


def check_read_size(path: str | os.PathLike[str], *, what: str = "file") -> None:
    """Refuse (one line naming the file and the cap) a file larger than :data:`MAX_READ_BYTES`.

    Raises
    ------
    FootprintIOError
        The file is missing or unreadable (its name and the reason), or too large.
    """
    label = _label(what, path)
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise FootprintIOError(
            f"cannot read {label}: {_reason(exc)}", path=os.fspath(path), reason=_reason(exc)
        ) from None
    if size > MAX_READ_BYTES:
        raise _too_big(label, path, size)


def read_text(path: str | os.PathLike[str], *, what: str = "file") -> str:
    """The UTF-8 text of a file, line endings kept as they are (a CRLF file stays CRLF).

    Parameters
    ----------
    path : str or path-like
    what : str
        What the file is, for messages ("law file", "ledger").

    Raises
    ------
    FootprintIOError
        The file cannot be read (missing, a folder, no permission), is larger than :data:`MAX_READ_BYTES`
        or is not UTF-8 text; the message names the file, and for bad bytes the offset of the first one.
    """
    label = _label(what, path)
    try:
        size = os.stat(path).st_size
        if size > MAX_READ_BYTES:
            raise _too_big(label, path, size)
        with open(path, "rb") as handle:  # a pipe or device has no size: read one byte past the cap
            data = handle.read(MAX_READ_BYTES + 1)
        if len(data) > MAX_READ_BYTES:
            raise _too_big(label, path, len(data))
    except OSError as exc:
        raise FootprintIOError(
            f"cannot read {label}: {_reason(exc)}", path=os.fspath(path), reason=_reason(exc)
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FootprintIOError(
            f"{label} is not UTF-8 text (byte {exc.start} is {data[exc.start : exc.start + 1]!r})",
            path=os.fspath(path),
            reason="not UTF-8",
        ) from None


# The two alternatives never match the same character, so a failed match backs off in linear time.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str, max_depth: int) -> bool:
    """Whether the arrays and objects of ``text`` nest deeper than ``max_depth`` (one linear pass)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False  # cannot nest deeper than the brackets it has
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


def parse_json(text: str | bytes, *, what: str = "JSON", max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text, refusing nesting deeper than ``max_depth``; every error is one line naming ``what``.

    Raises
    ------
    FootprintInputError
        Not UTF-8, not JSON (with line and column), or nested too deep.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FootprintInputError(f"{what} is not UTF-8 text (byte {exc.start})") from None
    text = text.removeprefix("\ufeff")
    if _too_deep(text, max_depth):
        raise FootprintInputError(f"{what} nests arrays or objects deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FootprintInputError(
            f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise FootprintInputError(f"{what} is not valid JSON: {_reason(exc)}") from None


def read_json(
    path: str | os.PathLike[str], *, what: str = "JSON file", max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """The parsed content of a JSON file (:func:`read_text`, then :func:`parse_json`), errors naming it.

    Parameters
    ----------
    path : str or path-like
    what : str
        What the file is, for messages: ``read_json(p, what="law file")`` fails with
        ``law file 'p' is not valid JSON: ...``.
    max_depth : int
        Deepest nesting of arrays and objects accepted.

    Raises
    ------
    FootprintIOError
        The file cannot be read or is not UTF-8.
    FootprintInputError
        It is not JSON, or nests deeper than ``max_depth``.
    """
    return parse_json(read_text(path, what=what), what=_label(what, path), max_depth=max_depth)


# --------------------------------------------------------------------------------------------------
# YAML


class _Refused(yaml.YAMLError):
    def __init__(self, reason: str, mark: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits on depth, aliases and the expanded size of a document."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise _Refused(f"uses more than {MAX_YAML_ALIASES} aliases (*name)", mark)
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _Refused(f"nests deeper than {MAX_YAML_DEPTH} levels", mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None and _expanded_size(node) > MAX_YAML_NODES:
            raise _Refused(f"expands to more than {MAX_YAML_NODES:,} values through its aliases", None)
        return node


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _expanded_size(root: yaml.Node) -> int:
    """Nodes ``root`` stands for with every alias expanded; each distinct node is visited once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the path from the root: meeting one again is a recursive alias
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = list(_children(node))
        if not done:
            if id(node) in open_nodes:
                return MAX_YAML_NODES + 1  # a document that contains itself never ends
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        sizes[id(node)] = min(1 + sum(sizes.get(id(child), 1) for child in children), MAX_YAML_NODES + 1)
    return sizes[id(root)]


def load_yaml(text: str, *, what: str = "YAML", first_line: int = 1) -> Any:
    """Parse one YAML document with the safe loader, bounded in depth, aliases and expanded size.

    Parameters
    ----------
    text : str
    what : str
        What the text is, for messages ("ledger 'footprint.yaml'").
    first_line : int
        The line of its file that ``text`` starts on (2 for a model card's front matter), for messages.

    Raises
    ------
    yaml.YAMLError
        The text is not YAML; the caller words the message (it knows where the text starts in its file).
    FootprintInputError
        The document goes past a limit (:data:`MAX_YAML_DEPTH`, :data:`MAX_YAML_ALIASES`,
        :data:`MAX_YAML_NODES`); the message names ``what`` and the line.
    """
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        where = f" at line {exc.problem_mark.line + first_line}" if exc.problem_mark is not None else ""
        raise FootprintInputError(f"{what} {exc.reason}{where}; refused") from None
    finally:
        loader.dispose()
