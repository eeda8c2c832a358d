"""The SQL run ledger on SQLite and on a real PostgreSQL server: idempotent, many writers, reports."""

from __future__ import annotations

import json
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.fleet.ledger_db import RunLedger, ledger_url
from fmfootprint.fleet.sacct import sacct_summary
from fmfootprint.measure.summary import RunSummary
from fmfootprint.report.modelcard import model_card

DATA = Path(__file__).parents[1] / "data" / "fleet"


def base_summary() -> RunSummary:
    return sacct_summary((DATA / "sacct_4242_pipe.txt").read_text(), "4242", project="llm", region="FR")


def summary(i: int, project: str = "llm") -> RunSummary:
    """Run i: its own energy, stage and month, so that sums and groups are checkable."""
    base = base_summary()
    energy = 1.0 + (i % 97) * 0.25
    stage = ("experiments", "final", "evaluation")[i % 3]
    start = base.start_unix_s + (i % 3) * 40 * 86400
    return replace(
        base,
        energy_it_kwh=energy,
        energy_kwh=energy * base.pue,
        co2e_operational_kg=energy * base.pue * 0.05,
        water_l=energy * 1.5,
        stage=stage,
        project=project,
        start_unix_s=start,
        end_unix_s=start + 3600,
        sessions=(f"run-{i:06d}",),
    )


def write(url: str, first: int, count: int) -> int:
    ledger = RunLedger(url)
    new = 0
    for start in range(first, first + count, 250):
        batch = [(summary(i), None) for i in range(start, min(first + count, start + 250))]
        new += ledger.record_many(batch)
    ledger.close()
    return new


def check_ledger(url: str, n: int) -> None:
    ledger = RunLedger(url)
    rows = ledger.rows(project="llm")
    assert len(rows) == n
    assert len({r.run_id for r in rows}) == n
    expected = [summary(i) for i in range(n)]
    groups = ledger.report(group_by="stage", project="llm")
    assert sum(g.runs for g in groups) == n
    assert math.isclose(
        sum(g.energy_kwh or 0 for g in groups), sum(s.energy_kwh for s in expected), rel_tol=1e-9
    )
    assert math.isclose(
        sum(g.co2e_kg or 0 for g in groups),
        sum(s.co2e_kg for s in expected),
        rel_tol=1e-9,  # type: ignore[misc]
    )
    assert math.isclose(sum(g.water_l or 0 for g in groups), sum(s.water_l for s in expected), rel_tol=1e-9)
    months = ledger.report(group_by="month", project="llm")
    assert [g.key for g in months] == ["2024-05", "2024-06", "2024-07"]
    ledger.close()


def test_sqlite_idempotent_and_report(tmp_path: Path) -> None:
    url = str(tmp_path / "ledger.db")
    ledger = RunLedger(url)
    assert ledger.record(summary(0)) is True
    assert ledger.record(summary(0)) is False  # the same run id: counted once
    assert ledger.record_many([(summary(i), None) for i in range(0, 30)]) == 29
    check_ledger(url, 30)
    unmeasured = sacct_summary((DATA / "sacct_5151_noplugin_pipe.txt").read_text(), "5151", project="llm")
    assert ledger.record(unmeasured)
    stage = {g.key: g for g in ledger.report(group_by="project")}["llm"]
    assert stage.runs == 31
    assert stage.unmeasured == 1  # the energy=0 site: not a 0 kWh run
    card = model_card(ledger.to_ledger(project="llm"))
    assert card.metadata["emissions"] > 0


def test_sqlite_many_process_writers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with ProcessPoolExecutor(4) as pool:
        # overlapping ranges: every run is offered twice, recorded once
        new = sum(pool.map(write, [url] * 4, [0, 50, 100, 150], [100, 100, 100, 50]))
    assert new == 200
    check_ledger(url, 200)


def test_postgres_8_writers_10000_runs(postgres_url: str) -> None:
    """Acceptance: 8 concurrent writers × 1,250 runs → 10,000 rows, no duplicates, totals = sum."""
    with ProcessPoolExecutor(8) as pool:
        new = sum(pool.map(write, [postgres_url] * 8, range(0, 10_000, 1250), [1250] * 8))
    assert new == 10_000
    assert write(postgres_url, 0, 500) == 0  # written again: nothing new
    check_ledger(postgres_url, 10_000)


def test_urls_and_errors(tmp_path: Path) -> None:
    assert ledger_url("postgresql://u:secret@db/x").drivername == "postgresql+psycopg"
    assert ledger_url(tmp_path / "a.db").get_backend_name() == "sqlite"
    with pytest.raises(UnknownNameError, match="ledger database"):
        ledger_url("mysql://h/db")
    ledger = RunLedger(tmp_path / "b.db")
    with pytest.raises(UnknownNameError, match="group"):
        ledger.report(group_by="colour")
    with pytest.raises(FootprintInputError, match="no measured run"):
        ledger.to_ledger(project="nobody")


def test_unreachable_postgres_hides_password() -> None:
    with pytest.raises(FootprintInputError) as info:
        RunLedger("postgresql://u:secret@127.0.0.1:1/x")
    assert "secret" not in str(info.value)
    assert "127.0.0.1" in str(info.value)


def test_rows_round_trip(tmp_path: Path) -> None:
    ledger = RunLedger(tmp_path / "c.db")
    ledger.record(summary(5))
    (row,) = ledger.rows()
    assert json.loads(json.dumps(row.to_dict()))["run_id"] == "run-000005"


def test_mixed_stage_needs_a_stage(tmp_path: Path) -> None:
    ledger = RunLedger(tmp_path / "d.db")
    mixed = replace(summary(1), stage="mixed")
    with pytest.raises(FootprintInputError, match="several stages"):
        ledger.record(mixed)
    assert ledger.record(mixed, stage="experiment")  # the alias, stored as the canonical stage
    assert ledger.rows()[0].stage == "experiments"
