"""`sacct` output (both real formats, fixtures in tests/data/fleet, see its README) → a slurm_acct run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.fleet.sacct import parse_sacct, sacct_summary
from fmfootprint.measure.summary import RunSummary
from fmfootprint.units import J_PER_KWH

DATA = Path(__file__).parents[1] / "data" / "fleet"
JOB_J = 57_636_000


@pytest.mark.parametrize("name", ["sacct_4242_pipe.txt", "sacct_4242.json"])
def test_job_energy_is_exact(name: str) -> None:
    summary = sacct_summary((DATA / name).read_text(), "4242", project="llm", region="FR")
    assert summary.gpu_energy_method == "slurm_acct"
    assert summary.method == "measured"
    assert summary.to_stage().method == "measured"
    assert summary.energy_it_kwh == JOB_J / J_PER_KWH  # exactly: the allocation (or extern) record
    assert summary.energy_kwh == pytest.approx(summary.energy_it_kwh * summary.pue, rel=1e-12)
    assert summary.duration_s == 7200
    assert summary.n_gpus == 8
    assert summary.gpu_hours == 16
    assert summary.gpu_energy_kwh is None  # no per-GPU split: unknown, not 0
    assert any("node-level counters on 2 node(s)" in f for f in summary.flags)
    assert summary.sessions == sacct_summary((DATA / name).read_text(), "4242").sessions  # stable run id
    back = RunSummary.from_dict(json.loads(json.dumps(summary.to_dict())))
    assert back.to_stage().energy_kwh == summary.energy_kwh


def test_steps_are_not_added_to_the_allocation() -> None:
    records = parse_sacct((DATA / "sacct_4242_pipe.txt").read_text())
    assert sum(r["energy_j"] for r in records) > 2 * JOB_J  # adding every line would double count
    assert (
        sacct_summary((DATA / "sacct_4242_pipe.txt").read_text(), "4242").energy_it_kwh == JOB_J / J_PER_KWH
    )


def test_energy_zero_site_is_flagged_not_zero() -> None:
    summary = sacct_summary((DATA / "sacct_5151_noplugin_pipe.txt").read_text(), "5151")
    assert summary.energy_kwh is None
    assert summary.energy_it_kwh is None
    assert summary.co2e_kg is None
    assert summary.water_l is None
    assert any("energy=0" in f and "not 0 kWh" in f for f in summary.flags)
    with pytest.raises(FootprintInputError, match="no energy or carbon"):
        summary.to_stage()


def test_srun_steps_summed_when_the_allocation_has_none() -> None:
    text = (DATA / "sacct_4242_pipe.txt").read_text().splitlines()
    text = [line for line in text if ".extern" not in line]
    text[1] = text[1].replace("|57636000|", "||")
    summary = sacct_summary("\n".join(text), "4242")
    assert summary.energy_it_kwh == 57_500_000 / J_PER_KWH
    assert any("summed over its srun steps" in f for f in summary.flags)


def test_unknown_job_and_bad_output() -> None:
    with pytest.raises(FootprintInputError, match="not in the sacct output"):
        sacct_summary((DATA / "sacct_4242_pipe.txt").read_text(), "9999")
    with pytest.raises(FootprintInputError, match="no ConsumedEnergyRaw column"):
        sacct_summary("JobID|State\n1|COMPLETED\n", "1")
    with pytest.raises(FootprintInputError, match="not JSON"):
        sacct_summary("{nope", "1")
