"""Fixtures for the model-card tests: the published BLOOM inputs, as a stage record and as tracked runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fmfootprint.footprint.convert import convert
from fmfootprint.footprint.stages import StageFootprint

REPORT_DATA = Path(__file__).resolve().parents[1] / "data" / "report"
MEASURE_TESTS = Path(__file__).resolve().parents[1] / "measure"
if str(MEASURE_TESTS) not in sys.path:
    sys.path.insert(0, str(MEASURE_TESTS))  # fake_nvml.py: the simulated NVML, for cards of tracked runs

# Luccioni, Viguier & Ligozat (2023), JMLR 24(253), Table 1: BLOOM-176B's dynamic consumption.
BLOOM_GPU_HOURS = 1_082_990  # A100 SXM4 80GB GPU-hours, 384 GPUs
BLOOM_POWER_W = 400.0  # TDP, as the paper uses
BLOOM_PUE = 1.0  # not applied in the paper
BLOOM_INTENSITY_G_PER_KWH = 57.0  # French grid
BLOOM_CO2E_T = 24.69  # published result
BLOOM_ENERGY_MWH = 433.196  # published result


@pytest.fixture
def report_data() -> Path:
    return REPORT_DATA


def stage_record(stage: str, gpu_hours: float, *, power_w: float = 400.0, method: str = "estimated", **kw):
    """A stage record built the way the estimator does: IT energy, then :func:`convert` (no formula here)."""
    energy_it_kwh = gpu_hours * power_w / 1000.0
    footprint = convert(
        energy_it_kwh, pue=kw.pop("pue", 1.0), grid_intensity_g_per_kwh=kw.pop("intensity", 57.0)
    )
    return StageFootprint(
        stage=stage,
        method=method,
        energy_kwh=footprint.energy_kwh,
        energy_it_kwh=footprint.energy_it_kwh,
        co2e_operational_kg=footprint.co2e_operational_kg,
        gpu_hours=gpu_hours,
        pue=footprint.pue,
        grid_intensity_g_per_kwh=footprint.grid_intensity_g_per_kwh,
        **kw,
    )


@pytest.fixture
def bloom_record() -> StageFootprint:
    return stage_record(
        "final",
        BLOOM_GPU_HOURS,
        power_w=BLOOM_POWER_W,
        pue=BLOOM_PUE,
        intensity=BLOOM_INTENSITY_G_PER_KWH,
        region="FR",
        gpu="A100 SXM4 80GB",
        gpus=384,
        hours=BLOOM_GPU_HOURS / 384,
        grid_intensity_source="Luccioni et al. 2023, Table 1",
    )


@pytest.fixture
def make_stage():
    """``make_stage(stage, gpu_hours, power_w=400, method="estimated", pue=1, intensity=57, **fields)``."""
    return stage_record
