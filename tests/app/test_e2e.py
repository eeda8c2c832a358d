"""End to end: the real Streamlit server driven by headless Debian chromium through Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

ui = pytest.importorskip("ui")

from fmfootprint.planning import plan  # noqa: E402
from fmfootprint.scaling.laws import get_law  # noqa: E402
from fmfootprint.units import format_count, format_number  # noqa: E402

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


# Every headline value: is any part of it cut (an element narrower than its content, as CSS ellipsis does)?
_CUT_METRICS = """() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]')).map(el => ({
    text: el.innerText,
    width: el.getBoundingClientRect().width,
    cut: [el, ...el.querySelectorAll('*')].some(n => n.scrollWidth > n.clientWidth + 1),
}))"""


@pytest.mark.parametrize("width", [800, 1400])
def test_no_headline_value_is_truncated(streamlit_server: str, chromium_page, width: int) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{streamlit_server}/")
    wait_idle(page)
    expected = plan(accelerator_days=1000, law=get_law("besiroglu2024"), hardware=HARDWARE)
    params = page.get_by_test_id("stMetric").filter(has_text="Parameters").get_by_test_id("stMetricValue")
    expect(params).to_have_text(format_count(expected.params), timeout=30_000)
    page.wait_for_function(f"window.innerWidth === {width}", timeout=30_000)
    shown = page.evaluate(_CUT_METRICS)
    assert len(shown) == 11  # 4 for the model, 7 for the footprint
    for metric in shown:
        assert metric["width"] > 0
        assert not metric["cut"], f"{metric['text']!r} is cut at {width} px"
        assert "…" not in metric["text"]
    # The check sees a cut value: squeeze the values and it must report them.
    page.add_style_tag(
        content='[data-testid="stMetricValue"] { max-width: 12px; overflow: hidden; white-space: nowrap; }'
    )
    page.wait_for_function(
        "getComputedStyle(document.querySelector('[data-testid=\"stMetricValue\"]')).maxWidth === '12px'",
        timeout=30_000,
    )
    assert all(metric["cut"] for metric in page.evaluate(_CUT_METRICS))


def test_a_shared_url_restores_the_inputs_and_a_reload_keeps_them(
    streamlit_server: str, chromium_page
) -> None:
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(f"{streamlit_server}/?budget_accelerator_days=4000&region=CA-QC&gpus=64")
    wait_idle(page)
    expected = plan(
        accelerator_days=4000,
        law=get_law("besiroglu2024"),
        hardware={**HARDWARE, "gpus": 64, "region": "CA-QC"},
    )
    carbon = page.get_by_test_id("stMetric").filter(has_text="Carbon, total").get_by_test_id("stMetricValue")
    expect(carbon).to_have_text(format_number(expected.footprint.co2e_kg / 1000), timeout=30_000)
    budget = page.get_by_test_id("stTextInput").filter(has_text="Budget").locator("input")
    expect(budget).to_have_value("4000", timeout=30_000)
    budget.fill("2500")
    budget.press("Enter")
    wait_idle(page)
    page.wait_for_url("**budget_accelerator_days=2500**", timeout=30_000)
    page.reload()
    wait_idle(page)
    expect(page.get_by_test_id("stTextInput").filter(has_text="Budget").locator("input")).to_have_value(
        "2500", timeout=30_000
    )
    again = plan(
        accelerator_days=2500,
        law=get_law("besiroglu2024"),
        hardware={**HARDWARE, "gpus": 64, "region": "CA-QC"},
    )
    expect(carbon).to_have_text(format_number(again.footprint.co2e_kg / 1000), timeout=30_000)


def test_the_downloads_are_parseable_files(streamlit_server: str, chromium_page, tmp_path: Path) -> None:
    import csv
    import json

    from fmfootprint.scaling.laws import load_law

    page = chromium_page
    page.goto(f"{streamlit_server}/")
    wait_idle(page)
    expected = plan(accelerator_days=1000, law=get_law("besiroglu2024"), hardware=HARDWARE)

    def download(label: str) -> Path:
        button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=30_000) as info:
            button.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        return target

    saved = json.loads(download("Plan (JSON)").read_text())
    assert saved["params"] == expected.params
    assert saved["footprint"]["co2e_kg"] == expected.footprint.co2e_kg
    with download("Plan (CSV)").open(newline="") as handle:
        rows = dict(csv.reader(handle))
    assert float(rows["tokens"]) == expected.tokens
    regions = json.loads(download("Regions (JSON)").read_text())
    assert "US-IA" in [row["region"] for row in regions]
    with download("Regions (CSV)").open(newline="") as handle:
        assert "CA-QC" in [row["region"] for row in csv.DictReader(handle)]
    assert load_law(download("Law (JSON")) == get_law("besiroglu2024")
    assert "[@besiroglu2024]" in download("Cite (Markdown)").read_text()
    assert "\\citep{besiroglu2024}" in download("Cite (LaTeX)").read_text()
    bib = download("BibTeX").read_text()
    assert bib.count("@") >= 2
    assert bib.count("{") == bib.count("}")


def test_error_bars_are_drawn_and_visible_in_the_dark_theme(
    tmp_path: Path, monkeypatch, chromium_page
) -> None:
    """Served with Streamlit's dark theme, the footprint chart's range marks are drawn in the palette's
    reddish purple, and that colour stands out from the chart's own background (contrast >= 3:1)."""
    import io
    from collections import Counter

    from PIL import Image

    import browser_harness

    charts = pytest.importorskip("charts")
    monkeypatch.setenv("STREAMLIT_THEME_BASE", "dark")
    with browser_harness.streamlit_server(tmp_path / "dark.log") as base:
        page = chromium_page
        page.goto(f"{base}/")
        wait_idle(page)
        page.get_by_role("tab", name="Footprint").click()
        chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Training carbon")
        chart.wait_for(timeout=30_000)
        wait_idle(page)
        image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    pixels = list(image.getdata())
    background = Counter(pixels).most_common(1)[0][0]
    assert _luminance(background) < 0.05  # the dark theme's background, not white
    target = tuple(int(charts.OKABE_ITO["reddish_purple"][i : i + 2], 16) for i in (1, 3, 5))
    marks = [p for p in pixels if sum(abs(a - b) for a, b in zip(p, target, strict=True)) < 40]
    assert len(marks) > 30  # the error bar and the total's marker are drawn
    assert _contrast(target, background) >= 3.0


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance (test-only)."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
