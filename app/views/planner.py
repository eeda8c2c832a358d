"""Planner page: a budget → model size, tokens, loss, time, energy, carbon and water, and how they change."""

from __future__ import annotations

import numpy as np
import streamlit as st

import charts
import share
import ui
from fmfootprint import planning
from fmfootprint.catalog.hardware import PRECISIONS
from fmfootprint.planning.carbon import suggestion_text
from fmfootprint.planning.cite import cite_plan
from fmfootprint.planning.equivalents import FACTORS as EQUIVALENT_FACTORS
from fmfootprint.planning.equivalents import everyday_equivalents
from fmfootprint.planning.labels import assumption_rows, defaults_text, intensity_text, region_rows
from fmfootprint.planning.lifetime import lifetime_choice
from fmfootprint.planning.spread import spread_text
from fmfootprint.report.render import escape_markdown
from fmfootprint.scaling import allocate
from fmfootprint.scaling.laws import DEFAULT_LAW, PRESETS, ChinchillaLaw, get_law
from fmfootprint.units import format_count, format_number, parse_quantity

FITTED = "fitted on the Fit page"
FACTOR_UNITS = {"co2e_kg": "kg CO2e", "energy_kwh": "kWh", "water_l": "L"}
# Labels and first values of the library's budget kinds (planning.BUDGET_KINDS), accelerator-days first.
BUDGET_LABELS = {
    "accelerator_days": "accelerator-days (all devices together)",
    "compute_flops": "training FLOPs",
    "energy_kwh": "energy cap [kWh]",
    "co2e_kg": "carbon cap [kg CO2e]",
}
CHART_TABS = ("Iso-FLOP curves", "Loss vs compute", "Footprint", "Across regions", "Inference trade-off")
BUDGET_DEFAULTS = {
    "accelerator_days": "1000",
    "compute_flops": "1e23",
    "energy_kwh": "500000",
    "co2e_kg": "100000",
}

st.title("Plan a training run")
st.caption(
    "Give a budget; get the compute-optimal model size and number of training tokens (Hoffmann et al. 2022), "
    "its expected loss, and what the run needs and emits on your hardware and grid."
)

gpu_names = ui.accelerator_names()
labels = ui.region_labels()
codes = list(labels)
preset_names = [name for name, preset in PRESETS.items() if isinstance(preset, ChinchillaLaw)]
# A shared link (or a reload) carries the inputs in its query: seed the widgets from it, once a session.
share.restore_inputs(
    {
        "budget_kind": list(BUDGET_LABELS),
        "gpu": gpu_names,
        "precision": list(PRECISIONS),
        "region": codes,
        "law": preset_names,
        "compare": codes,
    }
)

inputs, outputs = st.columns([1, 2.2], gap="large")
problems: list[str] = []


def parsed(label: str, key: str, default: str, help: str, allow_zero: bool = False, blank_ok: bool = False):
    """A text box for a number: parsed with the library's parser; problems collected, shown together."""
    text = st.text_input(label, value=default, key=key, help=help)
    if blank_ok and not str(text).strip():
        return None
    try:
        return parse_quantity(label, text, allow_zero=allow_zero)
    except ValueError as exc:
        problems.append(str(exc))
        return None


