"""Small helpers shared by the pages: error display, cached catalog look-ups, uploads.

Nothing here computes a scaling or footprint quantity; that is the library's job.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from fmfootprint.units import format_number

#: Largest upload a page reads [bytes]; the server's own limit (server.maxUploadSize) is the same 10 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Uploaders take no `type=` filter: Streamlit would raise on a wrong extension (a traceback in the page);
# the pages check names and contents themselves and say what to fix.

# Session-state keys shared between pages.
FITTED_LAW = "fitted_law"  # ChinchillaLaw chosen on the Fit page
FITTED_BOOTSTRAP = "fitted_bootstrap"  # its BootstrapResult, if one was run
PLANNER_PLAN = "planner_plan"  # the planner's last fmfootprint.planning.Plan (its footprint an Estimate)
RUN_SUMMARY = "run_summary"  # RunSummary loaded on the Runs page (for the model card)
RUN_DIRS = "run_dirs"  # the directories it came from


class UploadError(ValueError):
    """A problem with what the person typed or uploaded; shown with st.error, never as a traceback."""


@contextmanager
def errors_shown(stop: bool = True) -> Iterator[None]:
    """Show the library's one-line input errors (ValueError, OSError) as st.error and stop the page."""
    try:
        yield
    except (ValueError, OSError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else f"{exc.strerror or exc}: {exc.filename or ''}"
        st.error(f"⚠️ {message}")
        if stop:
            st.stop()


def span(low: float, high: float, fmt: Callable[[float], str] = format_number) -> str:
    """'low – high' with the same formatter (the library's :func:`fmfootprint.units.format_number`)."""
    return f"{fmt(low)} – {fmt(high)}"


@st.cache_data(show_spinner=False)
def accelerator_names() -> list[str]:
    """Accelerators the planner can plan for (TDP known), in catalog order."""
    from fmfootprint.catalog.hardware import list_accelerators

    # The planner turns time into energy with the TDP-based power model, so it needs a TDP.
    return [a.name for a in list_accelerators() if a.tdp_w]


@st.cache_data(show_spinner=False)
def region_labels() -> dict[str, str]:
    """{code: 'name (code)'} for every region in the catalog."""
    from fmfootprint.catalog.grid import list_regions

    return {r.code: f"{r.name} ({r.code})" for r in list_regions()}


def read_csv_upload(upload: Any, required: int = 1) -> pd.DataFrame:
    """Read an uploaded CSV with pandas only (never executed or unpickled), with size and shape checks.

    Raises UploadError with a message saying what to fix.
    """
    data = _check_size(upload)
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UploadError(
            f"{upload.name} is not a readable CSV ({first}); save it as comma-separated text"
        ) from None
    if frame.shape[1] < required or frame.empty:
        raise UploadError(
            f"{upload.name} has {frame.shape[0]} rows and {frame.shape[1]} columns; "
            f"it needs a header row and at least {required} columns"
        )
    return frame


def _check_size(upload: Any) -> bytes:
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{upload.name} is {size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB. "
            "Upload a smaller file."
        )
    data = upload.getvalue()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{upload.name} is larger than {MAX_UPLOAD_BYTES / 1e6:.0f} MB; upload a smaller file"
        )
    return data


def read_text_upload(upload: Any) -> str:
    """An uploaded text file as str (UTF-8), with the size check; never executed."""
    data = _check_size(upload)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadError(f"{upload.name} is not UTF-8 text; save it as UTF-8 and upload it again") from None


def without_html_comments(markdown: str) -> str:
    """``markdown`` without ``<!-- … -->`` comments, which st.markdown would show as text."""
    return re.sub(r"<!--.*?-->\s*", "", markdown, flags=re.DOTALL).strip()
