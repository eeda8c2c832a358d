"""``fmfootprint app``: start the Streamlit planner on localhost and print its URL.

Works from a clone (``app/`` at the repository root) and from an installed wheel (``fmfootprint/_app``),
because :func:`fmfootprint._resources.app_dir` finds either. Streamlit is an optional extra
(``pip install 'fmfootprint[app]'``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from fmfootprint._resources import app_dir
from fmfootprint.errors import FootprintInputError

__all__ = ["MAX_UPLOAD_MB", "register", "run", "streamlit_command"]

#: Largest upload the server accepts [MB]; the pages check the same limit again before reading.
MAX_UPLOAD_MB = 10


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "app",
        help="start the web planner (Streamlit) on localhost",
        description="Start the web planner (Streamlit) on localhost and print its URL. Ctrl-C stops it.",
    )
    p.add_argument("--port", type=int, default=8501, help="TCP port to listen on (default 8501)")
    p.add_argument(
        "--address", default="localhost", help="address to bind (default localhost; use 0.0.0.0 to share)"
    )
    p.set_defaults(func=run)


def entry_point() -> Path:
    """The Streamlit script, ``streamlit_app.py``, in the packaged or checked-out ``app`` folder."""
    script = app_dir() / "streamlit_app.py"
    if not script.is_file():
        raise FootprintInputError(f"the app is missing from this installation: {script} not found")
    return script


def streamlit_command(port: int, address: str = "localhost", script: Path | None = None) -> list[str]:
    """The command line that serves the app: ``python -m streamlit run <entry point> …``.

    ``script`` replaces the entry point (benchmarks serve a one-metric reference page the same way).
    """
    if not 1 <= port <= 65535:
        raise FootprintInputError(f"--port must be in 1..65535, got {port}")
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script or entry_point()),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
        "--browser.gatherUsageStats",
        "false",
    ]


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("streamlit") is None:
        raise FootprintInputError(
            "the app needs Streamlit and plotly: pip install 'fmfootprint[app]' (or run `make app`)"
        )
    command = streamlit_command(args.port, args.address)
    host = "localhost" if args.address in ("localhost", "127.0.0.1", "0.0.0.0") else args.address
    print(f"fmfootprint planner: http://{host}:{args.port}  (Ctrl-C to stop)", flush=True)
    # Become the Streamlit server (no child left behind when this process is signalled); its working
    # directory is the app folder, so the app's .streamlit/config.toml applies.
    os.chdir(app_dir())
    os.execv(command[0], command)
    return 0  # not reached
