"""Share and keep a plan: the planner's inputs in the page URL, pinned scenarios, and the downloads.

Nothing here computes a scaling or footprint quantity: the figures come from the library's results
(``Plan.to_dict()``, ``RegionComparison.to_dict()``, ``cite_plan``) and are only laid out or serialised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from fmfootprint.units import format_count, format_number

#: Widget keys of the planner that live in the URL query (``?budget_kind=…&gpu=…``), text ones first.
TEXT_KEYS = (
    "budget_accelerator_days",
    "budget_compute_flops",
    "budget_energy_kwh",
    "budget_co2e_kg",
    "gpus",
    "mfu",
    "pue",
    "unique_tokens",
    "inference_tokens",
)
CHOICE_KEYS = ("budget_kind", "gpu", "precision", "region", "law")
LIST_KEYS = ("compare",)
#: Session-state key of the pinned scenarios, and how many are kept side by side.
PINNED = "pinned_scenarios"
MAX_PINNED = 3
_RESTORED = "_inputs_from_url"


def restore_inputs(choices: Mapping[str, Sequence[str]]) -> None:
    """Once per session, seed the planner's widgets from the URL query so that a shared link or a reload
    reproduces the plan. A value that is not one of a widget's choices is ignored (the default stays).

    Parameters
    ----------
    choices : mapping
        {widget key: the values it offers} for the select boxes and the multiselect.
    """
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    query = st.query_params
    for key in TEXT_KEYS:
        if key in query:
            st.session_state[key] = str(query[key])
    for key in CHOICE_KEYS:
        if key in query and query[key] in choices.get(key, ()):
            st.session_state[key] = query[key]
    for key in LIST_KEYS:
        if key in query:
            offered = set(choices.get(key, ()))
            st.session_state[key] = [code for code in str(query[key]).split(",") if code in offered]


def keep_inputs(values: Mapping[str, Any]) -> None:
    """Write the current inputs into the URL query (only when they changed; blank text is left out)."""
    wanted: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            wanted[key] = ",".join(str(v) for v in value)
        elif value is not None and str(value).strip():
            wanted[key] = str(value)
    if {key: st.query_params[key] for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def scenario(label: str, result: Any, region_label: str, law_label: str, gpu_label: str) -> dict[str, str]:
    """A plan as one pinned column: the inputs that make it and its headline figures, formatted."""
    footprint = result.footprint
    row = {
        "Scenario": label,
        "Region": region_label,
        "Law": law_label,
        "Hardware": gpu_label,
        "Training compute [FLOP]": format_number(result.compute_flops),
        "Parameters": format_count(result.params),
        "Training tokens": format_count(result.tokens),
        "Expected loss [nats/token]": f"{result.loss:.4f}",
    }
    if footprint is not None:
        row.update(
            {
                "Energy [MWh]": format_number(footprint.energy_kwh / 1000.0),
                "Carbon [t CO2e]": format_number(footprint.co2e_kg / 1000.0),
                "Water [m³]": format_number(footprint.water_l / 1000.0),
                "Wall clock [days]": (
                    format_number(footprint.hours / 24.0) if footprint.hours is not None else "–"
                ),
            }
        )
    return row


def pin(row: dict[str, str]) -> None:
    """Keep ``row`` among the pinned scenarios (the oldest dropped past :data:`MAX_PINNED`)."""
    pinned = [old for old in st.session_state.get(PINNED, []) if old != row]
    pinned.append(row)
    st.session_state[PINNED] = pinned[-MAX_PINNED:]


def show_pinned(current: dict[str, str]) -> None:
    """The pin button, and the pinned scenarios side by side with the current plan (one column each)."""
    left, right = st.columns([1, 1])
    if left.button("Pin this scenario", key="pin", icon=":material/push_pin:"):
        pin(current)
    pinned = st.session_state.get(PINNED, [])
    if pinned and right.button("Clear pinned", key="clear_pins"):
        st.session_state[PINNED] = []
        pinned = []
    if not pinned:
        st.caption(f"Pin up to {MAX_PINNED} scenarios (region, law, hardware, budget) to compare them here.")
        return
    columns = [*pinned, {**current, "Scenario": "current"}]
    labels = list(dict.fromkeys(key for column in columns for key in column if key != "Scenario"))
    table = [
        {"": label, **{f"{i + 1}. {c['Scenario']}": c.get(label, "–") for i, c in enumerate(columns)}}
        for label in labels
    ]
    st.dataframe(table, hide_index=True, key="pinned_table")


def _flatten(payload: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in payload.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(_flatten(value, f"{name}."))
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], Mapping):
            for i, item in enumerate(value):
                rows.extend(_flatten(item, f"{name}.{i}."))
        elif isinstance(value, (list, tuple)):
            rows.append((name, "; ".join(str(v) for v in value)))
        else:
            rows.append((name, value))
    return rows


def plan_csv(payload: Mapping[str, Any]) -> str:
    """``Plan.to_dict()`` as a two-column CSV (``key,value``; nested keys dotted)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "value"])
    writer.writerows(_flatten(payload))
    return out.getvalue()


def records_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """Rows of one shape (``RegionComparison.to_dict()``) as a CSV with a header."""
    out = io.StringIO()
    if records:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return out.getvalue()


def as_json(payload: Any) -> str:
    """JSON as the CLI's ``--json`` writes it (NaN is a bug here, so it raises)."""
    return json.dumps(payload, indent=2, allow_nan=False) + "\n"


def downloads(items: Sequence[tuple[str, Callable[[], str], str, str]]) -> None:
    """Download buttons in a wrapping row: (label, content builder, file name, MIME type) each. The builder
    runs only when its button is clicked (Streamlit's deferred download), not on every rerun."""
    with st.container(horizontal=True, key="downloads"):
        for label, build, file_name, mime in items:
            st.download_button(
                label,
                build,
                file_name=file_name,
                mime=mime,
                key=f"download_{file_name}",
                on_click="ignore",
                icon=":material/download:",
            )
