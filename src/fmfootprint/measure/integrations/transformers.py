"""A Hugging Face ``transformers`` ``TrainerCallback`` that measures training with :class:`Tracker`.

Usage::

    from fmfootprint.measure.integrations.transformers import FootprintCallback
    trainer = Trainer(..., callbacks=[FootprintCallback(region="FR")])

The tracker starts in ``on_train_begin`` and stops in ``on_train_end``, on the local main process only
(``state.is_local_process_zero``), as transformers' own ``CodeCarbonCallback`` does: one tracker per node.
Its files go to ``<args.output_dir>/footprint`` unless ``output_dir`` is given. If training raises, the
Trainer calls no further event; the tracker then writes its summary at interpreter exit (exit code
unknown), and its log is complete up to the last interval either way.

``on_train_begin`` returns at once (``Tracker.start(wait=False)``): NVML and codecarbon come up in the
tracker's thread, and the summary records the seconds each part missed.

Do not also enable transformers' ``codecarbon`` reporting (``report_to="all"`` in transformers 4 adds it
whenever codecarbon is installed): that would run two trackers.

transformers is optional: without it this module still imports, and the callback is a plain object with
the same event methods (the ``TrainerCallback`` protocol).
"""

from __future__ import annotations

import os
from typing import Any

from fmfootprint.measure.summary import RunSummary
from fmfootprint.measure.tracker import Tracker

try:
    from transformers import TrainerCallback as _Base
except ImportError:  # transformers is optional
    # transformers is typed; without it (not a core dependency) _Base is Any and this ignore is unused.
    _Base = object  # type: ignore[assignment, misc, unused-ignore]

__all__ = ["FootprintCallback"]


class FootprintCallback(_Base):
    """Measure a ``Trainer`` run.

    Parameters
    ----------
    output_dir : path, optional
        Folder for the tracker's files; default ``<TrainingArguments.output_dir>/footprint``.
    **tracker_options
        Passed to :class:`~fmfootprint.measure.tracker.Tracker` (``region``, ``interval_s``, ``project``,
        ``stage``, ``pue``, ...). Checked now, so a bad region fails before training starts.
    """

    def __init__(self, output_dir: str | os.PathLike[str] | None = None, **tracker_options: Any) -> None:
        self.output_dir = output_dir
        self.tracker_options = tracker_options
        # Validate the options up front (unknown region, bad interval) without starting anything.
        Tracker(output_dir or ".", local_rank=0, **tracker_options)
        self.tracker: Tracker | None = None
        self.summary: RunSummary | None = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not getattr(state, "is_local_process_zero", True) or self.tracker is not None:
            return
        folder = self.output_dir or os.path.join(getattr(args, "output_dir", None) or ".", "footprint")
        # The Trainer knows which process is the node's main one; the environment may not.
        self.tracker = Tracker(folder, local_rank=0, **self.tracker_options)
        # Training starts now: NVML and codecarbon come up in the tracker's thread (bounded), and the
        # summary says how long each part went unmeasured, instead of holding the first step back.
        self.tracker.start(wait=False)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.tracker is None:
            return
        self.summary = self.tracker.stop(exit_code=0)
        self.tracker = None
