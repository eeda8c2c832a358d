"""``fmfootprint estimate``: the JSON contract, the text table, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fmfootprint.cli.main import main

CONTRACT_KEYS = {
    "gpu_hours",
    "energy_it_kwh",
    "energy_kwh",
    "co2e_operational_kg",
    "co2e_embodied_kg",
    "co2e_kg",
    "water_onsite_l",
    "water_offsite_l",
    "water_l",
    "grid_intensity_g_per_kwh",
    "pue",
    "ranges",
    "assumptions",
}


def _json(capsys, *argv: str) -> dict:
    assert main(["estimate", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_keys_and_ranges(capsys) -> None:
    payload = _json(capsys, "--gpu", "A100", "--gpus", "8", "--hours", "24", "--region", "FR")
    assert set(payload) >= CONTRACT_KEYS
    for key, bounds in payload["ranges"].items():
        assert bounds[0] <= payload[key] <= bounds[1]
    assert payload["gpu_hours"] == 192


def test_llama_65b_table_15(capsys) -> None:
    # Touvron et al. 2023, Table 15: 1,022,362 GPU-h at 400 W, PUE 1.1, 385 g/kWh -> 449 MWh, 173 t.
    payload = _json(
        capsys, "--gpu-hours", "1022362", "--power-w", "400", "--pue", "1.1", "--grid-intensity", "385"
    )
    assert payload["energy_kwh"] == pytest.approx(449_000, rel=0.01)
    assert payload["co2e_operational_kg"] == pytest.approx(173_000, rel=0.01)


def test_flags_override_the_region(capsys) -> None:
    payload = _json(
        capsys, "--power-w", "300", "--hours", "10", "--region", "US-CA", "--pue", "1.25",
        "--grid-intensity", "50", "--wue", "0.1", "--ewif", "1.0",
    )  # fmt: skip
    assert payload["pue"] == 1.25
    assert payload["grid_intensity_g_per_kwh"] == 50
    assert payload["water_onsite_l"] == pytest.approx(0.1 * 3.0)


def test_flops_and_mfu(capsys) -> None:
    payload = _json(capsys, "--gpu", "H100", "--gpus", "512", "--flops", "1e23", "--mfu", "0.4")
    assert payload["hours"] > 0
    assert any(a["name"] == "peak_tflops" for a in payload["assumptions"])


def test_text_table_lists_outputs_and_assumptions(capsys) -> None:
    assert main(["estimate", "--gpu", "H100", "--gpus", "8", "--hours", "100"]) == 0
    out = capsys.readouterr().out
    labels = (
        "accelerator-hours",
        "IT energy",
        "facility energy",
        "CO2e total",
        "water total",
        "assumptions:",
    )
    for label in labels:
        assert label in out
    assert "host power not counted" in out


def test_site_defaults_are_said_next_to_the_answer(capsys) -> None:
    # Issue 15: a country row has no PUE/WUE/EWIF; the text names the defaults used, the JSON lists them.
    assert main(["estimate", "--gpu", "H100", "--gpus", "8", "--hours", "10", "--region", "DE"]) == 0
    out = capsys.readouterr().out
    assert "defaults used (DE has none): PUE 1.56, WUE 1.8 L/kWh, EWIF 4.472 L/kWh" in out  # Europe (UN M49)
    payload = _json(capsys, "--gpu", "H100", "--hours", "10", "--region", "DE", "--pue", "1.2")
    assert payload["defaults_used"] == ["wue_l_per_kwh", "ewif_l_per_kwh"]
    assert (
        _json(
            capsys,
            "--gpu",
            "H100",
            "--hours",
            "1",
            "--pue",
            "1.1",
            "--grid-intensity",
            "50",
            "--wue",
            "0",
            "--ewif",
            "1",
        )["defaults_used"]
        == []
    )


def test_params_picks_the_calibrated_power_class(capsys) -> None:
    small = _json(capsys, "--gpu", "V100 SXM2", "--hours", "19", "--params", "5.7e6")
    unknown = _json(capsys, "--gpu", "V100 SXM2", "--hours", "19")
    assert small["energy_it_kwh"] == pytest.approx(19 * 300 * 0.317 / 1000)
    assert unknown["energy_it_kwh"] == pytest.approx(19 * 300 * 0.75 / 1000)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--hours", "3", "--gpu", "H100", "--params", "0"], "--params must be > 0"),
        (["--hours", "-3", "--power-w", "300"], "hours must be >= 0"),
        (["--hours", "3", "--power-w", "300", "--pue", "0.8"], "pue must be >= 1"),
        (["--flops", "1e20", "--mfu", "1.5", "--gpu", "A100"], "mfu must be in (0, 1]"),
        (["--flops", "1e20", "--mfu", "0", "--gpu", "A100"], "mfu must be in (0, 1]"),
        (["--hours", "3", "--gpu", "A100", "--utilization", "1.2"], "utilization must be in (0, 1]"),
        (["--hours", "3", "--gpu", "A100", "--utilization", "0"], "utilization must be in (0, 1]"),
        (["--hours", "3", "--energy-kwh", "10"], "not allowed with argument"),
        (["--hours", "3", "--power-w", "300", "--region", "XX-NOWHERE"], "unknown region"),
        (["--hours", "3", "--gpu", "H1000"], "did you mean"),
        (["--power-w", "300"], "required"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, argv, fragment) -> None:
    assert main(["estimate", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]
    assert "Traceback" not in captured.err


def test_subprocess_exit_code_and_json() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "estimate", "--hours", "-1", "--power-w", "300"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "fmfootprint estimate: error: --hours must be >= 0, got -1.0"
    good = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "estimate", "--gpu-hours", "82432", "--power-w", "400",
         "--pue", "1.1", "--grid-intensity", "385", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    assert json.loads(good.stdout)["co2e_operational_kg"] == pytest.approx(14_000, rel=0.01)


def test_samples_adds_monte_carlo_percentiles(capsys) -> None:
    payload = _json(
        capsys, "--gpu", "A100", "--gpus", "8", "--hours", "24", "--samples", "2000", "--seed", "3"
    )
    mc = payload["uncertainty"]
    assert mc["n"] == 2000
    assert mc["seed"] == 3
    low, median, high = mc["intervals"]["co2e_kg"]
    assert payload["ranges"]["co2e_kg"][0] <= low <= median <= high <= payload["ranges"]["co2e_kg"][1]