with inputs:
    st.subheader("Budget")
    kind = st.selectbox(
        "State the budget as", list(BUDGET_LABELS), format_func=BUDGET_LABELS.get, key="budget_kind"
    )
    budget = parsed(
        f"Budget ({planning.BUDGET_KINDS[kind]})",
        f"budget_{kind}",
        BUDGET_DEFAULTS[kind],
        "Numbers like 1000, 1e23, 2.5T (k, M, B, T, P suffixes) are accepted.",
    )
    st.subheader("Hardware and place")
    gpu = st.selectbox(
        "Accelerator",
        gpu_names,
        index=gpu_names.index("H100 SXM") if "H100 SXM" in gpu_names else 0,
        key="gpu",
    )
    gpus = parsed("Number of accelerators", "gpus", "8", "Devices training in parallel.")
    mfu = parsed(
        "Model FLOPs utilisation (MFU)",
        "mfu",
        "0.4",
        "Fraction of peak throughput the training achieves; 0.3–0.5 is typical for large dense models.",
    )
    precision = st.selectbox(
        "Precision (peak throughput)",
        list(PRECISIONS),
        key="precision",
        help="Which of the accelerator's peak TFLOP/s the MFU applies to.",
    )
    region = st.selectbox(
        "Region (grid)",
        codes,
        index=codes.index("US-IA") if "US-IA" in codes else 0,
        format_func=labels.get,
        key="region",
    )
    with st.expander("Data-centre PUE, regions to compare"):
        pue = parsed(
            "PUE (blank: the region's or the default)", "pue", "", "Data-centre overhead, ≥ 1.", blank_ok=True
        )
        compare = st.multiselect(
            "Compare with regions",
            codes,
            default=[c for c in planning.COMPARISON_REGIONS if c in labels],
            format_func=labels.get,
            key="compare",
        )
    st.subheader("Scaling law")
    law_names = preset_names + ([FITTED] if ui.FITTED_LAW in st.session_state else [])
    law_name = st.selectbox(
        "Law",
        law_names,
        index=law_names.index(DEFAULT_LAW),
        key="law",
        format_func=lambda name: name if name == FITTED else PRESETS[name].display_name,
        help="Published fits, or your own from the Fit page. Default: Epoch's replication of Chinchilla "
        "(Besiroglu et al. 2024); Hoffmann et al.'s constants as printed give about 70 tokens per "
        "parameter where their other approaches and the replication give about 20.",
    )
    law = st.session_state[ui.FITTED_LAW] if law_name == FITTED else get_law(law_name)
    if law_name != FITTED:
        preset = PRESETS[law_name]
        range_text = preset.fitted_range.summary() if preset.fitted_range is not None else "not stated"
        st.caption(f"[{preset.url}]({preset.url}) · fitted on {preset.data} · fitted range: {range_text}")
    unique_tokens = parsed(
        "Unique training tokens available (blank: unlimited)",
        "unique_tokens",
        "",
        "If your data set is smaller than the optimal token count, the plan repeats data "
        "(Muennighoff et al. 2023).",
        blank_ok=True,
    )
    inference_tokens = parsed(
        "Lifetime inference tokens",
        "inference_tokens",
        "0",
        "Tokens the model will generate or read once deployed; a large number favours a smaller model "
        "trained longer (Sardana et al. 2024).",
        allow_zero=True,
    )

# The inputs live in the URL: a reload keeps them and a copied link reproduces the plan (a law fitted on
# the Fit page stays in this session only).
share.keep_inputs(
    {
        key: st.session_state.get(key)
        for key in (*share.TEXT_KEYS, *share.CHOICE_KEYS, *share.LIST_KEYS)
        if not (key == "law" and law_name == FITTED)
    }
)

