"""User-facing errors.

Every error a user can cause is a :class:`FootprintInputError`, a ``ValueError`` with a one-line message
that names the bad value (and, for names, the closest valid choices). The CLI maps it to exit code 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["FootprintIOError", "FootprintInputError", "UnknownNameError", "normalize_name", "suggest_names"]


class FootprintInputError(ValueError):
    """Bad user input: a one-line message naming the bad value."""

    def __init__(self, message: str) -> None:
        # One line, always: the CLI prints it as is.
        super().__init__(" ".join(str(message).split()))


class FootprintIOError(FootprintInputError):
    """A file that cannot be read or written: the message names the file and the reason.

    ``path`` is the file and ``reason`` the cause (e.g. the operating system's "No space left on device").
    """

    def __init__(self, message: str, *, path: str | None = None, reason: str = "") -> None:
        self.path = path
        self.reason = reason
        super().__init__(message)


class UnknownNameError(FootprintInputError):
    """A name (accelerator, region, law, column) that is not in the catalog."""

    def __init__(self, kind: str, name: str, choices: Iterable[str], n: int = 3) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggest_names(name, choices, n=n)
        message = f"unknown {kind} {name!r}"
        if self.suggestions:
            message += f"; did you mean {', '.join(self.suggestions)}?"
        super().__init__(message)


def normalize_name(name: str) -> str:
    """Lower-case ``name`` and drop spaces, dashes, underscores and dots, for forgiving look-ups."""
    return re.sub(r"[\s\-_./]+", "", str(name).strip().lower())


def suggest_names(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` valid names closest to ``name`` (by normalised similarity, then by prefix)."""
    choices = list(dict.fromkeys(choices))
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(normalize_name(choice), choice)
    key = normalize_name(name)
    close = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.5)
    found = [by_key[k] for k in close]
    if len(found) < n and key:
        for k, choice in by_key.items():
            if choice not in found and (k.startswith(key) or key.startswith(k) or key in k):
                found.append(choice)
            if len(found) == n:
                break
    return found[:n]
