"""`fmfootprint ledger record|list|report` and `ingest sacct --ledger` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.cli.main import main
from fmfootprint.measure.merge import merge_runs

DATA = Path(__file__).parents[1] / "data"
RUNS = DATA / "report" / "runs"


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_record_tracked_and_ingested_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "ledger.db")
    dirs = [str(RUNS / d) for d in ("eval", "final-node0", "final-node1", "sweep")]
    out = run_json(["ledger", "record", "--db", db, *dirs, "--project", "tiny", "--json"], capsys)
    assert out["recorded"] == 4
    out = run_json(["ledger", "record", "--db", db, *dirs, "--project", "tiny", "--json"], capsys)
    assert out == {"ledger": out["ledger"], "recorded": 0, "already_recorded": 4}

    sacct = DATA / "fleet" / "sacct_4242_pipe.txt"
    argv = ["ingest", "sacct", str(sacct), "--job", "4242", "--project", "tiny", "--ledger", db]
    summary = run_json([*argv, "--output", str(tmp_path / "job.summary.json"), "--json"], capsys)
    assert summary["gpu_energy_method"] == "slurm_acct"
    assert summary["method"] == "measured"
    noplugin = DATA / "fleet" / "sacct_5151_noplugin_pipe.txt"
    empty = run_json(
        ["ingest", "sacct", str(noplugin), "--job", "5151", "--project", "tiny", "--ledger", db, "--json"],
        capsys,
    )
    assert empty["energy_kwh"] is None

    listed = run_json(["ledger", "list", "--db", db, "--project", "tiny", "--json"], capsys)["runs"]
    assert len(listed) == 6
    report = run_json(
        ["ledger", "report", "--db", db, "--project", "tiny", "--group-by", "project", "--json"], capsys
    )
    (group,) = report["groups"]
    expected = sum(merge_runs([d]).energy_kwh for d in dirs) + summary["energy_kwh"]
    assert group["energy_kwh"] == pytest.approx(expected, rel=1e-12)
    assert group["runs"] == 6
    assert group["unmeasured"] == 1
    by_stage = run_json(["ledger", "report", "--db", db, "--group-by", "stage", "--json"], capsys)["groups"]
    assert sum(g["runs"] for g in by_stage) == 6
    since = run_json(["ledger", "list", "--db", db, "--since", "2030-01-01", "--json"], capsys)
    assert since["runs"] == []

    assert main(["ledger", "report", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "without energy, not counted" in text


def test_ledger_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "list", "--db", "mysql://h/db"]) == 2
    assert "unknown ledger database 'mysql'" in capsys.readouterr().err
    assert main(["ledger", "record", "--db", str(tmp_path / "x.db"), str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_record_an_estimate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "ledger.db")
    estimate = run_json(
        ["estimate", "--gpu", "H100 SXM", "--gpu-hours", "1000", "--region", "FR", "--json"], capsys
    )
    path = tmp_path / "inference.json"
    path.write_text(json.dumps(estimate))
    assert main(["ledger", "record", "--db", db, str(path)]) == 2
    assert "needs --run-id" in capsys.readouterr().err
    argv = ["ledger", "record", "--db", db, str(path), "--run-id", "inference-2025", "--stage", "inference"]
    assert run_json([*argv, "--project", "tiny", "--json"], capsys)["recorded"] == 1
    (group,) = run_json(["ledger", "report", "--db", db, "--json"], capsys)["groups"]
    assert group["key"] == "inference"
    assert group["energy_kwh"] == pytest.approx(estimate["energy_kwh"], rel=1e-12)
