"""`ingest prometheus` against a real Prometheus server scraping a DCGM-format exporter every second.

The exporter's counters move through states (a reset on one GPU, one GPU missing from a scrape, a GPU
appearing mid-window, a job outside the selector); after each state the test waits until Prometheus has
scraped it (its API shows the state's number), so no sleep decides anything.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

requests = pytest.importorskip("requests")

from fmfootprint.cli.main import main  # noqa: E402
from fmfootprint.errors import FootprintInputError  # noqa: E402
from fmfootprint.fleet.ledger_db import RunLedger  # noqa: E402
from fmfootprint.fleet.prom_ingest import counter_increase, ingest_prometheus, parse_time  # noqa: E402
from fmfootprint.units import J_PER_KWH  # noqa: E402

from .dcgm_exporter import DcgmExporter  # noqa: E402
from .engines import free_port  # noqa: E402


def query(url: str, expr: str) -> float | None:
    body = requests.get(f"{url}/api/v1/query", params={"query": expr}, timeout=5).json()
    result = body["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def wait_generation(url: str, generation: int, after_unix_s: float = 0.0, limit_s: float = 60.0) -> None:
    """Until Prometheus holds a scrape of state ``generation`` taken at or after ``after_unix_s``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = query(url, "fmfp_test_generation")
        scraped = query(url, "timestamp(fmfp_test_generation)")
        if value is not None and value >= generation and scraped is not None and scraped >= after_unix_s:
            return
        time.sleep(0.05)
    raise AssertionError(f"Prometheus never scraped state {generation}")


def test_counter_increase_is_promql_increase() -> None:
    assert counter_increase([10, 15, 20]) == (10.0, 0)
    assert counter_increase([10, 15, 3, 8]) == (5 + 3 + 5, 1)
    assert counter_increase([7]) == (0.0, 0)
    assert parse_time("2024-05-01T10:00:00Z") == 1714557600
    assert parse_time("now-1h", now=7200.0) == 3600.0
    with pytest.raises(FootprintInputError, match="not seconds"):
        parse_time("yesterday")


def test_ingest_reproduces_the_exporter(start_prometheus, tmp_path: Path, capsys) -> None:
    exporter = DcgmExporter()
    exporter.start(free_port())
    truth_j: dict[str, float] = {"A": 0.0, "B": 0.0, "C": 0.0}
    rng = np.random.default_rng(7)
    try:
        exporter.add_gpu("n1", 0, "A", "4242", 9.0e9)  # counters since boot: large, not 0
        exporter.add_gpu("n1", 1, "B", "4242", 4.0e9)
        exporter.add_gpu("n9", 0, "Z", "9999", 1.0e9)  # another job: outside the selector
        exporter.kepler["n1"] = (5.0e6, 1.0e6)
        server = start_prometheus([f"127.0.0.1:{exporter.port}"])
        wait_generation(server.url, 0)
        t_begin = time.time()
        wait_generation(server.url, 0, after_unix_s=t_begin)  # the baseline is inside the window
        for state in range(1, 13):
            with exporter.lock:
                if state == 7:
                    exporter.add_gpu("n2", 0, "C", "4242", 2.5e9)  # appears mid-window
                for uuid, gpu in exporter.gpus.items():
                    if uuid == "C" and state == 7:
                        continue  # its first reading is its baseline
                    inc_mj = float(rng.uniform(2e5, 7e5))  # 200-700 W for ~1 s, in mJ
                    if uuid == "B" and state == 5:
                        gpu["value_mj"] = inc_mj  # counter reset (driver reload): restarts from 0
                    else:
                        gpu["value_mj"] += inc_mj
                    if uuid in truth_j:
                        truth_j[uuid] += inc_mj / 1e3
                exporter.gpus["A"]["shown"] = state != 6  # one scrape without GPU A
                exporter.kepler["n1"] = (exporter.kepler["n1"][0] + 300.0, exporter.kepler["n1"][1] + 40.0)
                exporter.generation = state
            wait_generation(server.url, state)
        t_end = time.time() + 0.5
        summary = ingest_prometheus(
            server.url,
            '{hpc_job="4242"}',
            t_begin,
            t_end,
            project="llm",
            region="FR",
            scrape_interval_s=1.0,
            chunk_s=4.0,  # several requests: state carried across chunks
            kepler_host_label="Hostname",
        )
        expected_j = sum(truth_j.values())
        assert summary.gpu_energy_method == "dcgm_prometheus"
        assert summary.method == "measured"  # the card counts it as measured
        assert summary.n_gpus == 3
        assert summary.gpu_energy_kwh * J_PER_KWH == pytest.approx(expected_j, rel=0.01)
        assert summary.gpu_energy_kwh * J_PER_KWH == pytest.approx(expected_j, rel=1e-9)  # raw samples: exact
        flags = " | ".join(summary.flags)
        assert "GPU 1: energy counter reset 1 time(s)" in flags
        assert "into the window; energy before it not counted" in flags  # GPU C
        assert summary.cpu_energy_kwh == pytest.approx(12 * 300.0 / J_PER_KWH)  # Kepler on n1 only
        assert "n2: CPU/RAM energy unavailable" in flags
        assert {g["name"] for g in summary.gpus} == {"NVIDIA H100 80GB HBM3"}
        assert summary.co2e_embodied_kg > 0
        assert summary.to_stage().energy_kwh == summary.energy_kwh

        ledger = f"sqlite:///{tmp_path / 'ledger.db'}"
        argv = ["ingest", "prometheus", "--url", server.url, "--selector", '{hpc_job="4242"}']
        argv += ["--start", str(t_begin), "--end", str(t_end), "--project", "llm", "--region", "FR"]
        argv += ["--scrape-interval", "1", "--kepler-host-label", "Hostname", "--ledger", ledger, "--json"]
        assert main(argv) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["gpu_energy_kwh"] == pytest.approx(summary.gpu_energy_kwh, rel=1e-12)
        assert main(argv) == 0  # ingested twice: one row
        capsys.readouterr()
        assert len(RunLedger(ledger).rows()) == 1
        assert main([*argv[:5], '{hpc_job="nope"}', *argv[6:]]) == 2
        assert "no DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION series match" in capsys.readouterr().err
    finally:
        exporter.stop()


def test_unreachable_prometheus_is_one_line() -> None:
    with pytest.raises(FootprintInputError, match="cannot be reached"):
        ingest_prometheus(f"http://127.0.0.1:{free_port()}", "{}", 0, 10)
