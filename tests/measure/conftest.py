"""Fixtures for the tracker tests: fake NVML and host meters, and codecarbon isolated from the machine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # fake_nvml.py, imported by tests and by worker subprocesses

from fake_nvml import FakeHost, FakeNvml, gpus  # noqa: E402

# Explicit site factors so tests do not depend on the catalog's figures unless they mean to.
SITE = {"grid_intensity_g_per_kwh": 100.0, "pue": 1.2, "wue_l_per_kwh": 0.5, "ewif_l_per_kwh": 2.0}


@pytest.fixture
def fake_nvml() -> FakeNvml:
    return FakeNvml(gpus(2))


@pytest.fixture
def fake_host() -> FakeHost:
    return FakeHost()


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """HOME and cwd in a temporary folder, no CODECARBON_* variables: codecarbon sees no user config."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    for name in list(__import__("os").environ):
        if name.startswith("CODECARBON_"):
            monkeypatch.delenv(name)
    return tmp_path


_LAUNCHER_VARIABLES = (
    "LOCAL_RANK", "RANK", "WORLD_SIZE", "GROUP_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_RANK",
    "MV2_COMM_WORLD_LOCAL_RANK", "PMI_RANK", "SLURM_LOCALID", "SLURM_PROCID", "SLURM_NODEID", "SLURM_JOB_ID",
    "TORCHELASTIC_RUN_ID", "TORCHELASTIC_RESTART_COUNT", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _no_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start as a single local process, whatever launched pytest (e.g. a SLURM job in CI)."""
    for name in _LAUNCHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _own_tracker_registry(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test has its own host registry of trackers (outside its tmp_path, which tests list), so tests
    running side by side (xdist) do not see each other as neighbours."""
    folder = tmp_path_factory.mktemp("tracker-registry")
    monkeypatch.setenv("FMFOOTPRINT_TRACKER_REGISTRY", str(folder))
    return folder
