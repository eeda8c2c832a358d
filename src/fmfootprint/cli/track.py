"""``fmfootprint track [options] -- CMD ARGS...``: run a command under the tracker.

The command runs in its own process group, so a terminal's Ctrl-C reaches it once, through us: SIGINT and
SIGTERM sent to ``fmfootprint track`` are forwarded to it. The exit status is the command's; if a signal
killed it, 128 + the signal number (as a shell reports it). The summary is written either way.

The command is launched before any measurement library is imported: the log's start record (time, host,
command, pid) is written next, then NVML and codecarbon come up alongside the command, each bounded by
``--init-timeout``. A failure or hang there is one warning and a flag; the command is never held up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import warnings
from types import FrameType

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.stages import STAGE_ALIASES, STAGES
from fmfootprint.units import format_mass_kg, format_number, parse_quantity

_FORWARDED = (signal.SIGINT, signal.SIGTERM)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "track",
        help="run a command and measure its energy, carbon and water",
        description="Run CMD under the tracker: GPU energy from NVML, CPU/RAM from codecarbon, one JSONL "
        "record per interval and a summary at the end. Exits with CMD's exit code.",
        usage="fmfootprint track [--region R] [--interval S] [--output DIR] [--project NAME] "
        "[--stage STAGE] [--pue X] [--all-gpus] [--init-timeout S] -- CMD [ARGS...]",
    )
    p.add_argument(
        "--region", help="site region code, e.g. FR, US-CA, aws:us-east-1 (default: world average)"
    )
    p.add_argument(
        "--interval", type=str, default="1.0", help="sampling interval in seconds, >= 0.1 (default 1)"
    )
    p.add_argument("--output", default=".", help="folder for the log and summary (default: .)")
    p.add_argument("--project", default="run", help="project name used in the file names (default: run)")
    p.add_argument(
        "--stage",
        default="final",
        choices=[*STAGES, *STAGE_ALIASES],
        help="lifecycle stage of this run (default: final)",
    )
    p.add_argument("--pue", type=str, default=None, help="override the site's PUE")
    p.add_argument(
        "--all-gpus",
        action="store_true",
        help="measure every GPU of the node, not only those CUDA_VISIBLE_DEVICES shows",
    )
    p.add_argument(
        "--init-timeout",
        type=str,
        default="30",
        help="seconds NVML and codecarbon may take to start; past it that part is not measured (default 30)",
    )
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.showwarning = _one_line  # the tracker's warnings, one line each on stderr
        return _track(args)


def _one_line(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
    print(f"fmfootprint track: warning: {message}".replace("fmfootprint tracker: ", ""), file=sys.stderr)


def _track(args: argparse.Namespace) -> int:
    from fmfootprint.measure.tracker import Tracker

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise FootprintInputError("no command to run; usage: fmfootprint track [options] -- CMD [ARGS...]")
    if os.sep not in command[0] and shutil.which(command[0]) is None:
        raise FootprintInputError(f"command not found: {command[0]!r}")
    tracker = Tracker(
        args.output,
        region=args.region,
        interval_s=parse_quantity("--interval", args.interval),
        project=args.project,
        stage=args.stage,
        pue=None if args.pue is None else parse_quantity("--pue", args.pue),
        gpus="all" if args.all_gpus else "visible",
        init_timeout_s=parse_quantity("--init-timeout", args.init_timeout),
    )
    # The command starts first; the start record follows, and only then do NVML and codecarbon begin to
    # load, in the tracker's threads (bounded by --init-timeout), while the command runs.
    group = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}
    child = subprocess.Popen(command, **group)  # own process group: Ctrl-C reaches it once, through us
    tracker.start(wait=False, command=command, pid=child.pid)
    exit_code: int | None = None
    previous: dict[int, object] = {}
    try:

        def forward(signum: int, frame: FrameType | None) -> None:
            if child.poll() is None:
                child.send_signal(signum)

        for sig in _FORWARDED:
            previous[sig] = signal.signal(sig, forward)
        returncode = child.wait()
        exit_code = 128 - returncode if returncode < 0 else returncode
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        summary = tracker.stop(exit_code=exit_code)
    if summary is not None:
        path = tracker.summary_path
        where = f" -> {path}" if path is not None and path.exists() else " (summary not written)"
        missing = [
            part
            for part, absent in (("GPU", not summary.n_gpus), ("CPU/RAM", summary.cpu_energy_kwh is None))
            if absent
        ]
        if len(missing) == 2:  # nothing was measured: no figure to print, never a stand-in 0
            print(
                f"fmfootprint: energy not measured (no GPU, no CPU/RAM reading; see flags){where}",
                file=sys.stderr,
            )
            return exit_code
        print(
            f"fmfootprint: {format_number(summary.energy_kwh)} kWh, {format_mass_kg(summary.co2e_kg)} CO2e "
            f"({format_mass_kg(summary.co2e_operational_kg)} operational + "
            f"{format_mass_kg(summary.co2e_embodied_kg)} embodied), "
            f"{format_number(summary.water_l)} L water ({summary.gpu_energy_method})"
            + "".join(f"; {part} not measured" for part in missing)
            + where,
            file=sys.stderr,
        )
    return exit_code
