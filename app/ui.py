"""Small helpers shared by the pages: error display, cached catalog look-ups, uploads.

Nothing here computes a scaling or footprint quantity; that is the library's job.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from fmfootprint.errors import FootprintInputError
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
RUN_STAGES = "run_stages"  # its StageFootprint records (what the Model-card page reports)
RUN_CARD_SOURCE = "run_card_source"  # the merged RunSummary when the runs are one stage (the card reads it)

#: Set to "1" by ``fmfootprint app --allow-local-paths``: the Runs and Card pages then accept folders on
#: this server. Unset (the default), they read uploads only, so no visitor can name a server path.
LOCAL_PATHS_ENV = "FMFOOTPRINT_ALLOW_LOCAL_PATHS"
LOCAL_PATHS_NOTE = "local paths enabled: this server's files can be read"
#: Names an uploaded tracker file may have (a log or a summary; no folders, no other kinds).
TRACKER_FILE = re.compile(r"^[\w.\-]+\.(jsonl|json)$")
#: Longest error message a page shows [characters]; the rest is cut.
MAX_MESSAGE = 400


class UploadError(ValueError):
    """A problem with what the person typed or uploaded; shown with st.error, never as a traceback."""


def local_paths_allowed() -> bool:
    """Whether this server was started with ``--allow-local-paths`` (typed server paths accepted)."""
    return os.environ.get(LOCAL_PATHS_ENV, "") == "1"


def error_message(exc: Exception) -> str:
    """One line for the page: the library's (or the upload's) own message, else ``internal error: …``."""
    if isinstance(exc, (FootprintInputError, UploadError)):
        message = str(exc)
    elif isinstance(exc, RecursionError):
        message = "the file is nested too deeply to read; upload the tracker's own JSON"
    elif isinstance(exc, OSError):
        message = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
    elif isinstance(exc, ValueError):  # still a message about the input, from a library call
        message = str(exc) or type(exc).__name__
    else:
        message = f"internal error: {type(exc).__name__}: {exc}"
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


@contextmanager
def errors_shown(stop: bool = True) -> Iterator[None]:
    """The pages' error boundary: any exception becomes one red line (st.error), then the page stops.

    Input errors show the library's message; anything else reads ``internal error: …``. Streamlit's own
    st.stop and reruns are BaseExceptions and pass through.
    """
    try:
        yield
    except Exception as exc:  # the boundary: nothing reaches the page as a traceback
        st.error(f"⚠️ {error_message(exc)}")
        if stop:
            st.stop()


@contextmanager
def uploaded_run_folder(files: Sequence[Any]) -> Iterator[str]:
    """Uploaded tracker files in a private folder that exists only inside the block (then removed).

    The folder is new for every script run, readable by this process only (``mkdtemp`` makes it 0700),
    and gone before the page is shown, so no other visitor can name it. An input error raised inside the
    block names the uploaded file (and the field, as the library's message does), not its private copy.
    """
    with tempfile.TemporaryDirectory(prefix="fmfootprint-upload-") as folder:
        for upload in files:
            name = os.path.basename(str(upload.name))
            if not TRACKER_FILE.match(name):
                raise UploadError(
                    f"{upload.name!r} is not a tracker file; upload the run's *.jsonl and *.summary.json"
                )
            with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
                out.write(read_text_upload(upload))
        try:
            yield folder
        except FootprintInputError as exc:
            message = str(exc).replace(folder + os.sep, "").replace(folder, "the uploaded files")
            raise UploadError(message) from None


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


#: Width of one headline metric [px]: wide enough for the longest formatted value ("24,000", "0.0774"),
#: so a row of them wraps onto the next line at 800 px instead of cutting values to "8…".
METRIC_WIDTH_PX = 170


@contextmanager
def metric_row(key: str) -> Iterator[None]:
    """A row of headline metrics that wraps on a narrow page (a horizontal flex container)."""
    with st.container(horizontal=True, wrap=True, key=key, gap="small"):
        yield


def metric(
    label: str,
    value: str,
    notes: Sequence[str] = (),
    *,
    equivalent: str | None = None,
    source: str | None = None,
) -> None:
    """One headline metric of fixed width, with its notes (ranges) and an everyday equivalent below it
    (the equivalent's source in its tooltip)."""
    with st.container(width=METRIC_WIDTH_PX, gap=None):
        st.metric(label, value)
        for note in notes:
            st.caption(note)
        if equivalent:
            st.caption(equivalent, help=source)


def threshold_note(plan: Any) -> tuple[str, bool] | None:
    """The EU AI Act compute-threshold sentence of a plan (the library's), and whether it crosses one;
    None when the plan carries no threshold check."""
    check = getattr(plan, "eu_ai_act", None)
    if check is None:
        return None
    from fmfootprint.planning.thresholds import threshold_note as note

    return note(check.compute_flops), bool(check.exceeded)


def read_json_upload(upload: Any, what: str = "file") -> Any:
    """An uploaded JSON file parsed by the library's bounded reader (depth-limited, never executed)."""
    from fmfootprint._io import parse_json

    return parse_json(read_text_upload(upload), what=f"{what} {upload.name}")


def incomplete_note(totals: dict[str, Any]) -> str:
    """Why a run's totals are incomplete: its flags about missing stop records or readings."""
    reasons = [
        flag for flag in totals.get("flags", []) if "no stop record" in flag or "no reading" in flag
    ] or ["a session has no stop record"]
    return (
        "This run is incomplete: its figures stop at the last logged sample. "
        + "; ".join(reasons[:3])
        + (f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else "")
        + "."
    )
