"""Alembic environment of the run ledger: migrates the connection the ledger hands over.

:func:`fmfootprint.fleet.ledger_db.migrate` puts an open connection in ``config.attributes["connection"]``
and runs ``alembic upgrade head``; this file is not meant for the ``alembic`` command line.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table="fmfootprint_alembic_version")
with context.begin_transaction():
    context.run_migrations()
