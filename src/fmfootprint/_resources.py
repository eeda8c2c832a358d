"""Where the packaged data/ and app/ folders are, in a clone (editable install) or an installed wheel."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["app_dir", "data_dir", "data_path"]

# os.path only: ``fmfootprint track`` reads data/ before it launches its command, and importing
# importlib.resources or pathlib would cost that launch milliseconds.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_REPO_ROOT = os.path.dirname(os.path.dirname(_PACKAGE_DIR))


def _find(packaged: str, in_repo: str) -> str:
    # A wheel carries the folders inside the package (see pyproject's force-include);
    # an editable install or a clone reads them from the repository root.
    inside = os.path.join(_PACKAGE_DIR, packaged)
    if os.path.isdir(inside):
        return inside
    return os.path.join(_REPO_ROOT, in_repo)


def data_path(*parts: str) -> str:
    """The path of ``parts`` under the data folder, as a string (no pathlib import)."""
    return os.path.join(_find("_data", "data"), *parts)


def data_dir() -> Path:
    """The folder holding ``hardware/`` and ``grid_intensity/``."""
    from pathlib import Path

    return Path(_find("_data", "data"))


def app_dir() -> Path:
    """The folder holding the Streamlit entry point ``streamlit_app.py``."""
    from pathlib import Path

    return Path(_find("_app", "app"))
