"""``fmfootprint track [options] -- CMD ARGS...``: run a command under the tracker.

The command is launched first, with the least possible in between. The usual command lines are read by
:mod:`fmfootprint.cli._fast_track` before argparse is even imported, and launched at once if they are
sure to pass the full check (:func:`_checked`), which reads them again after the launch. Any other line
is read here (``fmfootprint.cli.main`` builds only this verb's parser for ``track``) and checked before
the launch: the command exists, the numbers, and ``--region`` (a code the catalog lists as it is, else
the catalog's resolver, whose error names the closest codes, exit 2). The tracker is built after the
launch; its ``"start"`` record (time, host, command, pid) is written next, then
NVML and codecarbon come up alongside the command, each bounded by ``--init-timeout``. A failure or a hang
there is one warning and a flag; the command is never held up.

The command runs in its own process group, in the terminal's foreground when ``track`` holds the
terminal, so interactive programs work and Ctrl-C reaches it once, from the terminal itself. SIGINT,
SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to ``fmfootprint track`` are forwarded to its group
(:mod:`fmfootprint.measure.launch`). The exit status is the command's; if a signal killed it, 128 + the
signal number (as a shell reports it). The summary is written either way, and nothing that goes wrong
in the tracker's own files (a folder that cannot be created or written, a name too long) changes the
exit status: it is one warning line.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any

from fmfootprint.cli._fast_track import known_region_code, on_path
from fmfootprint.cli._region_args import add_intensity_arguments
from fmfootprint.cli._track_options import OPTIONS
from fmfootprint.footprint.stage_names import STAGE_ALIASES, STAGES

if TYPE_CHECKING:
    from fmfootprint.measure.launch import Child
    from fmfootprint.measure.tracker import Tracker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "track",
        help="run a command and measure its energy, carbon and water",
        description="Run CMD under the tracker: GPU energy from NVML, CPU/RAM from codecarbon, one JSONL "
        "record per interval and a summary at the end. Exits with CMD's exit code.",
        usage="fmfootprint track [--region R] [--interval S] [--output DIR] [--project NAME] "
        "[--stage STAGE] [--pue X] [--all-gpus] [--init-timeout S] [--prometheus-port P] [--pushgateway URL] "
        "[--mlflow] [--ledger URL] -- CMD [ARGS...]",
    )
    groups: dict[str | None, Any] = {None: p}
    for option in OPTIONS:  # the table the launch-first reader reads too
        if option.group not in groups:
            groups[option.group] = p.add_argument_group(option.group)
        where = groups[option.group]
        if not option.takes_value:
            where.add_argument(option.flag, action="store_true", default=option.default, help=option.help)
            continue
        extra: dict[str, Any] = {}
        if option.dest == "stage":
            extra["choices"] = (*STAGES, *STAGE_ALIASES)
        elif option.dest == "prometheus_port":
            extra["type"] = int
        where.add_argument(
            option.flag, default=option.default, metavar=option.metavar, help=option.help, **extra
        )
        if option.dest == "region":
            add_intensity_arguments(p)
    p.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    p.set_defaults(func=run, library_names={"interval_s": "interval", "init_timeout_s": "init_timeout"})


def run(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():
        warnings.showwarning = _one_line  # the tracker's warnings, one line each on stderr
        return _track(args)


def _one_line(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
    _say(f"fmfootprint track: warning: {message}".replace("fmfootprint tracker: ", ""))


def _warn(message: str) -> None:
    warnings.warn(f"fmfootprint tracker: {message}", RuntimeWarning, stacklevel=2)


def _checked(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """The command and the tracker's options, checked before anything is launched."""
    from fmfootprint import _validate
    from fmfootprint.errors import FootprintInputError
    from fmfootprint.measure.launch import check_interval
    from fmfootprint.units import parse_quantity

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise FootprintInputError("no command to run; usage: fmfootprint track [options] -- CMD [ARGS...]")
    if os.sep not in command[0] and not on_path(command[0]):
        raise FootprintInputError(f"command not found: {command[0]!r}")
    timeout_s = parse_quantity("--init-timeout", args.init_timeout)
    options = {
        "region": _checked_region(args),
        "interval_s": check_interval(parse_quantity("--interval", args.interval)),
        "project": args.project,
        "stage": args.stage,
        "pue": None if args.pue is None else _validate.bounded("pue", parse_quantity("--pue", args.pue)),
        "gpus": "all" if args.all_gpus else "visible",
        "init_timeout_s": _validate.positive("init_timeout_s", timeout_s),
        "prometheus_port": args.prometheus_port,
        "pushgateway": args.pushgateway,
        "mlflow": args.mlflow,
        "ledger": args.ledger,
    }
    if args.prometheus_port is not None and not 0 <= args.prometheus_port <= 65535:
        raise FootprintInputError(f"--prometheus-port must be from 0 to 65535, got {args.prometheus_port}")
    if not str(args.project).strip():
        raise FootprintInputError("--project must be a non-empty name")
    return command, options


