"""Live Prometheus metrics of a tracked run (``prometheus-client``), and a push at the end.

:class:`PrometheusExporter` is fed the tracker's sample records (:meth:`~PrometheusExporter.on_sample`)
and, when the run stops, its :class:`~fmfootprint.measure.summary.RunSummary`
(:meth:`~PrometheusExporter.on_stop`), which sets every counter to the summary's final figures, so that
the last exposition and the summary agree exactly. Metrics, in base units and Prometheus naming:

``fmfootprint_energy_joules_total{device,host,job,project,stage}``
    IT energy per device (``gpu<index>``, ``cpu``, ``ram``) [J]; the sum over devices is the summary's
    ``energy_it_kwh`` × 3.6e6;
``fmfootprint_facility_energy_joules_total{host,job,project,stage}``
    IT energy × PUE [J] (``energy_kwh``);
``fmfootprint_power_watts{device,...}``
    the latest power reading per device [W];
``fmfootprint_co2e_grams_total{scope,...}``
    ``scope="operational"`` (facility energy × grid intensity) and, at the end, ``scope="embodied"`` [g];
``fmfootprint_water_litres_total{...}``
    on-site plus off-site water [L].

Carbon and water come from :func:`fmfootprint.footprint.convert.convert` with the run's site (Patterson
et al. 2021 §2; Li et al. 2023 eq. 1), as in the summary. Serving is off unless a port is given; a port
in use or a failed push is a warning, never an error of the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, push_to_gateway, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from fmfootprint.footprint.convert import convert
from fmfootprint.footprint.site import Site
from fmfootprint.units import G_PER_KG, J_PER_KWH

if TYPE_CHECKING:
    from fmfootprint.measure.summary import RunSummary

__all__ = ["PrometheusExporter"]

_LABELS = ("host", "job", "project", "stage")


class PrometheusExporter:
    """Counters and gauges of one tracker session, served on ``/metrics`` and/or pushed at the end.

    Parameters
    ----------
    site : Site
        The run's site (PUE, grid intensity [gCO2e/kWh], WUE and EWIF [L/kWh]).
    project, stage, host : str
        Labels of every series.
    job : str, optional
        The scheduler's job id (``SLURM_JOB_ID``), label ``job`` (empty when none).
    port : int, optional
        Serve ``/metrics`` on this port while the run goes (0: a free port; None: do not serve).
    addr : str
        Address to bind (default every interface).
    pushgateway : str, optional
        Pushgateway URL to push the final figures to in :meth:`on_stop`.
    session : str
        Session name, the push's grouping key (with ``host``).
    """

    def __init__(
        self,
        site: Site,
        *,
        project: str,
        stage: str,
        host: str,
        job: str | None = None,
        port: int | None = None,
        addr: str = "0.0.0.0",
        pushgateway: str | None = None,
        session: str = "",
    ) -> None:
        self.site = site
        self.labels = {"host": host, "job": job or "", "project": project, "stage": stage}
        self.pushgateway = pushgateway
        self.session = session
        self.warnings: list[str] = []
        self.registry = CollectorRegistry()
        self.registry.register(self)
        self._energy_j: dict[str, float] = {}
        self._power_w: dict[str, float] = {}
        self._embodied_g: float | None = None
        self._server: Any = None
        self.port: int | None = None
        if port is not None:
            try:
                server, _thread = start_http_server(port, addr=addr, registry=self.registry)
            except (OSError, OverflowError) as exc:  # in use, not allowed, or not a port number
                why = getattr(exc, "strerror", None) or exc
                self.warnings.append(f"Prometheus metrics not served on port {port}: {why}")
            else:
                self._server = server
                self.port = int(server.server_port)

    def on_sample(self, record: Mapping[str, Any]) -> None:
        """Take a tracker ``"sample"`` record: cumulative energies [J, kWh] and latest powers [W]."""
        for gpu in record.get("gpus", []):
            device = f"gpu{gpu.get('index')}"
            if gpu.get("energy_j") is not None:
                self._energy_j[device] = float(gpu["energy_j"])
            if gpu.get("power_w") is not None:
                self._power_w[device] = float(gpu["power_w"])
        for part in ("cpu", "ram"):
            kwh = record.get(f"{part}_energy_kwh")
            if kwh is not None:
                self._energy_j[part] = float(kwh) * J_PER_KWH
            watts = record.get(f"{part}_power_w")
            if watts is not None:
                self._power_w[part] = float(watts)

    def on_stop(self, summary: RunSummary) -> None:
        """Set the counters to the summary's final figures, push them if asked, stop serving."""
        final = {
            f"gpu{g.get('index')}": float(g["energy_j"])
            for g in summary.gpus
            if g.get("energy_j") is not None
        }
        for part in ("cpu", "ram"):
            kwh = getattr(summary, f"{part}_energy_kwh")
            if kwh is not None:
                final[part] = float(kwh) * J_PER_KWH
        if summary.energy_it_kwh is not None:
            self._energy_j = final
        self._embodied_g = summary.co2e_embodied_kg * G_PER_KG
        if self.pushgateway:
            try:
                push_to_gateway(
                    self.pushgateway,
                    job="fmfootprint",
                    registry=self.registry,
                    grouping_key={"instance": self.labels["host"], "session": self.session or "run"},
                    timeout=10,
                )
            except OSError as exc:  # urllib's URLError and socket errors
                self.warnings.append(f"push to {self.pushgateway} failed: {exc}")
        self.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def collect(self) -> Iterator[Metric]:
        """The current figures (the prometheus-client collector protocol)."""
        names = list(_LABELS)
        values = [self.labels[k] for k in names]
        energy = CounterMetricFamily(
            "fmfootprint_energy_joules",
            "IT energy per device since the run began [J].",
            labels=["device", *names],
        )
        power = GaugeMetricFamily(
            "fmfootprint_power_watts", "Latest power per device [W].", labels=["device", *names]
        )
        for device, joules in sorted(self._energy_j.items()):
            energy.add_metric([device, *values], joules)
        for device, watts in sorted(self._power_w.items()):
            power.add_metric([device, *values], watts)
        footprint = convert(
            sum(self._energy_j.values()) / J_PER_KWH,
            pue=self.site.pue,
            grid_intensity_g_per_kwh=self.site.grid_intensity_g_per_kwh,
            wue_l_per_kwh=self.site.wue_l_per_kwh,
            ewif_l_per_kwh=self.site.ewif_l_per_kwh,
        )
        facility = CounterMetricFamily(
            "fmfootprint_facility_energy_joules", "IT energy × PUE since the run began [J].", labels=names
        )
        facility.add_metric(values, footprint.energy_kwh * J_PER_KWH)
        co2e = CounterMetricFamily(
            "fmfootprint_co2e_grams", "CO2e since the run began [g], by scope.", labels=["scope", *names]
        )
        co2e.add_metric(["operational", *values], footprint.co2e_operational_kg * G_PER_KG)
        if self._embodied_g is not None:
            co2e.add_metric(["embodied", *values], self._embodied_g)
        water = CounterMetricFamily(
            "fmfootprint_water_litres", "On-site plus off-site water since the run began [L].", labels=names
        )
        water.add_metric(values, footprint.water_l)
        yield from (energy, power, facility, co2e, water)
