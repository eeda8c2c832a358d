"""Start throw-away engines: a PostgreSQL cluster (initdb + pg_ctl) and a Prometheus server.

Used by tests/fleet/conftest.py and benchmarks/bench_fleet.py. Postgres refuses to run as root, so as
root its processes run as ``nobody`` (``setpriv``) in a temporary folder that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def as_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", *argv]


def wait_for(check: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {limit_s:.0f} s")
        time.sleep(0.1)


class Postgres:
    """A running throw-away cluster: ``url``; :meth:`stop` removes it."""

    def __init__(self) -> None:
        initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise FileNotFoundError("PostgreSQL's initdb/pg_ctl not found")
        self.pg_ctl = pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="fmfp-pg-", dir="/tmp"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody", "nogroup")
        port = free_port()
        init = [initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]
        subprocess.run(as_user(init), check=True, capture_output=True)
        options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        start = [pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"]
        subprocess.run(as_user(start), check=True, capture_output=True)
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            as_user([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(self.root, ignore_errors=True)


class Prometheus:
    """A running Prometheus scraping ``targets`` every second: ``url`` of its HTTP API."""

    def __init__(self, targets: list[str], data_dir: Path | None = None) -> None:
        import requests

        binary = shutil.which("prometheus")
        if binary is None:
            raise FileNotFoundError("the prometheus server is not installed")
        self.root = Path(tempfile.mkdtemp(prefix="fmfp-prom-"))
        port = free_port()
        quoted = ", ".join(f"'{t}'" for t in targets)
        (self.root / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            f"scrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: [{quoted}]\n"
        )
        self.log = open(self.root / "log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={self.root / 'prometheus.yml'}",
                f"--storage.tsdb.path={data_dir or self.root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=30d",
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            if self.process.poll() is not None:  # e.g. the port was taken meanwhile
                raise RuntimeError((self.root / "log").read_text()[-2000:])
            try:
                return requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        try:
            wait_for(ready, "prometheus")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)