with outputs:
    if problems:
        for problem in problems:
            st.error(f"⚠️ {problem}")
        st.stop()

    # The library checks every value (whole accelerators, MFU in (0, 1], PUE ≥ 1 …) and says what is wrong.
    hardware = {"gpu": gpu, "gpus": gpus, "mfu": mfu, "region": region, "pue": pue, "precision": precision}
    with ui.errors_shown():
        result = planning.plan(**{kind: budget}, law=law, unique_tokens=unique_tokens, hardware=hardware)
        # With inference tokens the headline is the lifetime-optimal model for the same loss.
        choice = lifetime_choice(result, inference_tokens or 0.0, law, hardware)
    head = choice.headline
    footprint = head.footprint
    flops = head.compute_flops
    st.session_state[ui.PLANNER_PLAN] = head
    law_label = law_name if law_name == FITTED else PRESETS[law_name].display_name

    st.subheader("The model to train" + (" (lifetime optimum)" if choice.lifetime is not None else ""))
    with ui.metric_row("model_metrics"):
        ui.metric("Parameters", format_count(head.params))
        ui.metric("Training tokens", format_count(head.tokens))
        ui.metric("Tokens per parameter", format_number(head.tokens_per_param))
        ui.metric("Expected loss [nats/token]", f"{head.loss:.4f}")
    st.caption(f"Training compute {flops:.3g} FLOP · law: {law_label}")
    if choice.lifetime is not None:
        limit = " It does not apply the unique-token limit (repeated data)." if unique_tokens else ""
        st.info(choice.text() + limit, icon=":material/all_inclusive:")
    threshold = ui.threshold_note(head)  # EU AI Act: 1e23 FLOP indicative GPAI, 1e25 FLOP systemic risk
    if threshold is not None:
        text, crossed = threshold
        if crossed:
            st.info(text, icon=":material/gavel:")
        else:
            st.caption(text)
    for warning in head.warnings:
        st.warning(f"Extrapolation: {warning}; the law was not fitted on runs this large or small.")
    if result.published_laws:
        st.caption(f"Published laws for this compute: {spread_text(result.published_laws)}.")
        with st.expander("The same compute under each published law"):
            st.dataframe(
                [
                    {
                        "law": row.title,
                        "parameters": format_count(row.params),
                        "tokens": format_count(row.tokens),
                        "tokens per parameter": format_number(row.tokens_per_param),
                        "loss [nats/token]": f"{row.loss:.4f}",
                    }
                    for row in result.published_laws
                ],
                hide_index=True,
            )

    # Budgets for the frontier chart: 1/1000× to 1000×, with this budget exactly in the middle, so that
    # one pass over the bootstrap laws gives both the chart's band and this plan's interval.
    grid = np.concatenate([np.geomspace(flops / 1e3, flops, 31), np.geomspace(flops, flops * 1e3, 31)[1:]])
    middle = 30
    band_arrays = None
    if law_name == FITTED and ui.FITTED_BOOTSTRAP in st.session_state:
        boot = st.session_state[ui.FITTED_BOOTSTRAP]
        band_arrays = boot.interval_of(lambda fitted: allocate.compute_optimal(grid, fitted).loss)
        low, high = band_arrays[0][middle], band_arrays[1][middle]
        st.caption(f"Loss 95% bootstrap interval: {float(low):.4f} – {float(high):.4f}")
    else:
        st.caption(
            "No loss band for a published preset (its bootstrap samples are not published); "
            "fit your own runs on the Fit page to get one."
        )

    st.subheader("What it takes and emits" + (" (training)" if choice.lifetime is not None else ""))
    ranges = footprint.ranges
    everyday = {e.quantity: e for e in everyday_equivalents(footprint.co2e_kg, footprint.energy_kwh)}
    shown = [
        ("GPU-hours", "gpu_hours", 1.0),
        ("Wall clock [days]", "hours", 24.0),
        ("Energy [MWh]", "energy_kwh", 1000.0),
        ("Water [m³]", "water_l", 1000.0),
        ("Carbon, total [t CO2e]", "co2e_kg", 1000.0),
        ("Operational [t CO2e]", "co2e_operational_kg", 1000.0),
        ("Embodied [t CO2e]", "co2e_embodied_kg", 1000.0),
    ]
    with ui.metric_row("footprint_metrics"):
        for label, key, scale in shown:
            notes = []
            if key in ranges and ranges[key][0] != ranges[key][1]:
                notes.append(f"range {ui.span(ranges[key][0] / scale, ranges[key][1] / scale)}")
            same = everyday.get(key)
            ui.metric(
                label,
                format_number(getattr(footprint, key) / scale),
                notes,
                equivalent=same.text() if same is not None else None,
                source=same.source if same is not None else None,
            )
    # the basis and year of the grid intensity, and every site default used (issue 15)
    said = defaults_text(footprint)
    st.caption(
        escape_markdown(
            intensity_text(footprint)
            + (f" · {said}; sources under Assumptions and sources." if said else " · no site defaults used.")
        )
    )
    with st.expander("Assumptions and sources"):
        st.dataframe(assumption_rows(head), hide_index=True, key="assumptions")
        st.caption("Everyday equivalents under the headlines divide by these factors (orders of magnitude):")
        st.dataframe(
            [
                {
                    "Equivalent": factor.unit,
                    "Factor": f"{format_number(factor.per_unit)} {FACTOR_UNITS[factor.quantity]} per unit",
                    "Source": factor.source,
                    "Licence": factor.licence,
                }
                for factor in EQUIVALENT_FACTORS
            ],
            hide_index=True,
            key="equivalent_factors",
        )

    with ui.errors_shown():
        comparison = planning.compare_regions(flops, [region, *compare], hardware)
        table = comparison.to_frame()
        target = head.loss
        suggestion = planning.carbon_optimal(
            target, law, hardware, [region, *compare], inference_tokens=inference_tokens or 0.0
        )
    st.success(suggestion_text(suggestion, labels))
    st.caption(
        (
            "Lifetime = training + serving the inference tokens on the same accelerators, MFU and grid. "
            if choice.lifetime is not None
            else ""
        )
        + f"The suggestion minimises {'that' if choice.lifetime is not None else 'training'} carbon over "
        "model size, training tokens and the regions compared"
        + (" (it does not apply the unique-token limit)." if unique_tokens else ".")
    )

    st.subheader("Compare and share")
    region_label = labels.get(region, region)
    share.show_pinned(
        share.scenario(f"{region_label}, {law_label}", head, region_label, law_label, f"{gpus:g} × {gpu}")
    )
    payload = head.to_dict()
    citation = cite_plan(head, region_name=labels.get(region, region).rsplit(" (", 1)[0])
    share.downloads(
        [
            ("Plan (JSON)", lambda: share.as_json(payload), "plan.json", "application/json"),
            ("Plan (CSV)", lambda: share.plan_csv(payload), "plan.csv", "text/csv"),
            (
                "Regions (JSON)",
                lambda: share.as_json(comparison.to_dict()),
                "regions.json",
                "application/json",
            ),
            ("Regions (CSV)", lambda: share.records_csv(comparison.to_dict()), "regions.csv", "text/csv"),
            (
                "Law (JSON, for --law-file)",
                lambda: share.as_json(law.to_dict()),
                "law.json",
                "application/json",
            ),
            ("Cite (Markdown)", lambda: citation.markdown + "\n", "cite.md", "text/markdown"),
            ("Cite (LaTeX)", lambda: citation.latex + "\n", "cite.tex", "application/x-tex"),
            ("BibTeX", lambda: citation.bibtex + "\n", "references.bib", "application/x-bibtex"),
        ]
    )
    with st.expander("Cite this estimate"):
        st.markdown(citation.markdown)
        st.code(citation.bibtex, language="bibtex")

    # Lazy tabs: only the open tab's chart is built and sent (each plotly figure costs ~10 ms here and
    # more in the browser); switching tabs reruns the page.
    tab_iso, tab_frontier, tab_footprint, tab_regions, tab_inference = st.tabs(
        list(CHART_TABS), key="chart_tab", on_change="rerun"
    )
    if tab_iso.open:
        with tab_iso:
            budgets = [flops / 10.0, flops / 3.0, flops, flops * 3.0, flops * 10.0]
            curves = []
            for c in budgets:
                params_grid, loss_grid = allocate.isoflop_curve(c, law)
                curves.append((c, params_grid, loss_grid))
            st.plotly_chart(charts.isoflop_chart(curves, (result.params, result.loss), flops), key="iso")
    if tab_frontier.open:
        with tab_frontier:
            frontier = allocate.compute_optimal(grid, law)
            st.plotly_chart(
                charts.frontier_chart(grid, frontier.loss, (flops, result.loss), band_arrays),
                key="frontier",
            )
    if tab_footprint.open:
        with tab_footprint:
            st.plotly_chart(charts.footprint_chart(footprint), key="footprint")
    if tab_regions.open:
        with tab_regions:
            st.plotly_chart(charts.regions_chart(table, highlight=region), key="regions")
            st.dataframe(region_rows(comparison), hide_index=True, key="regions_table")
    if tab_inference.open:
        with tab_inference:
            with ui.errors_shown():
                trade = planning.inference_tradeoff(target, inference_tokens or 0.0, law, hardware).to_frame()
            st.plotly_chart(
                charts.inference_chart(
                    trade,
                    (suggestion.chinchilla_params, suggestion.chinchilla_lifetime_flops),
                    (suggestion.params, suggestion.lifetime_flops),
                ),
                key="inference",
            )
            st.caption(
                "Every point on the curve reaches the same loss. Serving tokens cost 2·N FLOPs each, so when "
                "the model will serve many tokens a smaller model trained on more data uses less compute "
                "over its life."
            )
