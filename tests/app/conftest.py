"""Fixtures for the app's tests: the app folder on sys.path (for charts.py), a clean Streamlit cache,
AppTest builders for each page, and a real Streamlit server for the browser test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fmfootprint._resources import app_dir

APP_DIR = app_dir()
ENTRY = APP_DIR / "streamlit_app.py"
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

import browser_harness  # noqa: E402

if str(APP_DIR) not in sys.path:
    # charts.py and ui.py are imported by Streamlit as top-level modules, not as a package.
    sys.path.insert(0, str(APP_DIR))


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """``page("planner")`` → an AppTest of the entry point switched to that page and run once.

    ``local_paths=True`` serves it as ``fmfootprint app --allow-local-paths`` does (server paths
    accepted); the default is the default server: uploads only.
    """
    from streamlit.testing.v1 import AppTest

    from fmfootprint.cli.app import LOCAL_PATHS_ENV

    def build(name: str, timeout: float = 60.0, local_paths: bool = False):
        if local_paths:
            monkeypatch.setenv(LOCAL_PATHS_ENV, "1")
        else:
            monkeypatch.delenv(LOCAL_PATHS_ENV, raising=False)
        at = AppTest.from_file(str(ENTRY), default_timeout=timeout)
        at.run()
        if name != "planner":
            at.switch_page(f"views/{name}.py").run()
        return at

    return build


@pytest.fixture
def streamlit_server(tmp_path: Path) -> Iterator[str]:
    """The real app served on a free localhost port, as `fmfootprint app` serves it; yields its base URL."""
    with browser_harness.streamlit_server(tmp_path / "streamlit.log") as base:
        yield base


@pytest.fixture
def chromium_page(tmp_path: Path):
    """A Playwright page in Debian's headless chromium (skip when the browser is not installed)."""
    if not browser_harness.CHROMIUM.is_file():
        pytest.skip("chromium is not installed (scripts/install_browser.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # A persistent context is how Playwright takes a fresh --user-data-dir.
        context = browser_harness.chromium_context(
            playwright, tmp_path / "chromium-profile", viewport={"width": 1400, "height": 1000}
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
