"""Cards of tracked runs name their site defaults, whichever way the runs reach the card.

The CLI passes run directories or a ledger; the app's card page passes the directories, the merged
:class:`RunSummary` of its Runs page, or that page's stage records. Each must give the same
"Site defaults used" line, and a stage mixing an estimate and runs names both records' defaults.
"""

from __future__ import annotations

import time
from pathlib import Path

from fake_nvml import FakeHost, FakeNvml, gpus

from fmfootprint.footprint.estimate import estimate
from fmfootprint.measure import Tracker
from fmfootprint.measure.merge import merge_runs
from fmfootprint.report.modelcard import model_card
from fmfootprint.report.sources import stage_footprints


def _track(folder: Path, **site: object) -> None:
    with Tracker(folder, interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(), **site):
        time.sleep(0.15)


def _defaults_line(markdown: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith("- **Site defaults used:**"))


def test_every_way_runs_reach_the_card_names_the_same_defaults(tmp_path: Path) -> None:
    _track(tmp_path / "node-0")
    _track(tmp_path / "node-1", region="FR", pue=1.1)
    dirs = [tmp_path / "node-0", tmp_path / "node-1"]
    line = _defaults_line(model_card(dirs).markdown)
    assert "PUE (Uptime Institute Global Data Center Survey 2024 (average PUE); in 1 of 2 sessions)" in line
    assert _defaults_line(model_card(merge_runs(dirs)).markdown) == line  # the Runs page's summary
    assert _defaults_line(model_card(list(stage_footprints(dirs))).markdown) == line  # its stage records
    ledger = tmp_path / "footprint.yaml"
    ledger.write_text("stages:\n  final:\n    runs: [node-0, node-1]\n")
    assert _defaults_line(model_card(ledger).markdown) == line


def test_a_run_and_an_estimate_in_different_stages_each_say_their_defaults(tmp_path: Path) -> None:
    _track(tmp_path / "eval", region="FR", pue=1.1, stage="evaluation")
    planned = estimate(gpu="H100", gpus=8, hours=10, pue=1.2)  # no region: the world's grid and water
    line = _defaults_line(model_card({"final": planned, "evaluation": tmp_path / "eval"}).markdown)
    final, evaluation = line.removeprefix("- **Site defaults used:** ").split("; ")
    assert final.startswith("grid intensity (world) (")
    assert "EWIF (World default)" in final
    assert final.endswith("(final)")
    assert "PUE" not in line  # given in both
    assert evaluation.startswith("WUE (")
    assert "EWIF (Europe default (UN M49 region))" in evaluation
    assert evaluation.endswith("(evaluation)")
