"""Plausibility bounds (issue 17): the one table in ``_validate.BOUNDS``, its checker, and one case per bound
through the library and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fmfootprint._validate import BOUNDS, Bound, bounded
from fmfootprint.cli.main import main
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.site import resolve_site
from fmfootprint.planning.plan import plan

SUMMARY = Path(__file__).resolve().parent / "data" / "report" / "runs" / "sweep" / "sweep.summary.json"
SITE = {"pue": 1.1, "grid_intensity": 100, "wue": 0, "ewif": 0}


# the checker


def test_every_bound_has_a_reason_and_a_sane_range() -> None:
    for name, bound in BOUNDS.items():
        assert bound.reason, name
        assert bound.low < bound.high, name


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_each_bound_accepts_its_ends_and_refuses_beyond(name: str) -> None:
    bound = BOUNDS[name]
    assert bounded(name, bound.high) == bound.high
    if not bound.open_low:
        assert bounded(name, bound.low) == bound.low
    with pytest.raises(FootprintInputError) as info:
        bounded(name, bound.high * 10)
    message = str(info.value)
    assert message.startswith(f"{name} must be in {bound.text()} ({bound.reason}), got ")
    assert "\n" not in message
    with pytest.raises(FootprintInputError, match=f"{name} must be >"):
        bounded(name, bound.low - 1 if not bound.open_low else bound.low)


def test_the_message_names_the_value_and_the_bound() -> None:
    with pytest.raises(FootprintInputError) as info:
        bounded("pue", 1e308)
    assert str(info.value) == "pue must be in [1, 3] (the widest measured data-centre range), got 1e+308"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "x", True, None])
def test_non_numbers_are_refused_as_before(value: object) -> None:
    with pytest.raises(FootprintInputError, match="pue must be"):
        bounded("pue", value)


def test_an_explicit_bound_overrides_the_table() -> None:
    assert bounded("anything", 5, Bound(0, 10, "why")) == 5
    with pytest.raises(FootprintInputError, match=r"anything must be in \(0, 10\] \(why\), got 11"):
        bounded("anything", 11, Bound(0, 10, "why", open_low=True))


def test_the_methodology_table_lists_every_bound() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "methodology.md").read_text(encoding="utf-8")
    section = text.split("## Plausibility bounds", 1)[1]
    for name in BOUNDS:
        assert f"`{name}`" in section, name


# through the library: one case per bound


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"hours": 1, "power_w": 300, "gpus": 1e300}, "gpus must be in [1, 1e+07]"),
        ({"hours": 1e7, "power_w": 300}, "hours must be in [0, 1e+06]"),
        ({"gpu_hours": 1e14, "power_w": 300}, "gpu_hours must be in [0, 1e+13]"),
        ({"energy_kwh": 1e15}, "energy_kwh must be in [0, 1e+14]"),
        ({"flops": 1e31, "mfu": 0.4, "gpu": "H100-SXM"}, "flops must be in [0, 1e+30]"),
        ({"flops": 1e24, "mfu": 0.4, "peak_tflops": 1e6, "power_w": 300}, "peak_tflops must be in"),
        ({"hours": 1, "power_w": 1e5}, "power_w must be in (0, 10000]"),
        ({"hours": 1, "power_w": 300, "host_power_w": 1e6}, "host_power_w must be in [0, 100000]"),
        (
            {"hours": 1, "power_w": 300, "host_power_w": 1, "gpus_per_server": 10_000},
            "gpus_per_server must be in [1, 1000]",
        ),
        ({"hours": 1, "power_w": 300, "embodied_kg_per_gpu": 1e5}, "embodied_kg_per_gpu must be in"),
        ({"hours": 1, "power_w": 300, "server_embodied_kg": 1e6}, "server_embodied_kg must be in"),
        ({"hours": 1, "power_w": 300, "lifetime_years": 31}, "lifetime_years must be in (0, 30]"),
        ({"hours": 1, "gpu": "H100-SXM", "utilization": 1.5}, "utilization must be in (0, 1]"),
    ],
)
def test_estimate_refuses_past_each_bound(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(FootprintInputError) as info:
        estimate(**{**SITE, **kwargs})  # type: ignore[arg-type]
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"pue": 1e308}, "pue must be in [1, 3] (the widest measured data-centre range), got 1e+308"),
        ({"grid_intensity_g_per_kwh": 2001}, "grid_intensity_g_per_kwh must be in [0, 2000]"),
        ({"wue_l_per_kwh": 21}, "wue_l_per_kwh must be in [0, 20]"),
        ({"ewif_l_per_kwh": 101}, "ewif_l_per_kwh must be in [0, 100]"),
    ],
)
def test_resolve_site_refuses_past_each_bound(kwargs: dict[str, float], fragment: str) -> None:
    with pytest.raises(FootprintInputError) as info:
        resolve_site(**kwargs)
    assert fragment in str(info.value)


def test_the_site_bounds_are_inclusive() -> None:
    site = resolve_site(pue=3, grid_intensity_g_per_kwh=2000, wue_l_per_kwh=20, ewif_l_per_kwh=100)
    assert (site.pue, site.grid_intensity_g_per_kwh) == (3, 2000)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"compute_flops": 1e300}, "compute_flops must be in (0, 1e+30]"),
        ({"params": 1e17}, "params must be in (0, 1e+16]"),
        ({"params": 1e16}, "over the 1e+30 FLOP bound"),  # a size within its bound that needs more
        ({"compute_flops": 1e24, "unique_tokens": 1e17}, "unique_tokens must be in (0, 1e+16]"),
        ({"target_loss": 2.0, "inference_tokens": 1e21}, "inference_tokens must be in (0, 1e+20]"),
        (
            {"accelerator_days": 1e13, "hardware": {"gpu": "H100-SXM", "mfu": 0.4}},
            "accelerator_days must be in (0, 4.16667e+11]",
        ),
    ],
)
def test_plan_refuses_past_each_bound(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(FootprintInputError) as info:
        plan(**kwargs)  # type: ignore[arg-type]
    assert fragment in str(info.value)


@pytest.mark.parametrize("inference", [None, 1e12])
def test_a_target_loss_near_e_is_too_close_to_the_irreducible_loss(inference: float | None) -> None:
    with pytest.raises(FootprintInputError) as info:
        plan(target_loss=1.6900001, law="hoffmann2022", inference_tokens=inference)
    message = str(info.value)
    assert message.startswith("target_loss 1.6900001 is too close to the law's irreducible loss E = 1.69")
    assert "1e+30 FLOP bound" in message
    assert "\n" not in message


def test_plans_inside_the_bounds_still_work() -> None:
    assert plan(compute_flops=1e24).params > 0
    assert plan(target_loss=2.0, law="hoffmann2022").compute_flops <= 1e30


# run summaries read for merge


def _merge_with(tmp_path: Path, capsys: pytest.CaptureFixture[str], **changes: object) -> tuple[int, str]:
    run = tmp_path / "run"
    run.mkdir()
    data = json.loads(SUMMARY.read_text(encoding="utf-8"))
    data.update(changes)
    (run / SUMMARY.name).write_text(json.dumps(data), encoding="utf-8")
    for log in SUMMARY.parent.glob("*.jsonl"):
        shutil.copy(log, run / log.name)
    code = main(["merge", str(run)])
    return code, capsys.readouterr().err


def test_the_fixture_merges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _merge_with(tmp_path, capsys)
    assert code == 0, err


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"energy_kwh": -1.0}, "field 'energy_kwh' must be >= 0"),
        ({"co2e_operational_kg": -5.0}, "field 'co2e_operational_kg' must be >= 0"),
        ({"water_l": -2.0}, "field 'water_l' must be >= 0"),
        ({"pue": 1e308}, "field 'pue' must be in [1, 3]"),
        ({"flags": "abc"}, "field 'flags' must be a list of strings, got 'abc'"),
    ],
)
def test_merge_refuses_an_implausible_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, object], fragment: str
) -> None:
    code, err = _merge_with(tmp_path, capsys, **changes)
    assert code == 2
    assert err.count("\n") == 1
    assert fragment in err
    assert "Traceback" not in err


# the same through the CLI: exit 2, one line naming the flag


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["plan", "--target-loss", "1.6900001", "--law", "hoffmann2022"],
            "--target-loss 1.6900001 is too close",
        ),
        (["plan", "--compute", "1e300"], "--compute must be in (0, 1e+30]"),
        (
            ["estimate", "--gpus", "1e300", "--hours", "1", "--gpu", "H100-SXM"],
            "--gpus must be in [1, 1e+07]",
        ),
        (["track", "--pue", "1e308", "--", "true"], "--pue must be in [1, 3]"),
    ],
)
def test_the_cli_refuses_past_a_bound_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    fragment: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # `track` would write here (it refuses before that)
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert fragment in err
    assert not list(tmp_path.iterdir())


def test_a_law_file_with_vanishing_constants_is_one_line_exit_2(tmp_path, capsys) -> None:
    # Issue 17: every parameter 1e-300 used to end in ZeroDivisionError (internal error, exit 1).
    from fmfootprint.cli.main import main

    law = tmp_path / "tiny.json"
    law.write_text('{"E": 1e-300, "A": 1e-300, "B": 1e-300, "alpha": 1e-300, "beta": 1e-300}')
    assert main(["plan", "--law", str(law), "--compute", "1e22"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "law parameter alpha must be >= 0.001" in err[0]
    assert "tiny.json" in err[0]
