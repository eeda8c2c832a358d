"""fmfootprint.cli: the ``fmfootprint`` command (:mod:`fmfootprint.cli.main`)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def run() -> NoReturn:
    """The console script ``fmfootprint``.

    For ``track``, the command is launched before anything else is imported
    (:func:`fmfootprint.cli._fast_track.launch_first`: argparse, the error boundary and the verbs cost
    tens of milliseconds); then :func:`fmfootprint.cli.main.main` reads the command line and measures.
    """
    import sys

    words = sys.argv[1:]
    launched = None
    if words[:1] == ["track"]:
        from fmfootprint.cli._fast_track import launch_first

        launched = launch_first(words[1:])
    from fmfootprint.cli.main import main

    sys.exit(main(words, launched=launched))
