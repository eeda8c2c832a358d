"""Real engines for the fleet tests, started by the tests themselves (sessions end before CI does).

- ``postgres_url``: a throw-away PostgreSQL cluster (``initdb`` + ``pg_ctl``) in a temporary folder on a
  free port, owned by an unprivileged user when the tests run as root (postgres refuses root).
- ``prometheus``: ``start_prometheus(targets)`` runs Debian's ``prometheus`` binary with a 1 s scrape
  interval against the given ``host:port`` targets, and waits until its API answers.

Both are installed by ``scripts/install_engines.sh`` (``make test`` runs it); a test that needs one skips,
naming the script, only where the binary is absent.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

INSTALL = "run scripts/install_engines.sh (Debian packages prometheus, prometheus-pushgateway, postgresql)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *argv]


def _wait(check: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {limit_s:.0f} s")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip(f"PostgreSQL's initdb/pg_ctl not found: {INSTALL}")
    root = Path(tempfile.mkdtemp(prefix="fmfp-pg-", dir="/tmp"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "nobody", "nogroup")
    port = free_port()
    subprocess.run(
        _as_user([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    subprocess.run(
        _as_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


class Prometheus:
    """A running Prometheus server: ``url`` of its HTTP API."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], root: Path) -> None:
        self.url, self.process, self.root = url, process, root


@pytest.fixture
def start_prometheus() -> Iterator[Callable[..., Prometheus]]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip(f"the prometheus server is not installed: {INSTALL}")
    started: list[Prometheus] = []

    def start(targets: list[str], data_dir: Path | None = None) -> Prometheus:
        import requests

        root = Path(tempfile.mkdtemp(prefix="fmfp-prom-"))
        port = free_port()
        quoted = ", ".join(f"'{t}'" for t in targets)
        (root / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            f"scrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: [{quoted}]\n"
        )
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={data_dir or root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=30d",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(root / "log", "wb"),  # noqa: SIM115 - closed with the process
        )
        url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
            except requests.RequestException:
                if process.poll() is not None:
                    raise RuntimeError((root / "log").read_text()[-2000:]) from None
                return False

        _wait(ready, "prometheus")
        server = Prometheus(url, process, root)
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        server.process.wait(timeout=30)
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def pushgateway() -> Iterator[str]:
    """A real Pushgateway (Debian's prometheus-pushgateway) on a free port; its URL."""
    import requests

    binary = shutil.which("prometheus-pushgateway") or shutil.which("pushgateway")
    if binary is None:
        pytest.skip(f"the Prometheus Pushgateway is not installed: {INSTALL}")
    port = free_port()
    process = subprocess.Popen(
        [binary, f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        _wait(ready, "pushgateway")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
