"""Lazy re-exports: a package names what it offers and where it lives, and imports it on first use, so
that importing the package stays cheap (``fmfootprint --help`` imports no numpy)."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs the command-line start milliseconds
    from collections.abc import Mapping
    from typing import Any

__all__ = ["load_export"]


def load_export(package: str, exports: Mapping[str, str], name: str) -> Any:
    """``name`` from the module ``exports[name]`` (for a package's module-level ``__getattr__``).

    Raises
    ------
    AttributeError
        ``name`` is not one of ``package``'s exports.
    """
    module = exports.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
