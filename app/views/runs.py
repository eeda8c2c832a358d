"""Runs page: what a tracked run measured: power and energy over time per GPU, totals, merged nodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import charts
import ui
from fmfootprint.catalog.basis import intensity_label
from fmfootprint.catalog.grid import grid_defaults
from fmfootprint.errors import FootprintInputError
from fmfootprint.measure.log import load_run, read_samples
from fmfootprint.measure.merge import merge_runs
from fmfootprint.planning.measured import planned_vs_measured
from fmfootprint.report.render import escape_markdown
from fmfootprint.report.sources import stage_footprints
from fmfootprint.units import format_number

st.title("Measured runs")
local = ui.local_paths_allowed()
st.caption(
    "Load what `fmfootprint track` or the `Tracker` wrote (`*.jsonl` logs and `*.summary.json`): one "
    "folder per node, or upload the files. Several folders are merged into one run (the nodes of a "
    "multi-node job)."
    if local
    else "Upload what `fmfootprint track` or the `Tracker` wrote (`*.jsonl` logs and `*.summary.json`)."
)

if local:
    st.warning(ui.LOCAL_PATHS_NOTE, icon=":material/folder_open:")
    how = st.radio(
        "Tracker output",
        ["dirs", "upload"],
        format_func={"dirs": "folders on this machine", "upload": "upload the files"}.get,
        key="runs_source",
        horizontal=True,
    )
else:
    how = "upload"


def load(dirs: list[str]) -> tuple[Any, pd.DataFrame, list[Any] | None]:
    """The run's summary (merged over folders), its samples, and its stage records for the card."""
    summary = load_run(dirs[0]) if len(dirs) == 1 else merge_runs(dirs)
    frames = []
    for i, folder in enumerate(dirs):
        samples = read_samples(folder)
        samples["node"] = f"node {i}" if len(dirs) > 1 else ""
        frames.append(samples)
    try:
        stages: list[Any] | None = list(stage_footprints(dirs))
    except FootprintInputError:  # e.g. folders of several stages: the card page then cannot use them
        stages = None
    return summary, pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), stages


with ui.errors_shown():
    if how == "dirs":
        text = st.text_area(
            "Run folders, one per line (one per node)",
            key="run_dirs_text",
            placeholder="runs/final\n/shared/job-42/node-1",
        )
        dirs = [line.strip() for line in text.splitlines() if line.strip()]
        if not dirs:
            st.info("Give at least one folder, or upload a run's files.")
            st.stop()
        for folder in dirs:
            if not Path(folder).is_dir():
                raise ui.UploadError(
                    f"{folder!r} is not a folder on this machine; give the folder the tracker wrote to"
                )
        summary, samples, stages = load(dirs)
    else:
        files = st.file_uploader(
            "Tracker files (*.jsonl, *.summary.json; 10 MB each at most)",
            accept_multiple_files=True,
            key="run_files",
            max_upload_size=10,
        )
        if not files:
            st.info("Upload a run's files (its *.jsonl logs and *.summary.json).")
            st.stop()
        with ui.uploaded_run_folder(files) as folder:  # removed when the block ends
            dirs = [folder]
            summary, samples, stages = load(dirs)

if stages is None:
    st.session_state.pop(ui.RUN_STAGES, None)
else:
    st.session_state[ui.RUN_STAGES] = stages
# One stage (the usual case): the card reads the merged summary itself, which keeps how each part was
# measured (GPU, CPU, RAM methods); several stages go through their stage records.
if stages is not None and len({stage.stage for stage in stages}) == 1:
    st.session_state[ui.RUN_CARD_SOURCE] = summary
else:
    st.session_state.pop(ui.RUN_CARD_SOURCE, None)
totals = summary.to_dict()
st.session_state[ui.RUN_SUMMARY] = totals


def _grid_basis(totals: dict) -> str:
    """The merged grid intensity's basis and year ("lifecycle, 2025"); merges never mix bases (issue 15)."""
    source = (totals.get("sources") or {}).get("grid_intensity_g_per_kwh")
    if not source:
        return "–"
    return intensity_label(str(source), grid_defaults().world_intensity_year)


st.subheader("Totals" + (f" (merged from {len(dirs)} folders)" if len(dirs) > 1 else ""))
c1, c2, c3, c4 = st.columns(4)
c1.metric("Duration [h]", format_number(totals["duration_s"] / 3600.0))
c2.metric("GPU-hours", format_number(totals.get("gpu_hours")))
c3.metric("Energy, facility [kWh]", format_number(totals["energy_kwh"]))
c4.metric("Energy, IT [kWh]", format_number(totals["energy_it_kwh"]))
d1, d2, d3, d4 = st.columns(4)
d1.metric("GPU energy [kWh]", format_number(totals["gpu_energy_kwh"]))
d2.metric("Carbon [kg CO2e]", format_number(totals.get("co2e_kg")))
d3.metric("Water [L]", format_number(totals.get("water_l")))
d4.metric("Grid [g CO2e/kWh]", format_number(totals.get("grid_intensity_g_per_kwh")))
st.caption(
    escape_markdown(
        f"GPU energy method: {totals.get('gpu_energy_method', '–')} · region: {totals.get('region') or '–'}"
        f" · PUE: {totals.get('pue') or '–'} · grid basis: {_grid_basis(totals)}"
    )
)

if not totals.get("complete", True):
    st.warning(ui.incomplete_note(totals), icon=":material/warning:")

st.subheader("Planned vs measured")
plan_sources = (["planner"] if ui.PLANNER_PLAN in st.session_state else []) + ["upload"]
plan_from = st.radio(
    "Plan to compare with",
    plan_sources,
    format_func={
        "planner": "the planner's current plan",
        "upload": "a plan JSON (plan --json, or the planner's download)",
    }.get,
    key="plan_source",
    horizontal=True,
)
planned = None
if plan_from == "planner":
    planned = st.session_state[ui.PLANNER_PLAN]
else:
    plan_file = st.file_uploader("Plan JSON (10 MB at most)", key="plan_file", max_upload_size=10)
    if plan_file is not None:
        with ui.errors_shown():
            planned = ui.read_json_upload(plan_file, what="plan")
if planned is None:
    st.caption("Upload a plan saved from the planner (Plan (JSON)) or printed by `fmfootprint plan --json`.")
else:
    with ui.errors_shown():
        compared = planned_vs_measured(planned, totals)
    st.dataframe(
        [
            {
                "Quantity": f"{row.label} [{row.unit}]",
                "Planned": format_number(row.planned),
                "Measured": format_number(row.measured),
                "Measured / planned": "–" if row.ratio is None else f"{format_number(row.ratio)}×",
            }
            for row in compared
        ],
        hide_index=True,
        key="planned_vs_measured",
    )
    st.caption("– : not known on that side (never counted as 0).")

if samples.empty:
    st.info("The logs hold no samples to plot.")
else:
    samples = samples.assign(series=(samples["node"] + " " + samples["device"]).str.strip())
    power = samples.dropna(subset=["power_w"])
    if not power.empty:
        st.plotly_chart(charts.power_chart(power, "elapsed_s", "power_w", "series"), key="power")
    st.plotly_chart(
        charts.energy_chart(samples.dropna(subset=["energy_kwh"]), "elapsed_s", "energy_kwh", "series"),
        key="energy",
    )
with st.expander("Everything in the summary"):
    st.json(totals)
