"""Which process measures: LOCAL_RANK -1 or unset measures; a non-zero rank says once that rank 0 does;
a malformed variable is a warning, never silence."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.errors import FootprintInputError
from fmfootprint.measure.ranks import resolve_ranks
from fmfootprint.measure.tracker import Tracker, TrackerWarning


def _run(tmp_path: Path, environ: dict[str, str]) -> tuple[Tracker, list[str]]:
    tracker = Tracker(tmp_path, interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), environ=environ,
                      **SITE)  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tracker:
            time.sleep(0.15)
    return tracker, [str(w.message) for w in caught if issubclass(w.category, TrackerWarning)]


@pytest.mark.parametrize("environ", [{}, {"LOCAL_RANK": "-1"}, {"LOCAL_RANK": " -1 "}])
def test_not_distributed_measures(tmp_path: Path, environ: dict[str, str]) -> None:
    tracker, told = _run(tmp_path, environ)
    assert tracker.measuring
    assert tracker.summary is not None
    assert tracker.summary.gpu_energy_kwh
    assert not tracker.ranks.distributed
    assert not any("rank" in m for m in told)


def test_minus_one_as_an_argument_means_not_distributed() -> None:
    info = resolve_ranks(-1, {})
    assert info.measures
    assert info.local_rank_source == "not distributed"
    with pytest.raises(FootprintInputError, match="local_rank must be a whole number >= -1"):
        resolve_ranks(-2, {})


@pytest.mark.parametrize("value", ["abc", "1.5", "-3"])
def test_a_malformed_local_rank_is_a_warning_and_the_next_variable_decides(
    tmp_path: Path, value: str
) -> None:
    tracker, told = _run(tmp_path, {"LOCAL_RANK": value, "SLURM_LOCALID": "0"})
    assert tracker.measuring
    assert tracker.ranks.local_rank_source == "SLURM_LOCALID"
    (note,) = [m for m in told if "ignoring LOCAL_RANK" in m]
    assert repr(value) in note
    assert tracker.summary is not None
    assert any("ignoring LOCAL_RANK" in f for f in tracker.summary.flags)  # recorded, not only printed


def test_a_non_zero_local_rank_says_once_that_rank_0_measures(tmp_path: Path) -> None:
    environ = {"LOCAL_RANK": "5", "RANK": "13", "WORLD_SIZE": "16"}
    told = []
    for attempt in range(3):
        tracker, messages = _run(tmp_path / str(attempt), environ)
        assert not tracker.measuring
        assert tracker.summary is None
        told.extend(m for m in messages if "local rank 0 measures this node" in m)
    assert told == [
        "fmfootprint tracker: local rank 5 (LOCAL_RANK) does not measure: local rank 0 measures this node"
    ]
    assert not (tmp_path / "0").exists()  # nothing written on that rank
