"""Model-card page: the Hugging Face "Environmental Impact" section and co2_eq_emissions metadata."""

from __future__ import annotations

import streamlit as st

import ui
from fmfootprint.measure.log import load_run
from fmfootprint.report.modelcard import TRAINING_TYPES, ModelCardReport, model_card, update_card
from fmfootprint.units import format_number

st.title("Model card: environmental impact")
st.caption(
    "Builds the `co2_eq_emissions` metadata and the Environmental Impact section of a Hugging Face "
    "model card from the planner's estimate or from tracked runs. Preview it, then download it or "
    "merge it into your README."
)

local = ui.local_paths_allowed()
if local:
    st.warning(ui.LOCAL_PATHS_NOTE, icon=":material/folder_open:")
sources = []
if ui.PLANNER_PLAN in st.session_state:
    sources.append("planner")
if ui.RUN_STAGES in st.session_state:
    sources.append("runs page")
sources.append("run directories" if local else "uploaded runs")
source_labels = {
    "planner": "the planner's estimate (before training)",
    "runs page": "the runs loaded on the Runs page (measured)",
    "run directories": "tracker output directories on this machine (measured)",
    "uploaded runs": "uploaded tracker files (measured)",
}
choice = st.radio("Figures from", sources, format_func=source_labels.get, key="card_source")

left, right = st.columns(2)
training_type = left.selectbox("Training type", list(TRAINING_TYPES), key="training_type")
location = left.text_input("Geographical location (blank: the region's name)", key="location")
hardware = right.text_input("Hardware used (blank: derived, e.g. '8 H100 SXM')", key="hardware")
provider = left.text_input("Cloud provider (blank: derived from a cloud region)", key="cloud_provider")
compute_region = right.text_input(
    "Compute region (blank: the region the figures used, e.g. 'us-east-1')", key="compute_region"
)


def card_of(source: object) -> ModelCardReport:
    return model_card(
        source,
        training_type=training_type,
        location=location or None,
        hardware=hardware or None,
        cloud_provider=provider or None,
        compute_region=compute_region or None,
    )


def warn_if_incomplete(summaries: list[dict]) -> None:
    """A run without a stop record (killed, or a log without its summary) is flagged before its card."""
    for totals in summaries:
        if not totals.get("complete", True):
            st.warning(ui.incomplete_note(totals), icon=":material/warning:")


with ui.errors_shown():
    if choice == "planner":
        report = card_of(st.session_state[ui.PLANNER_PLAN].footprint)  # the planner's Estimate, not re-run
    elif choice == "runs page":
        warn_if_incomplete([st.session_state.get(ui.RUN_SUMMARY, {})])
        report = card_of(st.session_state.get(ui.RUN_CARD_SOURCE) or list(st.session_state[ui.RUN_STAGES]))
    elif choice == "run directories":
        text = st.text_area(
            "Run directories, one per line", key="card_dirs", placeholder="runs/final\nruns/node-1"
        )
        dirs = [line.strip() for line in text.splitlines() if line.strip()]
        if not dirs:
            st.info("Give at least one directory written by `fmfootprint track` or `Tracker`.")
            st.stop()
        warn_if_incomplete([load_run(folder).to_dict() for folder in dirs])
        report = card_of(dirs)
    else:
        files = st.file_uploader(
            "Tracker files of one run (*.jsonl, *.summary.json; 10 MB each at most)",
            accept_multiple_files=True,
            key="card_files",
            max_upload_size=10,
        )
        if not files:
            st.info(
                "Upload the files `fmfootprint track` or `Tracker` wrote (its *.jsonl and *.summary.json)."
            )
            st.stop()
        with ui.uploaded_run_folder(files) as folder:  # removed when the block ends
            warn_if_incomplete([load_run(folder).to_dict()])
            report = card_of([folder])

st.metric("co2_eq_emissions.emissions [g CO2e]", format_number(report.emissions_g))
st.caption(
    "The Hub's `emissions` field is the operational carbon of training in grams; embodied carbon and "
    "inference are in the section below."
)
st.subheader("Preview")
with st.container(border=True):
    st.markdown(ui.without_html_comments(report.markdown))
with st.expander("Markdown of the whole card (what the download holds)"):
    st.code(report.card, language="markdown")
st.download_button(
    "Download README.md (card with this section)",
    report.card,
    file_name="README.md",
    mime="text/markdown",
    key="download_card",
)

st.subheader("Merge into an existing card")
upload = st.file_uploader("Your README.md", key="readme_upload", max_upload_size=10)
if upload is not None:
    with ui.errors_shown():
        text = ui.read_text_upload(upload)
        merged = update_card(text, report)
    st.download_button(
        "Download the updated README.md",
        merged,
        file_name="README.md",
        mime="text/markdown",
        key="download_merged",
    )
    with st.expander("Updated card"):
        st.code(merged, language="markdown")
