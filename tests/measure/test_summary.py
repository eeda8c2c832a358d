"""RunSummary: operational + embodied carbon, old summary files, and the stage footprint of a run."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fake_nvml import FakeGpu, FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.catalog.hardware import get_accelerator, server_defaults
from fmfootprint.cli.main import main
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.measure import RunSummary, Tracker, load_run, summarize
from fmfootprint.measure.combine import combine
from fmfootprint.measure.summary import SCHEMA_VERSION, session_summary

V1_DIR = Path(__file__).resolve().parents[1] / "data" / "measure" / "v1"
# The keys a schema-1 summary had: every one of them is still written, with the same meaning except co2e_kg.
V1_KEYS = set(json.loads(next(V1_DIR.glob("*.summary.json")).read_text()))


def _per_gpu_hour_kg(catalog_name: str) -> float:
    """The catalog's embodied figure amortised the BLOOM way: kg / (lifetime × 8760 h × usage) [kg/GPU-h]."""
    defaults = server_defaults()
    embodied_kg = get_accelerator(catalog_name).embodied_kg
    return embodied_kg / (defaults.lifetime_years * 8760 * defaults.usage_fraction)


def _session(names: list[str], hours: float = 10.0, energy_kwh: float = 3.0) -> RunSummary:
    """A clean session of GPUs named as NVML names them, from log records (no clock involved)."""
    devices = [
        {"index": i, "uuid": f"GPU-{i}", "name": name, "method": "energy_counter"}
        for i, name in enumerate(names)
    ]
    start = {
        "type": "start", "session_id": "s", "time": 1.7e9, "project": "p", "stage": "final",
        "interval_s": 1.0,
        "site": {"region": "FR", "grid_intensity_g_per_kwh": 50.0, "pue": 1.2, "wue_l_per_kwh": 0.5,
                 "ewif_l_per_kwh": 2.0, "sources": {"grid_intensity_g_per_kwh": "given"}},
        "rank": {"hostname": "node0"}, "gpus": devices,
    }  # fmt: skip
    energy_j = energy_kwh * 3.6e6 / len(names)
    readings = [{"uuid": d["uuid"], "energy_j": energy_j, "method": "energy_counter"} for d in devices]
    sample = {"elapsed_s": hours * 3600, "cpu_energy_kwh": 0.5, "ram_energy_kwh": 0.25, "gpus": readings}
    return session_summary(start, sample, {"exit_code": 0, "elapsed_s": hours * 3600})


def test_co2e_kg_is_operational_plus_embodied_for_a_gpu_the_catalog_knows(tmp_path: Path) -> None:
    with Tracker(tmp_path, interval_s=0.1, nvml=FakeNvml(gpus(2)), host=FakeHost(), **SITE) as tracker:
        time.sleep(0.2)
    summary = tracker.summary
    # The simulated NVML says "NVIDIA H100 80GB HBM3": the catalog's H100 SXM, 150 kg per GPU.
    assert [g["accelerator"] for g in summary.gpus] == ["H100 SXM", "H100 SXM"]
    assert summary.co2e_embodied_kg == pytest.approx(
        summary.gpu_hours * _per_gpu_hour_kg("H100 SXM"), rel=1e-12
    )
    assert summary.co2e_embodied_kg > 0
    assert summary.co2e_kg == summary.co2e_operational_kg + summary.co2e_embodied_kg
    assert "H100 SXM 150 kgCO2e" in summary.sources["co2e_embodied_kg"]
    assert "servers not counted" in summary.sources["co2e_embodied_kg"]
    assert not [f for f in summary.flags if "embodied" in f]
    stored = json.loads(tracker.summary_path.read_text())
    assert stored["schema_version"] == SCHEMA_VERSION == 3
    assert set(stored) >= V1_KEYS | {"co2e_operational_kg", "co2e_embodied_kg"}
    assert stored["co2e_kg"] == summary.co2e_kg
    assert summarize(tmp_path).co2e_embodied_kg == pytest.approx(summary.co2e_embodied_kg)  # rebuilt alike


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("NVIDIA Quantum 9000", "not in the accelerator catalog"),
        ("Tesla V100-SXM2-16GB", "no embodied figure"),
    ],
)
def test_a_gpu_without_a_catalog_figure_counts_zero_with_a_flag(tmp_path: Path, name: str, why: str) -> None:
    fake = FakeNvml([FakeGpu(uuid="GPU-x", name=name)])
    with Tracker(tmp_path, interval_s=0.1, nvml=fake, host=FakeHost(), **SITE) as tracker:
        time.sleep(0.15)
    summary = tracker.summary
    assert summary.co2e_embodied_kg == 0
    assert summary.co2e_kg == summary.co2e_operational_kg
    (flag,) = [f for f in summary.flags if "embodied" in f]
    assert f"GPU 0: {name!r} ({why}" in flag
    assert flag.endswith("embodied carbon not counted (0)")
    assert summary.sources["co2e_embodied_kg"].startswith("not counted")
    assert summary.gpus[0]["co2e_embodied_kg"] is None
    assert summary.to_stage().co2e_embodied_kg is None  # a card says "not counted", not 0


def test_some_gpus_known_count_their_share() -> None:
    summary = _session(["NVIDIA A100-SXM4-80GB", "NVIDIA Quantum 9000"], hours=10.0)
    assert summary.co2e_embodied_kg == pytest.approx(10.0 * _per_gpu_hour_kg("A100 SXM4 80GB"))
    assert any("'NVIDIA Quantum 9000'" in f for f in summary.flags)
    assert summary.to_stage().co2e_embodied_kg == summary.co2e_embodied_kg


