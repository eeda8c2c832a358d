"""A tracked run's stage names the site figures that were defaults, through summarize, merge and the card."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from fmfootprint.cli.main import main
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import SITE_FACTOR_NAMES
from fmfootprint.footprint.site import resolve_site
from fmfootprint.measure import RunSummary, Tracker, summarize
from fmfootprint.measure.merge import merge_runs
from fmfootprint.measure.sitedefaults import SITE_FACTORS
from fmfootprint.report.modelcard import model_card

ALL = {"pue", "grid_intensity_g_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh"}
PUE_WORK = "PUE (Uptime Institute Global Data Center Survey 2024 (average PUE))"
GRID_WORK = "grid intensity (world) (generation-weighted mean of the country rows)"
WUE_WORK = "WUE (Shehabi et al. (2016), United States Data Center Energy Usage Report, LBNL-1005775)"


def _tracked(folder: Path, **site: object) -> RunSummary:
    """A short tracked run on two simulated GPUs and a simulated host, with the site it is given."""
    with Tracker(folder, interval_s=0.1, nvml=FakeNvml(gpus(2)), host=FakeHost(), **site) as tracker:
        time.sleep(0.15)
    return tracker.summary


def _defaults_line(markdown: str) -> str | None:
    return next(
        (line for line in markdown.splitlines() if line.startswith("- **Site defaults used:**")), None
    )


def _card(capsys: pytest.CaptureFixture[str], *dirs: Path) -> str:
    """The markdown ``fmfootprint card --runs DIR...`` prints."""
    capsys.readouterr()
    assert main(["card", "--runs", *map(str, dirs)]) == 0
    return capsys.readouterr().out


def test_the_factor_names_are_the_estimators() -> None:
    assert SITE_FACTORS == SITE_FACTOR_NAMES


def test_a_run_without_a_region_names_every_default_on_its_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = _tracked(tmp_path / "run")
    assert set(summary.site_defaults) == ALL
    assert summary.site_defaults == resolve_site().sources  # the tracker's own resolution, verbatim
    assert summary.site_defaults_by_session == {summary.sessions[0]: tuple(SITE_FACTORS)}
    stage = summary.to_stage()
    assert dict(stage.site_defaults) == summary.site_defaults
    line = _defaults_line(_card(capsys, tmp_path / "run"))
    assert line is not None
    for named in (PUE_WORK, GRID_WORK, WUE_WORK, "EWIF (World default)"):
        assert named in line
    assert line.endswith("— the site has no value of its own")
    assert _defaults_line(model_card(summary).markdown) == line  # the object reads as the directory


def test_a_run_in_france_with_its_own_pue_names_only_what_was_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = _tracked(tmp_path / "run", region="FR", pue=1.1)
    assert set(summary.site_defaults) == {"wue_l_per_kwh", "ewif_l_per_kwh"}  # FR has a grid figure
    assert summary.site_defaults["ewif_l_per_kwh"].startswith("default (FR has no ewif_l_per_kwh)")
    line = _defaults_line(_card(capsys, tmp_path / "run"))
    assert line is not None
    assert WUE_WORK in line
    assert "EWIF (Europe default (UN M49 region))" in line
    assert "PUE" not in line
    assert "grid intensity" not in line


def test_summarize_names_the_defaults_in_its_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tracked(tmp_path / "world")
    _tracked(tmp_path / "fr", region="FR", pue=1.1)
    _tracked(
        tmp_path / "given", grid_intensity_g_per_kwh=100.0, pue=1.2, wue_l_per_kwh=0.5, ewif_l_per_kwh=2.0
    )
    said = {}
    for name in ("world", "fr", "given"):
        capsys.readouterr()
        assert main(["summarize", str(tmp_path / name)]) == 0
        out = capsys.readouterr().out
        said[name] = next((line for line in out.splitlines() if line.startswith("site defaults")), None)
    assert said["world"] is not None
    assert "PUE, grid intensity, WUE, EWIF" in said["world"]
    assert said["fr"] is not None
    assert "WUE, EWIF" in said["fr"]
    assert "PUE" not in said["fr"]
    assert said["given"] is None


def test_a_run_with_every_site_figure_given_has_no_defaults_line(tmp_path: Path) -> None:
    summary = _tracked(
        tmp_path / "run", grid_intensity_g_per_kwh=100.0, pue=1.2, wue_l_per_kwh=0.5, ewif_l_per_kwh=2.0
    )
    assert summary.site_defaults == {}
    assert summary.site_defaults_by_session == {summary.sessions[0]: ()}
    assert _defaults_line(model_card(tmp_path / "run").markdown) is None


def test_summarize_json_has_the_typed_fields_and_a_rebuilt_run_says_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = _tracked(tmp_path / "run", region="FR")
    stored = json.loads(Path(summary_path := next((tmp_path / "run").glob("*.summary.json"))).read_text())
    capsys.readouterr()
    assert main(["summarize", str(tmp_path / "run"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    for data in (stored, printed):
        assert data["site_defaults"] == summary.site_defaults
        assert set(data["site_defaults"]) == {"pue", "wue_l_per_kwh", "ewif_l_per_kwh"}
        assert all(
            isinstance(v, str) and v.startswith("default (FR has no") for v in data["site_defaults"].values()
        )
        assert data["site_defaults_by_session"] == {
            summary.sessions[0]: ["pue", "wue_l_per_kwh", "ewif_l_per_kwh"]
        }
    back = RunSummary.from_dict(printed)
    assert back.site_defaults == summary.site_defaults
    assert back.site_defaults_by_session == summary.site_defaults_by_session
    summary_path.unlink()  # as if the process was killed before writing it: rebuilt from the JSONL log
    rebuilt = summarize(tmp_path / "run")
    assert rebuilt.site_defaults == summary.site_defaults
    assert rebuilt.site_defaults_by_session == summary.site_defaults_by_session


def test_a_summary_file_written_before_the_field_reads_it_from_its_sources(tmp_path: Path) -> None:
    summary = _tracked(tmp_path / "run")
    data = summary.to_dict()
    del data["site_defaults"], data["site_defaults_by_session"]
    old = RunSummary.from_dict(data)
    assert old.site_defaults == summary.site_defaults
    assert old.site_defaults_by_session == summary.site_defaults_by_session


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("site_defaults", ["pue"], "an object of strings"),
        ("site_defaults", {"pue": 1.2}, "an object of strings"),
        ("site_defaults_by_session", {"s": "pue"}, "an object of lists of strings"),
        ("site_defaults_by_session", ["pue"], "an object of lists of strings"),
    ],
)
def test_a_mistyped_field_is_a_one_line_input_error(
    tmp_path: Path, key: str, value: object, words: str
) -> None:
    data = {**_tracked(tmp_path / "run").to_dict(), key: value}
    with pytest.raises(FootprintInputError, match=f"field '{key}' must be {words}") as info:
        RunSummary.from_dict(data)
    assert "\n" not in str(info.value)


def test_merge_keeps_the_union_and_what_each_run_used_and_the_card_says_how_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = _tracked(tmp_path / "a")
    france = _tracked(tmp_path / "b", region="FR", pue=1.1)
    merged = merge_runs([tmp_path / "a", tmp_path / "b"])
    assert set(merged.site_defaults) == ALL
    assert merged.site_defaults["pue"] == nowhere.site_defaults["pue"]  # only the run without a region
    assert merged.site_defaults["ewif_l_per_kwh"] == " | ".join(
        (nowhere.site_defaults["ewif_l_per_kwh"], france.site_defaults["ewif_l_per_kwh"])
    )
    assert merged.site_defaults_by_session == {
        nowhere.sessions[0]: tuple(SITE_FACTORS),
        france.sessions[0]: ("wue_l_per_kwh", "ewif_l_per_kwh"),
    }
    stage = merged.to_stage()
    assert stage.site_defaults["pue"].startswith("default (1 of 2 sessions; no region given): ")
    assert stage.site_defaults["wue_l_per_kwh"].startswith(
        "default (no region given; FR has no wue_l_per_kwh)"
    )
    line = _defaults_line(_card(capsys, tmp_path / "a", tmp_path / "b"))
    assert line is not None
    assert "PUE (Uptime Institute Global Data Center Survey 2024 (average PUE); in 1 of 2 sessions)" in line
    assert "grid intensity (world) (generation-weighted mean of the country rows; in 1 of 2 sessions)" in line
    assert WUE_WORK in line  # both sessions: no share
    assert r"EWIF (World default \| Europe default (UN M49 region))" in line  # the pipe escaped
    capsys.readouterr()
    assert main(["merge", str(tmp_path / "a"), str(tmp_path / "b"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert RunSummary.from_dict(printed).to_stage().site_defaults == stage.site_defaults  # merge --json
    assert _defaults_line(model_card(printed).markdown) == line


def test_a_merge_of_runs_without_defaults_has_none(tmp_path: Path) -> None:
    site = {"grid_intensity_g_per_kwh": 100.0, "pue": 1.2, "wue_l_per_kwh": 0.5, "ewif_l_per_kwh": 2.0}
    first, second = _tracked(tmp_path / "a", **site), _tracked(tmp_path / "b", **site)
    merged = merge_runs([tmp_path / "a", tmp_path / "b"])
    assert merged.site_defaults == {}
    assert merged.site_defaults_by_session == {first.sessions[0]: (), second.sessions[0]: ()}
    assert dict(merged.to_stage().site_defaults) == {}
