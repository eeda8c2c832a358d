"""A run ledger in a real database: SQLite (a file, no server) by default, PostgreSQL by URL.

Every tracked run, ingested run (``dcgm_prometheus``, ``slurm_acct``) and estimate becomes one row of
``fmfootprint_runs`` keyed by its run id, so a run recorded twice (a retried job, two nodes reporting the
same merged run) is counted once: inserts are ``INSERT … ON CONFLICT (run_id) DO NOTHING`` in both
dialects. Many writers at once are safe: PostgreSQL by its own locking; SQLite in WAL mode with a busy
timeout (writes are serialised, readers never block). The schema is created and upgraded by Alembic
(``fleet/migrations``) under a lock (a PostgreSQL advisory lock; a lock file beside a SQLite file), so
writers that start together migrate once.

Each row keeps the run's totals as columns (for ``report`` sums in SQL), its
:class:`~fmfootprint.footprint.stages.StageFootprint` as JSON (for the model card) and its source
(``RunSummary.to_dict()`` or ``Estimate.to_dict()``). Unmeasured energies are NULL, never 0, and a report
says how many runs of a group had none.

Requires the ``sql`` extra (SQLAlchemy, Alembic, psycopg).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, Engine, make_url

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.estimate import Estimate
from fmfootprint.footprint.stages import STAGES, StageFootprint, check_stage
from fmfootprint.measure.summary import RunSummary
from fmfootprint.report.ledger import Ledger

__all__ = ["DEFAULT_URL", "GROUPS", "LedgerGroup", "LedgerRow", "RunLedger", "ledger_url"]

DEFAULT_URL = "sqlite:///fmfootprint-ledger.db"
"""Where the ledger is when neither ``--ledger``/``--db`` nor ``FMFOOTPRINT_LEDGER`` names one."""
GROUPS: tuple[str, ...] = ("stage", "project", "month", "region")
_MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_KEY = 0x666D6670  # "fmfp": the advisory lock of the PostgreSQL migration
_TOTALS = ("energy_kwh", "energy_it_kwh", "co2e_kg", "co2e_operational_kg", "water_l", "gpu_hours")

_meta = sa.MetaData()
RUNS = sa.Table(
    "fmfootprint_runs",
    _meta,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16)),
    sa.Column("project", sa.String(200)),
    sa.Column("stage", sa.String(32)),
    sa.Column("method", sa.String(64)),
    sa.Column("region", sa.String(64)),
    sa.Column("month", sa.String(7)),
    sa.Column("start_unix_s", sa.Float),
    sa.Column("end_unix_s", sa.Float),
    sa.Column("duration_s", sa.Float),
    *(sa.Column(name, sa.Float) for name in _TOTALS if name not in ("co2e_operational_kg",)),
    sa.Column("co2e_operational_kg", sa.Float),
    sa.Column("co2e_embodied_kg", sa.Float),
    sa.Column("n_gpus", sa.Integer),
    sa.Column("n_flags", sa.Integer),
    sa.Column("stage_json", sa.Text),
    sa.Column("source_json", sa.Text),
    sa.Column("recorded_unix_s", sa.Float),
)
"""The table as migration 0001 creates it (SQLAlchemy Core; the migrations own the DDL)."""


def ledger_url(url: str | os.PathLike[str] | None = None) -> URL:
    """The SQLAlchemy URL of a ledger: a URL, a file path (SQLite), or None (``FMFOOTPRINT_LEDGER``, else
    :data:`DEFAULT_URL`). ``postgresql://`` uses psycopg 3 (``postgresql+psycopg://``)."""
    text = os.fspath(url) if url is not None else os.environ.get("FMFOOTPRINT_LEDGER") or DEFAULT_URL
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser()}"
    try:
        parsed = make_url(text)
    except sa.exc.ArgumentError:
        raise FootprintInputError(f"ledger {text!r} is neither a database URL nor a file path") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UnknownNameError("ledger database", parsed.get_backend_name(), ["sqlite", "postgresql"])
    return parsed


