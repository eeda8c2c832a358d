"""The runs table: one row per run id (tracked run, ingested run or estimate).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fmfootprint_runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("start_unix_s", sa.Float, nullable=False),
        sa.Column("end_unix_s", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("energy_it_kwh", sa.Float, nullable=True),
        sa.Column("energy_kwh", sa.Float, nullable=True),
        sa.Column("co2e_operational_kg", sa.Float, nullable=True),
        sa.Column("co2e_embodied_kg", sa.Float, nullable=True),
        sa.Column("co2e_kg", sa.Float, nullable=True),
        sa.Column("water_l", sa.Float, nullable=True),
        sa.Column("gpu_hours", sa.Float, nullable=True),
        sa.Column("n_gpus", sa.Integer, nullable=True),
        sa.Column("n_flags", sa.Integer, nullable=False),
        sa.Column("stage_json", sa.Text, nullable=False),
        sa.Column("source_json", sa.Text, nullable=False),
        sa.Column("recorded_unix_s", sa.Float, nullable=False),
    )
    op.create_index("ix_fmfootprint_runs_project_start", "fmfootprint_runs", ["project", "start_unix_s"])


def downgrade() -> None:
    op.drop_index("ix_fmfootprint_runs_project_start", table_name="fmfootprint_runs")
    op.drop_table("fmfootprint_runs")
