"""The options of ``fmfootprint track``, in one table.

Two readers are built from it: ``track``'s argparse parser (:func:`fmfootprint.cli.track.register`), and
the launch-first reader (:mod:`fmfootprint.cli._fast_track`), which reads the common command lines
without importing argparse so that the command starts at once. This module imports nothing.
"""

from __future__ import annotations

__all__ = ["BY_FLAG", "FLEET", "OPTIONS", "TrackOption"]

FLEET = "fleet engines (docs/fleet.md)"
"""The argparse group of the options that report to a fleet engine."""


class TrackOption:
    """One option of ``track``: its flag, where it lands (``dest``), and its help."""

    __slots__ = ("default", "dest", "flag", "group", "help", "metavar", "takes_value")

    def __init__(
        self,
        flag: str,
        help: str,
        *,
        takes_value: bool = True,
        default: str | bool | None = None,
        metavar: str | None = None,
        group: str | None = None,
    ) -> None:
        self.flag = flag
        self.dest = flag.removeprefix("--").replace("-", "_")
        self.help = help
        self.takes_value = takes_value
        self.default = default
        self.metavar = metavar
        self.group = group


OPTIONS: tuple[TrackOption, ...] = (
    TrackOption("--region", "site region code, e.g. FR, US-CA, aws:us-east-1 (default: world average)"),
    TrackOption("--interval", "sampling interval in seconds, 0.1 to 3600 (default 1)", default="1.0"),
    TrackOption("--output", "folder for the log and summary (default: .)", default="."),
    TrackOption("--project", "project name used in the file names (default: run)", default="run"),
    TrackOption(
        "--stage",
        "lifecycle stage of this run: %(choices)s (default: final)",
        default="final",
        metavar="STAGE",
    ),
    TrackOption("--pue", "override the site's PUE"),
    TrackOption(
        "--all-gpus",
        "measure every GPU of the node, not only those CUDA_VISIBLE_DEVICES shows",
        takes_value=False,
        default=False,
    ),
    TrackOption(
        "--init-timeout",
        "seconds NVML and codecarbon may take to start; past it that part is not measured (default 30)",
        default="30",
    ),
    TrackOption("--prometheus-port", "serve live /metrics on PORT", metavar="PORT", group=FLEET),
    TrackOption("--pushgateway", "push the final figures to this Pushgateway", metavar="URL", group=FLEET),
    TrackOption("--mlflow", "log the footprint to MLflow", takes_value=False, group=FLEET),
    TrackOption(
        "--ledger", "record the summary in this SQL ledger (URL or file)", metavar="URL", group=FLEET
    ),
)
"""``track``'s own options, in ``--help`` order (``--data-year`` and ``--intensity-source`` are shared with
other verbs: :mod:`fmfootprint.cli._region_args`)."""

BY_FLAG: dict[str, TrackOption] = {option.flag: option for option in OPTIONS}
