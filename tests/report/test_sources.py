"""Where a card's figures come from: estimates, tracked runs, lifecycles and ledgers."""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.lifecycle import lifecycle
from fmfootprint.measure.log import load_run
from fmfootprint.report.ledger import load_ledger
from fmfootprint.report.modelcard import model_card
from fmfootprint.units import format_mass_kg, format_number

V1_DIR = Path(__file__).resolve().parents[1] / "data" / "measure" / "v1"

J_PER_KWH = 3.6e6
# The catalog's A100 figure amortised the BLOOM way (Luccioni et al. 2023, §4.1): 150 kg over 6 years at 85 %.
A100_EMBODIED_KG_PER_GPU_HOUR = 150 / (6 * 8760 * 0.85)


def _raw_run(run_dir: Path) -> dict:
    """Energy, operational carbon and GPU-hours of a fixture run from its raw files (GPU joules + host kWh,
    site factors, duration)."""
    energy_kwh = co2e_kg = gpu_hours = 0.0
    for summary in run_dir.glob("*.summary.json"):
        data = json.loads(summary.read_text())
        energy_kwh += data["energy_kwh"]
        co2e_kg += data["co2e_operational_kg"]
        gpu_hours += data["gpu_hours"]
    for log in run_dir.glob("*.jsonl"):
        if (run_dir / log.name.replace(".jsonl", ".summary.json")).exists():
            continue
        records = [json.loads(line) for line in log.read_text().splitlines()]
        start, sample = records[0], records[-1]
        it_kwh = sum(g["energy_j"] for g in sample["gpus"]) / J_PER_KWH
        it_kwh += sample["cpu_energy_kwh"] + sample["ram_energy_kwh"]
        energy_kwh += it_kwh * start["site"]["pue"]
        co2e_kg += it_kwh * start["site"]["pue"] * start["site"]["grid_intensity_g_per_kwh"] / 1000
        gpu_hours += len(sample["gpus"]) * sample["elapsed_s"] / 3600
    return {"energy_kwh": energy_kwh, "co2e_kg": co2e_kg, "gpu_hours": gpu_hours}


def test_runs_are_measured_and_placed_by_their_recorded_stage(report_data) -> None:
    runs = report_data / "runs"
    dirs = [runs / "final-node0", runs / "final-node1", runs / "sweep", runs / "eval"]
    report = model_card(dirs)
    data = report.to_dict()
    assert list(data["stages"]) == ["experiments", "final", "evaluation"]
    assert data["method"] == "measured"
    final = [_raw_run(runs / "final-node0"), _raw_run(runs / "final-node1")]  # the second has no summary
    assert data["stages"]["final"]["energy_kwh"] == pytest.approx(sum(r["energy_kwh"] for r in final))
    assert data["stages"]["final"]["co2e_operational_kg"] == pytest.approx(sum(r["co2e_kg"] for r in final))
    # Tracked runs count their GPUs' embodied carbon: accelerator-hours × the catalog's amortised figure.
    final_gpu_hours = sum(r["gpu_hours"] for r in final)
    assert final_gpu_hours == pytest.approx(2 * 10 + 2 * 8)  # the fixtures' 2 GPUs for 10 h and for 8 h
    assert data["stages"]["final"]["co2e_embodied_kg"] == pytest.approx(
        final_gpu_hours * A100_EMBODIED_KG_PER_GPU_HOUR
    )
    assert data["stages"]["experiments"]["energy_kwh"] == pytest.approx(
        _raw_run(runs / "sweep")["energy_kwh"]
    )
    training_kg = sum(_raw_run(runs / d)["co2e_kg"] for d in ("final-node0", "final-node1", "sweep", "eval"))
    assert report.metadata["emissions"] == round(training_kg * 1000)
    assert report.metadata["hardware_used"] == "4 NVIDIA A100-SXM4-80GB GPUs"
    training_gpu_hours = final_gpu_hours + 1 * 5 + 1 * 2  # and the sweep's and the evaluation's GPU
    embodied_g = training_gpu_hours * A100_EMBODIED_KG_PER_GPU_HOUR * 1000
    assert f"- **Embodied carbon:** {embodied_g:.3g} g CO2eq (manufacturing" in report.markdown
    total_row = next(line for line in report.markdown.splitlines() if line.startswith("| **total**"))
    cells = [cell.strip() for cell in total_row.split("|")[1:-1]]
    assert float(cells[5]) == pytest.approx(embodied_g / 1000, rel=1e-2)  # the embodied column
    assert "- **PUE:** 1.20 (experiments, final); 1.10 (evaluation)" in report.markdown


