"""Pure plotly figure builders for the planner's pages.

Each function takes numbers the library already computed (arrays, results, their DataFrames) and
returns a :class:`plotly.graph_objects.Figure`; none computes a scaling or footprint quantity itself, so the
tests call them directly and check the traces against the library's values. No plotly template is set:
applying one costs ~16 ms per figure on the server, and the page shows the figures in Streamlit's theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from fmfootprint.footprint.estimate import Estimate

__all__ = [
    "energy_chart",
    "footprint_chart",
    "frontier_chart",
    "inference_chart",
    "isoflop_chart",
    "power_chart",
    "regions_chart",
    "residuals_chart",
]

# Okabe & Ito (2008), "Color Universal Design": eight colours told apart with every common colour-vision
# deficiency. Black is left out, as the page may be dark: the error bars and markers (vermillion, reddish
# purple) keep a WCAG contrast of at least 3:1 against both Streamlit's light (#ffffff) and dark (#0e1117)
# backgrounds; the filled bars (blue, orange) at least 2.2:1.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
#: Line colours in order, for charts with several series (iso-FLOP budgets, GPUs).
COLORWAY = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple", "yellow")
]
_OPERATIONAL = OKABE_ITO["blue"]
_EMBODIED = OKABE_ITO["orange"]
_ACCENT = OKABE_ITO["vermillion"]
_RANGE = OKABE_ITO["reddish_purple"]  # totals with their range (error bars)
_NEUTRAL = OKABE_ITO["grey"]


def _layout(
    fig: go.Figure, title: str, x: str, y: str, *, log_x: bool = False, log_y: bool = False
) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x,
        yaxis_title=y,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        height=420,
        colorway=COLORWAY,
    )
    if log_x:
        fig.update_xaxes(type="log")
    if log_y:
        fig.update_yaxes(type="log")
    return fig


def _mode(points: int) -> str:
    # A short log (a few samples) would draw nearly invisible lines: mark the samples too.
    return "lines" if points > 50 else "lines+markers"


def isoflop_chart(
    curves: Sequence[tuple[float, ArrayLike, ArrayLike]],
    optimum: tuple[float, float],
    budget_flops: float,
) -> go.Figure:
    """Loss against model size at fixed compute (iso-FLOP profiles), the planned optimum marked.

    Parameters
    ----------
    curves : sequence of (compute [FLOP], params [-] array, loss [nats/token] array)
        One profile per budget, as :func:`fmfootprint.scaling.allocate.isoflop_curve` returns them.
    optimum : (params [-], loss [nats/token])
        The planned model.
    budget_flops : float
        The planned budget [FLOP]; its profile is drawn bold.
    """
    fig = go.Figure()
    for compute, params, loss in curves:
        bold = bool(np.isclose(compute, budget_flops, rtol=1e-9))
        fig.add_trace(
            go.Scatter(
                x=np.asarray(params, dtype=float),
                y=np.asarray(loss, dtype=float),
                mode="lines",
                name=f"{compute:.1e} FLOP",
                line={"width": 3 if bold else 1.5},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[optimum[0]],
            y=[optimum[1]],
            mode="markers",
            name="planned optimum",
            marker={"symbol": "star", "size": 16, "color": _ACCENT},
        )
    )
    return _layout(
        fig,
        "Iso-FLOP curves: loss vs model size at fixed compute",
        "parameters",
        "loss [nats/token]",
        log_x=True,
    )


def frontier_chart(
    compute_flops: ArrayLike,
    loss: ArrayLike,
    planned: tuple[float, float],
    band: tuple[ArrayLike, ArrayLike] | None = None,
    band_label: str = "95% bootstrap band",
) -> go.Figure:
    """Compute-optimal loss against training compute, with an optional uncertainty band.

    Parameters
    ----------
    compute_flops : array_like
        Budgets [FLOP].
    loss : array_like
        Compute-optimal loss at each budget [nats/token].
    planned : (compute [FLOP], loss [nats/token])
        The planned run.
    band : (low, high) arrays, optional
        Lower and upper loss at each budget [nats/token].
    """
    x = np.asarray(compute_flops, dtype=float)
    fig = go.Figure()
    if band is not None:
        low, high = (np.asarray(b, dtype=float) for b in band)
        fig.add_trace(
            go.Scatter(x=x, y=high, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=low,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(0,114,178,0.25)",  # Okabe-Ito blue
                name=band_label,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=np.asarray(loss, dtype=float),
            mode="lines",
            name="compute-optimal loss",
            line={"color": _OPERATIONAL},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[planned[0]],
            y=[planned[1]],
            mode="markers",
            name="this plan",
            marker={"symbol": "star", "size": 16, "color": _ACCENT},
        )
    )
    return _layout(
        fig, "Loss vs compute frontier", "training compute [FLOP]", "loss [nats/token]", log_x=True
    )


def footprint_chart(footprint: Estimate) -> go.Figure:
    """Carbon of one estimate split into operational and embodied, the total's range as an error bar.

    Parameters
    ----------
    footprint : Estimate
        :func:`fmfootprint.footprint.estimate.estimate` result (a plan's ``footprint``).
    """
    operational = footprint.co2e_operational_kg / 1000.0
    embodied = footprint.co2e_embodied_kg / 1000.0
    total = footprint.co2e_kg / 1000.0
    fig = go.Figure()
    fig.add_trace(go.Bar(x=["carbon"], y=[operational], name="operational", marker_color=_OPERATIONAL))
    fig.add_trace(go.Bar(x=["carbon"], y=[embodied], name="embodied", marker_color=_EMBODIED))
    rng = footprint.ranges.get("co2e_kg")
    if rng is not None:
        low, high = float(rng[0]) / 1000.0, float(rng[1]) / 1000.0
        fig.add_trace(
            go.Scatter(
                x=["carbon"],
                y=[total],
                mode="markers",
                name="total (range)",
                marker={"color": _RANGE, "size": 9, "symbol": "diamond"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [high - total],
                    "arrayminus": [total - low],
                    "color": _RANGE,
                    "thickness": 2.5,
                    "width": 10,
                },
            )
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, "Training carbon: operational vs embodied", "", "t CO2e")


def regions_chart(table: pd.DataFrame, highlight: str | None = None) -> go.Figure:
    """The same run's carbon in several regions, stacked operational + embodied, lowest first.

    Parameters
    ----------
    table : DataFrame
        :meth:`fmfootprint.planning.RegionComparison.to_frame` output.
    highlight : str, optional
        Region code to outline (the chosen region).
    """
    labels = [f"{name} ({code})" for code, name in zip(table["region"], table["name"], strict=True)]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table["co2e_operational_kg"] / 1000.0,
            orientation="h",
            name="operational",
            marker_color=_OPERATIONAL,
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table["co2e_embodied_kg"] / 1000.0,
            orientation="h",
            name="embodied",
            marker_color=_EMBODIED,
            marker_line_width=[3 if c == highlight else 0 for c in table["region"]],
            marker_line_color=_ACCENT,
        )
    )
    if "co2e_kg_low" in table and table["co2e_kg_low"].notna().all():
        total = table["co2e_kg"] / 1000.0
        fig.add_trace(
            go.Scatter(
                y=labels,
                x=total,
                mode="markers",
                name="total (range)",
                marker={"color": _RANGE, "size": 8, "symbol": "diamond"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": table["co2e_kg_high"] / 1000.0 - total,
                    "arrayminus": total - table["co2e_kg_low"] / 1000.0,
                    "color": _RANGE,
                    "thickness": 2.5,
                    "width": 8,
                },
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig = _layout(fig, "The same run across regions", "t CO2e", "")
    fig.update_layout(height=max(300, 40 * len(labels) + 120))
    return fig


def inference_chart(
    table: pd.DataFrame,
    chinchilla: tuple[float, float],
    optimum: tuple[float, float],
) -> go.Figure:
    """Model size vs lifetime compute (training + inference) at a fixed loss, and carbon if tabulated.

    Parameters
    ----------
    table : DataFrame
        :meth:`fmfootprint.planning.InferenceTradeoff.to_frame` output.
    chinchilla : (params [-], lifetime FLOPs [FLOP])
        The compute-optimal model for the loss.
    optimum : (params [-], lifetime FLOPs [FLOP])
        The inference-aware optimum.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=table["params"],
            y=table["lifetime_flops"],
            mode="lines",
            name="lifetime FLOPs",
            line={"color": _OPERATIONAL},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=table["params"],
            y=table["train_flops"],
            mode="lines",
            name="training FLOPs",
            line={"dash": "dot", "color": _NEUTRAL},
        )
    )
    if "co2e_kg" in table:
        fig.add_trace(
            go.Scatter(
                x=table["params"],
                y=table["co2e_kg"] / 1000.0,
                mode="lines",
                name="lifetime t CO2e",
                yaxis="y2",
                line={"color": _EMBODIED, "dash": "dash"},
            )
        )
        fig.update_layout(
            yaxis2={"title": "t CO2e", "overlaying": "y", "side": "right", "type": "log", "showgrid": False}
        )
    fig.add_trace(
        go.Scatter(
            x=[chinchilla[0]],
            y=[chinchilla[1]],
            mode="markers",
            name="compute-optimal",
            marker={"symbol": "circle", "size": 12, "color": _NEUTRAL},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[optimum[0]],
            y=[optimum[1]],
            mode="markers",
            name="inference-aware optimum",
            marker={"symbol": "star", "size": 16, "color": _ACCENT},
        )
    )
    return _layout(
        fig, "Size vs lifetime compute at the same loss", "parameters", "FLOP", log_x=True, log_y=True
    )


