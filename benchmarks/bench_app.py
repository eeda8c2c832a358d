"""Benchmark the web planner: server-side rerun time of the planner page, and cold start to first render.

Run: ``.venv/bin/python benchmarks/bench_app.py`` (``--json`` for machine-readable output).

1. Planner rerun: Streamlit's AppTest runs the real entry point in-process; each timed rerun changes the
   budget (so nothing is served from a cache) and re-executes the whole page — plan, estimates, 12 regions,
   carbon-optimal search, five plotly figures. The reference, timed side by side in the same process, is
   an AppTest rerun of a page that only writes one line: AppTest's own fixed cost. Target ≤ 300 ms.
3. Tab switch (``--tabs-only``): in headless chromium, the time from a click on a chart tab to that tab's
   chart drawn and the script run ended, cycling the planner's five tabs, against a two-tab page with one
   small chart per tab served and switched the same way.
2. Cold start: ``python -m streamlit run app/streamlit_app.py`` in a fresh process until the planner's
   first result is rendered in headless chromium (Playwright; skipped without /usr/bin/chromium), split
   into "server healthy" and "first render". Target < 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fmfootprint._resources import app_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from browser_harness import CHROMIUM, chromium_context, streamlit_server

ENTRY = app_dir() / "streamlit_app.py"


def _rerun_times(at, widget_key: str | None, values: list[str], repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        if widget_key is not None:
            at.text_input(key=widget_key).set_value(values[i % len(values)])
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return times


def bench_rerun(repeats: int = 30) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    planner = AppTest.from_file(str(ENTRY), default_timeout=60)
    planner.run()
    # The same page with a law fitted on the bundled runs and 4,000 bootstrap resamples: every rerun also
    # computes the loss band (the frontier over 61 budgets for each resampled law).
    banded = AppTest.from_file(str(ENTRY), default_timeout=120)
    banded.run()
    banded.switch_page("views/fit.py").run()
    banded.selectbox(key="n_boot").select(4000)
    banded.button(key="fit_button").click().run()
    banded.button(key="use_law").click().run()
    banded.switch_page("views/planner.py").run()
    banded.selectbox(key="law").select("fitted on the Fit page").run()
    reference = AppTest.from_string(
        "import streamlit as st\nst.text_input('x', key='x')\nst.write('empty')\n"
    )
    reference.run()
    # Interleave so that both see the same machine load.
    budgets = [f"{1000 + 37 * i}" for i in range(repeats)]
    planner_times, banded_times, reference_times = [], [], []
    for i in range(repeats):
        planner_times += _rerun_times(planner, "budget_accelerator_days", [budgets[i]], 1)
        banded_times += _rerun_times(banded, "budget_accelerator_days", [budgets[i]], 1)
        reference_times += _rerun_times(reference, "x", [str(i)], 1)
    p50, ref50 = statistics.median(planner_times), statistics.median(reference_times)
    return {
        "planner_rerun_median_ms": 1000 * p50,
        "planner_rerun_p90_ms": 1000 * statistics.quantiles(planner_times, n=10)[-1],
        "reference_rerun_median_ms": 1000 * ref50,
        "planner_minus_reference_ms": 1000 * (p50 - ref50),
        "ratio_to_reference": p50 / ref50,
        "planner_with_bootstrap_band_median_ms": 1000 * statistics.median(banded_times),
        "repeats": repeats,
    }


def bench_server_first_run(script: Path = ENTRY) -> float:
    """Seconds for a fresh interpreter to import Streamlit and run ``script`` once (AppTest, no browser)."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(script)!r}, default_timeout=60); at.run()\n"
        "assert not at.exception, at.exception\n"
        "print(time.perf_counter() - t)\n"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    total = time.perf_counter() - start
    if not out.stdout.strip():
        raise RuntimeError(out.stderr[-2000:])
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_cold_start(script: Path = ENTRY, ready: str = "[data-testid='stMetricValue']") -> dict[str, float]:
    """Seconds from launching ``streamlit run script`` to ``ready`` rendered in chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with streamlit_server(Path(tmp) / "server.log", script) as base:
            healthy = time.perf_counter() - start
            result = {"server_healthy_s": healthy}
            if not CHROMIUM.is_file():
                return result
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                context = chromium_context(playwright, Path(tmp) / "profile")
                page = context.pages[0] if context.pages else context.new_page()
                browser_ready = time.perf_counter()
                page.goto(f"{base}/")
                page.wait_for_selector(ready, timeout=60_000)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                rendered = time.perf_counter()
                context.close()
            result["browser_launch_s"] = browser_ready - start - healthy
            result["first_render_after_request_s"] = rendered - browser_ready
            result["cold_start_to_first_render_s"] = healthy + (rendered - browser_ready)
            return result


# The chart title each planner tab draws (charts.py), what a switch waits for.
TAB_TITLES = {
    "Iso-FLOP curves": "Iso-FLOP curves",
    "Loss vs compute": "Loss vs compute frontier",
    "Footprint": "Training carbon",
    "Across regions": "The same run across regions",
    "Inference trade-off": "Size vs lifetime compute",
}
_REFERENCE_TABS = """import plotly.graph_objects as go
import streamlit as st
a, b = st.tabs(["Tab A", "Tab B"], key="tab", on_change="rerun")
for tab, name in ((a, "Chart A"), (b, "Chart B")):
    if tab.open:
        with tab:
            st.plotly_chart(go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).update_layout(title=name))
