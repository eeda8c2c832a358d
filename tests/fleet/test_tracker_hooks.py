"""The tracker's fleet options end to end: `Tracker(prometheus_port=..., pushgateway=..., ledger=...)` and
`fmfootprint track --prometheus-port P --pushgateway URL --ledger DB` (fake NVML in-process: no GPU in CI;
the `track` case measures the real host through codecarbon)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("prometheus_client")

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from fmfootprint.cli.main import main  # noqa: E402
from fmfootprint.fleet.ledger_db import RunLedger  # noqa: E402
from fmfootprint.measure.tracker import Tracker  # noqa: E402
from fmfootprint.units import J_PER_KWH  # noqa: E402

from .engines import free_port  # noqa: E402

sys.path.insert(0, str(Path(__file__).parents[1] / "measure"))
from fake_nvml import FakeHost, FakeNvml, gpus  # noqa: E402


def energy_j(text: str, **match: str) -> dict[str, float]:
    """``{device: joules}`` of fmfootprint_energy_joules_total, parsed by prometheus_client."""
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "fmfootprint_energy_joules_total" and all(
                sample.labels.get(k) == v for k, v in match.items()
            ):
                found[sample.labels["device"]] = sample.value
    return found


def test_tracker_serves_pushes_and_records(tmp_path: Path, pushgateway: str) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    tracker = Tracker(
        tmp_path / "run", region="FR", interval_s=0.1, project="llm", nvml=FakeNvml(gpus(2)), host=FakeHost(),
        prometheus_port=port, pushgateway=pushgateway, ledger=db,
    )  # fmt: skip
    with tracker:
        time.sleep(0.5)  # the workload
        live = energy_j(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
    assert set(live) == {"gpu0", "gpu1", "cpu", "ram"}
    summary = tracker.summary
    assert tracker.warnings == []
    session = tracker.log_path.name.removesuffix(".jsonl")
    pushed = energy_j(requests.get(f"{pushgateway}/metrics", timeout=5).text, session=session)
    assert sum(pushed.values()) == pytest.approx(summary.energy_it_kwh * J_PER_KWH, rel=1e-9)
    (row,) = RunLedger(db).rows()
    assert row.energy_kwh == pytest.approx(summary.energy_kwh, rel=1e-12)


def test_track_prometheus_port(tmp_path: Path, pushgateway: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Acceptance: `track --prometheus-port` output parses with prometheus_client's parser and its energy
    counter equals the summary's energy."""
    port = free_port()
    scraped = tmp_path / "scraped.txt"
    child = (
        "import time, urllib.request\n"
        f"url = 'http://127.0.0.1:{port}/metrics'\n"
        "deadline, text = time.monotonic() + 60, ''\n"
        "while time.monotonic() < deadline and 'fmfootprint_energy_joules_total{' not in text:\n"
        "    try:\n"
        "        text = urllib.request.urlopen(url, timeout=5).read().decode()\n"
        "    except OSError:\n"
        "        pass  # not serving yet: the tracker starts after the command\n"
        "    time.sleep(0.2)\n"
        f"open({str(scraped)!r}, 'w').write(text)\n"
    )
    out = tmp_path / "out"
    db = str(tmp_path / "ledger.db")
    argv = ["track", "--output", str(out), "--interval", "0.2", "--region", "FR", "--project", "llm"]
    argv += ["--prometheus-port", str(port), "--pushgateway", pushgateway, "--ledger", db]
    assert main([*argv, "--", sys.executable, "-c", child]) == 0, capsys.readouterr().err
    live = energy_j(scraped.read_text())  # the live exposition parses
    (path,) = out.glob("*.summary.json")
    summary = json.loads(path.read_text())
    session = path.name.removesuffix(".summary.json")
    pushed = energy_j(requests.get(f"{pushgateway}/metrics", timeout=5).text, session=session)
    assert live  # the command waited until the live counters showed energy (codecarbon's CPU/RAM here)
    assert summary["energy_it_kwh"] is not None
    assert sum(pushed.values()) == pytest.approx(summary["energy_it_kwh"] * J_PER_KWH, rel=1e-9)
    assert len(RunLedger(db).rows()) == 1


def test_a_hung_fleet_export_does_not_hold_up_the_end_of_the_run(tmp_path: Path, monkeypatch) -> None:
    # "Never harm the training": a ledger that never answers is left behind after STOP_TIMEOUT_S, with one
    # warning, and the run's summary is written before it.
    import threading

    from fmfootprint.fleet import hooks

    release = threading.Event()
    monkeypatch.setattr(hooks, "STOP_TIMEOUT_S", 0.5)
    monkeypatch.setattr(hooks.FleetObservers, "_record", lambda self, summary: release.wait(30))
    tracker = Tracker(
        tmp_path / "run", region="FR", interval_s=0.1, nvml=FakeNvml(gpus(1)), host=FakeHost(),
        ledger=f"sqlite:///{tmp_path / 'ledger.db'}",
    )  # fmt: skip
    with tracker:
        time.sleep(0.3)
    alive_after_stop = not release.is_set()
    release.set()
    assert tracker.summary is not None
    assert tracker.summary_path.exists()
    assert any("still busy after 0.5 s" in w for w in tracker.warnings)  # stop returned, the ledger hung on
    assert alive_after_stop
