"""Trackers that share a host: each registers itself, sees the others, and records the overlap.

Two trackers on one host at the same time (two ``fmfootprint track`` runs, two notebooks) each meter the
*whole host's* CPU and RAM through codecarbon: summed naively, the host's CPU/RAM energy of the overlap is
counted twice. GPUs are not affected (each tracker meters the GPUs its process sees). So each tracker
keeps an entry in a per-host registry folder, ``<temp dir>/fmfootprint-trackers/`` (``$TMPDIR`` or
``/tmp``; one folder per user if the shared one cannot be used), and looks at the others when it comes
up, every :data:`RESCAN_S` seconds while it runs, and when it stops.

An entry is a small JSON file ``<hostname>.<pid>.<session>.json``: ``session_id``, ``pid``, ``hostname``,
``start_unix`` and, once that tracker stopped, ``end_unix``. A running tracker touches its file at each
rescan, so the file's modification time is its last sign of life: a tracker killed with -9 leaves an
entry without ``end_unix`` whose process is gone; its end is taken as that time. Entries whose tracker
ended more than :data:`KEEP_S` ago are removed.

What is recorded (the ``"stop"`` record's ``host`` object, which the summary copies into ``hosts``):

``neighbours``
    one object per other tracker whose run overlapped this one: ``session_id``, ``pid``, ``hostname``,
    ``start_unix``, ``end_unix`` (None: still running when this one stopped), ``overlap_start_unix``,
    ``overlap_end_unix``, ``overlap_s`` and ``host_counted_by``, the session id of the tracker that
    started first (ties: the smaller session id), which is the one that should keep the host's CPU/RAM
    for the overlap when the runs are merged;
``neighbour_overlap_s``
    the length of the union of the overlaps [s].

and one flag (in the stop record's ``warnings``, hence the summary's ``flags``) naming the other
sessions and the overlap. Both trackers record it, so either log alone says what happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fmfootprint._io import atomic_write_text
from fmfootprint.errors import FootprintIOError

__all__ = ["KEEP_S", "RESCAN_S", "NeighbourWatch", "Neighbours", "registry_dir", "union_s"]

RESCAN_S = 10.0
KEEP_S = 24 * 3600.0
_SHARED = "fmfootprint-trackers"


def registry_dir(base: str | os.PathLike[str] | None = None) -> Path:
    """The host's registry folder, created if needed (sticky and world-writable, as ``/tmp`` is).

    Parameters
    ----------
    base : path, optional
        The folder to put it in; default the system's temporary folder.
    """
    root = Path(base) if base is not None else Path(tempfile.gettempdir())
    shared = root / _SHARED
    try:
        shared.mkdir(mode=0o1777, exist_ok=True)
        if shared.stat().st_uid == os.getuid():
            os.chmod(shared, 0o1777)  # mkdir's mode is masked by the umask
        if os.access(shared, os.W_OK | os.X_OK):
            return shared
    except OSError:
        pass  # another user's folder we cannot enter, or a read-only temp dir: fall back to our own
    own = root / f"{_SHARED}-{os.getuid()}"
    own.mkdir(mode=0o700, exist_ok=True)
    return own


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def union_s(intervals: Iterable[tuple[float, float]]) -> float:
    """Length [s] of the union of ``(start, end)`` intervals [Unix s]."""
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


class Neighbours:
    """This tracker's entry in the host registry and what it saw of the others.

    Parameters
    ----------
    session_id, hostname : str
        This tracker's session and host.
    start_unix : float
        Its start [Unix s].
    folder : path, optional
        The registry folder (default :func:`registry_dir`); tests give their own.
    """

    def __init__(
        self, session_id: str, hostname: str, start_unix: float, folder: str | os.PathLike[str] | None = None
    ) -> None:
        self.session_id = session_id
        self.hostname = hostname
        self.start_unix = start_unix
        self.folder = Path(folder) if folder is not None else registry_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / f"{hostname}.{os.getpid()}.{session_id}.json"
        self.seen: dict[str, dict[str, Any]] = {}  # session id -> its latest entry
        self._last_scan = 0.0

    def _entry(self, end_unix: float | None) -> str:
        data = {"session_id": self.session_id, "pid": os.getpid(), "hostname": self.hostname,
                "start_unix": self.start_unix, "end_unix": end_unix}  # fmt: skip
        return json.dumps(data) + "\n"

    def register(self) -> list[str]:
        """Write this tracker's entry and look at the others; returns the sessions newly seen."""
        atomic_write_text(self.path, self._entry(None))
        return self.scan(force=True)

    def scan(self, *, force: bool = False, now: float | None = None) -> list[str]:
        """Look at the registry (at most every :data:`RESCAN_S` unless ``force``); the sessions new to us."""
        now = time.time() if now is None else now
        if not force and now - self._last_scan < RESCAN_S:
            return []
        self._last_scan = now
        with contextlib.suppress(OSError):  # our entry was removed by hand: we still see the others
            os.utime(self.path)  # our sign of life
        new: list[str] = []
        for path in self.folder.glob("*.json"):
            if path == self.path:
                continue
            entry = self._read(path, now)
            if entry is None or entry.get("hostname") != self.hostname:
                continue
            end = entry["end_unix"]
            if end is not None and end <= self.start_unix:
                continue  # ended before we started: no overlap
            if entry["session_id"] not in self.seen and end is None:
                new.append(entry["session_id"])  # running now
            self.seen[entry["session_id"]] = entry
        return new

    def _read(self, path: Path, now: float) -> dict[str, Any] | None:
        try:
            entry = json.loads(path.read_text())
            mtime = path.stat().st_mtime
            start = float(entry["start_unix"])
            pid = int(entry["pid"])
            str(entry["session_id"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # being written, removed meanwhile, or not ours: skip it
        end = entry.get("end_unix")
        if end is None and not _alive(pid):
            end = mtime  # killed: its last sign of life
        if end is not None and now - float(end) > KEEP_S:
            with contextlib.suppress(OSError):  # another tracker removed it first, or not ours to remove
                path.unlink()
            return None
        entry["start_unix"], entry["end_unix"] = start, None if end is None else float(end)
        return dict(entry)

    def finish(self, end_unix: float) -> tuple[list[dict[str, Any]], float]:
        """Mark this tracker ended and return the overlaps with the others and their union [s]."""
        self.scan(force=True, now=end_unix)
        with contextlib.suppress(OSError, FootprintIOError):  # a courtesy to the others; our log counts
            atomic_write_text(self.path, self._entry(end_unix))
        overlaps: list[dict[str, Any]] = []
        for entry in self.seen.values():
            their_end = entry["end_unix"]
            first = max(self.start_unix, entry["start_unix"])
            last = min(end_unix, their_end if their_end is not None else end_unix)
            if last <= first:
                continue
            earlier = min((self.start_unix, self.session_id), (entry["start_unix"], entry["session_id"]))
            overlaps.append({
                "session_id": entry["session_id"], "pid": entry["pid"], "hostname": entry["hostname"],
                "start_unix": entry["start_unix"], "end_unix": their_end,
                "overlap_start_unix": first, "overlap_end_unix": last, "overlap_s": last - first,
                "host_counted_by": earlier[1],
            })  # fmt: skip
        overlaps.sort(key=lambda o: o["overlap_start_unix"])
        return overlaps, union_s((o["overlap_start_unix"], o["overlap_end_unix"]) for o in overlaps)


class NeighbourWatch:
    """The tracker's side: register, warn once per other tracker seen, and the stop record's fields.

    Built by :meth:`meet`, which returns None when the check is switched off or cannot be done (then a
    flag says so); nothing here raises into the tracker.
    """

    def __init__(self, registry: Neighbours, warn: Callable[[str], None]) -> None:
        self.registry = registry
        self._warn = warn

    @classmethod
    def meet(
        cls,
        folder: str | os.PathLike[str] | bool | None,
        session_id: str,
        hostname: str,
        start_unix: float,
        warn: Callable[[str], None],
        flags: list[str],
    ) -> NeighbourWatch | None:
        """Register in the registry ``folder`` (None: ``$FMFOOTPRINT_TRACKER_REGISTRY`` or the default;
        False or ``"off"``: not at all) and warn about the trackers already there."""
        if folder is None:
            folder = os.environ.get("FMFOOTPRINT_TRACKER_REGISTRY") or None
        if folder is False or folder == "off":
            return None
        try:
            watch = cls(
                Neighbours(session_id, hostname, start_unix, None if folder is True else folder), warn
            )
            watch._news(watch.registry.register())
        except (OSError, FootprintIOError) as exc:  # an unusable temp dir must not stop the run
            flags.append(f"other trackers on this host not checked: {exc}")
            return None
        return watch

    def _news(self, sessions: list[str]) -> None:
        for session in sessions:
            self._warn(
                f"another fmfootprint tracker ({session}) is measuring this host; both meter its CPU/RAM, "
                "and merging their runs counts the overlap once"
            )

    def rescan(self) -> None:
        """Look again (at most every :data:`RESCAN_S`); warn about trackers new since the last look."""
        self._news(self.registry.scan())

    def finish(self, end_unix: float, warnings: list[str]) -> dict[str, Any]:
        """The stop record's ``neighbours`` and ``neighbour_overlap_s``; a flag in ``warnings`` names them."""
        try:
            overlaps, total_s = self.registry.finish(end_unix)
        except OSError as exc:
            warnings.append(f"other trackers on this host not checked at the end: {exc}")
            return {}
        if overlaps:
            names = ", ".join(f"{o['session_id']} ({o['overlap_s']:.1f} s)" for o in overlaps)
            warnings.append(
                f"{self.registry.hostname}: host CPU/RAM also metered by other trackers for {total_s:.1f} s "
                f"of this run: {names}; count it once when merging (host_counted_by)"
            )
        return {"neighbours": overlaps, "neighbour_overlap_s": total_s}
