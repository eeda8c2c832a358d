"""``fmfootprint plan``: flags reach fmfootprint.planning, JSON is Plan.to_dict(), errors are one line."""

from __future__ import annotations

import json

import pytest

from fmfootprint.cli.main import main
from fmfootprint.planning import compare_regions, plan
from fmfootprint.planning.cite import cite_plan
from fmfootprint.planning.equivalents import everyday_equivalents
from fmfootprint.scaling.allocate import compute_optimal
from fmfootprint.scaling.laws import PRESETS
from fmfootprint.units import format_count, format_number

PLAN_KEYS = {"compute_flops", "params", "tokens", "loss", "tokens_per_param", "law"}
H100_FLAGS = ("--gpu", "H100", "--gpus", "8", "--mfu", "0.4")
H100 = {"gpu": "H100", "gpus": 8, "mfu": 0.4}


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_plan_json_contract(capsys) -> None:
    code, out, _ = _run(capsys, "plan", "--compute", "5.88e23", "--law", "hoffmann2022", "--json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) >= PLAN_KEYS
    assert payload["params"] == pytest.approx(compute_optimal(5.88e23, PRESETS["hoffmann2022"]).params)
    code, out, _ = _run(capsys, "plan", "--params", "7e9", "--json")
    assert code == 0
    assert json.loads(out)["params"] == 7e9


def test_cli_plan_inference_has_flops_saved(capsys) -> None:
    code, out, _ = _run(capsys, "plan", "--target-loss", "2.0453", "--inference-tokens", "2e12", "--json")
    assert code == 0
    payload = json.loads(out)
    assert PLAN_KEYS | {"flops_saved"} <= set(payload)
    assert payload["flops_saved"] > 0


def test_cli_plan_unique_tokens(capsys) -> None:
    code, out, _ = _run(
        capsys,
        "plan",
        "--compute",
        "9.25956e21",
        "--unique-tokens",
        "25e9",
        "--law",
        "muennighoff2023",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["tokens"] == pytest.approx(227e9, rel=0.01)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["plan", "--compute=-1e22"], "--compute must be > 0"),
        (["plan", "--compute", "-1e22"], "--compute must be > 0"),
        (["plan", "--compute", "lots"], "--compute must be a number such as 1e24 or 2.5T, got 'lots'"),
        (["plan", "--compute", "nan"], "--compute must be finite"),
        (["plan", "--compute", "inf"], "--compute must be finite"),
        (["plan", "--params", "0"], "--params must be > 0"),
        (["plan", "--target-loss", "-2", "--inference-tokens", "1e12"], "--target-loss must be > 0"),
        (["plan", "--target-loss", "2.1", "--inference-tokens", "-1"], "--inference-tokens must be"),
        (["plan", "--compute", "1e22", "--law", "nope"], "valid laws: hoffmann2022"),
        (["plan", "--compute", "1e22", "--law-file", "/no/such/law.json"], "No such file"),
        (["plan", "--accelerator-days", "1000"], "needs the accelerator"),
        (["plan", "--compute", "1e22", "--accelerator-days", "10"], "not allowed with argument"),
        (["plan", "--compute", "1e22", "--gpu", "H1000", "--mfu", "0.4"], "did you mean H100"),
    ],
)
def test_cli_plan_errors_are_one_line_exit_2(capsys, argv, needle) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err


def test_cli_plan_text_output(capsys) -> None:
    code, out, _ = _run(capsys, "plan", "--compute", "1e22")
    assert code == 0
    assert "tokens/param" in out


