"""Reading runs: distinct column guesses, one column per role, plausible ranges, bounded and named reads."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmfootprint import _io
from fmfootprint.errors import FootprintInputError
from fmfootprint.scaling.runs import check_columns, guess_columns, load_runs, range_warnings


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # The Fit page used to offer train_tokens for both the parameters and the tokens.
        (["model_size", "train_tokens", "eval_loss"], ("model_size", "train_tokens", None, "eval_loss")),
        (["params", "tokens", "loss"], ("params", "tokens", None, "loss")),
        (
            ["x", "y", "color", "Model Size", "Training FLOP", "hex_color", "loss"],
            ("Model Size", None, "Training FLOP", "loss"),
        ),
        (
            ["Model Name", "Parameters", "Tokens/Params", "Tokens", "Batch Size", "Smoothed Loss"],
            ("Parameters", "Tokens", None, "Smoothed Loss"),
        ),
        (["N", "D", "L"], ("N", "D", None, "L")),
        (["alpha", "beta"], (None, None, None, None)),
    ],
)
def test_guessed_columns_are_distinct_and_sensible(columns, expected) -> None:
    guessed = guess_columns(columns)
    assert tuple(guessed[r] for r in ("params", "tokens", "flops", "loss")) == expected
    chosen = [c for c in guessed.values() if c is not None]
    assert len(chosen) == len(set(chosen))


def test_one_column_cannot_serve_two_roles(tmp_path) -> None:
    with pytest.raises(FootprintInputError, match="'t' is chosen for both parameters and tokens"):
        check_columns(params="t", tokens="t", loss="l")
    check_columns(params="n", tokens=None, flops="c", loss="l")  # distinct: fine
    frame = pd.DataFrame({"model_size": [1e8] * 5, "train_tokens": [1e9] * 5, "eval_loss": [3.0] * 5})
    with pytest.raises(FootprintInputError, match="'train_tokens' is chosen for both parameters and tokens"):
        load_runs(frame, params_col="train_tokens", tokens_col="train_tokens", loss_col="eval_loss")


def test_runs_outside_plausible_ranges_are_named() -> None:
    runs = pd.DataFrame({"params": [125.0, 1e9], "tokens": [1e9, 2e10], "loss": [3.1, 2.5]})
    (note,) = range_warnings(runs)
    assert note.startswith("1 of 2 runs have parameters outside the plausible 1000-1e+14 (e.g. 125)")
    fine = pd.DataFrame({"params": [1e8, 1e9], "tokens": [1e9, 2e10], "loss": [3.1, 2.5]})
    assert range_warnings(fine) == ()
    perplexity = pd.DataFrame({"params": [1e8, 1e9], "tokens": [1e9, 2e10], "loss": [45.0, 20.0]})
    assert "loss outside" in range_warnings(perplexity)[0]


def test_a_runs_file_over_the_read_cap_is_refused_naming_it(tmp_path, monkeypatch) -> None:
    path = tmp_path / "runs.csv"
    path.write_text("params,tokens,loss\n" + "1e8,1e9,3\n" * 2000)
    monkeypatch.setattr(_io, "MAX_READ_BYTES", 1024)
    with pytest.raises(
        FootprintInputError, match=r"runs file '.*runs.csv' is 0 MiB; the tool reads files of at most"
    ):
        load_runs(path)


def test_an_undecodable_or_missing_runs_file_is_named(tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("params,tokens,loss,note\n1e8,1e9,3,caf\xe9\n".encode("latin-1"))
    with pytest.raises(FootprintInputError, match=r"cannot read .*latin1\.csv: not UTF-8 text"):
        load_runs(path)
    with pytest.raises(FootprintInputError, match=r"No such file or directory: .*nothing\.csv"):
        load_runs(tmp_path / "nothing.csv")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=0, max_size=8, unique=True))
def test_guesses_are_always_distinct_columns_of_the_table(columns) -> None:
    guessed = guess_columns(columns)
    assert set(guessed) == {"params", "tokens", "flops", "loss"}
    chosen = [c for c in guessed.values() if c is not None]
    assert len(chosen) == len(set(chosen))
    assert set(chosen) <= set(columns)
    check_columns(**guessed)  # what is guessed is never refused


def test_load_runs_guesses_only_the_roles_it_is_allowed_to() -> None:
    frame = pd.DataFrame(
        {"model_size": [1e8] * 5, "train_tokens": [2e9] * 5, "eval_loss": [3.0] * 5, "train_loss": [9.0] * 5}
    )
    runs = load_runs(frame, guess=True)
    assert runs.attrs["columns"] == {"params": "model_size", "loss": "eval_loss", "tokens": "train_tokens"}
    assert (runs["loss"] == 3.0).all()
    # A role the caller named is never replaced by a guess.
    with pytest.raises(FootprintInputError, match="unknown column in runs 'size'"):
        load_runs(frame, params_col="size", guess=["data", "loss"])
    assert load_runs(frame, loss_col="train_loss", guess=["params", "data"])["loss"].iloc[0] == 9.0
