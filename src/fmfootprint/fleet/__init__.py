"""Fleet scale: fmfootprint on the engines a cluster already runs.

One module per engine, each an optional dependency (extras ``prometheus``, ``sql``, ``mlflow``):

- :mod:`~fmfootprint.fleet.prom_export`: live ``/metrics`` of a tracked run (prometheus-client), push at
  the end to a Pushgateway;
- :mod:`~fmfootprint.fleet.prom_ingest`: a run summary (method ``dcgm_prometheus``) from the DCGM energy
  counters a Prometheus server already scraped (its HTTP API);
- :mod:`~fmfootprint.fleet.sacct`: a run summary (method ``slurm_acct``) from Slurm's accounting
  (``sacct --json`` / ``sacct -P`` output);
- :mod:`~fmfootprint.fleet.ledger_db`: a run ledger in SQLite or PostgreSQL (SQLAlchemy, Alembic
  migrations in ``fleet/migrations``), idempotent on run id, safe with many writers;
- :mod:`~fmfootprint.fleet.experiments`: footprint metrics logged to MLflow's or W&B's active run.

Ingested runs are :class:`~fmfootprint.measure.summary.RunSummary` objects built by
:mod:`~fmfootprint.fleet._build`, so they flow into conversion, merge, the ledgers and the model card like
tracked runs. This package is imported by nothing below it (the tracker imports its modules lazily).
"""
