"""Alembic migrations of the SQL run ledger (:mod:`fmfootprint.fleet.ledger_db` runs them itself)."""
