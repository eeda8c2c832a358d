"""Fixtures of the CLI tests: the model-card fixtures (a README, run directories, a ledger)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def report_data() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "report"