def residuals_chart(residuals: ArrayLike, params: ArrayLike) -> go.Figure:
    """A fit's residuals against model size.

    Parameters
    ----------
    residuals : array_like
        :attr:`fmfootprint.scaling.fit.FitResult.residuals`: log L̂ − log L per run fitted [log nats/token].
    params : array_like
        Model size of each run fitted [parameters].
    """
    residual = np.asarray(residuals, dtype=float)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=np.asarray(params, dtype=float),
            y=residual,
            mode="markers",
            name="runs",
            marker={"color": _OPERATIONAL},
        )
    )
    fig.add_hline(y=0.0, line_dash="dot", line_color=_NEUTRAL)
    return _layout(
        fig,
        "Residuals: log fitted − log observed loss",
        "parameters",
        "log L̂ − log L [log nats/token]",
        log_x=True,
    )


def power_chart(samples: pd.DataFrame, time_col: str, power_col: str, group_col: str | None) -> go.Figure:
    """Power over time, one line per GPU (or per group).

    Parameters
    ----------
    samples : DataFrame
        :func:`fmfootprint.measure.log.read_samples` output.
    time_col, power_col : str
        Columns holding time [s] and power [W].
    group_col : str, optional
        Column naming the device (one line each).
    """
    fig = go.Figure()
    groups = samples.groupby(group_col, sort=True) if group_col else [("all", samples)]
    for name, frame in groups:
        fig.add_trace(
            go.Scatter(x=frame[time_col], y=frame[power_col], mode=_mode(len(frame)), name=str(name))
        )
    return _layout(fig, "Power over time", "time [s]", "power [W]")


def energy_chart(samples: pd.DataFrame, time_col: str, energy_col: str, group_col: str | None) -> go.Figure:
    """Cumulative energy over time, one line per GPU (or per group).

    Parameters
    ----------
    samples : DataFrame
        :func:`fmfootprint.measure.log.read_samples` output.
    time_col, energy_col : str
        Columns holding time [s] and cumulative energy [kWh].
    group_col : str, optional
        Column naming the device.
    """
    fig = go.Figure()
    groups = samples.groupby(group_col, sort=True) if group_col else [("all", samples)]
    for name, frame in groups:
        fig.add_trace(
            go.Scatter(x=frame[time_col], y=frame[energy_col], mode=_mode(len(frame)), name=str(name))
        )
    return _layout(fig, "Energy over time", "time [s]", "energy [kWh]")
