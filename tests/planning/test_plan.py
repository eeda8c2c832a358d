from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.cli.main import main
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.planning import plan
from fmfootprint.scaling.allocate import compute_optimal, data_constrained_optimal
from fmfootprint.scaling.laws import PRESETS

PLAN_KEYS = {"compute_flops", "params", "tokens", "loss", "tokens_per_param", "law"}
ESTIMATE = Path(__file__).resolve().parents[2] / "src" / "fmfootprint" / "footprint" / "estimate.py"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_compute_calls_the_library() -> None:
    result = plan(compute_flops=1e23, law="besiroglu2024")
    expected = compute_optimal(1e23, PRESETS["besiroglu2024"])
    assert result.params == expected.params
    assert result.law == "besiroglu2024"
    assert set(result.to_dict()) >= PLAN_KEYS


def test_plan_params_and_target_loss_modes() -> None:
    law = PRESETS["hoffmann2022"]
    alloc = compute_optimal(1e22, law)
    by_size = plan(params=alloc.params)
    assert by_size.tokens == pytest.approx(alloc.tokens, rel=1e-9)
    by_loss = plan(target_loss=alloc.loss)
    assert by_loss.compute_flops == pytest.approx(1e22, rel=1e-7)


def test_plan_unique_tokens_defaults_to_muennighoff() -> None:
    result = plan(compute_flops=1e22, unique_tokens=25e9)
    assert result.law == "muennighoff2023"
    assert plan(compute_flops=1e22).law == "hoffmann2022"
    with pytest.raises(FootprintInputError, match="no data-constrained constants"):
        plan(compute_flops=1e22, unique_tokens=25e9, law="hoffmann2022")


def test_plan_data_constrained() -> None:
    result = plan(compute_flops=1e22, unique_tokens=25e9, law="muennighoff2023")
    assert result.params == data_constrained_optimal(1e22, 25e9, PRESETS["muennighoff2023"]).params
    assert result.to_dict()["unique_tokens"] == 25e9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one"),
        ({"compute_flops": 1e22, "params": 1e9}, "exactly one"),
        ({"compute_flops": 0}, "compute_flops must be > 0"),
        ({"compute_flops": float("nan")}, "compute_flops must be finite"),
        ({"params": -1}, "params must be > 0"),
        ({"params": float("inf")}, "params must be finite"),
        ({"target_loss": 0}, "target_loss must be > 0"),
        ({"target_loss": 1.0}, "irreducible loss"),
        ({"compute_flops": 1e22, "inference_tokens": 1e12}, "inference_tokens needs target_loss"),
        ({"compute_flops": 1e22, "unique_tokens": -5, "law": "muennighoff2023"}, "unique_tokens must be > 0"),
        ({"compute_flops": 1e22, "law": "kaplan2020"}, "kaplan2020"),
    ],
)
def test_plan_bad_input(kwargs, message) -> None:
    with pytest.raises(FootprintInputError, match=message):
        plan(**kwargs)


def test_plan_unknown_law_is_a_value_error() -> None:
    with pytest.raises(UnknownNameError, match="valid laws: hoffmann2022"):
        plan(compute_flops=1e22, law="chinchila")


# ------------------------------------------------------------------------------------------- CLI


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
        (["plan", "--compute=-1e22"], "compute_flops must be > 0"),
        (["plan", "--compute", "-1e22"], "compute_flops must be > 0"),
        (["plan", "--compute", "lots"], "invalid float value"),
        (["plan", "--compute", "nan"], "compute_flops must be finite"),
        (["plan", "--compute", "inf"], "compute_flops must be finite"),
        (["plan", "--params", "0"], "params must be > 0"),
        (["plan", "--target-loss", "-2", "--inference-tokens", "1e12"], "target_loss must be > 0"),
        (["plan", "--target-loss", "2.1", "--inference-tokens", "-1"], "inference_tokens"),
        (["plan", "--compute", "1e22", "--law", "nope"], "valid laws: hoffmann2022"),
        (["plan", "--compute", "1e22", "--law-file", "/no/such/law.json"], "No such file"),
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


def test_cli_laws_lists_presets_with_citations(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    for name, law in PRESETS.items():
        assert name in out
        assert law.citation in out
    assert "kaplan2020" in out
    code, out, _ = _run(capsys, "laws", "--json")
    assert set(json.loads(out)) == {*PRESETS, "kaplan2020"}


@pytest.mark.skipif(not ESTIMATE.exists(), reason="fmfootprint.footprint.estimate not written yet")
def test_plan_with_hardware_nests_the_footprint(capsys) -> None:
    from fmfootprint.footprint.estimate import estimate

    hardware = {"gpu": "H100", "gpus": 64, "mfu": 0.4, "region": "FR"}
    result = plan(compute_flops=1e22, hardware=hardware)
    assert result.footprint == estimate(flops=1e22, **hardware).to_dict()
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
    assert payload["footprint"]["energy_kwh"] == pytest.approx(result.footprint["energy_kwh"])
    assert payload["compute_flops"] == 1e22
    with pytest.raises(FootprintInputError, match="unknown hardware key 'cpu'"):
        plan(compute_flops=1e22, hardware={"cpu": "x"})
    with pytest.raises(FootprintInputError, match="unknown hardware key 'flops'"):
        plan(compute_flops=1e22, hardware={"gpu": "H100", "flops": 1e20})
    # Other estimate() settings pass through.
    with_pue = plan(compute_flops=1e22, hardware={**hardware, "pue": 1.1})
    assert with_pue.footprint == estimate(flops=1e22, **hardware, pue=1.1).to_dict()
