"""Reading training runs (model size, tokens or FLOPs, final loss) for :func:`fmfootprint.scaling.fit.fit`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fmfootprint.errors import FootprintInputError, UnknownNameError

__all__ = ["MIN_RUNS", "load_runs", "prepare_runs"]

#: Fewest runs a fit accepts (the Chinchilla form has 5 parameters).
MIN_RUNS = 5


def load_runs(
    path_or_df: str | Path | pd.DataFrame,
    params_col: str = "params",
    tokens_col: str | None = "tokens",
    flops_col: str | None = None,
    loss_col: str = "loss",
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

    Raises
    ------
    FootprintInputError
        A missing column (with the closest existing names), or a non-numeric, non-finite or non-positive
        value (naming the column and row).
    """
    if isinstance(path_or_df, pd.DataFrame):
        frame = path_or_df
        source = "runs"
    else:
        source = str(path_or_df)
        try:
            frame = pd.read_csv(path_or_df)
        except pd.errors.EmptyDataError:
            raise FootprintInputError(f"{source!r} is empty") from None
        except pd.errors.ParserError as exc:
            raise FootprintInputError(f"cannot parse {source!r} as CSV: {str(exc).splitlines()[0]}") from None
    columns = [str(c) for c in frame.columns]
    wanted = {"params": params_col, "loss": loss_col}
    if flops_col is not None:
        wanted["flops"] = flops_col
    elif tokens_col is not None:
        wanted["tokens"] = tokens_col
    else:
        raise FootprintInputError("give a tokens column or a FLOPs column")
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
    return pd.DataFrame({"params": values["params"], "tokens": values["tokens"], "loss": values["loss"]})


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
