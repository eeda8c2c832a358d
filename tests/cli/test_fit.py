from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fmfootprint.cli.main import main
from fmfootprint.scaling.allocate import compute_optimal
from fmfootprint.scaling.laws import ChinchillaLaw, load_law

DATA = Path(__file__).resolve().parents[1] / "data" / "scaling"
EPOCH = DATA / "epoch_chinchilla_svg_extracted_data.csv"
EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "sardana2024_runs.csv"
EPOCH_ARGS = ["fit", str(EPOCH), "--params-col", "Model Size", "--flops-col", "Training FLOP"]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_json_is_a_law_file_for_plan(capsys, tmp_path) -> None:
    code, out, _ = _run(capsys, *EPOCH_ARGS, "--exclude-top-loss", "5", "--json")
    assert code == 0
    payload = json.loads(out)
    assert {"E", "A", "B", "alpha", "beta", "objective", "n_points"} <= set(payload)
    assert payload["n_points"] == 240
    assert payload["E"] == pytest.approx(1.8172, abs=5e-5)
    law_file = tmp_path / "fit.json"
    law_file.write_text(out)
    code, out, _ = _run(capsys, "plan", "--compute", "1e24", "--law-file", str(law_file), "--json")
    assert code == 0
    planned = json.loads(out)
    assert planned["law"] == "fit"
    assert planned["params"] == pytest.approx(compute_optimal(1e24, load_law(law_file)).params)


def test_fit_bootstrap_intervals(capsys) -> None:
    code, out, err = _run(
        capsys, *EPOCH_ARGS, "--exclude-top-loss", "5", "--bootstrap", "50", "--seed", "3", "--json"
    )
    assert code == 0
    payload = json.loads(out)
    assert set(payload["intervals"]) == {"E", "A", "B", "alpha", "beta"}
    for name, (low, high) in payload["intervals"].items():
        assert low <= payload[name] <= high or low <= high
    assert err == ""  # stderr is not a terminal here: no progress bar drawn into it


def test_fit_text_output_says_how_many_resamples_converged(capsys) -> None:
    code, out, err = _run(capsys, *EPOCH_ARGS, "--exclude-top-loss", "5", "--bootstrap", "40", "--seed", "1")
    assert code == 0
    assert err == ""
    line = next(row for row in out.splitlines() if row.startswith("bootstrap"))
    assert re.fullmatch(r"bootstrap\s+(\d+) of 40 resamples converged", line)


def test_fit_progress_bar_on_a_terminal_reaches_its_total(capsys, monkeypatch) -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    code = main([*EPOCH_ARGS, "--exclude-top-loss", "5", "--bootstrap", "30", "--json"])
    assert code == 0
    bars = terminal.getvalue().replace("\r", "\n")
    assert "30/30" in bars  # every resample counted, converged or not


