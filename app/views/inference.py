"""Inference page: energy, carbon and water per query, per day and per year of a served model, its energy
rating, and how batch size and precision move them. Every number comes from ``fmfootprint.serving``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from fmfootprint.serving.query import INFERENCE_PRECISIONS, inference
from fmfootprint.serving.rating import LABELS, RATING_VERSION, TASKS, band_edges, rate_inference
from fmfootprint.units import format_count, format_mass_kg, format_number

BATCHES = ("auto", 1, 4, 16, 64, 256)
NO_REGION = "(none: world average)"
DAYS_PER_YEAR = 365

st.title("Inference: energy, carbon and water per query")
st.caption(
    "A roofline model of serving: the prompt is processed compute-bound, each generated token is a decode "
    "step that streams the weights (shared by the batch) and every sequence's KV cache from memory. It is "
    "calibrated once on measured energy per token (ML.ENERGY benchmark v3 and others; docs/methodology.md) "
    "and counts host, idle capacity and PUE as Google's 2025 measurement of Gemini prompts does."
)

gpu_names = ui.accelerator_names()
labels = ui.region_labels()
left, right = st.columns(2)
with left:
    params_b = st.number_input("Model size [billion parameters]", 0.1, 5000.0, 70.0, key="inf_params_b")
    active_b = st.number_input(
        "Active parameters per token [billion] (mixture of experts; 0 = dense)",
        0.0,
        5000.0,
        0.0,
        key="inf_active_b",
    )
    gpu = st.selectbox("Accelerator", gpu_names, index=gpu_names.index("H100 SXM"), key="inf_gpu")
    precision = st.radio("Precision", INFERENCE_PRECISIONS, horizontal=True, key="inf_precision")
    batch = st.selectbox("Batch size", BATCHES, key="inf_batch", help="auto: least energy within the latency")
with right:
    input_tokens = st.number_input("Input tokens per query", 0, 1_000_000, 1000, key="inf_input")
    output_tokens = st.number_input("Output tokens per query", 1, 1_000_000, 500, key="inf_output")
    queries_per_day = st.number_input("Queries per day", 1.0, 1e13, 1e6, key="inf_queries", format="%g")
    region = st.selectbox(
        "Region", [NO_REGION, *labels], format_func=lambda c: labels.get(c, c), key="inf_region"
    )
    task = st.selectbox("Task class (for the rating)", list(TASKS), key="inf_task", help="docs/rating.md")

query = {
    "gpu": gpu,
    "input_tokens": float(input_tokens),
    "output_tokens": float(output_tokens),
    "active_params": active_b * 1e9 if active_b > 0 else None,
    "region": None if region == NO_REGION else region,
}
with ui.errors_shown():
    result = inference(params_b * 1e9, batch=batch, precision=precision, **query)
    label = rate_inference(result.energy_wh_per_1000_queries, params=result.params, task=task)

ranges = result.ranges
st.subheader("Per query")
st.caption(
    f"{format_count(result.params)} parameters on {result.accelerators} x {result.gpu} at "
    f"{result.precision}, batch {result.batch_size}{' (auto)' if result.batch_auto else ''}."
)
with ui.metric_row("inference_metrics"):
    ui.metric(
        "Energy [Wh]",
        format_number(result.energy_wh_per_query),
        [ui.span(*ranges["energy_wh_per_query"])],
    )
    ui.metric("CO2e [g]", format_number(result.co2e_g_per_query), [ui.span(*ranges["co2e_g_per_query"])])
    ui.metric(
        "Water [mL]", format_number(result.water_ml_per_query), [ui.span(*ranges["water_ml_per_query"])]
    )
    ui.metric("Latency [s]", format_number(result.latency_s), [ui.span(*ranges["latency_s"])])
    ui.metric("Energy rating", label.label, [f"{format_number(label.value)} Wh per 1,000 queries"])
for warning in result.warnings:
    st.warning(warning)

st.subheader("Per day and per year")
per_query = {
    "energy": (result.energy_wh_per_query / 1000, "kWh"),
    "co2e": (result.co2e_g_per_query / 1000, "kg"),
    "water": (result.water_ml_per_query / 1000, "L"),
}
rows = []
for name, (value, unit) in per_query.items():
    day = value * queries_per_day
    rows.append(
        {
            "figure": f"{name} [{unit}]",
            "per 1,000 queries": format_number(value * 1000),
            "per day": format_number(day),
            "per year": format_number(day * DAYS_PER_YEAR),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, key="inference_totals")
st.caption(
    f"CO2e per year: {format_mass_kg(result.co2e_g_per_query / 1000 * queries_per_day * DAYS_PER_YEAR)} "
    f"(operational + embodied)."
)

st.subheader("Energy rating")
edges = band_edges(task, label.size_class or "small")
bands = ", ".join(f"{name} < {format_number(edge)}" for name, edge in zip(LABELS[:-1], edges, strict=True))
st.markdown(
    f"**{label.label}** for a {label.size_class} model, task {task}: {format_number(label.value)} Wh per "
    f"1,000 queries. Fixed bands ({bands}, G above): a label never moves when other models are rated. "
    f"{RATING_VERSION}; method and band edges in docs/rating.md."
)

st.subheader("How batch size and precision move them")
sweep = []
for prec in INFERENCE_PRECISIONS:
    for size in (1, 4, 16, 64, 256):
        with ui.errors_shown(stop=False):
            point = inference(params_b * 1e9, batch=size, precision=prec, **query)
            sweep.append(
                {
                    "precision": prec,
                    "batch": size,
                    "energy per query [Wh]": point.energy_wh_per_query,
                    "latency [s]": point.latency_s,
                    "accelerators": point.accelerators,
                }
            )
frame = pd.DataFrame(sweep)
if not frame.empty:
    chart = frame.pivot(index="batch", columns="precision", values="energy per query [Wh]")
    st.line_chart(chart, x_label="batch size", y_label="energy per query [Wh]")
    st.dataframe(frame, hide_index=True, key="inference_sweep")

with st.expander("Every assumption and its source"):
    st.dataframe(
        pd.DataFrame([item.to_dict() for item in result.assumptions]).astype({"value": str}),
        hide_index=True,
        key="inference_assumptions",
    )
