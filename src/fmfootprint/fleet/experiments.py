"""Footprint metrics in the experiment tracker a run already uses: MLflow and Weights & Biases.

:func:`log_footprint` logs ``footprint.energy_kwh``, ``footprint.co2e_kg``, ``footprint.water_l`` and
``footprint.gpu_hours`` (and the same per stage, ``footprint.<stage>.energy_kwh``), with tags
``footprint.stage``, ``footprint.method``, ``footprint.region`` and ``footprint.project``. A figure that
was not measured is not logged (never a 0); the tag ``footprint.unmeasured`` names it.

- MLflow: by default (``mlflow=None``) only when the training code imported ``mlflow`` and a run is
  active; ``mlflow=True`` imports it and starts (and ends) a run when none is active (``MLFLOW_RUN_ID``
  and ``MLFLOW_TRACKING_URI`` are honoured, so ``track --mlflow`` can add to the child's run); ``False``
  never.
- W&B: by default only when ``wandb`` is already imported by the training code and ``wandb.run`` is set
  (fmfootprint never imports wandb itself); ``wandb=True`` imports it and needs an active run.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fmfootprint.measure.summary import RunSummary

__all__ = ["active_mlflow_run_id", "footprint_metrics", "log_footprint"]


def footprint_metrics(summary: RunSummary) -> tuple[dict[str, float], dict[str, str]]:
    """The metrics (measured figures only) and tags of a run summary."""
    figures = {
        "energy_kwh": summary.energy_kwh,
        "co2e_kg": summary.co2e_kg,
        "water_l": summary.water_l,
        "gpu_hours": summary.gpu_hours,
    }
    metrics: dict[str, float] = {}
    for name, value in figures.items():
        if value is not None:
            metrics[f"footprint.{name}"] = float(value)
            metrics[f"footprint.{summary.stage}.{name}"] = float(value)
    tags = {
        "footprint.stage": summary.stage,
        "footprint.method": summary.gpu_energy_method if summary.method == "measured" else summary.method,
        "footprint.region": summary.region or "world default",
        "footprint.project": summary.project,
    }
    missing = [name for name, value in figures.items() if value is None]
    if missing:
        tags["footprint.unmeasured"] = ",".join(missing)
    return metrics, tags


def _module(name: str, wanted: bool | None) -> Any:
    if wanted is False:
        return None
    if name in sys.modules:
        return sys.modules[name]
    if wanted is None:
        return None  # not imported by the training code: no run of it can be active in this process
    try:
        return importlib.import_module(name)
    except ImportError:
        if wanted:
            raise
        return None


def active_mlflow_run_id() -> str | None:
    """The id of the MLflow run active in this process, if the code imported mlflow and started one."""
    ml = sys.modules.get("mlflow")
    run = ml.active_run() if ml is not None else None
    return None if run is None else str(run.info.run_id)


def log_footprint(
    summary: RunSummary,
    *,
    mlflow: bool | None = None,
    wandb: bool | None = None,
    mlflow_run_id: str | None = None,
) -> list[str]:
    """Log the summary's footprint to MLflow's and W&B's active runs; returns where it was logged.

    Parameters
    ----------
    summary : RunSummary
        The run's summary.
    mlflow, wandb : bool or None
        None: log where the library is present and a run is active; True: required (MLflow starts a run
        if none is active); False: never.
    mlflow_run_id : str, optional
        The MLflow run that was active when measurement began: logged to (through ``MlflowClient``)
        even if it has ended since (a Trainer's MLflow callback ends its run before the footprint
        callback stops the tracker).

    Raises
    ------
    ImportError
        ``mlflow=True`` or ``wandb=True`` without the package.
    RuntimeError
        ``wandb=True`` without an active W&B run.
    """
    metrics, tags = footprint_metrics(summary)
    logged: list[str] = []
    ml = _module("mlflow", True if (mlflow is None and mlflow_run_id) else mlflow)
    if ml is not None:
        active = ml.active_run()
        if mlflow_run_id:  # the run active when measuring began, whether or not it has ended since
            import time

            from mlflow.entities import Metric, RunTag

            now_ms = int(time.time() * 1000)
            ml.MlflowClient().log_batch(
                mlflow_run_id,
                metrics=[Metric(k, v, now_ms, 0) for k, v in metrics.items()],
                tags=[RunTag(k, v) for k, v in tags.items()],
            )
            logged.append(f"mlflow run {mlflow_run_id}")
        elif active is not None or mlflow:
            started = active is None
            run = active if active is not None else ml.start_run(run_name=f"fmfootprint-{summary.project}")
            try:
                ml.log_metrics(metrics)
                ml.set_tags(tags)
            finally:
                if started:
                    ml.end_run()
            logged.append(f"mlflow run {run.info.run_id}")
    wb = _module("wandb", wandb)
    if wb is not None:
        run = getattr(wb, "run", None)
        if run is None:
            if wandb:
                raise RuntimeError("wandb=True but no W&B run is active (call wandb.init() first)")
        else:
            run.summary.update({**metrics, **tags})
            run.log(metrics)
            logged.append(f"wandb run {run.id}")
    return logged
