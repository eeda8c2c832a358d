"""A measured run summary (energy method ``dcgm_prometheus``) from the DCGM counters Prometheus scraped.

NVIDIA's DCGM exporter publishes ``DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION``, each GPU's energy since the
driver loaded, in millijoules, labelled ``gpu``, ``UUID``, ``modelName``, ``Hostname`` (and, with its HPC
job mapping or on Kubernetes, the job or pod). :func:`ingest_prometheus` reads the raw samples of the
series a selector picks over a window through the HTTP API (``/api/v1/query`` with a range selector,
chunk by chunk so that memory stays bounded by one chunk), and adds each series' increase:

- a counter **reset** (a value lower than the one before: driver reload, GPU reset) counts the new value
  as the energy since the reset, as PromQL's ``increase()`` does;
- **missing scrapes** lose nothing (the counter is cumulative) unless a reset fell in the gap; gaps longer
  than three scrape intervals are flagged;
- a GPU **appearing mid-window** (or vanishing) counts from its first to its last reading, flagged.

Where Kepler runs on the nodes, its ``kepler_node_package_joules_total`` and
``kepler_node_dram_joules_total`` (joules) give CPU and RAM energy per node (matched on a host label).

Requires the ``prometheus`` extra (requests).

References
----------
Prometheus documentation, "Query functions": ``increase()`` and ``resets()`` (counter reset handling);
"HTTP API": ``/api/v1/query``. NVIDIA DCGM documentation, field ``DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION``
(155): total energy consumption since the driver was last reloaded, in mJ.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fmfootprint.errors import FootprintInputError
from fmfootprint.fleet._build import GpuEnergy, run_id_of, summary_from_gpus
from fmfootprint.measure.summary import RunSummary
from fmfootprint.units import J_PER_KWH

__all__ = [
    "DCGM_ENERGY",
    "METHOD",
    "PrometheusAPI",
    "counter_increase",
    "ingest_prometheus",
    "parse_time",
]

DCGM_ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"
KEPLER_CPU = "kepler_node_package_joules_total"
KEPLER_RAM = "kepler_node_dram_joules_total"
METHOD = "dcgm_prometheus"
_MJ_PER_J = 1e3
_CHUNK_S = 3600.0
_RELATIVE = re.compile(r"^now(?:-(\d+(?:\.\d+)?)([smhd]))?$")
_UNIT_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def counter_increase(values: npt.ArrayLike) -> tuple[float, int]:
    """Increase of a cumulative counter over its samples, resets included, and the number of resets.

    Parameters
    ----------
    values : array_like
        Successive readings of one counter [any unit], oldest first.

    Returns
    -------
    increase : float
        Σ Δv over rises, plus the value after each reset (the counter restarted from 0) [unit of values].
    resets : int
        Number of drops (value lower than the one before).

    References
    ----------
    Prometheus documentation, "Query functions", ``increase()``/``resets()``: "breaks in monotonicity
    (such as counter resets due to target restarts) are automatically adjusted for".
    """
    v = np.asarray(values, dtype=float)
    if v.size < 2:
        return 0.0, 0
    delta = np.diff(v)
    drop = delta < 0
    return float(np.where(drop, v[1:], delta).sum()), int(drop.sum())


def parse_time(text: str | float, *, now: float | None = None) -> float:
    """Seconds since the epoch from ``1714557600``, ISO 8601 (``2024-05-01T10:00:00Z``; no zone = UTC),
    ``now`` or ``now-24h`` (``s``, ``m``, ``h``, ``d``)."""
    if isinstance(text, (int, float)):
        return float(text)
    word = text.strip()
    match = _RELATIVE.match(word)
    if match:
        base = _dt.datetime.now(tz=_dt.timezone.utc).timestamp() if now is None else now
        return base - (float(match.group(1)) * _UNIT_S[match.group(2)] if match.group(1) else 0.0)
    try:
        return float(word)
    except ValueError:
        pass
    try:
        moment = _dt.datetime.fromisoformat(word.replace("Z", "+00:00"))
    except ValueError:
        raise FootprintInputError(
            f"time {text!r} is not seconds since the epoch, ISO 8601 or now-<N>[smhd]"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)).timestamp()


class PrometheusAPI:
    """The few calls of the Prometheus HTTP API this needs (``requests``), errors as one line."""

    def __init__(
        self, url: str, *, timeout_s: float = 60.0, headers: Mapping[str, str] | None = None
    ) -> None:
        import requests

        if not re.match(r"^https?://", url):
            raise FootprintInputError(f"--url {url!r} must start with http:// or https://")
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self.session.headers.update(dict(headers or {}))

    def query(self, expr: str, at_unix_s: float) -> list[dict[str, Any]]:
        """``/api/v1/query`` of ``expr`` at a time; the ``result`` list."""
        import requests

        try:
            response = self.session.post(
                f"{self.url}/api/v1/query",
                data={"query": expr, "time": f"{at_unix_s:.3f}"},
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise FootprintInputError(
                f"Prometheus at {self.url} cannot be reached: {type(exc).__name__}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or body.get("status") != "success":
            why = body.get("error") or f"HTTP {response.status_code}"
            raise FootprintInputError(f"Prometheus at {self.url} refused {expr[:80]!r}: {why}")
        return list(body["data"]["result"])


@dataclass
class _Series:
    labels: dict[str, str]
    first_t: float = np.inf
    last_t: float = -np.inf
    last_v: float = np.nan
    increase: float = 0.0
    resets: int = 0
    gaps: int = 0
    samples: int = 0
    spacing: list[float] = field(default_factory=list)

    def add(self, times: npt.NDArray[np.float64], values: npt.NDArray[np.float64], interval_s: float) -> None:
        keep = times > self.last_t
        times, values = times[keep], values[keep]
        if times.size == 0:
            return
        if self.samples:
            times = np.concatenate(([self.last_t], times))
            values = np.concatenate(([self.last_v], values))
        else:
            self.first_t = float(times[0])
        increase, resets = counter_increase(values)
        self.increase += increase
        self.resets += resets
        steps = np.diff(times)
        self.gaps += int((steps > 3 * interval_s).sum())
        if steps.size:
            self.spacing.append(float(np.median(steps)))
        self.samples += int(keep.sum())
        self.last_t, self.last_v = float(times[-1]), float(values[-1])


def _key(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in labels.items() if k != "__name__"))


def _read(
    api: PrometheusAPI, expr: str, start: float, end: float, interval_s: float, chunk_s: float
) -> Iterator[_Series]:
    """Every series of ``expr`` over [start, end], fed chunk by chunk (one chunk in memory at a time)."""
    series: dict[tuple[tuple[str, str], ...], _Series] = {}
    at = start
    while at < end:
        upto = min(end, at + chunk_s)
        window_ms = int(np.ceil((upto - at) * 1000)) + 1
        for result in api.query(f"{expr}[{window_ms}ms]", upto):
            labels = dict(result["metric"])
            points = np.asarray(result.get("values", []), dtype=float).reshape(-1, 2)
            inside = (points[:, 0] >= start) & (points[:, 0] <= end)
            state = series.setdefault(_key(labels), _Series(labels))
            state.add(points[inside, 0], points[inside, 1], interval_s)
        at = upto
    yield from series.values()


def _check_selector(selector: str) -> str:
    text = selector.strip() or "{}"
    if not (text.startswith("{") and text.endswith("}")):
        raise FootprintInputError(
            f"--selector {selector!r} must be label matchers in braces: '{{Hostname=\"n1\"}}'"
        )
    return "" if text == "{}" else text


def ingest_prometheus(
    url: str,
    selector: str,
    start: str | float,
    end: str | float,
    *,
    project: str = "default",
    stage: str = "final",
    region: str | None = None,
    pue: float | None = None,
    scrape_interval_s: float = 15.0,
    kepler_host_label: str | None = "instance",
    chunk_s: float = _CHUNK_S,
    api: PrometheusAPI | None = None,
) -> RunSummary:
    """The run summary of the GPUs ``selector`` picks between ``start`` and ``end``.

    Parameters
    ----------
    url : str
        The Prometheus server (``http://prometheus:9090``).
    selector : str
        Label matchers of the DCGM series (``{hpc_job="4242"}``, ``{Hostname=~"gpu0[12]"}``, ``{}`` all).
    start, end : str or float
        The window (see :func:`parse_time`) [s since the epoch].
    project, stage, region, pue
        As :func:`fmfootprint.fleet._build.summary_from_gpus`; ``pue`` [-].
    scrape_interval_s : float
        The scrape interval [s]: gaps over three of them are flagged.
    kepler_host_label : str or None
        Label naming the node on Kepler's node metrics, matched to DCGM's ``Hostname``; None: no Kepler.
    chunk_s : float
        Seconds of samples fetched per request [s].
    api : PrometheusAPI, optional
        A client to reuse.

    Returns
    -------
    RunSummary
        ``gpu_energy_method`` ``dcgm_prometheus`` (``method`` ``measured``); GPU energy = Σ per-GPU
        counter increase (mJ → J); CPU/RAM from Kepler
        where present, else unavailable (flagged, not 0).
    """
    t0, t1 = parse_time(start), parse_time(end)
    if not t1 > t0:
        raise FootprintInputError(f"--end must be after --start ({t0:.0f} .. {t1:.0f})")
    if scrape_interval_s <= 0 or chunk_s <= 0:
        raise FootprintInputError("the scrape interval and chunk length must be > 0 s")
    client = api or PrometheusAPI(url)
    matchers = _check_selector(selector)
    gpus: list[GpuEnergy] = []
    flags: list[str] = []
    for s in _read(client, f"{DCGM_ENERGY}{matchers}", t0, t1, scrape_interval_s, chunk_s):
        gpus.append(_gpu(s, t0, t1, scrape_interval_s))
    if not gpus:
        raise FootprintInputError(
            f"no {DCGM_ENERGY} series match {selector!r} between {t0:.0f} and {t1:.0f} at {client.url}"
        )
    hosts = sorted({g.hostname for g in gpus})
    host_energy = _kepler(client, hosts, t0, t1, scrape_interval_s, chunk_s, kepler_host_label)
    if host_energy:
        flags.append(f"CPU/RAM energy from Kepler ({KEPLER_CPU}, {KEPLER_RAM}) on {len(host_energy)} node(s)")
    return summary_from_gpus(
        gpus,
        run_id=run_id_of("prometheus", client.url, matchers, f"{t0:.3f}", f"{t1:.3f}"),
        method=METHOD,
        start_unix_s=t0,
        end_unix_s=t1,
        project=project,
        stage=stage,
        region=region,
        pue=pue,
        interval_s=scrape_interval_s,
        host_energy_kwh=host_energy,
        host_note="DCGM counts GPUs only; no Kepler node metrics found",
        flags=flags,
    )


def _gpu(s: _Series, t0: float, t1: float, interval_s: float) -> GpuEnergy:
    labels = s.labels
    host = labels.get("Hostname") or labels.get("instance") or "unknown-host"
    index = labels.get("gpu", "?")
    notes: list[str] = []
    if s.resets:
        notes.append(f"energy counter reset {s.resets} time(s); the energy after each reset counted")
    if s.gaps:
        notes.append(
            f"{s.gaps} gap(s) of more than {3 * interval_s:g} s between scrapes (the counter spans them)"
        )
    if s.first_t > t0 + 3 * interval_s:
        notes.append(f"first reading {s.first_t - t0:.0f} s into the window; energy before it not counted")
    if s.last_t < t1 - 3 * interval_s:
        notes.append(
            f"last reading {t1 - s.last_t:.0f} s before the window's end; energy after it not counted"
        )
    if s.samples < 2:
        notes.append("fewer than two readings in the window: no energy counted")
    return GpuEnergy(
        hostname=host,
        uuid=labels.get("UUID") or f"{host}:{index}",
        index=index,
        name=labels.get("modelName", ""),
        energy_j=s.increase / _MJ_PER_J,
        first_unix_s=s.first_t,
        last_unix_s=s.last_t,
        notes=tuple(notes),
    )


def _kepler(
    api: PrometheusAPI,
    hosts: Sequence[str],
    t0: float,
    t1: float,
    interval_s: float,
    chunk_s: float,
    label: str | None,
) -> dict[str, tuple[float | None, float | None]]:
    """``{host: (cpu_kwh, ram_kwh)}`` from Kepler's node counters [J], for the hosts that have both."""
    if not label or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", label):
        return {}
    pattern = "|".join(re.escape(h) for h in hosts)
    found: dict[str, dict[str, float]] = {}
    for part, metric in (("cpu", KEPLER_CPU), ("ram", KEPLER_RAM)):
        for s in _read(api, f'{metric}{{{label}=~"{pattern}"}}', t0, t1, interval_s, chunk_s):
            host = s.labels.get(label, "")
            found.setdefault(host, {}).setdefault(part, 0.0)
            found[host][part] += s.increase / J_PER_KWH
    return {h: (v["cpu"], v["ram"]) for h, v in found.items() if "cpu" in v and "ram" in v}
