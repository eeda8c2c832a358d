"""`card --ledger-db URL --project P`: the model card built from the SQL run ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.cli.main import main
from fmfootprint.fleet.ledger_db import RunLedger

DATA = Path(__file__).parents[1] / "data"


def test_card_from_the_sql_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "ledger.db")
    sacct = DATA / "fleet" / "sacct_4242_pipe.txt"
    argv = [
        "ingest",
        "sacct",
        str(sacct),
        "--job",
        "4242",
        "--project",
        "llm",
        "--region",
        "FR",
        "--ledger",
        db,
    ]
    assert main([*argv, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert main(["card", "--ledger-db", db, "--project", "llm", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["co2_eq_emissions"]["emissions"] == pytest.approx(
        summary["co2e_operational_kg"] * 1e3, rel=1e-3
    )
    (group,) = RunLedger(db).report(group_by="stage", project="llm")
    assert group.energy_kwh == pytest.approx(summary["energy_kwh"], rel=1e-12)
    assert main(["card", "--ledger-db", db]) == 2
    assert "--ledger-db needs --project" in capsys.readouterr().err
    assert main(["card", "--ledger-db", db, "--project", "nobody"]) == 2
    assert "no measured run of --project 'nobody'" in capsys.readouterr().err
    assert main(["card", "--ledger-db", db, "--ledger", "x.yaml", "--project", "llm"]) == 2
    assert "not both" in capsys.readouterr().err
