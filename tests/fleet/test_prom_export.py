"""Live /metrics of a tracked run (fake NVML: no GPU in CI) parse with prometheus_client's own parser,
and the final figures (on /metrics and pushed to a real Pushgateway) equal the run's summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("prometheus_client")

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from fmfootprint.fleet.prom_export import PrometheusExporter  # noqa: E402
from fmfootprint.measure.log import read_records  # noqa: E402
from fmfootprint.measure.tracker import Tracker  # noqa: E402
from fmfootprint.units import J_PER_KWH  # noqa: E402

sys.path.insert(0, str(Path(__file__).parents[1] / "measure"))
from fake_nvml import FakeHost, FakeNvml, gpus  # noqa: E402


def families(text: str) -> dict[str, dict[tuple, float]]:
    """``{family: {sorted labels: value}}`` parsed by prometheus_client."""
    parsed: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            parsed.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return parsed


def tracked_run(tmp_path: Path):
    tracker = Tracker(
        tmp_path, region="FR", interval_s=0.1, project="llm", nvml=FakeNvml(gpus(2)), host=FakeHost()
    )
    with tracker:
        time.sleep(0.6)  # the workload being measured
    samples = [r for r in read_records(tracker.log_path) if r.get("type") == "sample"]
    return tracker, samples


def test_metrics_parse_and_equal_the_summary(tmp_path: Path, pushgateway: str) -> None:
    tracker, samples = tracked_run(tmp_path)
    summary = tracker.summary
    exporter = PrometheusExporter(
        tracker.site, project="llm", stage="final", host="node0", job="4242", port=0, pushgateway=pushgateway,
        session="s1",
    )  # fmt: skip
    assert exporter.port
    for record in samples[:-1]:
        exporter.on_sample(record)
    live = families(requests.get(f"http://127.0.0.1:{exporter.port}/metrics", timeout=5).text)
    energy = live["fmfootprint_energy_joules_total"]
    assert {dict(k)["device"] for k in energy} == {"gpu0", "gpu1", "cpu", "ram"}
    assert all(dict(k)["job"] == "4242" and dict(k)["project"] == "llm" for k in energy)
    last = samples[-2]
    assert sum(v for k, v in energy.items() if dict(k)["device"].startswith("gpu")) == pytest.approx(
        sum(g["energy_j"] for g in last["gpus"]), rel=1e-12
    )
    assert "fmfootprint_power_watts" in live
    assert live["fmfootprint_co2e_grams_total"]

    port = exporter.port
    exporter.on_stop(summary)
    assert exporter.warnings == []
    every = families(requests.get(f"{pushgateway}/metrics", timeout=5).text)
    pushed = {
        name: {k: v for k, v in rows.items() if dict(k).get("session") == "s1"}
        for name, rows in every.items()
    }
    total_j = sum(pushed["fmfootprint_energy_joules_total"].values())
    assert total_j == pytest.approx(summary.energy_it_kwh * J_PER_KWH, rel=1e-9)
    (facility,) = pushed["fmfootprint_facility_energy_joules_total"].values()
    assert facility == pytest.approx(summary.energy_kwh * J_PER_KWH, rel=1e-9)
    co2e = {dict(k)["scope"]: v for k, v in pushed["fmfootprint_co2e_grams_total"].items()}
    assert co2e["operational"] + co2e["embodied"] == pytest.approx(summary.co2e_kg * 1e3, rel=1e-9)
    (water,) = pushed["fmfootprint_water_litres_total"].values()
    assert water == pytest.approx(summary.water_l, rel=1e-9)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2)  # stopped serving with the run


def test_port_in_use_and_failed_push_are_warnings(tmp_path: Path) -> None:
    tracker, _ = tracked_run(tmp_path)
    first = PrometheusExporter(tracker.site, project="p", stage="final", host="h", port=0)
    second = PrometheusExporter(
        tracker.site, project="p", stage="final", host="h", port=first.port, pushgateway="http://127.0.0.1:1"
    )
    assert second.port is None
    assert "not served on port" in second.warnings[0]
    second.on_stop(tracker.summary)
    assert "push to http://127.0.0.1:1 failed" in second.warnings[1]
    first.close()