def test_a_directory_named_twice_is_counted_once(report_data) -> None:
    once = model_card([report_data / "runs" / "final-node0"])
    twice = model_card([report_data / "runs" / "final-node0", report_data / "runs" / "final-node0"])
    assert twice.metadata == once.metadata


def test_stage_option_overrides_the_recorded_stage(report_data) -> None:
    report = model_card([report_data / "runs" / "eval"], stage="final")
    assert [s.stage for s in report.stages] == ["final"]


def test_run_directory_without_summary_or_log_is_an_error(tmp_path) -> None:
    with pytest.raises(FootprintInputError, match="no fmfootprint log"):
        model_card([tmp_path])
    with pytest.raises(FootprintInputError, match="does not exist"):
        model_card([tmp_path / "missing"])


def test_estimate_goes_to_the_final_stage_with_its_descriptions() -> None:
    result = estimate(gpu="A100 SXM4 80GB", gpus=384, gpu_hours=1_082_990, power_w=400, region="FR")
    report = model_card(result)
    final = report.stages[0]
    assert (final.stage, final.region, final.gpu, final.gpus) == ("final", "FR", "A100 SXM4 80GB", 384)
    assert final.energy_kwh == result.energy_kwh
    assert final.co2e_operational_kg == result.co2e_operational_kg
    assert final.co2e_embodied_kg == result.co2e_embodied_kg
    assert final.ranges["co2e_operational_kg"] == tuple(result.ranges["co2e_operational_kg"])
    assert report.metadata["geographical_location"] == "France"
    assert "France (FR)" in report.markdown
    with pytest.raises(FootprintInputError, match="no training stage"):
        model_card(result, stage="inference")


def test_a_lifecycle_is_reported_stage_by_stage() -> None:
    final = estimate(gpus=8, gpu_hours=1000, power_w=400, pue=1.1, grid_intensity=100, wue=0, ewif=0)
    evaluation = estimate(gpus=1, gpu_hours=10, power_w=400, pue=1.1, grid_intensity=100, wue=0, ewif=0)
    life = lifecycle(final=final, experiments_multiple=2, evaluation=evaluation)
    report = model_card(life)
    data = report.to_dict()
    assert data["stages"]["experiments"]["energy_kwh"] == pytest.approx(2 * final.energy_kwh)
    assert data["total"]["energy_kwh"] == pytest.approx(life.total.energy_kwh)
    assert data["total"]["co2e_kg"] == pytest.approx(life.total.co2e_kg)
    assert report.metadata["emissions"] == round(life.total.co2e_operational_kg * 1000)


LEDGER = """\
card:
  training_type: fine-tuning
  location: Orsay, France
stages:
  experiments:
    - runs: runs/sweep
    - estimate: {gpus: 4, gpu_hours: 100, power_w: 300, pue: 1.2, grid_intensity: 50, wue: 0, ewif: 0}
  final:
    runs: [runs/final-node0, runs/final-node1]
  evaluation:
    run: runs/eval
  inference:
    estimate: {gpus: 1, hours: 1000, power_w: 350, pue: 1.1, grid_intensity: 300, wue: 0, ewif: 0}
"""


@pytest.fixture
def ledger_path(report_data, tmp_path) -> Path:
    shutil.copytree(report_data / "runs", tmp_path / "runs")
    path = tmp_path / "footprint.yaml"
    path.write_text(LEDGER)
    return path


