"""``fmfootprint app``: start the Streamlit planner on localhost and print its URL.

Works from a clone (``app/`` at the repository root) and from an installed wheel (``fmfootprint/_app``),
because :func:`fmfootprint._resources.app_dir` finds either. Streamlit is an optional extra
(``pip install 'fmfootprint[app]'``).
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import socket
import sys
from pathlib import Path

from fmfootprint._resources import app_dir
from fmfootprint.errors import FootprintInputError

__all__ = ["LOCAL_PATHS_ENV", "MAX_UPLOAD_MB", "check_free", "register", "run", "streamlit_command"]

#: Largest upload the server accepts [MB]; the pages check the same limit again before reading.
MAX_UPLOAD_MB = 10
#: Environment variable the app's ``ui.py`` reads: "1" lets its pages read server paths (--allow-local-paths).
LOCAL_PATHS_ENV = "FMFOOTPRINT_ALLOW_LOCAL_PATHS"


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
    p.add_argument(
        "--allow-local-paths",
        action="store_true",
        help="let the Runs and Card pages read folders on this machine (a personal machine only: anyone "
        "who can open the page can then read this server's files); default: uploads only",
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


def check_free(port: int, address: str = "localhost") -> None:
    """Check that the server could listen on ``address:port`` now, as Streamlit will.

    Binds (without listening) every address ``address`` resolves to, with ``SO_REUSEADDR`` as the server
    sets it, so a port left in TIME_WAIT counts as free and a port another program listens on does not.

    Raises
    ------
    FootprintInputError
        ``--port`` out of 1..65535, an ``--address`` that is no host name or address of this machine, or a
        port in use (naming the port and what to do).
    """
    if not 1 <= port <= 65535:
        raise FootprintInputError(f"--port must be in 1..65535, got {port}")
    try:
        found = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror else str(exc)
        raise FootprintInputError(
            f"--address {address!r} is not a host name or an IP address: {reason}"
        ) from None
    bound = 0
    last: OSError | None = None
    for family, kind, proto, _, where in dict.fromkeys((f, k, p, c, s) for f, k, p, c, s in found):
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(where)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise FootprintInputError(
                    f"port {port} on {address} is in use (another app or server); choose another with --port"
                ) from None
            last = exc  # e.g. ::1 on a machine without IPv6: another address may still work
            continue
        bound += 1
    if not bound:
        reason = last.strerror if last is not None and last.strerror else "no address to bind"
        raise FootprintInputError(f"cannot listen on --address {address!r} port {port}: {reason}")


def run(args: argparse.Namespace) -> int:
    check_free(args.port, args.address)
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
    # Unset unless asked for here, so a variable left in the shell cannot open the server's files.
    if getattr(args, "allow_local_paths", False):
        os.environ[LOCAL_PATHS_ENV] = "1"
        print("local paths enabled: this server's files can be read by anyone who opens the page", flush=True)
    else:
        os.environ.pop(LOCAL_PATHS_ENV, None)
    os.execv(command[0], command)
    return 0  # not reached
