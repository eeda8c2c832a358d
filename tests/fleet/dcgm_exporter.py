"""A small exporter in the DCGM exporter's format, served by prometheus_client, that the tests drive.

It exposes ``DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION`` (a counter in mJ, as dcgm-exporter does, without a
``_total`` suffix) per GPU with dcgm-exporter's labels (``gpu``, ``UUID``, ``device``, ``modelName``,
``Hostname``) and its HPC job label (``hpc_job``), Kepler's node counters for some hosts, and
``fmfp_test_generation``, which tells a test that Prometheus has scraped the latest state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric

MODEL = "NVIDIA H100 80GB HBM3"


class DcgmExporter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.gpus: dict[str, dict[str, Any]] = {}  # uuid -> {labels, value_mj, shown}
        self.kepler: dict[str, tuple[float, float]] = {}  # host -> (package J, dram J)
        self.generation = 0
        self.registry = CollectorRegistry()
        self.registry.register(self)
        self.server: Any = None
        self.port = 0

    def start(self, port: int) -> None:
        self.port = port
        started = start_http_server(port, addr="127.0.0.1", registry=self.registry)
        self.server = started[0] if isinstance(started, tuple) else None

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()

    def add_gpu(self, host: str, index: int, uuid: str, job: str, value_mj: float) -> None:
        labels = {
            "gpu": str(index),
            "UUID": uuid,
            "device": f"nvidia{index}",
            "modelName": MODEL,
            "Hostname": host,
            "hpc_job": job,
        }
        self.gpus[uuid] = {"labels": labels, "value_mj": value_mj, "shown": True}

    def collect(self) -> Iterator[Metric]:
        with self.lock:
            energy = Metric(
                "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
                "Total energy consumption since boot (in mJ).",
                "counter",
            )
            for gpu in self.gpus.values():
                if gpu["shown"]:
                    energy.add_sample("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", gpu["labels"], gpu["value_mj"])
            yield energy
            for name, part in (("kepler_node_package_joules_total", 0), ("kepler_node_dram_joules_total", 1)):
                family = Metric(name.removesuffix("_total"), "Kepler node energy (J).", "counter")
                for host, values in self.kepler.items():
                    family.add_sample(name, {"Hostname": host}, values[part])
                yield family
            generation = GaugeMetricFamily("fmfp_test_generation", "state number of the test exporter")
            generation.add_metric([], self.generation)
            yield generation