@dataclass(frozen=True)
class LedgerRow:
    """One recorded run: its id, kind (``run``/``estimate``), labels and totals (None where unmeasured)."""

    run_id: str
    kind: str
    project: str
    stage: str
    method: str
    region: str | None
    month: str
    start_unix_s: float
    duration_s: float
    energy_kwh: float | None
    co2e_kg: float | None
    water_l: float | None
    gpu_hours: float | None
    n_flags: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LedgerGroup:
    """Totals of one group of runs; sums over the runs that measured them, ``unmeasured`` = runs without
    an energy (not counted as 0)."""

    key: str
    runs: int
    unmeasured: int
    energy_kwh: float | None
    energy_it_kwh: float | None
    co2e_kg: float | None
    co2e_operational_kg: float | None
    water_l: float | None
    gpu_hours: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _month(unix_s: float) -> str:
    return _dt.datetime.fromtimestamp(unix_s, tz=_dt.timezone.utc).strftime("%Y-%m")


def _row(
    item: RunSummary | Estimate | StageFootprint, run_id: str | None, project: str | None, stage: str | None
) -> dict[str, Any]:
    """The row of a run summary or an estimate (an estimate needs a ``run_id`` and a ``project``)."""
    now = time.time()
    if isinstance(item, RunSummary):
        figures = item.to_stage(stage) if item.energy_kwh is not None else None
        rid = run_id or "+".join(sorted(item.sessions))
        if not rid:
            raise FootprintInputError("this run summary has no session id; give it a run id")
        start, end = item.start_unix_s, item.end_unix_s
        method = item.gpu_energy_method if item.method == "measured" else item.method  # nvml, dcgm, slurm
        labels = {"project": project or item.project, "stage": stage or item.stage, "region": item.region}
        n_flags, kind, source = len(item.flags), "run", item.to_dict()
        gpus: int | None = item.n_gpus
    elif isinstance(item, (Estimate, StageFootprint)):
        if not run_id:
            raise FootprintInputError("an estimate needs a run id to be recorded in the ledger")
        figures = item.to_stage(stage or "final") if isinstance(item, Estimate) else item
        rid, start, end, method, kind = run_id, now, now, figures.method, "estimate"
        labels = {"project": project or "default", "stage": figures.stage, "region": figures.region}
        n_flags, source, gpus = 0, item.to_dict(), figures.gpus
    else:
        raise FootprintInputError(
            f"cannot record {type(item).__name__} in the ledger: give a run or estimate"
        )
    if len(rid) > 64:
        raise FootprintInputError(f"run id {rid[:20]!r}… is longer than 64 characters")
    if labels["stage"] == "mixed":
        raise FootprintInputError(f"run {rid!r} combines runs of several stages; give the stage it counts as")
    labels["stage"] = check_stage(str(labels["stage"]))  # the canonical name ("experiment" -> "experiments")
    get = (lambda key: None) if figures is None else (lambda key: getattr(figures, key))
    return {
        "run_id": rid,
        "kind": kind,
        **labels,
        "method": method,
        "month": _month(start),
        "start_unix_s": start,
        "end_unix_s": end,
        "duration_s": end - start,
        **{key: get(key) for key in _TOTALS},
        "co2e_embodied_kg": get("co2e_embodied_kg"),
        "n_gpus": gpus,
        "n_flags": n_flags,
        "stage_json": json.dumps(None if figures is None else figures.to_dict(), allow_nan=False),
        "source_json": json.dumps(source, allow_nan=False, default=str),
        "recorded_unix_s": now,
    }


