"""Real engines for the fleet tests, started by the tests themselves (sessions end before CI does).

- ``postgres_url``: a throw-away PostgreSQL cluster (``initdb`` + ``pg_ctl``) in a temporary folder on a
  free port, owned by an unprivileged user when the tests run as root (postgres refuses root).
- ``prometheus``: ``start_prometheus(targets)`` runs Debian's ``prometheus`` binary with a 1 s scrape
  interval against the given ``host:port`` targets, and waits until its API answers.

Both are installed by ``scripts/install_engines.sh`` (``make test`` runs it); a test that needs one skips,
naming the script, only where the binary is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .engines import Postgres, Prometheus, free_port, wait_for

INSTALL = "run scripts/install_engines.sh (Debian packages prometheus, prometheus-pushgateway, postgresql)"
__all__ = ["free_port"]


@pytest.fixture(autouse=True)
def _own_tracker_registry(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own host registry of trackers, so that trackers of tests running side by side
    (pytest -n 2) do not see each other as neighbours."""
    monkeypatch.setenv("FMFOOTPRINT_TRACKER_REGISTRY", str(tmp_path_factory.mktemp("tracker-registry")))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    try:
        server = Postgres()
    except FileNotFoundError as exc:
        pytest.skip(f"{exc}: {INSTALL}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def start_prometheus() -> Iterator[Callable[..., Prometheus]]:
    if shutil.which("prometheus") is None:
        pytest.skip(f"the prometheus server is not installed: {INSTALL}")
    started: list[Prometheus] = []

    def start(targets: list[str], data_dir: Path | None = None) -> Prometheus:
        server = Prometheus(targets, data_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def pushgateway() -> Iterator[str]:
    """A real Pushgateway (Debian's prometheus-pushgateway) on a free port; its URL."""
    import requests

    binary = shutil.which("prometheus-pushgateway") or shutil.which("pushgateway")
    if binary is None:
        pytest.skip(f"the Prometheus Pushgateway is not installed: {INSTALL}")
    port = free_port()
    process = subprocess.Popen(
        [binary, f"--web.listen-address=127.0.0.1:{port}", "--persistence.file="],  # in memory only
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if process.poll() is not None:  # the port was taken meanwhile: never probe someone else's server
            raise RuntimeError(f"prometheus-pushgateway exited ({process.returncode}) on port {port}")
        try:
            return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(ready, "pushgateway")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
