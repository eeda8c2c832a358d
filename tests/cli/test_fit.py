from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.cli.main import main
from fmfootprint.scaling.allocate import compute_optimal
from fmfootprint.scaling.laws import load_law

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
    assert "bootstrap" in err  # the progress bar goes to stderr


def test_fit_example_data_set_with_default_columns(capsys) -> None:
    code, out, _ = _run(capsys, "fit", str(EXAMPLE))
    assert code == 0
    assert "alpha" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["fit", str(EPOCH)], "unknown column in"),  # no 'params' column
        (["fit", str(EPOCH), "--params-col", "Model Size", "--tokens-col", "tokens"], "'tokens'"),
        ([*EPOCH_ARGS, "--loss-col", "Loss"], "did you mean loss"),
        (["fit", "/no/such/runs.csv"], "No such file"),
        ([*EPOCH_ARGS, "--exclude-top-loss", "241"], "at least 5 runs"),
        ([*EPOCH_ARGS, "--exclude-top-loss", "-1"], "--exclude-top-loss must be a whole number >= 0"),
        ([*EPOCH_ARGS, "--bootstrap", "-3"], "--bootstrap must be a whole number >= 1"),
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