def _checked_region(args: argparse.Namespace) -> Any:
    """The --region code if the catalog lists it as it is; else its catalog record (pinned to
    --data-year / --intensity-source), which checks it (UnknownNameError names the closest codes)."""
    from fmfootprint.errors import FootprintInputError

    if args.region is None:
        if args.data_year is not None or args.intensity_source is not None:
            raise FootprintInputError("--data-year and --intensity-source need --region")
        return None
    if args.data_year is None and args.intensity_source is None and known_region_code(args.region):
        return args.region
    from fmfootprint.catalog.grid import get_region

    return get_region(args.region, year=args.data_year, intensity_source=args.intensity_source)


def _track(args: argparse.Namespace) -> int:
    command, options = _checked(args)
    from fmfootprint.measure.launch import launch

    child = launch(command)  # the command starts here (signals forwarded)
    return _measure(child, args.output, command, options)


def after_launch(parser: argparse.ArgumentParser, words: list[str], child: Child) -> int:
    """Go on from :func:`fmfootprint.cli._fast_track.launch_first`, which launched ``child``: read
    ``words`` (the whole command line) with ``parser``, measure, and return the command's exit status
    whatever happens here."""
    with warnings.catch_warnings():
        warnings.showwarning = _one_line
        try:
            args = parser.parse_args(words)
            command, options = _checked(args)
        except (Exception, SystemExit) as exc:  # a bug: the launch-first reader let through a bad line
            _warn(f"not measuring this run: its options were not understood ({type(exc).__name__}: {exc})")
            return child.wait()
        return _measure(child, args.output, command, options)


def _measure(child: Child, output: str, command: list[str], options: dict[str, Any]) -> int:
    """Track the running ``child`` (nothing here may stop or delay it) and return its exit status."""
    tracker: Tracker | None = None
    try:
        from fmfootprint.measure.tracker import Tracker

        tracker = Tracker(output, **options)
        tracker.start(wait=False, command=command, pid=child.pid)
    except Exception as exc:  # the command runs on unmeasured; its exit status is still ours to return
        _warn(f"not measuring this run: {type(exc).__name__}: {exc}")
        tracker = None
    exit_code = child.wait()
    _finish(tracker, child, exit_code)
    return exit_code


def _finish(tracker: Tracker | None, child: Child, exit_code: int) -> None:
    """Stop the tracker and print the one-line summary; no failure here changes the exit status."""
    if tracker is None:
        return
    try:
        summary = tracker.stop(exit_code=exit_code)
    except Exception as exc:  # a bug or an I/O failure of ours: the command's status still stands
        _warn(f"could not finish the summary: {type(exc).__name__}: {exc}")
        return
    if summary is None:
        return
    path = tracker.summary_path
    where = f" -> {path}" if path is not None and path.exists() else " (summary not written)"
    missing = [
        part
        for part, absent in (("GPU", not summary.n_gpus), ("CPU/RAM", summary.cpu_energy_kwh is None))
        if absent
    ]
    if len(missing) == 2 or summary.energy_kwh is None:  # nothing measured: no figure, never a stand-in 0
        line = f"fmfootprint: energy not measured (no GPU, no CPU/RAM reading; see flags){where}"
    else:  # embodied carbon "not counted" and modelled CPU/RAM ranges as `summarize` says them
        from fmfootprint.cli.summarize import one_line

        line = f"fmfootprint: {one_line(summary)}{where}"
    _say(line)


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # the terminal hung up (EIO) or stderr is closed: the files say it
        return
