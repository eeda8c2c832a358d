"""The fields and types of each record of a tracker log, checked as the log is read back.

A log is a file a user may have copied, edited or truncated: a record whose field has the wrong type (a
string for an energy, a negative energy, ``"flags": "abc"``) is one :class:`FootprintInputError` naming
the file, the line and the field, never a ``KeyError`` or ``TypeError`` later. A line that is not a JSON
object at all (torn by a kill, or garbage) is not an error: the reader skips and counts it.

Only the fields the summary reads are checked; other fields, and records of a type this version does not
know (written by a newer one), pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from fmfootprint.errors import FootprintInputError

__all__ = ["check_record"]


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _integer(v: Any) -> bool:
    return _number(v) and float(v).is_integer()


# kind -> (words, test)
_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "str": ("a string", lambda v: isinstance(v, str)),
    "number": ("a number", _number),
    "amount": ("a number >= 0", lambda v: _number(v) and v >= 0),
    "amount?": ("a number >= 0 or null", lambda v: v is None or (_number(v) and v >= 0)),
    "positive": ("a number > 0", lambda v: _number(v) and v > 0),
    "count": ("an integer >= 0", lambda v: _integer(v) and v >= 0),
    "int?": ("an integer or null", lambda v: v is None or _integer(v)),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "object": ("an object", lambda v: isinstance(v, dict)),
    "strings": ("a list of strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
    "objects": ("a list of objects", lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v)),
}

# Per record type: field -> (kind, required). GPU entries are checked by _GPU_FIELDS.
_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "start": {
        "session_id": ("str", True),
        "time": ("number", True),
        "project": ("str", True),
        "stage": ("str", True),
        "interval_s": ("positive", True),
        "site": ("object", True),
        "rank": ("object", True),
        "gpus": ("objects", False),
        "host": ("object", False),
        "flags": ("strings", False),
    },
    "ready": {
        "time": ("number", False),
        "gpus": ("objects", False),
        "host": ("object", False),
        "flags": ("strings", False),
        "unmeasured_s": ("object", False),
        "rebased": ("bool", False),
        "pending": ("strings", False),
    },
    "sample": {
        "elapsed_s": ("amount", True),
        "time": ("number", False),
        "seq": ("count", False),
        "gpus": ("objects", False),
        "cpu_energy_kwh": ("amount?", False),
        "ram_energy_kwh": ("amount?", False),
    },
    "stop": {
        "elapsed_s": ("amount", False),
        "exit_code": ("int?", False),
        "gpus": ("objects", False),
        "host": ("object", False),
        "warnings": ("strings", False),
    },
}
_GPU_FIELDS: dict[str, tuple[str, bool]] = {
    "uuid": ("str", True),
    "energy_j": ("amount", False),
    "method": ("str", False),
    "notes": ("strings", False),
    "resets": ("count", False),
    "errors": ("count", False),
}
_SAMPLE_GPU_FIELDS = {**_GPU_FIELDS, "energy_j": ("amount", True)}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(
    where: str, name: str, data: Mapping[str, Any], kind: str, required: bool, prefix: str = ""
) -> None:
    if name not in data:
        if required:
            raise FootprintInputError(f"{where}: the record has no field {prefix + name!r}")
        return
    value = data[name]
    words, test = _KINDS[kind]
    if not test(value):
        raise FootprintInputError(f"{where}: field {prefix + name!r} must be {words}, got {_shown(value)}")


def check_record(record: Mapping[str, Any], where: str) -> None:
    """Check the fields the summary reads in one log record.

    Parameters
    ----------
    record : mapping
        A parsed line with a ``"type"``.
    where : str
        The file and line, for the message (``"log 'runs/a.jsonl', line 3"``).

    Raises
    ------
    FootprintInputError
        A required field is missing or a field has the wrong type or sign, named
        (``log 'a.jsonl', line 3: field 'gpus[0].energy_j' must be a number >= 0, got -5``).
    """
    kind = record.get("type")
    fields = _FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return  # a record type of a newer version: not read
    for name, (field_kind, required) in fields.items():
        _check(where, name, record, field_kind, required)
    if kind == "start":
        _check_nested(where, "rank", record["rank"], {"hostname": ("str", True)})
    gpu_fields = _SAMPLE_GPU_FIELDS if kind == "sample" else _GPU_FIELDS
    for index, gpu in enumerate(record.get("gpus", [])):
        if kind != "sample" or not _sample_gpu_ok(gpu):  # the common case checked at once, else named
            _check_nested(where, f"gpus[{index}]", gpu, gpu_fields)


_INF = float("inf")
_RARE_GPU_FIELDS = frozenset(("notes", "resets", "errors"))


def _sample_gpu_ok(gpu: Mapping[str, Any]) -> bool:
    """A sample's GPU reading as the tracker writes it (one per GPU per interval: kept cheap)."""
    energy: Any = gpu.get("energy_j")
    return (
        isinstance(gpu.get("uuid"), str)
        and type(energy) in (int, float)
        and 0 <= energy < _INF
        and isinstance(gpu.get("method", ""), str)
        and _RARE_GPU_FIELDS.isdisjoint(gpu)
    )


def _check_nested(
    where: str, prefix: str, data: Mapping[str, Any], fields: Mapping[str, tuple[str, bool]]
) -> None:
    for name, (field_kind, required) in fields.items():
        _check(where, name, data, field_kind, required, prefix + ".")