def test_a_run_without_gpus_counts_no_embodied_carbon() -> None:
    empty = session_summary(
        {"type": "start", "session_id": "s", "time": 0.0, "project": "p", "stage": "final", "interval_s": 1.0,
         "site": {"grid_intensity_g_per_kwh": 50.0, "pue": 1.0, "wue_l_per_kwh": 0.0, "ewif_l_per_kwh": 0.0},
         "rank": {"hostname": "h"}, "gpus": []},
        {"elapsed_s": 60.0, "cpu_energy_kwh": 0.01, "ram_energy_kwh": 0.0}, {"exit_code": 0},
    )  # fmt: skip
    assert (empty.co2e_embodied_kg, empty.sources["co2e_embodied_kg"]) == (
        0.0,
        "not counted: no GPU measured",
    )
    assert empty.to_stage().co2e_embodied_kg is None


def test_a_summary_file_of_schema_one_still_loads(tmp_path: Path) -> None:
    path = next(V1_DIR.glob("*.summary.json"))
    old = json.loads(path.read_text())
    assert old["schema_version"] == 1
    assert "co2e_operational_kg" not in old
    summary = RunSummary.from_dict(old)
    assert summary.co2e_operational_kg == old["co2e_kg"]  # schema 1's co2e_kg was operational only
    assert summary.co2e_embodied_kg == 0
    assert summary.co2e_kg == old["co2e_kg"]
    assert any("schema 1" in f and "embodied carbon not counted" in f for f in summary.flags)
    assert "schema 1" in summary.sources["co2e_embodied_kg"]
    assert summary.to_stage().co2e_embodied_kg is None
    new = summary.to_dict()
    assert {key: new[key] for key in V1_KEYS - {"schema_version", "flags", "sources"}} == {
        key: old[key] for key in V1_KEYS - {"schema_version", "flags", "sources"}
    }  # old keys keep their values
    assert new["schema_version"] == SCHEMA_VERSION
    # The run directory loads through its summary, and summarize rebuilds it from the schema-1 log.
    shutil.copytree(V1_DIR, tmp_path / "v1")
    assert load_run(tmp_path / "v1").co2e_operational_kg == old["co2e_kg"]
    rebuilt = summarize(tmp_path / "v1")
    assert rebuilt.co2e_operational_kg == pytest.approx(old["co2e_kg"], rel=1e-12)
    assert rebuilt.co2e_embodied_kg == pytest.approx(
        old["gpu_hours"] * _per_gpu_hour_kg("H100 SXM"), rel=1e-12
    )


def test_summarize_json_keeps_the_old_keys_and_adds_the_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(V1_DIR, tmp_path / "v1")
    assert main(["summarize", str(tmp_path / "v1"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    schema_3 = {"cpu_energy_method", "ram_energy_method", "cpu_energy_range_kwh", "ram_energy_range_kwh"}
    schema_3 |= {"unmeasured", "corrupt_lines", "site_defaults", "site_defaults_by_session"}
    assert set(data) == V1_KEYS | {"co2e_operational_kg", "co2e_embodied_kg"} | schema_3
    assert data["cpu_energy_range_kwh"] is None  # its host meter did not say it modelled anything
    assert data["co2e_kg"] == data["co2e_operational_kg"] + data["co2e_embodied_kg"]


def test_reading_something_that_is_not_a_summary_is_an_input_error() -> None:
    with pytest.raises(FootprintInputError, match="not a run summary: it has no 'duration_s'"):
        RunSummary.from_dict({"energy_kwh": 1.0})


def test_to_stage_carries_the_measured_figures() -> None:
    summary = _session(["NVIDIA A100-SXM4-80GB"] * 2, hours=10.0)
    stage = summary.to_stage()
    assert (stage.stage, stage.method, stage.ranges, stage.records) == ("final", "measured", {}, 1)
    assert (stage.energy_kwh, stage.energy_it_kwh) == (summary.energy_kwh, summary.energy_it_kwh)
    assert (stage.co2e_operational_kg, stage.co2e_embodied_kg) == (
        summary.co2e_operational_kg,
        summary.co2e_embodied_kg,
    )
    assert stage.co2e_kg == summary.co2e_kg
    assert (stage.gpu_hours, stage.hours, stage.gpus, stage.gpu) == (20.0, 10.0, 2, "NVIDIA A100-SXM4-80GB")
    assert (stage.pue, stage.grid_intensity_g_per_kwh, stage.grid_intensity_source) == (1.2, 50.0, "given")
    assert summary.to_stage("experiment").stage == "experiments"
    with pytest.raises(UnknownNameError, match="did you mean evaluation"):
        summary.to_stage("evaluate")


def test_combine_adds_operational_and_embodied_and_keeps_sources() -> None:
    a = _session(["NVIDIA A100-SXM4-80GB"], hours=10.0)
    b = replace(_session(["NVIDIA Quantum 9000"], hours=5.0), sessions=("other",), stage="evaluation")
    merged = combine([a, b])
    assert merged.co2e_operational_kg == pytest.approx(a.co2e_operational_kg + b.co2e_operational_kg)
    assert merged.co2e_embodied_kg == pytest.approx(a.co2e_embodied_kg)  # b's GPU has no figure
    assert merged.co2e_kg == pytest.approx(a.co2e_kg + b.co2e_kg)
    assert merged.sources["grid_intensity_g_per_kwh"] == "given"
    assert merged.sources["co2e_embodied_kg"].split(" | ") == [
        a.sources["co2e_embodied_kg"],
        b.sources["co2e_embodied_kg"],
    ]
    assert merged.to_stage("final").co2e_embodied_kg == pytest.approx(a.co2e_embodied_kg)
    with pytest.raises(FootprintInputError, match="several stages"):
        merged.to_stage()
