"""Type checks of a record read back from a file (a ``*.summary.json``), one field at a time.

A summary is JSON a user may have edited or a tool may have written: a field of the wrong type must be a
one-line error naming the field (``'flags' must be a list of strings, got 'abc'``), never a ``TypeError``
later, nor a string read as a list of characters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from fmfootprint._validate import BOUNDS, Bound, bounded
from fmfootprint.errors import FootprintInputError

__all__ = ["check_fields", "read_fields"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    return _is_number(value) and float(value).is_integer()


# What each annotation of a dataclass field accepts, in words and as a test.
_KINDS: dict[str, tuple[str, Any]] = {
    "float": ("a number", _is_number),
    "int": ("an integer", _is_integer),
    "str": ("a string", lambda v: isinstance(v, str)),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "tuple[str, ...]": (
        "a list of strings",
        lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    ),
    "tuple[dict[str, Any], ...]": (
        "a list of objects",
        lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    ),
    "dict[str, str]": (
        "an object of strings",
        lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    ),
    "dict[str, tuple[str, ...]]": (
        "an object of lists of strings",
        lambda v: (
            isinstance(v, dict)
            and all(isinstance(x, list) and all(isinstance(y, str) for y in x) for x in v.values())
        ),
    ),
    "tuple[float, float]": (
        "a list of two numbers [low, high], low <= high",
        lambda v: (
            isinstance(v, list)
            and len(v) == 2
            and all(_is_number(x) and x >= 0 and x != float("inf") for x in v)
            and v[0] <= v[1]
        ),
    ),
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# A number field with one of these endings is a total, a duration or a time: never negative nor infinite.
_QUANTITY_ENDINGS = ("_kwh", "_kg", "_l", "_s", "_hours")
_NEVER_NEGATIVE = Bound(0, float("inf"), "a measured total is never negative")


def _check_number(name: str, value: Any) -> None:
    """A number field within its plausibility bound (:data:`~fmfootprint._validate.BOUNDS`, e.g. pue in
    [1, 3]), or, for a total (``*_kwh``, ``*_kg``, ``*_l``, ``*_s``, ``gpu_hours``), ≥ 0."""
    bound = BOUNDS.get(name)
    if bound is None and name.endswith(_QUANTITY_ENDINGS):
        bound = _NEVER_NEGATIVE
    if bound is not None:
        bounded(f"field {name!r}", value, bound)


def check_fields(cls: Any, data: Mapping[str, Any]) -> None:
    """Check the type of every field of the dataclass ``cls`` that ``data`` holds.

    Parameters
    ----------
    cls : dataclass type
        Its fields' annotations (strings, as under ``from __future__ import annotations``) say what each
        accepts: ``float``, ``int``, ``str``, ``bool``, optionally ``| None``, and the tuple and dict
        fields of a run summary (JSON lists and objects).
    data : mapping
        The parsed JSON; keys that are not fields are ignored, and so are fields it lacks.

    Raises
    ------
    FootprintInputError
        The first field of the wrong type, named, with what it must be and what it is; or a number out of
        its bound (``field 'energy_kwh' must be in [0, 1e+14] (...), got -1``).
    """
    for spec in dataclasses.fields(cls):
        if spec.name not in data:
            continue
        value = data[spec.name]
        annotation = str(spec.type)
        optional = annotation.endswith(" | None")
        kind = _KINDS.get(annotation.removesuffix(" | None"))
        if kind is None or (value is None and optional):
            continue
        words, accepts = kind
        if not accepts(value):
            raise FootprintInputError(
                f"field {spec.name!r} must be {words}{' or null' if optional else ''}, got {_shown(value)}"
            )
        if words == "a number" and value is not None:
            _check_number(spec.name, value)
        if words == "an integer" and spec.name != "exit_code" and value < 0:
            raise FootprintInputError(f"field {spec.name!r} must be a count (>= 0), got {_shown(value)}")


_TUPLES = ("gpus", "hosts", "ranks", "sessions", "flags", "unmeasured")
_RANGES = ("cpu_energy_range_kwh", "ram_energy_range_kwh")


def read_fields(
    cls: Any, data: Mapping[str, Any], schema_version: int, *, schema1_note: str
) -> dict[str, Any]:
    """The keyword arguments of a run summary (``cls``) from its ``to_dict()``, of any schema.

    Parameters
    ----------
    cls : dataclass type
        :class:`~fmfootprint.measure.summary.RunSummary`.
    data : mapping
        The parsed ``*.summary.json``; keys that are not fields are ignored.
    schema_version : int
        The schema the summary is read into (what its ``to_dict()`` now writes).
    schema1_note : str
        The flag and embodied-carbon source of a schema-1 summary (no ``co2e_operational_kg``): its
        ``co2e_kg`` is the operational carbon it was, its embodied carbon 0.

    Raises
    ------
    FootprintInputError
        A field of the wrong type (:func:`check_fields`), or a required field missing (not a run summary).
    """
    check_fields(cls, data)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    for key in _TUPLES:
        kwargs[key] = tuple(kwargs.get(key, ()))
    for key in _RANGES:
        if kwargs.get(key) is not None:
            low, high = kwargs[key]
            kwargs[key] = (float(low), float(high))
    kwargs["sources"] = dict(kwargs.get("sources", {}))
    kwargs["site_defaults"] = {str(k): str(v) for k, v in dict(kwargs.get("site_defaults", {})).items()}
    by_session = dict(kwargs.get("site_defaults_by_session", {}))
    kwargs["site_defaults_by_session"] = {str(k): tuple(v) for k, v in by_session.items()}
    if "co2e_operational_kg" not in data and "co2e_kg" in data:  # schema 1
        kwargs["co2e_operational_kg"] = data["co2e_kg"]
        kwargs["co2e_embodied_kg"] = 0.0
        kwargs["flags"] = (*kwargs["flags"], schema1_note)
        kwargs["sources"].setdefault("co2e_embodied_kg", schema1_note)
    kwargs["schema_version"] = schema_version
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in kwargs]
    if missing:
        raise FootprintInputError(f"not a run summary: it has no {', '.join(map(repr, missing[:4]))}")
    return kwargs
