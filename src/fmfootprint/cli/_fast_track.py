"""``fmfootprint track``'s launch-first path: read a plain command line and launch its command before
argparse, the catalogs or the tracker are imported.

The usual command lines (``track --region FR --interval 5 --output runs -- python train.py``) are read
here, from the same option table as the argparse parser (:mod:`fmfootprint.cli._track_options`). Their
values pass only if they meet conditions under which the full check (``track._checked``) is sure to
accept them: a plain number in range, a stage of the vocabulary, a region code of the catalog's list
(``data/grid_intensity/region_codes.txt``, written by ``scripts/build_data.py``), a command on ``$PATH``.
Everything else (``--help``, an abbreviated flag, ``--pue``, ``--data-year``, a region given by name, a
number with a unit or a suffix, a doubtful value) is left to the full reading, which checks it, names
what is wrong (exit 2) and launches. So nothing is launched here that the full check would refuse; the
full reading still parses every command line, after the launch, to build the tracker.

This module imports only ``os`` and the option table: reading it and launching take about a millisecond,
so the command starts within the tracker's own interpreter start-up of being typed.
"""

from __future__ import annotations

import os

from fmfootprint._resources import data_path
from fmfootprint.cli._track_options import BY_FLAG
from fmfootprint.footprint.stage_names import STAGE_ALIASES, STAGES
from fmfootprint.measure.launch import MAX_INTERVAL_S, MIN_INTERVAL_S, launch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from fmfootprint.measure.launch import Child

__all__ = ["known_region_code", "launch_first", "on_path", "read_plain"]

_REGION_CODES = ("grid_intensity", "region_codes.txt")
_NUMBER_CHARACTERS = frozenset("0123456789.eE+-")
_region_codes: frozenset[str] | None = None

Values = dict[str, "str | bool | None"]


def launch_first(words: Sequence[str]) -> Child | None:
    """Launch the command of ``track``'s arguments ``words`` if they are a plain command line that the
    full check accepts; None (nothing launched) otherwise, or if the command cannot be executed."""
    read = read_plain(words)
    if read is None:
        return None
    values, command = read
    if not _acceptable(values, command):
        return None
    try:
        return launch(command)
    except OSError:  # not executable: the full reading tries again and says why, exit 2
        return None


def read_plain(words: Sequence[str]) -> tuple[Values, list[str]] | None:
    """The options and the command (after ``--``) of ``words``, or None if argparse should read them."""
    values: Values = {option.dest: option.default for option in BY_FLAG.values()}
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            command = list(words[index + 1 :])
            return (values, command) if command else None
        flag, equals, inline = word.partition("=")
        option = BY_FLAG.get(flag)
        if option is None:  # --help, an abbreviation, a shared option, a command without "--"
            return None
        if not option.takes_value:
            if equals:
                return None
            values[option.dest] = True
        else:
            if not equals:
                index += 1
                if index == len(words):
                    return None
                inline = words[index]
            if inline.startswith("-"):  # argparse reads it as a flag; let it say so
                return None
            values[option.dest] = inline
        index += 1
    return None  # no "--": argparse's REMAINDER reading decides what the command is


def _acceptable(values: Values, command: list[str]) -> bool:
    interval = _plain_number(values["interval"])
    timeout = _plain_number(values["init_timeout"])
    project = values["project"]
    region = values["region"]
    return (
        values["pue"] is None
        and interval is not None
        and MIN_INTERVAL_S <= interval <= MAX_INTERVAL_S
        and timeout is not None
        and timeout > 0
        and isinstance(project, str)
        and bool(project.strip())
        and (values["stage"] in STAGES or values["stage"] in STAGE_ALIASES)
        and _port_ok(values["prometheus_port"])
        and (region is None or (isinstance(region, str) and known_region_code(region)))
        and (os.sep in command[0] or on_path(command[0]))
    )


def _plain_number(text: str | bool | None) -> float | None:
    """``text`` as a float if it is written with digits, a point and an exponent only (finite)."""
    if not isinstance(text, str) or not text or not _NUMBER_CHARACTERS.issuperset(text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value - value == 0 else None  # finite


def _port_ok(text: str | bool | None) -> bool:
    if text is None:
        return True
    if not isinstance(text, str) or not text.isdigit():
        return False
    return 0 <= int(text) <= 65535


def known_region_code(code: str) -> bool:
    """Whether ``code`` is, exactly, one of the catalog's region codes (``FR``, ``US-CA``,
    ``aws:us-east-1``); names, other spellings and misspellings are for the full resolver."""
    global _region_codes
    if _region_codes is None:
        try:
            with open(data_path(*_REGION_CODES), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError:  # a broken install: the full resolver reads the catalog and says what is wrong
            lines = []
        _region_codes = frozenset(line for line in lines if line and not line.startswith("#"))
    return code in _region_codes


def on_path(name: str) -> bool:
    """Whether ``name`` is an executable file on ``$PATH`` (``shutil.which``, without importing shutil)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return True
    return False
