"""``fmfootprint inference`` and ``rate``: the JSON contract, the text, one-line errors (exit 2)."""

from __future__ import annotations

import json

import pytest

from fmfootprint.cli.main import main
from fmfootprint.serving.query import inference

CONTRACT = {
    "energy_wh_per_query",
    "energy_j_per_output_token",
    "co2e_g_per_query",
    "water_ml_per_query",
    "latency_s",
    "accelerators",
    "ranges",
    "assumptions",
    "rating",
}
ARGS = ["inference", "--params", "70e9", "--gpu", "H100", "--input-tokens", "1000", "--output-tokens", "500"]


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_contract_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(capsys, *ARGS, "--batch", "64", "--precision", "fp8", "--region", "FR")
    assert set(payload) >= CONTRACT
    expected = inference(
        70e9, gpu="H100", input_tokens=1000, output_tokens=500, batch=64, precision="fp8", region="FR"
    )
    assert payload["energy_wh_per_query"] == pytest.approx(expected.energy_wh_per_query)
    assert payload["accelerators"] == 2
    assert payload["region"] == "FR"
    for key in ("energy_wh_per_query", "co2e_g_per_query", "water_ml_per_query", "latency_s"):
        low, high = payload["ranges"][key]
        assert low <= payload[key] <= high
    assert payload["rating"]["label"] in "ABCDEFG"
    assert payload["rating"]["version"].startswith("fmfootprint energy rating v1")


def test_auto_batch_and_moe_and_readable_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(
        capsys,
        "inference",
        "--params",
        "46.7B",
        "--active-params",
        "12.9B",
        "--gpu",
        "B200",
        "--input-tokens",
        "1,000",
        "--output-tokens",
        "300",
        "--batch",
        "auto",
    )
    assert payload["batch_auto"] is True
    assert payload["active_params"] == pytest.approx(12.9e9)


def test_text_output_shows_ranges_rating_and_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--batch", "8"]) == 0
    out = capsys.readouterr().out
    assert "energy per query (facility)" in out
    assert "[range" in out
    assert "Energy rating (inference, text-generation, medium model): **" in out
    assert "memory_bandwidth_tb_s: 3.35 TB/s" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([*ARGS[:-1], "0"], "--output-tokens must be > 0"),
        ([*ARGS, "--grid-intensity", "-5"], "--grid-intensity must be >= 0"),
        ([*ARGS, "--batch", "lots"], "auto"),
        (
            ["inference", "--params", "7e9", "--gpu", "H1OO", "--input-tokens", "1", "--output-tokens", "1"],
            "unknown accelerator",
        ),
        ([*ARGS, "--accelerators", "1"], "do not fit"),
        (
            [
                "inference",
                "--params",
                "7e9",
                "--gpu",
                "RTX A6000",
                "--input-tokens",
                "9",
                "--output-tokens",
                "9",
            ],
            "give --peak-tflops",
        ),
        ([*ARGS, "--tdp-w", "-3"], "--tdp-w must be > 0"),
        (["rate", "--params", "7e9"], "give --energy-wh-per-1000"),
        (["rate", "--energy-wh-per-1000", "10"], "needs --params"),
    ],
)
def test_user_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_rate_inference_and_training(capsys: pytest.CaptureFixture[str]) -> None:
    label = _json(capsys, "rate", "--energy-wh-per-1000", "120", "--params", "70e9")
    assert (label["label"], label["size_class"], label["kind"]) == ("C", "medium", "inference")
    training = _json(capsys, "rate", "--training-kwh", "433000", "--flops", "3.9e23")
    assert training["label"] == "D"
    assert main(["rate", "--energy-wh-per-1000", "5", "--params", "7e9"]) == 0
    assert "**A**" in capsys.readouterr().out


def test_accelerator_scope_is_not_rated(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _json(capsys, *ARGS, "--batch", "8", "--scope", "accelerator")
    assert payload["rating"] is None
    assert payload["energy_it_wh_per_query"] == pytest.approx(payload["energy_accelerator_wh_per_query"])
    assert main([*ARGS, "--batch", "8", "--scope", "accelerator"]) == 0
    assert "no energy rating" in capsys.readouterr().out


def test_accelerator_figures_can_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    # RTX A6000 has no 16-bit peak in the catalog: --peak-tflops supplies it; --tdp-w overrides the catalog's.
    argv = [
        "inference",
        "--params",
        "7e9",
        "--gpu",
        "RTX A6000",
        "--input-tokens",
        "9",
        "--output-tokens",
        "9",
    ]
    payload = _json(capsys, *argv, "--peak-tflops", "155", "--tdp-w", "250", "--batch", "4")
    used = {item["name"]: item for item in payload["assumptions"]}
    assert used["peak_tflops_fp16"]["value"] == 155
    assert used["tdp_w"]["source"] == "given"