def test_fit_gadre_form_json_is_a_law_file_with_its_own_parameters(capsys, tmp_path) -> None:
    code, out, err = _run(capsys, "fit", str(EXAMPLE), "--form", "gadre2024", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["form"] == "gadre2024"
    assert payload["alpha"] == payload["beta"]
    assert payload["form_parameters"]["eta"] == pytest.approx(payload["alpha"] / 2)
    law_file = tmp_path / "gadre.json"
    law_file.write_text(out)
    code, out, _ = _run(capsys, "plan", "--compute", "1e22", "--law-file", str(law_file), "--json")
    assert code == 0
    text_code, text, _ = _run(capsys, "fit", str(EXAMPLE), "--form", "gadre")
    assert text_code == 0
    assert re.search(r"^eta\s+0\.\d+", text, re.MULTILINE)


def test_fit_runs_of_another_modality_with_their_own_column_names(capsys, tmp_path) -> None:
    law = ChinchillaLaw(E=0.62, A=95.0, B=3.1e3, alpha=0.27, beta=0.44)
    rows = ["n_params,audio_tokens,val_ce"]
    for n in (2e7, 6e7, 2e8, 6e8, 2e9):
        for ratio in (2.0, 8.0, 30.0, 100.0):
            rows.append(f"{n},{n * ratio},{law.loss(n, n * ratio)}")
    path = tmp_path / "speech.csv"
    path.write_text("\n".join(rows) + "\n")
    argv = [
        "fit",
        str(path),
        "--params-col",
        "n_params",
        "--tokens-col",
        "audio_tokens",
        "--loss-col",
        "val_ce",
    ]
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    assert json.loads(out)["beta"] == pytest.approx(0.44, rel=1e-5)


def test_fit_example_data_set_with_default_columns(capsys) -> None:
    code, out, _ = _run(capsys, "fit", str(EXAMPLE))
    assert code == 0
    assert "alpha" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["fit", str(EPOCH), "--params-col", "params"], "unknown column in"),  # typed: never guessed
        (["fit", str(EPOCH), "--params-col", "Model Size", "--tokens-col", "tokens"], "'tokens'"),
        ([*EPOCH_ARGS, "--loss-col", "Loss"], "did you mean loss"),
        (["fit", "/no/such/runs.csv"], "No such file"),
        ([*EPOCH_ARGS, "--exclude-top-loss", "241"], "at least 5 runs"),
        ([*EPOCH_ARGS, "--exclude-top-loss", "-1"], "--exclude-top-loss must be a whole number >= 0"),
        ([*EPOCH_ARGS, "--bootstrap", "-3"], "--bootstrap must be a whole number >= 1"),
        ([*EPOCH_ARGS, "--bootstrap", "100000000"], "--bootstrap must be at most 100,000 resamples"),
        ([*EPOCH_ARGS, "--form", "kaplan"], "unknown fit form 'kaplan'; valid forms: chinchilla, gadre2024"),
        (
            [*EPOCH_ARGS, "--loss-col", "Model Size"],
            "column 'Model Size' is chosen for both parameters and loss",
        ),
    ],
)
def test_fit_errors_are_one_line_exit_2(capsys, argv, needle) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err


def test_fit_with_too_few_runs(capsys, tmp_path) -> None:
    path = tmp_path / "runs.csv"
    path.write_text("params,tokens,loss\n1e8,1e9,3\n2e8,1e9,2.9\n4e8,1e9,2.8\n8e8,2e9,2.7\n")
    code, _, err = _run(capsys, "fit", str(path))
    assert code == 2
    assert "need at least 5 runs" in err


def test_runs_outside_plausible_ranges_are_flagged_in_text_and_json(capsys, tmp_path) -> None:
    # Sizes given in millions of parameters: the fit runs, and the output says which column to check.
    law = ChinchillaLaw(E=1.8, A=480.0, B=2100.0, alpha=0.35, beta=0.37)
    rows = ["params_m,tokens,loss"]
    for n in (1e8, 3e8, 1e9, 3e9):
        for ratio in (5.0, 20.0, 80.0):
            rows.append(f"{n / 1e6},{n * ratio},{law.loss(n, n * ratio)}")
    path = tmp_path / "millions.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, _ = _run(capsys, "fit", str(path), "--params-col", "params_m", "--json")
    assert code == 0
    (warning,) = json.loads(out)["warnings"]
    assert warning.startswith("6 of 12 runs have parameters outside the plausible 1000-1e+14 (e.g. 100)")
    code, out, _ = _run(capsys, "fit", str(path), "--params-col", "params_m")
    assert re.search(r"^warning\s+6 of 12 runs have parameters outside", out, re.MULTILINE)


def test_fit_guesses_distinct_columns_the_user_did_not_name(capsys) -> None:
    # No column flags on the Epoch CSV (x, y, color, Model Size, Training FLOP, hex_color, loss).
    code, out, err = _run(capsys, "fit", str(EPOCH), "--exclude-top-loss", "5", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["columns"] == {"params": "Model Size", "loss": "loss", "flops": "Training FLOP"}
    assert payload["n_points"] == 240
    assert payload["E"] == pytest.approx(1.8172, abs=5e-5)
    code, out, _ = _run(capsys, "fit", str(EPOCH))
    assert "columns    params 'Model Size', loss 'loss', flops 'Training FLOP'" in out