def test_ledger_lists_runs_and_estimates_by_stage(ledger_path) -> None:
    ledger = load_ledger(ledger_path)
    assert list(ledger.stages) == ["experiments", "final", "evaluation", "inference"]
    assert ledger.card == {"training_type": "fine-tuning", "location": "Orsay, France"}
    report = model_card(ledger_path)
    assert report.metadata["training_type"] == "fine-tuning"
    assert report.metadata["geographical_location"] == "Orsay, France"
    data = report.to_dict()
    experiments = data["stages"]["experiments"]
    assert experiments["method"] == "measured and estimated"
    sweep = _raw_run(ledger_path.parent / "runs" / "sweep")
    extra = estimate(gpus=4, gpu_hours=100, power_w=300, pue=1.2, grid_intensity=50, wue=0, ewif=0)
    assert experiments["energy_kwh"] == pytest.approx(sweep["energy_kwh"] + extra.energy_kwh)
    for key in ("energy_kwh", "co2e_operational_kg", "co2e_kg"):
        assert data["total"][key] == pytest.approx(math.fsum(s[key] for s in data["stages"].values()))
    # Options given by the caller win over the ledger's card block.
    assert model_card(ledger_path, training_type="pre-training").metadata["training_type"] == "pre-training"


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("stages: {final: {estimate: {gpu_hour: 5}}}", UnknownNameError, "did you mean gpu_hours"),
        ("stages: {finale: {runs: x}}", UnknownNameError, "unknown stage 'finale'"),
        ("stages: {final: {merge: [x]}}", UnknownNameError, "ledger entry kind"),
        ("stages: {final: {runs: [x], estimate: {}}}", FootprintInputError, "exactly one of"),
        ("stages: {final: {runs: empty}}", FootprintInputError, "no fmfootprint log"),
        ("stages: {final: []}", FootprintInputError, "lists no runs"),
        ("stage: {}", FootprintInputError, "'stages' key"),
        ("stages: [", FootprintInputError, "not valid YAML"),
        ("card: {licence: x}\nstages: {final: {runs: x}}", UnknownNameError, "ledger card option"),
    ],
)
def test_bad_ledgers_are_one_line_errors(tmp_path, text, error, match) -> None:
    (tmp_path / "empty").mkdir()
    path = tmp_path / "ledger.yaml"
    path.write_text(text)
    with pytest.raises(error, match=match) as info:
        model_card(path)
    assert "\n" not in str(info.value)


def test_a_tracked_run_shows_its_embodied_carbon_apart_from_the_emissions(tmp_path) -> None:
    from fake_nvml import FakeHost, FakeNvml, gpus

    from fmfootprint.measure import Tracker

    with Tracker(tmp_path, interval_s=0.1, nvml=FakeNvml(gpus(2)), host=FakeHost(), pue=1.2) as tracker:
        time.sleep(0.15)
    summary = tracker.summary
    report = model_card(summary)
    final = report.stages[0]
    assert final.co2e_embodied_kg == summary.co2e_embodied_kg > 0  # the simulated H100s are in the catalog
    assert report.metadata["emissions"] == round(summary.co2e_operational_kg * 1000, 4)  # operational only
    assert f"- **Embodied carbon:** {format_mass_kg(summary.co2e_embodied_kg)} CO2eq" in report.markdown
    row = next(line for line in report.markdown.splitlines() if line.startswith("| final"))
    operational, embodied, total = (cell.strip() for cell in row.split("|")[5:8])
    assert (operational, embodied, total) == tuple(
        format_number(v) for v in (summary.co2e_operational_kg, summary.co2e_embodied_kg, summary.co2e_kg)
    )
    assert model_card(tmp_path).to_dict() == report.to_dict()  # the directory reads the same


def test_saved_json_reads_like_the_objects_it_came_from(report_data, tmp_path) -> None:
    summary = load_run(report_data / "runs" / "eval")
    assert model_card(summary.to_dict()).to_dict() == model_card(summary).to_dict()  # summarize --json
    result = estimate(gpu="A100 SXM4 80GB", gpus=8, gpu_hours=1000, power_w=400, region="FR")
    assert model_card(result.to_dict()).to_dict() == model_card(result).to_dict()  # estimate --json
    life = lifecycle(final=result, experiments_multiple=2)
    card = model_card(life).to_dict()
    assert model_card(card).to_dict() == card  # card --json
    assert model_card(life.to_dict()).stages == model_card(life).stages  # a lifecycle's to_dict()


def test_an_old_summary_file_reports_embodied_as_not_counted() -> None:
    old = json.loads((V1_DIR / "tiny-lm.schema1.summary.json").read_text())
    report = model_card(old)
    assert report.stages[0].co2e_embodied_kg is None
    assert report.stages[0].co2e_operational_kg == old["co2e_kg"]
    assert "- **Embodied carbon:** not counted" in report.markdown