"""


def _switch_times(page, titles: dict[str, str], rounds: int) -> list[float]:
    """Seconds from a tab click until that tab's chart title is drawn and the script run has ended."""
    times = []
    names = list(titles)
    for index in range(rounds * len(names)):
        name = names[(index + 1) % len(names)]  # the first tab is open on arrival: start with the next
        start = time.perf_counter()
        page.get_by_role("tab", name=name).click()
        page.wait_for_function(
            "t => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
            ".some(c => c.textContent.includes(t))",
            arg=titles[name],
            timeout=60_000,
        )
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        times.append(time.perf_counter() - start)
    return times


def bench_tab_switch(rounds: int = 3) -> dict[str, float]:
    """Tab switch in the browser: click → the tab's chart drawn, the planner against a two-tab page."""
    if not CHROMIUM.is_file():
        return {}
    from playwright.sync_api import sync_playwright

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        reference = Path(tmp) / "tabs.py"
        reference.write_text(_REFERENCE_TABS)
        for label, script, titles in (
            ("planner", ENTRY, TAB_TITLES),
            ("reference", reference, {"Tab A": "Chart A", "Tab B": "Chart B"}),
        ):
            with streamlit_server(Path(tmp) / f"{label}.log", script) as base:
                context = chromium_context(playwright, Path(tmp) / f"profile-{label}")
                page = context.pages[0] if context.pages else context.new_page()
                page.goto(f"{base}/")
                page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=60_000)
                times = _switch_times(page, titles, rounds)
                context.close()
            result[f"{label}_switch_median_ms"] = statistics.median(times) * 1000.0
            result[f"{label}_switches"] = float(len(times))
    result["ratio_to_reference"] = result["planner_switch_median_ms"] / result["reference_switch_median_ms"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick = os.environ.get("FMFOOTPRINT_BENCH_QUICK") == "1"  # set by run_all.py --quick
    parser.add_argument("--repeats", type=int, default=10 if quick else 30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cold-repeats", type=int, default=1 if quick else 3)
    parser.add_argument("--tabs-only", action="store_true", help="only the browser tab-switch benchmark")
    parser.add_argument("--tab-rounds", type=int, default=1 if quick else 3)
    args = parser.parse_args()
    if args.tabs_only:
        tabs = bench_tab_switch(args.tab_rounds)
        print(json.dumps(tabs, indent=2) if args.json else _tabs_line(tabs))
        return
    # Cold starts alternate between the planner and a one-metric reference page; medians are reported.
    planner_runs, reference_runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.py"
        empty.write_text("import streamlit as st\nst.metric('reference', 1)\n")
        for _ in range(args.cold_repeats):
            reference_runs.append(bench_cold_start(empty))
            planner_runs.append(bench_cold_start())
        reference_first_run = bench_server_first_run(empty)
    cold = {key: statistics.median(run[key] for run in planner_runs) for key in planner_runs[0]}
    cold["repeats"] = args.cold_repeats
    cold["server_first_run_reference_s"] = reference_first_run
    if "cold_start_to_first_render_s" in cold:
        cold["reference_empty_page_s"] = statistics.median(
            run["cold_start_to_first_render_s"] for run in reference_runs
        )
        cold["ratio_to_reference"] = cold["cold_start_to_first_render_s"] / cold["reference_empty_page_s"]
    cold["server_first_run_s"] = bench_server_first_run()
    results = {"rerun": bench_rerun(args.repeats), "cold_start": cold}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    rerun, cold = results["rerun"], results["cold_start"]
    print(
        f"planner rerun (server side, AppTest): median {rerun['planner_rerun_median_ms']:.0f} ms, "
        f"p90 {rerun['planner_rerun_p90_ms']:.0f} ms; empty-page reference "
        f"{rerun['reference_rerun_median_ms']:.0f} ms; ratio {rerun['ratio_to_reference']:.1f}x"
        "  (target <= 300 ms)"
    )
    print(
        "planner rerun with a fitted law and its 4,000-resample loss band: median "
        f"{rerun['planner_with_bootstrap_band_median_ms']:.0f} ms"
    )
    line = f"cold start: server healthy {cold['server_healthy_s']:.2f} s"
    if "cold_start_to_first_render_s" in cold:
        line += (
            f"; first render {cold['first_render_after_request_s']:.2f} s after the request; "
            f"total {cold['cold_start_to_first_render_s']:.2f} s (target < 5 s; browser launch "
            f"{cold['browser_launch_s']:.2f} s not counted)"
        )
    if "reference_empty_page_s" in cold:
        line += (
            f"; a one-metric page started the same way: {cold['reference_empty_page_s']:.2f} s "
            f"(ratio {cold['ratio_to_reference']:.2f})"
        )
    print(line)
    print(
        f"server side only (fresh interpreter → first run of the script, AppTest): planner "
        f"{cold['server_first_run_s']:.2f} s, one-metric page {cold['server_first_run_reference_s']:.2f} s"
    )
    print(_tabs_line(bench_tab_switch(args.tab_rounds)))


def _tabs_line(tabs: dict[str, float]) -> str:
    if not tabs:
        return "tab switch: skipped (no chromium)"
    return (
        "tab switch in the browser (click → chart drawn): planner median "
        f"{tabs['planner_switch_median_ms']:.0f} ms over {tabs['planner_switches']:.0f} switches; "
        "a two-tab one-chart page "
        f"{tabs['reference_switch_median_ms']:.0f} ms; ratio {tabs['ratio_to_reference']:.1f}x"
    )


if __name__ == "__main__":
    main()
