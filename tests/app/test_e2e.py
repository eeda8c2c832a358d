"""End to end: the real Streamlit server driven by headless Debian chromium through Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

ui = pytest.importorskip("ui")

from fmfootprint.planning import plan  # noqa: E402
from fmfootprint.scaling.laws import get_law  # noqa: E402
from fmfootprint.units import format_count  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def wait_idle(page) -> None:
    """Connected, and the script finished its run (Streamlit's own e2e tests wait the same way)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=30_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


def test_planner_in_a_real_browser(streamlit_server: str, chromium_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(f"{streamlit_server}/")  # the planner is the default page
    wait_idle(page)
    params = page.get_by_test_id("stMetric").filter(has_text="Parameters").get_by_test_id("stMetricValue")
    before = plan(accelerator_days=1000, law=get_law("besiroglu2024"), hardware=HARDWARE)
    expect(params).to_have_text(format_count(before.params), timeout=30_000)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=30_000)

    budget = page.get_by_test_id("stTextInput").filter(has_text="Budget").locator("input")
    budget.fill("8000")
    budget.press("Enter")
    wait_idle(page)
    after = plan(accelerator_days=8000, law=get_law("besiroglu2024"), hardware=HARDWARE)
    expect(params).to_have_text(format_count(after.params), timeout=30_000)
    assert format_count(after.params) != format_count(before.params)

    budget.fill("-5")
    budget.press("Enter")
    wait_idle(page)
    expect(page.get_by_test_id("stAlertContentError").first).to_contain_text("must be > 0", timeout=30_000)
    assert page.get_by_test_id("stException").count() == 0

    shot = tmp_path / "planner.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
