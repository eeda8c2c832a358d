"""Fit page: fit a scaling law (Chinchilla or Gadre et al.'s over-training form) to your own training runs,
with bootstrap intervals and residuals."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

import charts
import ui
from fmfootprint._resources import data_dir
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.fit import bootstrap, fit, load_runs
from fmfootprint.scaling.forms import FORMS
from fmfootprint.scaling.laws import load_law
from fmfootprint.scaling.runs import check_columns, guess_columns, range_warnings

EXAMPLE = data_dir() / "examples" / "sardana2024_runs.csv"
NONE = "(none)"

st.title("Fit a scaling law to your runs")
st.caption(
    "One row per training run: model parameters, training tokens (or FLOPs) and final loss (nats/token, or "
    "your modality's own loss: only N, D and the loss matter). The fit follows Hoffmann et al. (2022) "
    "App. D.2 as replicated by Besiroglu et al. (2024): Huber loss on log-loss, L-BFGS from a grid of "
    "starts; intervals come from bootstrap resampling."
)

with st.expander("Already fitted? Use a law file (`fmfootprint fit --json` output)"):
    law_file = st.file_uploader("Law file (JSON)", key="law_file", max_upload_size=10)
    loaded = None
    if law_file is not None:
        # A bad file is reported here without stopping the rest of the page.
        with ui.errors_shown(stop=False):
            text = ui.read_text_upload(law_file)
            stem = re.sub(r"[^\w.\-]+", "_", Path(law_file.name).stem) or "law"
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"{stem}.json"
                path.write_text(text, encoding="utf-8")
                try:
                    loaded = load_law(path)  # JSON only: parsed, never executed
                except ValueError as exc:  # name the upload, not the temporary copy
                    message = str(exc).replace(str(path), law_file.name)
                    if law_file.name not in message:
                        message = f"{law_file.name}: {message}"
                    raise ui.UploadError(message) from None
    if loaded is not None:
        st.dataframe(
            pd.DataFrame([{k: getattr(loaded, k) for k in ("E", "A", "B", "alpha", "beta")}]),
            hide_index=True,
            key="law_file_params",
        )
        if st.button("Use this law in the planner", key="use_law_file"):
            st.session_state[ui.FITTED_LAW] = loaded
            st.session_state.pop(ui.FITTED_BOOTSTRAP, None)
            st.success("Done: pick 'fitted on the Fit page' as the law on the Planner page.")

source = st.radio(
    "Runs",
    ["example", "upload"],
    format_func={
        "example": "bundled example: Sardana et al. (2024), 47 runs (Apache-2.0)",
        "upload": "upload a CSV",
    }.get,
    key="fit_source",
    horizontal=True,
)

with ui.errors_shown():
    if source == "example":
        table = pd.read_csv(EXAMPLE)
    else:
        upload = st.file_uploader("CSV of runs (at most 10 MB)", key="runs_csv", max_upload_size=10)
        if upload is None:
            st.info("Upload a CSV with a header row, e.g. `params,tokens,loss`, one row per run.")
            st.stop()
        table = ui.read_csv_upload(upload, required=3)

source_name = "the bundled example" if source == "example" else upload.name
st.caption(f"Preview of {source_name}: {len(table):,} rows, first 200 shown.")
st.dataframe(table.head(200), hide_index=True, height=200)

# Distinct guesses: one column per role (the library's guess_columns, shared with the CLI's defaults).
columns = list(table.columns)
guessed = guess_columns(columns)


def index_of(options: list, column: str | None, default: int = 0) -> int:
    return options.index(column) if column in options else default


c1, c2, c3, c4 = st.columns(4)
params_col = c1.selectbox(
    "Parameters column", columns, index=index_of(columns, guessed["params"]), key="params_col"
)
tokens_options = [NONE, *columns]
tokens_col = c2.selectbox(
    "Tokens column", tokens_options, index=index_of(tokens_options, guessed["tokens"]), key="tokens_col"
)
flops_options = [NONE, *columns]
flops_col = c3.selectbox(
    "FLOPs column (if no tokens)",
    flops_options,
    index=index_of(flops_options, guessed["flops"]) if tokens_col == NONE else 0,
    key="flops_col",
)
loss_col = c4.selectbox(
    "Loss column", columns, index=index_of(columns, guessed["loss"], len(columns) - 1), key="loss_col"
)
roles = {
    "params": params_col,
    "tokens": None if tokens_col == NONE else tokens_col,
    "flops": None if flops_col == NONE or tokens_col != NONE else flops_col,
    "loss": loss_col,
}
with ui.errors_shown(stop=False):
    check_columns(**roles)  # one column for two roles: said here, before any fit

c5, c6, c7 = st.columns(3)
form = c5.selectbox(
    "Functional form",
    list(FORMS),
    format_func=lambda name: f"{name}: {FORMS[name].title}",
    key="fit_form",
    help="chinchilla: Hoffmann et al. 2022 eq. 2; gadre2024: Gadre et al. 2024 eq. (4), the over-training "
    "form in C and M = D/N (Chinchilla with alpha = beta).",
)
exclude = c6.number_input(
    "Drop the N highest-loss runs",
    min_value=0,
    max_value=max(len(table) - 6, 0),
    value=0,
    step=1,
    key="exclude",
    help="Besiroglu et al. drop the 5 highest-loss points of Hoffmann's data before fitting.",
)
n_boot = c7.selectbox(
    "Bootstrap resamples (for intervals)",
    [0, 200, 1000, 4000],
    index=1,
    key="n_boot",
    help="Each resample is a full refit; 4,000 is the published choice (a few seconds).",
)

if st.button("Fit", type="primary", key="fit_button"):
    with ui.errors_shown():
        try:
            runs = load_runs(
                table,
                params_col=params_col,
                tokens_col=roles["tokens"],
                flops_col=None if roles["tokens"] else roles["flops"],
                loss_col=loss_col,
            )
        except FootprintInputError as exc:  # name the file as well as the column
            raise ui.UploadError(f"{source_name}: {exc}") from None
        bar = st.progress(0.0, text="Fitting: screening the grid of starts, then Newton and L-BFGS…")
        result = fit(runs, exclude_top_loss=int(exclude), form=form)
        boot = None
        if n_boot:
            bar.progress(0.1, text=f"Bootstrap: refitting {n_boot:,} resamples of the runs…")

            def advance(done: int, total: int) -> None:
                # 10 % for the fit, 90 % for the resamples: the bar follows the resamples finished.
                bar.progress(0.1 + 0.9 * done / total, text=f"Bootstrap: {done:,} of {total:,} resamples")

            boot = bootstrap(
                runs, n=int(n_boot), seed=0, exclude_top_loss=int(exclude), form=form, on_progress=advance
            )
        bar.progress(1.0, text="Done")
    st.session_state["fit_result"] = (result, boot, runs)

if "fit_result" not in st.session_state:
    st.stop()

result, boot, runs = st.session_state["fit_result"]
law = result.law
st.subheader(f"Fitted law: {FORMS[result.form].title}")
for note in range_warnings(runs):
    st.warning(note)
intervals = boot.intervals(0.95) if boot is not None else {}
own = result.form_parameters
rows = []
for name in [*own, *(n for n in ("E", "A", "B", "alpha", "beta") if n not in own)]:
    low, high = intervals.get(name, (float("nan"), float("nan")))
    value = own[name] if name in own else getattr(law, name)
    rows.append({"parameter": name, "value": float(value), "95% low": low, "95% high": high})
st.dataframe(pd.DataFrame(rows), hide_index=True, key="fit_params")
st.caption(
    f"{result.n_points} runs fitted ({FORMS[result.form].citation}); Huber objective {result.objective:.4g}"
    + (f"; intervals from {len(boot.samples)} bootstrap resamples" if boot is not None else "; no bootstrap")
)
if boot is not None:
    convergence = f"Bootstrap: {boot.convergence_text()}."
    if boot.not_converged:
        st.warning(
            f"{convergence} {boot.not_converged:,} stopped at the iteration limit; their parameters are "
            "kept in the intervals but may be off the optimum."
        )
    else:
        st.caption(convergence)

# The fit's own residuals. It dropped the highest-loss runs first (exclude_top_loss), so they belong to the
# n_points lowest-loss runs, in table order.
fitted = runs if result.n_points == len(runs) else runs.nsmallest(result.n_points, "loss").sort_index()
st.plotly_chart(charts.residuals_chart(result.residuals, fitted["params"]), key="residuals")

if st.button("Use this law in the planner", key="use_law"):
    st.session_state[ui.FITTED_LAW] = law
    if boot is not None:
        st.session_state[ui.FITTED_BOOTSTRAP] = boot
    else:
        st.session_state.pop(ui.FITTED_BOOTSTRAP, None)
    st.success("Done: pick 'fitted on the Fit page' as the law on the Planner page.")
