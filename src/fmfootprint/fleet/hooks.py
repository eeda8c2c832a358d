"""What the tracker hands each run's samples and summary to: Prometheus, MLflow/W&B, the SQL ledger.

:class:`FleetObservers` is built by the tracker only when one of its fleet options is given
(``prometheus_port``, ``pushgateway``, ``mlflow``, ``ledger``); each observer's failure becomes one
tracker warning and the run goes on (the tracker never harms the run it measures).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fmfootprint.footprint.site import Site
    from fmfootprint.measure.summary import RunSummary

__all__ = ["STOP_TIMEOUT_S", "FleetObservers"]

STOP_TIMEOUT_S = 20.0
"""The longest the fleet exports at a session's stop may hold up the end of the run [s]."""


class FleetObservers:
    """The fleet sinks of one tracker session.

    Parameters
    ----------
    site : Site
        The session's site.
    project, stage, host, session : str
        The session's labels and name.
    job : str, optional
        Scheduler job id.
    warn : callable
        The tracker's warning function (one line each).
    prometheus_port : int, optional
        Serve ``/metrics`` on this port (0: any free port).
    pushgateway : str, optional
        Pushgateway URL for the final figures.
    mlflow : bool, optional
        Log to MLflow: None (default) where a run is active, True always, False never.
    wandb : bool, optional
        Log to W&B's active run: None (default) where the training code uses wandb.
    ledger : str, optional
        SQL ledger URL or file to record the summary in.
    """

    def __init__(
        self,
        site: Site,
        *,
        project: str,
        stage: str,
        host: str,
        session: str,
        warn: Callable[[str], None],
        job: str | None = None,
        prometheus_port: int | None = None,
        pushgateway: str | None = None,
        mlflow: bool | None = None,
        wandb: bool | None = None,
        ledger: str | None = None,
    ) -> None:
        self.warn = warn
        self.mlflow, self.wandb, self.ledger = mlflow, wandb, ledger
        self._mlflow_run_id: str | None = None
        if mlflow is not False:
            from fmfootprint.fleet.experiments import active_mlflow_run_id

            self._mlflow_run_id = active_mlflow_run_id()  # the run that was active when measuring began
        self.exporter: Any = None
        if prometheus_port is not None or pushgateway:
            try:
                from fmfootprint.fleet.prom_export import PrometheusExporter
            except ImportError as exc:
                warn(f"Prometheus export needs the 'prometheus' extra (fmfootprint[prometheus]): {exc}")
            else:
                self.exporter = PrometheusExporter(
                    site,
                    project=project,
                    stage=stage,
                    host=host,
                    job=job,
                    port=prometheus_port,
                    pushgateway=pushgateway,
                    session=session,
                )
                self._drain()

    @classmethod
    def for_tracker(cls, tracker: Any, warn: Callable[[str], None], **options: Any) -> FleetObservers:
        """The observers of a :class:`~fmfootprint.measure.tracker.Tracker` session that has opened its
        files (labels from its site, project, stage, ranks and log name); ``options`` as the class takes."""
        log_path = getattr(tracker, "log_path", None)
        return cls(
            tracker.site,
            project=tracker.project,
            stage=tracker.stage,
            host=tracker.ranks.hostname,
            job=tracker.ranks.job_id,
            session=log_path.name.removesuffix(".jsonl") if log_path is not None else "",
            warn=warn,
            **options,
        )

    @property
    def metrics_port(self) -> int | None:
        """The port ``/metrics`` is served on (None when not serving)."""
        return None if self.exporter is None else self.exporter.port

    def _drain(self) -> None:
        if self.exporter is not None:
            for message in self.exporter.warnings:
                self.warn(message)
            self.exporter.warnings.clear()

    def on_sample(self, record: Mapping[str, Any]) -> None:
        if self.exporter is not None:
            self._guard("Prometheus export", self.exporter.on_sample, record)

    def on_stop(self, summary: RunSummary) -> None:
        if self.exporter is not None:
            self._guard("Prometheus export", self.exporter.on_stop, summary)
            self._drain()
        if self.mlflow is not False or self.wandb:
            from fmfootprint.fleet.experiments import log_footprint

            options = {"mlflow": self.mlflow, "wandb": self.wandb, "mlflow_run_id": self._mlflow_run_id}
            self._guard("experiment tracker", log_footprint, summary, **options)
        if self.ledger:
            self._guard("SQL ledger", self._record, summary)

    def _record(self, summary: RunSummary) -> None:
        from fmfootprint.fleet.ledger_db import RunLedger

        ledger = RunLedger(self.ledger)
        try:
            ledger.record(summary)
        finally:
            ledger.close()

    def _guard(self, what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except Exception as exc:  # one warning; the run and its summary are not affected
            self.warn(f"{what} failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")


class TrackerFleet:
    """The fleet options of a :class:`~fmfootprint.measure.tracker.Tracker` (``Tracker(**fleet)``).

    Built with the tracker (options checked then; nothing is started), it builds the session's
    :class:`FleetObservers` at the session's first sample (``/metrics`` is served from then on) and hands
    them the summary when the session stops. Without options it only logs to an MLflow or W&B run the
    training code has active (see :mod:`fmfootprint.fleet.experiments`).

    Parameters
    ----------
    tracker : Tracker
        The tracker whose sessions these are.
    prometheus_port : int, optional
        Serve ``/metrics`` on this port [0–65535; 0: any free port] while measuring.
    pushgateway : str, optional
        Pushgateway URL for the final figures.
    mlflow : bool, optional
        None (default): log to the code's active MLflow run; True: always (a run of its own if none);
        False: never.
    wandb : bool, optional
        As ``mlflow``, for W&B's active run.
    ledger : str, optional
        SQL ledger URL or file to record each summary in.
    """

    def __init__(
        self,
        tracker: Any,
        *,
        prometheus_port: int | None = None,
        pushgateway: str | None = None,
        mlflow: bool | None = None,
        wandb: bool | None = None,
        ledger: str | None = None,
    ) -> None:
        from fmfootprint.errors import FootprintInputError

        if prometheus_port is not None and (
            isinstance(prometheus_port, bool)
            or not isinstance(prometheus_port, int)
            or not 0 <= prometheus_port <= 65535
        ):
            raise FootprintInputError(
                f"prometheus_port must be a port number from 0 to 65535, got {prometheus_port!r}"
            )
        for name, value in (("mlflow", mlflow), ("wandb", wandb)):
            if value not in (None, True, False):
                raise FootprintInputError(f"{name} must be True, False or None, got {value!r}")
        self.tracker = tracker
        self.options: dict[str, Any] = {
            "prometheus_port": prometheus_port,
            "pushgateway": pushgateway,
            "mlflow": mlflow,
            "wandb": wandb,
            "ledger": ledger,
        }
        self.session: FleetObservers | None = None
        self._mlflow_run_id: str | None = None
        if mlflow is not False:  # MLflow's active run is per thread: read it here, not in the sampler
            from fmfootprint.fleet.experiments import active_mlflow_run_id

            self._mlflow_run_id = active_mlflow_run_id()

    def _warn(self, message: str) -> None:
        warn = getattr(self.tracker, "_warn", None)
        if callable(warn):
            warn(message)
        else:
            self.tracker.warnings.append(message)

    def _begin(self) -> FleetObservers:
        if self.session is None:
            self.session = FleetObservers.for_tracker(self.tracker, self._warn, **self.options)
            self.session._mlflow_run_id = self.session._mlflow_run_id or self._mlflow_run_id
        return self.session

    @property
    def metrics_port(self) -> int | None:
        """The port ``/metrics`` is served on in the current session (None when not serving)."""
        return None if self.session is None else self.session.metrics_port

    def on_sample(self, record: Mapping[str, Any]) -> None:
        self._begin().on_sample(record)

    def on_stop(self, summary: RunSummary | None) -> None:
        from fmfootprint.fleet.experiments import active_mlflow_run_id

        session, self.session = self._begin(), None
        self._mlflow_run_id = None if self.options["mlflow"] is False else active_mlflow_run_id()
        if summary is not None:
            session._mlflow_run_id = session._mlflow_run_id or self._mlflow_run_id
            # An unreachable MLflow server, Pushgateway or database must not hold up the end of the run:
            # the work gets STOP_TIMEOUT_S in a daemon thread, then is left behind with one warning.
            worker = threading.Thread(target=session.on_stop, args=(summary,), name="fmfootprint-fleet")
            worker.daemon = True
            worker.start()
            worker.join(STOP_TIMEOUT_S)
            if worker.is_alive():
                self._warn(
                    f"fleet export (MLflow, Pushgateway, SQL ledger) still busy after {STOP_TIMEOUT_S:g} s; "
                    "left behind (the run's log and summary are written)"
                )
        elif session.exporter is not None:
            session.exporter.close()