def test_cli_plan_with_hardware_nests_the_estimate(capsys) -> None:
    hardware = {"gpu": "H100", "gpus": 64, "mfu": 0.4, "region": "FR"}
    code, out, _ = _run(
        capsys,
        "plan",
        "--compute",
        "1e22",
        "--gpu",
        "H100",
        "--gpus",
        "64",
        "--mfu",
        "0.4",
        "--region",
        "FR",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload == json.loads(json.dumps(plan(compute_flops=1e22, hardware=hardware).to_dict()))
    assert payload["compute_flops"] == 1e22


@pytest.mark.parametrize("text", ["2.5e23", "2.5E23", "250,000,000,000,000,000,000,000", "0.25P"])
def test_cli_plan_reads_quantities_as_people_type_them(capsys, text) -> None:
    expected = 2.5e23 if not text.endswith("P") else 0.25e15
    code, out, _ = _run(capsys, "plan", "--compute", text, "--json")
    assert code == 0
    assert json.loads(out)["compute_flops"] == pytest.approx(expected, rel=1e-15)


def test_cli_plan_budget_in_accelerator_days(capsys) -> None:
    # "I have 1,000 H100-days": 125 days on 8 GPUs, 24,000 GPU-hours.
    code, out, _ = _run(
        capsys, "plan", "--accelerator-days", "1,000", *H100_FLAGS, "--region", "US-IA", "--json"
    )
    assert code == 0
    payload = json.loads(out)
    expected = plan(accelerator_days=1000, hardware={**H100, "region": "US-IA"})
    assert payload["compute_flops"] == expected.compute_flops
    assert payload["params"] == expected.params
    assert payload["footprint"]["gpu_hours"] == pytest.approx(24_000, rel=1e-12)
    assert payload["footprint"]["hours"] == pytest.approx(3_000, rel=1e-12)
    assert payload["budget"] == {"kind": "accelerator_days", "value": 1000.0, "unit": "accelerator-days"}
    assert payload["mode"] == "compute"


@pytest.mark.parametrize(
    ("flag", "key"),
    [
        ("--energy-kwh", "energy_kwh"),
        ("--energy-cap-kwh", "energy_kwh"),
        ("--co2e-kg", "co2e_kg"),
        ("--carbon-cap-kg", "co2e_kg"),
    ],
)
def test_cli_plan_energy_and_carbon_caps(capsys, flag, key) -> None:
    code, out, _ = _run(capsys, "plan", flag, "50k", *H100_FLAGS, "--region", "FR", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["footprint"][key] == pytest.approx(50_000, rel=1e-9)
    assert payload["budget"]["kind"] == key


@pytest.mark.parametrize("regions", [["US-IA", "CA-QC"], ["US-IA,CA-QC"], ["ca-qc", "US-IA", "CA-QC"]])
def test_cli_plan_compares_regions_iowa_vs_quebec(capsys, regions) -> None:
    argv = ("plan", "--accelerator-days", "1000", *H100_FLAGS, "--region", "US-IA")
    code, out, _ = _run(capsys, *argv, "--compare-regions", *regions, "--json")
    assert code == 0
    payload = json.loads(out)
    flops = plan(accelerator_days=1000, hardware={**H100, "region": "US-IA"}).compute_flops
    expected = compare_regions(flops, ["US-IA", "CA-QC"], H100)
    assert [row["region"] for row in payload["regions"]] == ["CA-QC", "US-IA"]  # lowest carbon first
    assert payload["regions"] == json.loads(json.dumps(expected.to_dict()))
    quebec, iowa = payload["regions"]
    assert quebec["co2e_kg"] < iowa["co2e_kg"] / 5  # hydro vs coal and gas
    assert quebec["water_l"] != iowa["water_l"]  # each region's own water factors
    # Without --compare-regions the JSON is the plan alone.
    code, out, _ = _run(capsys, *argv, "--json")
    assert "regions" not in json.loads(out)


def test_cli_plan_text_lists_the_regions(capsys) -> None:
    code, out, _ = _run(
        capsys, "plan", "--accelerator-days", "1000", *H100_FLAGS, "--compare-regions", "US-IA", "CA-QC"
    )
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Region "))
    quebec = next(i for i, line in enumerate(lines) if line.startswith("Quebec (CA-QC)"))
    iowa = next(i for i, line in enumerate(lines) if line.startswith("Iowa (US-IA)"))
    assert header < quebec < iowa
    # The headline units (t, MWh, m³), the same columns in every row, aligned on the right.
    assert "Carbon [t CO2e]" in lines[header]
    assert "Energy [MWh]" in lines[header]
    assert "Water [m³]" in lines[header]
    assert len(lines[quebec]) == len(lines[iowa]) == len(lines[header])
    flops = plan(accelerator_days=1000, hardware={**H100, "region": "US-IA"}).compute_flops
    iowa_estimate = compare_regions(flops, ["US-IA"], H100).row("US-IA").estimate
    assert f" {format_number(iowa_estimate.co2e_kg / 1000)} " in lines[iowa]


def test_cli_plan_text_is_a_readable_table(capsys) -> None:
    code, out, err = _run(capsys, "plan", "--accelerator-days", "1,000", *H100_FLAGS, "--region", "US-IA")
    assert code == 0
    assert err == ""
    expected = plan(accelerator_days=1000, hardware={**H100, "region": "US-IA"})
    footprint = expected.footprint
    rows = {}
    for line in out.splitlines():
        if line.startswith("  ") and "  " in line.strip():
            label, value = line.strip().split("  ", 1)
            rows[label.strip()] = value.strip()
    assert rows["budget"] == f"1,000 accelerator-days → {format_number(expected.compute_flops)} FLOP"
    assert rows["parameters"] == format_count(expected.params)
    assert rows["training tokens"] == format_count(expected.tokens)
    assert rows["accelerator-hours"] == "24,000 h"
    assert rows["wall clock"] == "125 days"
    assert rows["carbon"].startswith(f"{format_number(footprint.co2e_kg / 1000)} t CO2e  (range ")
    assert rows["energy"].startswith(f"{format_number(footprint.energy_kwh / 1000)} MWh")
    assert rows["water"].startswith(f"{format_number(footprint.water_l / 1000)} m³")
    car = everyday_equivalents(co2e_kg=footprint.co2e_kg)[0]
    assert rows["carbon ≈"] == f"{format_number(car.amount)} {car.unit}"
    assert rows["EU AI Act"].startswith("Training compute 3.42e+22 FLOP is not above the EU AI Act's 1e23")
    assert "energy_kwh" not in out  # no raw keys
    assert "e+04" not in out
    # The warnings are part of the text output, numbered, under their own heading.
    assert "\nwarnings\n" in out
    for text in expected.warnings:
        assert text in out


def test_cli_plan_cite_prints_paragraph_and_bibtex(capsys) -> None:
    argv = ("plan", "--accelerator-days", "1000", *H100_FLAGS, "--region", "US-IA", "--cite")
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    expected = cite_plan(plan(accelerator_days=1000, hardware={**H100, "region": "US-IA"}), "Iowa")
    assert expected.markdown in out
    assert expected.bibtex in out
    code, out, _ = _run(capsys, *argv, "--json")
    assert code == 0
    assert json.loads(out)["cite"] == expected.to_dict()
    code, out, _ = _run(capsys, "plan", "--compute", "1e21", "--cite", "--json")
    assert json.loads(out)["cite"]["keys"] == ["besiroglu2024"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--compare-regions", "US-IA", "Atlantis"],
        ["--region", "Atlantis"],
    ],
)
def test_cli_plan_unknown_region_is_one_line_exit_2_with_suggestions(capsys, argv) -> None:
    code, out, err = _run(capsys, "plan", "--accelerator-days", "1000", *H100_FLAGS, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown region 'Atlantis'; did you mean" in err


def test_cli_plan_default_law_gives_about_20_tokens_per_parameter(capsys) -> None:
    # Acceptance (issue 10): the Chinchilla budget under the default law (besiroglu2024).
    code, out, _ = _run(capsys, "plan", "--compute", "3.42e22", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["law"] == "besiroglu2024"
    assert 15 <= payload["tokens_per_param"] <= 25
    assert [row["law"] for row in payload["published_laws"]] == list(PRESETS)
    assert payload["warnings"] == list(plan(compute_flops=3.42e22).warnings)


def test_cli_plan_text_shows_the_published_spread_and_warns_on_stderr(capsys) -> None:
    code, out, err = _run(capsys, "plan", "--compute", "3.42e22")
    assert code == 0
    assert "published laws   9–17B parameters, 20–70 tokens/param (4 laws)" in out
    assert "compute 3.4e22 is 2.63× above the largest fitted compute (1.3e22)" in out
    assert err == ""  # text output: the warnings are in the table
    code, out, err = _run(capsys, "plan", "--compute", "3.42e22", "--json")
    assert "warning: compute 3.4e22 is 2.63× above the largest fitted compute (1.3e22)" in err
    code, out, err = _run(capsys, "plan", "--compute", "1e21")
    assert code == 0
    assert err == ""
    assert "warnings" not in out


def test_cli_plan_with_a_fitted_law_warns_beyond_the_runs_it_was_fitted_on(capsys, tmp_path) -> None:
    from fmfootprint._resources import data_dir

    runs = data_dir() / "examples" / "sardana2024_runs.csv"
    code, out, _ = _run(capsys, "fit", str(runs), "--json")
    assert code == 0
    fitted = json.loads(out)
    assert fitted["fitted_range"]["params_max"] == 6.05e9  # the largest run
    law_file = tmp_path / "my_law.json"
    law_file.write_text(out)
    code, out, err = _run(capsys, "plan", "--compute", "1e23", "--law-file", str(law_file), "--json")
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert warnings[0].startswith("params 7.3e10 is 12.1× above the largest fitted model (6e9)")
    assert any("below the smallest fitted tokens-per-parameter ratio (10)" in text for text in warnings)
    code, out, err = _run(capsys, "plan", "--compute", "1e23", "--law-file", str(law_file))
    assert code == 0
    assert all(text in out for text in warnings)  # the text output lists every warning
    code, _, err = _run(capsys, "plan", "--compute", "1e23", "--law-file", str(law_file), "--json")
    assert err.count("warning: ") == len(warnings)


def test_cli_plan_text_says_the_site_defaults_used_and_why(capsys) -> None:
    """Issue 15: the plan's text names the PUE/WUE/EWIF defaults when the site has none."""
    argv = ("plan", "--accelerator-days", "100", "--gpu", "H100", "--gpus", "8", "--mfu", "0.4")
    code, out, _ = _run(capsys, *argv, "--region", "DE")
    assert code == 0
    line = next(row for row in out.splitlines() if "defaults used" in row)
    assert "DE has none: PUE 1.56 (Uptime Institute" in line
    assert "WUE 1.8 L/kWh" in line
    assert "EWIF 4.472 L/kWh (Europe default" in line  # the continent's factor, not another country's
    code, out, _ = _run(capsys, *argv, "--region", "gcp:europe-west1")  # Google publishes its PUE
    line = next(row for row in out.splitlines() if "defaults used" in row)
    assert "PUE" not in line
    assert "WUE 1.8 L/kWh" in line
