"""The wheel carries data/ and app/, so `pip install .` then `fmfootprint app` works outside the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*build, "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("fmfootprint-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_data_and_app_but_not_test_fixtures(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "fmfootprint/_data/hardware/accelerators.csv" in names
    assert "fmfootprint/_data/grid_intensity/countries.csv" in names
    assert "fmfootprint/_data/SOURCES.md" in names
    assert "fmfootprint/_app/streamlit_app.py" in names
    # The Epoch points have no licence: a test fixture only, never shipped.
    assert not any("epoch" in name.lower() for name in names)
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.slow
def test_installed_wheel_finds_its_data_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import json, fmfootprint._resources as r;print(json.dumps([str(r.data_dir()), str(r.app_dir())]))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    data_dir, app_dir = map(Path, json.loads(out.stdout))
    assert data_dir.is_relative_to(target)
    assert (data_dir / "hardware" / "accelerators.csv").is_file()
    assert (app_dir / "streamlit_app.py").is_file()
    listed = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "data", "gpus", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "H100" in listed.stdout
