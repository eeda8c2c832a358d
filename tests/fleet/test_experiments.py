"""Footprint metrics in a real MLflow (local SQLite backend) after a tracked run (fake NVML: no GPU in CI)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

mlflow = pytest.importorskip("mlflow")

from fmfootprint.fleet.experiments import footprint_metrics, log_footprint  # noqa: E402
from fmfootprint.fleet.hooks import FleetObservers  # noqa: E402
from fmfootprint.measure.tracker import Tracker  # noqa: E402

sys.path.insert(0, str(Path(__file__).parents[1] / "measure"))
from fake_nvml import FakeHost, FakeNvml, gpus  # noqa: E402


@pytest.fixture(scope="module")
def tracking(tmp_path_factory: pytest.TempPathFactory):
    # one MLflow database for the module: creating one (its migrations) takes seconds
    uri = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("fmfootprint-test")
    yield mlflow.MlflowClient(uri)
    while mlflow.active_run():
        mlflow.end_run()


def run_tracked(tmp_path: Path) -> Tracker:
    tracker = Tracker(
        tmp_path / "run",
        region="FR",
        interval_s=0.1,
        stage="experiments",
        nvml=FakeNvml(gpus(2)),
        host=FakeHost(),
    )
    with tracker:
        time.sleep(0.3)  # the training step being measured
    return tracker


def test_active_run_gets_the_footprint(tmp_path: Path, tracking) -> None:
    with mlflow.start_run() as run:
        tracker = run_tracked(tmp_path)
        warnings: list[str] = []
        observers = FleetObservers(
            tracker.site, project="p", stage="experiments", host="h", session="s", warn=warnings.append
        )
        observers.on_stop(tracker.summary)
    assert warnings == []
    data = tracking.get_run(run.info.run_id).data
    summary = tracker.summary
    assert data.metrics["footprint.energy_kwh"] == pytest.approx(summary.energy_kwh, rel=1e-12)
    assert data.metrics["footprint.co2e_kg"] == pytest.approx(summary.co2e_kg, rel=1e-12)
    assert data.metrics["footprint.water_l"] == pytest.approx(summary.water_l, rel=1e-12)
    assert data.metrics["footprint.experiments.energy_kwh"] == pytest.approx(summary.energy_kwh, rel=1e-12)
    assert data.tags["footprint.stage"] == "experiments"
    assert data.tags["footprint.region"] == "FR"


def test_no_active_run_no_log_unless_asked(tmp_path: Path, tracking) -> None:
    tracker = run_tracked(tmp_path)
    assert log_footprint(tracker.summary) == []  # mlflow imported but no run active: nothing
    (where,) = log_footprint(tracker.summary, mlflow=True)  # asked: a run of its own
    run_id = where.split()[-1]
    assert tracking.get_run(run_id).data.metrics["footprint.energy_kwh"] > 0
    assert mlflow.active_run() is None  # the run it started is ended


def test_unmeasured_is_a_tag_not_a_zero(tmp_path: Path) -> None:
    from dataclasses import replace

    tracker = Tracker(tmp_path, interval_s=0.1, nvml=False, host=False)
    with tracker:
        pass
    empty = replace(tracker.summary, energy_kwh=None, co2e_operational_kg=None, water_l=None)
    metrics, tags = footprint_metrics(empty)
    assert "footprint.energy_kwh" not in metrics
    assert tags["footprint.unmeasured"].startswith("energy_kwh,co2e_kg,water_l")


def test_run_ended_before_the_tracker_stops(tmp_path: Path, tracking) -> None:
    """A Trainer's MLflow callback ends its run before the footprint callback stops the tracker."""
    tracker = Tracker(tmp_path / "t", region="FR", interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost())
    run = mlflow.start_run()
    tracker.start()
    warnings: list[str] = []
    observers = FleetObservers(
        tracker.site, project="p", stage="final", host="h", session="s", warn=warnings.append
    )
    time.sleep(0.2)
    mlflow.end_run()  # the other callback, first
    summary = tracker.stop()
    observers.on_stop(summary)
    assert warnings == []
    data = tracking.get_run(run.info.run_id).data
    assert data.metrics["footprint.energy_kwh"] == pytest.approx(summary.energy_kwh, rel=1e-12)


def test_tracked_training_run_shows_in_mlflow(tmp_path: Path, tracking) -> None:
    """Acceptance: after a tracked training run, its MLflow run (SQLite backend) shows the footprint."""
    with mlflow.start_run() as run:
        tracker = Tracker(
            tmp_path / "train",
            region="FR",
            interval_s=0.1,
            nvml=FakeNvml(gpus(2)),
            host=FakeHost(),
            project="lm",
        )
        with tracker:
            for step in range(3):  # a training loop that logs its own metrics too
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
                time.sleep(0.1)
    assert tracker.warnings == []
    data = tracking.get_run(run.info.run_id).data
    assert data.metrics["footprint.energy_kwh"] == pytest.approx(tracker.summary.energy_kwh, rel=1e-12)
    assert data.metrics["footprint.co2e_kg"] == pytest.approx(tracker.summary.co2e_kg, rel=1e-12)
    assert data.metrics["footprint.water_l"] == pytest.approx(tracker.summary.water_l, rel=1e-12)
    assert data.metrics["loss"] == pytest.approx(1 / 3)
    assert data.tags["footprint.project"] == "lm"


def test_tracker_mlflow_false_never_logs(tmp_path: Path, tracking) -> None:
    tracker = Tracker(tmp_path / "t", interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), mlflow=False)
    with mlflow.start_run() as run, tracker:
        time.sleep(0.2)
    assert "footprint.energy_kwh" not in tracking.get_run(run.info.run_id).data.metrics


def test_trainer_with_transformers_mlflow_callback(tmp_path: Path, tracking) -> None:
    """A Trainer reporting to MLflow (transformers' own MLflowCallback, which starts the run and ends it at
    train end, before fmfootprint's callback stops its tracker): the run gets the footprint."""
    transformers = pytest.importorskip("transformers")
    from transformers.integrations import MLflowCallback
    from transformers.trainer_callback import CallbackHandler, TrainerControl, TrainerState

    from fmfootprint.measure.integrations.transformers import FootprintCallback

    footprint = FootprintCallback(interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), region="FR")
    handler = CallbackHandler([MLflowCallback(), footprint], None, None, None, None)
    args = transformers.TrainingArguments(output_dir=str(tmp_path), report_to=[])
    state, control = TrainerState(), TrainerControl()
    handler.on_train_begin(args, state, control)
    run_id = mlflow.active_run().info.run_id
    time.sleep(0.3)  # training steps
    handler.on_train_end(args, state, control)
    assert mlflow.active_run() is None  # MLflowCallback ended its run first
    data = tracking.get_run(run_id).data
    assert data.metrics["footprint.energy_kwh"] == pytest.approx(footprint.summary.energy_kwh, rel=1e-12)
