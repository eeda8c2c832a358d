"""Reading training runs (model size, tokens or FLOPs, final loss) for :func:`fmfootprint.scaling.fit.fit`."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fmfootprint._io import check_read_size
from fmfootprint.errors import FootprintInputError, FootprintIOError, UnknownNameError

__all__ = [
    "MIN_RUNS",
    "ROLES",
    "check_columns",
    "guess_columns",
    "load_runs",
    "prepare_runs",
    "range_warnings",
]

#: Fewest runs a fit accepts (the Chinchilla form has 5 parameters).
MIN_RUNS = 5

#: The roles a runs table's columns play, with their human names (messages, the Fit page).
ROLES = {"params": "parameters", "tokens": "tokens", "flops": "FLOPs", "loss": "loss"}
# Name fragments that suggest each role, most specific first, and whole names that mean it. Roles are
# guessed in the order loss, FLOPs, tokens, parameters, and a column serves one role only (so
# "train_tokens" is never also the size); a ratio column ("tokens/params") is a last resort.
_HINTS = {
    "loss": ("loss", "nll", "xent", "perplexity"),
    "flops": ("flop", "compute"),
    "tokens": ("token", "data"),
    "params": ("param", "modelsize", "size", "model"),
}
_EXACT = {"loss": ("l", "ce"), "flops": ("c",), "tokens": ("d",), "params": ("n",)}
#: Plausible range of each role [its unit]: outside it a run is more likely a unit or column mix-up.
_PLAUSIBLE = {
    "params": (1e3, 1e14),
    "tokens": (1e4, 1e16),
    "loss": (1e-3, 30.0),
}


def guess_columns(columns: Sequence[object]) -> dict[str, str | None]:
    """A distinct column for each role (params, tokens, flops, loss) guessed from the names, or None.

    Parameters
    ----------
    columns : sequence
        The table's column names.

    Returns
    -------
    dict
        {role: column or None}; no column is given two roles. For ``model_size,train_tokens,eval_loss``:
        params model_size, tokens train_tokens, flops None, loss eval_loss.
    """
    names = [str(c) for c in columns]
    keys = {n: re.sub(r"[^a-z0-9/]", "", n.lower()) for n in names}
    used: set[str] = set()
    guessed: dict[str, str | None] = {}
    for role in ("loss", "flops", "tokens", "params"):
        free = [n for n in names if n not in used]
        exact = [n for n in free if keys[n] in (role, *_EXACT[role], *_HINTS[role])]
        partial = [n for h in _HINTS[role] for n in free if h in keys[n]]
        # Whole-name matches, then names with a hint (plain before ratios such as "Tokens/Params").
        ranked = exact + sorted(dict.fromkeys(partial), key=lambda n: ("/" in keys[n], partial.index(n)))
        guessed[role] = ranked[0] if ranked else None
        if ranked:
            used.add(ranked[0])
    return {role: guessed[role] for role in ROLES}


def check_columns(**columns: str | None) -> None:
    """Refuse one column for two roles, e.g. ``check_columns(params="x", tokens="x", loss="y")``.

    Raises
    ------
    FootprintInputError
        One line naming the column and both roles.
    """
    seen: dict[str, str] = {}
    for role, column in columns.items():
        if column is None:
            continue
        if column in seen:
            raise FootprintInputError(
                f"column {column!r} is chosen for both {ROLES.get(seen[column], seen[column])} and "
                f"{ROLES.get(role, role)}; pick a different column for each"
            )
        seen[column] = role


def range_warnings(runs: pd.DataFrame) -> tuple[str, ...]:
    """Warnings for runs outside the plausible range of each role (params, tokens, loss).

    A size below 1,000 or a loss above 30 more often means a column in other units (millions of
    parameters, perplexity) than a real run; the fit still runs, the warning says which column to check.
    """
    notes = []
    for role, (low, high) in _PLAUSIBLE.items():
        values = runs[role].to_numpy(dtype=float)
        outside = (values < low) | (values > high)
        if outside.any():
            notes.append(
                f"{int(outside.sum())} of {values.size} runs have {ROLES[role]} outside the plausible "
                f"{low:g}-{high:g} (e.g. {values[outside][0]:g}); check the column and its unit"
            )
    return tuple(notes)


def load_runs(
    path_or_df: str | Path | pd.DataFrame,
    params_col: str = "params",
    tokens_col: str | None = "tokens",
    flops_col: str | None = None,
    loss_col: str = "loss",
    *,
    guess: bool | Collection[str] = False,
) -> pd.DataFrame:
    """Read training runs into a DataFrame with columns params, tokens, loss.

    Parameters
    ----------
    path_or_df : str, Path or DataFrame
        A CSV file or a DataFrame.
    params_col : str
        Column of model sizes N [parameters].
    tokens_col : str or None
        Column of training tokens D [tokens]. Ignored when ``flops_col`` is given.
    flops_col : str or None
        Column of training compute C [FLOPs]; then D = C / (6·N) (Hoffmann et al. 2022, §3).
    loss_col : str
        Column of final losses L [nats/token].
    guess : bool or collection of str
        Where a named column is absent, use the one :func:`guess_columns` finds for its role: True for
        every role, or the roles ("params", "data" for tokens or FLOPs, "loss") the caller did not name
        (the CLI: ``fit runs.csv`` on ``model_size,train_tokens,eval_loss`` just works). The columns used
        are in the result's ``attrs["columns"]``.

    Raises
    ------
    FootprintInputError
        A missing column (with the closest existing names), one column for two roles, a file that is not
        readable CSV (naming it), or a non-numeric, non-finite or non-positive value (naming the column and
        row). A file over :data:`fmfootprint._io.MAX_READ_BYTES` is refused before it is read.
    """
    if isinstance(path_or_df, pd.DataFrame):
        frame = path_or_df
        source = "runs"
    else:
        source = str(path_or_df)
        try:
            os.stat(path_or_df)
        except OSError as exc:  # the operating system's words, then the file (as the CLI prints OSErrors)
            reason = exc.strerror or type(exc).__name__
            raise FootprintIOError(f"{reason}: {source}", path=source, reason=reason) from None
        check_read_size(path_or_df, what="runs file")
        try:
            frame = pd.read_csv(path_or_df)
        except pd.errors.EmptyDataError:
            raise FootprintInputError(f"{source!r} is empty") from None
        except pd.errors.ParserError as exc:
            raise FootprintInputError(f"cannot parse {source!r} as CSV: {str(exc).splitlines()[0]}") from None
        except UnicodeDecodeError as exc:
            raise FootprintInputError(f"cannot read {source}: not UTF-8 text (byte {exc.start})") from None
    columns = [str(c) for c in frame.columns]
    if guess:
        roles = {"params", "data", "loss"} if guess is True else set(guess)
        params_col, tokens_col, flops_col, loss_col = _guessed(
            columns, roles, params_col, tokens_col, flops_col, loss_col
        )
    wanted = {"params": params_col, "loss": loss_col}
    if flops_col is not None:
        wanted["flops"] = flops_col
    elif tokens_col is not None:
        wanted["tokens"] = tokens_col
    else:
        raise FootprintInputError("give a tokens column or a FLOPs column")
    check_columns(**wanted)
    for column in wanted.values():
        if column not in frame.columns:
            raise UnknownNameError(f"column in {source}", column, columns)
    values: dict[str, NDArray[np.float64]] = {}
    for role, column in wanted.items():
        series = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(series) | (series <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raw = frame[column].iloc[row]
            raise FootprintInputError(
                f"column {column!r} must hold finite numbers > 0; row {row + 1} has {raw!r}"
            )
        values[role] = series
    if "flops" in values:
        values["tokens"] = values["flops"] / (6.0 * values["params"])
    out = pd.DataFrame({"params": values["params"], "tokens": values["tokens"], "loss": values["loss"]})
    out.attrs["columns"] = dict(wanted)
    return out


def _guessed(
    columns: list[str],
    roles: set[str],
    params: str,
    tokens: str | None,
    flops: str | None,
    loss: str,
) -> tuple[str, str | None, str | None, str]:
    """The named columns, each absent one of ``roles`` replaced by the guess for its role (if any)."""
    guess = guess_columns(columns)
    if "params" in roles and params not in columns:
        params = guess["params"] or params
    if "loss" in roles and loss not in columns:
        loss = guess["loss"] or loss
    if "data" in roles and flops is None and (tokens is None or tokens not in columns):
        if guess["tokens"] is not None:
            tokens = guess["tokens"]
        elif guess["flops"] is not None:
            tokens, flops = None, guess["flops"]
    return params, tokens, flops, loss


def prepare_runs(runs: pd.DataFrame | str | Path, exclude_top_loss: int) -> pd.DataFrame:
    """The runs :func:`~fmfootprint.scaling.fit.fit` uses: read, the ``exclude_top_loss`` highest losses
    dropped (Besiroglu et al. 2024 drop 5), at least :data:`MIN_RUNS` left."""
    frame = load_runs(runs)  # validates DataFrames too
    k = int(exclude_top_loss)
    if k != exclude_top_loss or k < 0:
        raise FootprintInputError(f"exclude_top_loss must be a whole number >= 0, got {exclude_top_loss!r}")
    if k:
        if k >= len(frame):
            raise FootprintInputError(f"exclude_top_loss={k} would drop all {len(frame)} runs")
        # Besiroglu et al.: keep runs whose loss is below the k-th largest loss.
        threshold = np.sort(frame["loss"].to_numpy())[-k]
        frame = frame[frame["loss"] < threshold]
    if len(frame) < MIN_RUNS:
        raise FootprintInputError(f"need at least {MIN_RUNS} runs to fit a scaling law, got {len(frame)}")
    return frame.reset_index(drop=True)
