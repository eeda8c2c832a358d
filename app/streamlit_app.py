"""fmfootprint web planner: the entry point (``streamlit run app/streamlit_app.py`` or ``fmfootprint app``).

It reruns on every interaction and acts as router and frame: page config, the navigation, then the page.
Every number on every page comes from the ``fmfootprint`` library; pages hold widgets, calls and charts.
"""

from __future__ import annotations

import streamlit as st

import ui

st.set_page_config(page_title="fmfootprint planner", page_icon=":material/eco:", layout="wide")

# Streamlit forgets a widget's value when its page is not shown; re-assigning the value makes it plain
# session state, so the planner's inputs survive a visit to another page (buttons and uploads excluded:
# they cannot be set this way).
KEPT = (
    "budget_kind",
    "budget_accelerator_days",
    "budget_compute_flops",
    "budget_energy_kwh",
    "budget_co2e_kg",
    "gpu",
    "gpus",
    "mfu",
    "precision",
    "region",
    "pue",
    "compare",
    "law",
    "unique_tokens",
    "inference_tokens",
    "chart_tab",
    "fit_source",
    "params_col",
    "tokens_col",
    "flops_col",
    "loss_col",
    "exclude",
    "n_boot",
    "runs_source",
    "run_dirs_text",
    "card_source",
    "training_type",
    "location",
    "hardware",
    "card_dirs",
    "cloud_provider",
    "compute_region",
    "plan_source",
    "inf_params_b",
    "inf_active_b",
    "inf_gpu",
    "inf_precision",
    "inf_batch",
    "inf_input",
    "inf_output",
    "inf_queries",
    "inf_region",
    "inf_task",
)
for key in KEPT:
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]

pages = [
    # The first page is the default one, served at "/" (its url_path only names it in links).
    st.Page("views/planner.py", title="Planner", icon=":material/calculate:", url_path="planner"),
    st.Page("views/fit.py", title="Fit a law", icon=":material/insights:", url_path="fit"),
    st.Page("views/runs.py", title="Measured runs", icon=":material/bolt:", url_path="runs"),
    st.Page("views/inference.py", title="Inference", icon=":material/chat:", url_path="inference"),
    st.Page("views/card.py", title="Model card", icon=":material/description:", url_path="card"),
]
# The one error boundary around every page: whatever a page lets through is one red line, never a traceback.
with ui.errors_shown(stop=False):
    st.navigation(pages, position="sidebar").run()
