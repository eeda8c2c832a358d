"""The pure plotly builders in app/charts.py: their traces carry the library's numbers unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

charts = pytest.importorskip("charts")  # app/ is put on sys.path by tests/app/conftest.py

from fmfootprint.footprint.estimate import estimate  # noqa: E402
from fmfootprint.planning import compare_regions, inference_tradeoff  # noqa: E402
from fmfootprint.scaling.allocate import compute_optimal, inference_optimal, isoflop_curve  # noqa: E402
from fmfootprint.scaling.laws import get_law  # noqa: E402

LAW = get_law("hoffmann2022")
HARDWARE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "planning" / "explicit_hardware.json").read_text()
)


def test_isoflop_chart_draws_the_library_curves_and_marks_the_optimum() -> None:
    budget = 1e23
    curves = [(c, *isoflop_curve(c, LAW)) for c in (budget / 10, budget, budget * 10)]
    best = compute_optimal(budget, LAW)
    fig = charts.isoflop_chart(curves, (best.params, best.loss), budget)
    assert len(fig.data) == 4
    np.testing.assert_array_equal(fig.data[1].x, curves[1][1])
    np.testing.assert_array_equal(fig.data[1].y, curves[1][2])
    assert fig.data[1].line.width == 3  # the planned budget is bold
    assert fig.data[-1].x == (best.params,)
    assert fig.data[-1].y == (best.loss,)
    # The marked optimum is the minimum of its own iso-FLOP profile.
    assert best.loss <= np.min(curves[1][2]) + 1e-9
    assert fig.layout.xaxis.type == "log"


def test_frontier_chart_with_and_without_band() -> None:
    grid = np.geomspace(1e20, 1e26, 11)
    loss = compute_optimal(grid, LAW).loss
    plain = charts.frontier_chart(grid, loss, (1e23, compute_optimal(1e23, LAW).loss))
    assert [t.name for t in plain.data] == ["compute-optimal loss", "this plan"]
    np.testing.assert_array_equal(plain.data[0].y, loss)
    banded = charts.frontier_chart(grid, loss, (1e23, 2.0), band=(loss - 0.01, loss + 0.02))
    np.testing.assert_allclose(banded.data[0].y, loss + 0.02)
    np.testing.assert_allclose(banded.data[1].y, loss - 0.01)
    assert banded.data[1].fill == "tonexty"


def test_footprint_chart_stacks_operational_and_embodied_in_tonnes() -> None:
    result = estimate(flops=1e23, **HARDWARE)
    fig = charts.footprint_chart(result)
    assert fig.data[0].y[0] == pytest.approx(result.co2e_operational_kg / 1000)
    assert fig.data[1].y[0] == pytest.approx(result.co2e_embodied_kg / 1000)
    assert fig.data[0].y[0] + fig.data[1].y[0] == pytest.approx(result.co2e_kg / 1000)
    _, high = result.ranges["co2e_kg"]
    assert fig.data[2].error_y.array[0] == pytest.approx((high - result.co2e_kg) / 1000)
    assert fig.layout.barmode == "stack"


def test_regions_chart_draws_the_library_comparison() -> None:
    hardware = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4}
    comparison = compare_regions(1e23, ["US-IA", "CA-QC"], hardware)
    fig = charts.regions_chart(comparison.to_frame(), highlight="US-IA")
    assert list(fig.data[0].y) == ["Quebec (CA-QC)", "Iowa (US-IA)"]
    np.testing.assert_allclose(fig.data[0].x, [r.estimate.co2e_operational_kg / 1000 for r in comparison])


def test_regions_chart_one_bar_per_region() -> None:
    table = pd.DataFrame(
        {
            "region": ["CA-QC", "US-IA"],
            "name": ["Quebec", "Iowa"],
            "co2e_operational_kg": [1000.0, 30000.0],
            "co2e_embodied_kg": [500.0, 500.0],
            "co2e_kg": [1500.0, 30500.0],
            "co2e_kg_low": [1200.0, 25000.0],
            "co2e_kg_high": [1800.0, 36000.0],
        }
    )
    fig = charts.regions_chart(table, highlight="US-IA")
    assert list(fig.data[0].y) == ["Quebec (CA-QC)", "Iowa (US-IA)"]
    np.testing.assert_allclose(fig.data[0].x, [1.0, 30.0])
    np.testing.assert_allclose(fig.data[2].error_x.array, [0.3, 5.5])
    assert list(fig.data[1].marker.line.width) == [0, 3]


def test_inference_chart_marks_both_optima() -> None:
    table = inference_tradeoff(2.1, 1e12, LAW, hardware=HARDWARE).to_frame()
    best = inference_optimal(2.1, 1e12, LAW)
    fig = charts.inference_chart(
        table, (best.chinchilla_params, best.chinchilla_lifetime_flops), (best.params, best.lifetime_flops)
    )
    names = [t.name for t in fig.data]
    assert names == [
        "lifetime FLOPs",
        "training FLOPs",
        "lifetime t CO2e",
        "compute-optimal",
        "inference-aware optimum",
    ]
    np.testing.assert_array_equal(fig.data[0].y, table["lifetime_flops"])
    assert fig.data[-1].y[0] <= fig.data[-2].y[0]  # the inference-aware model needs less lifetime compute


def test_residuals_power_and_energy_charts() -> None:
    fig = charts.residuals_chart([0.01, -0.02], [1e8, 1e9])
    np.testing.assert_array_equal(fig.data[0].y, [0.01, -0.02])
    np.testing.assert_array_equal(fig.data[0].x, [1e8, 1e9])
    samples = pd.DataFrame(
        {"t": [0, 1, 0, 1], "gpu": [0, 0, 1, 1], "power_w": [300, 310, 290, 280], "e": [0, 1e-4, 0, 9e-5]}
    )
    power = charts.power_chart(samples, "t", "power_w", "gpu")
    assert len(power.data) == 2
    assert list(power.data[1].y) == [290, 280]
    energy = charts.energy_chart(samples, "t", "e", None)
    assert len(energy.data) == 1
    assert power.data[0].mode == "lines+markers"  # two samples: marked
    long = pd.DataFrame({"t": range(100), "p": [300.0] * 100})
    assert charts.power_chart(long, "t", "p", None).data[0].mode == "lines"


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour (test-only, to check the palette's contrast)."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_is_okabe_ito_and_error_bars_show_in_light_and_dark_themes() -> None:
    from fmfootprint.planning import compare_regions, plan

    hardware = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}
    result = plan(compute_flops=1e22, hardware=hardware)
    table = compare_regions(1e22, ["US-IA", "CA-QC", "FR"], hardware).to_frame()
    okabe_ito = {c.upper() for c in charts.OKABE_ITO.values()}
    for fig in (charts.footprint_chart(result.footprint), charts.regions_chart(table, highlight="US-IA")):
        for trace in fig.data:
            colour = trace.marker.color
            if isinstance(colour, str):
                assert colour.upper() in okabe_ito
            bars = trace.error_y if trace.error_y.array is not None else trace.error_x
            if bars.array is not None:
                assert bars.color.upper() in okabe_ito
                assert bars.color.upper() != "#000000"
                for background in ("#ffffff", "#0e1117"):  # Streamlit's light and dark themes
                    assert _contrast(bars.color, background) >= 3.0
    assert list(charts.isoflop_chart([], (1e9, 2.0), 1e21).layout.colorway) == charts.COLORWAY