class RunLedger:
    """A run ledger in SQLite or PostgreSQL (see the module docstring).

    Parameters
    ----------
    url : str or path, optional
        ``postgresql://user:pass@host/db``, ``sqlite:///path.db``, a file path, or None for
        ``FMFOOTPRINT_LEDGER`` / :data:`DEFAULT_URL`. The schema is created or upgraded on first use.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = ledger_url(url)
        self.label = self.url.render_as_string(hide_password=True)
        sqlite = self.url.get_backend_name() == "sqlite"
        args: dict[str, Any] = {"timeout": 60} if sqlite else {"connect_timeout": 10}
        self.engine: Engine = sa.create_engine(self.url, connect_args=args, pool_pre_ping=not sqlite)
        if sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            reason = " ".join(str(exc.orig).split())[:200]
            raise FootprintInputError(f"ledger {self.label}: {reason}") from None

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(_MIGRATIONS / "versions"))
        with self._lock(), self._connect() as conn:
            if self.url.get_backend_name() == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        database = self.url.database if self.url.get_backend_name() == "sqlite" else None
        if not database or database == ":memory:":
            yield
            return
        import fcntl  # POSIX; the lock only serialises migrations of one SQLite file

        path = Path(f"{database}.migrate.lock")
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def record(
        self,
        item: RunSummary | Estimate | StageFootprint,
        *,
        run_id: str | None = None,
        project: str | None = None,
        stage: str | None = None,
    ) -> bool:
        """Record one run or estimate (an Estimate, or a StageFootprint of estimated figures, needs
        ``run_id``); True when it is new, False when its run id was already there."""
        return self.record_many([(item, run_id)], project=project, stage=stage) == 1

    def record_many(
        self,
        items: Iterable[tuple[RunSummary | Estimate | StageFootprint, str | None]],
        *,
        project: str | None = None,
        stage: str | None = None,
    ) -> int:
        """Record ``(item, run_id or None)`` pairs in one transaction; returns how many were new."""
        rows = [_row(item, rid, project, stage) for item, rid in items]
        if not rows:
            return 0
        postgres = self.url.get_backend_name() == "postgresql"
        statement = (
            (pg_insert(RUNS) if postgres else sqlite_insert(RUNS))
            .on_conflict_do_nothing(index_elements=["run_id"])
            .returning(RUNS.c.run_id)
        )
        with self._connect() as conn:
            return len(conn.execute(statement, rows).all())  # RETURNING: only the rows inserted

    def _where(self, project: str | None, since: float | None, stage: str | None = None) -> list[Any]:
        clauses: list[Any] = []
        if project is not None:
            clauses.append(RUNS.c.project == project)
        if since is not None:
            clauses.append(RUNS.c.start_unix_s >= since)
        if stage is not None:
            clauses.append(RUNS.c.stage == check_stage(stage))
        return clauses

    def rows(self, *, project: str | None = None, since: float | None = None) -> list[LedgerRow]:
        """The recorded runs, oldest first, of ``project`` started at or after ``since`` [s since epoch]."""
        names = [f for f in LedgerRow.__dataclass_fields__]
        query = sa.select(*(RUNS.c[n] for n in names)).where(*self._where(project, since))
        with self._connect() as conn:
            result = conn.execute(query.order_by(RUNS.c.start_unix_s, RUNS.c.run_id))
            return [LedgerRow(**dict(zip(names, r, strict=True))) for r in result]

    def report(
        self, *, group_by: str = "stage", project: str | None = None, since: float | None = None
    ) -> list[LedgerGroup]:
        """Totals per ``group_by`` (one of :data:`GROUPS`), summed in the database."""
        if group_by not in GROUPS:
            raise UnknownNameError("group", group_by, GROUPS)
        key = RUNS.c[group_by]
        sums = [sa.func.sum(RUNS.c[name]).label(name) for name in _TOTALS]
        query = (
            sa.select(
                key, sa.func.count().label("runs"), sa.func.count(RUNS.c.energy_kwh).label("measured"), *sums
            )
            .where(*self._where(project, since))
            .group_by(key)
            .order_by(key)
        )
        with self._connect() as conn:
            result = list(conn.execute(query))
        groups = [
            LedgerGroup(
                key=str(r[0]) if r[0] is not None else "(world default)",
                runs=int(r.runs),
                unmeasured=int(r.runs) - int(r.measured),
                **{name: None if getattr(r, name) is None else float(getattr(r, name)) for name in _TOTALS},
            )
            for r in result
        ]
        if group_by == "stage":
            groups.sort(key=lambda g: STAGES.index(g.key) if g.key in STAGES else len(STAGES))
        return groups

    def to_ledger(self, *, project: str, since: float | None = None) -> Ledger:
        """The project's recorded runs as a :class:`~fmfootprint.report.ledger.Ledger` for the model card
        (:func:`~fmfootprint.report.modelcard.model_card`); runs without energy are left out, flagged by
        :meth:`report`'s ``unmeasured``."""
        query = sa.select(RUNS.c.stage, RUNS.c.stage_json).where(*self._where(project, since))
        stages: dict[str, list[Any]] = {}
        with self._connect() as conn:
            for stage, figures in conn.execute(query.order_by(RUNS.c.start_unix_s)):
                data = json.loads(figures)
                if data is not None:
                    stages.setdefault(stage, []).append(StageFootprint.from_dict(data, stage))
        if not stages:
            raise FootprintInputError(f"ledger {self.label} has no measured run of project {project!r}")
        return Ledger(stages={s: stages[s] for s in STAGES if s in stages})

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()
