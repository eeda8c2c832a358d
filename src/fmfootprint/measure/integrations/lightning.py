"""A PyTorch Lightning ``Callback`` that measures ``Trainer.fit`` with :class:`Tracker`.

Usage::

    from fmfootprint.measure.integrations.lightning import FootprintCallback
    trainer = lightning.Trainer(..., callbacks=[FootprintCallback(region="FR")])

The tracker starts in ``on_fit_start`` and stops in ``on_fit_end``, or in ``on_exception`` with exit code
1 (130 for KeyboardInterrupt), on ``trainer.local_rank == 0`` only: one tracker per node. Files go to
``<trainer.default_root_dir>/footprint`` unless ``output_dir`` is given.

``on_fit_start`` returns at once: the tracker's ``start(wait=False)`` writes the start record and brings
NVML and codecarbon up in its own thread, so the probe does not hold the first training step back.

Lightning is optional: the base class is ``lightning.pytorch.callbacks.Callback`` (or
``pytorch_lightning.callbacks.Callback``) when installed, else a plain object with the same hook methods.
"""

from __future__ import annotations

import os
from typing import Any

from fmfootprint.measure.summary import RunSummary
from fmfootprint.measure.tracker import Tracker, exit_code_of

# Lightning is optional (in the dev extras, with the CPU build of torch); mypy sees it as a missing (Any)
# module where it is not installed, hence ``unused-ignore`` beside each code.
try:
    from lightning.pytorch.callbacks import Callback as _Base
except ImportError:
    try:
        from pytorch_lightning.callbacks import Callback as _Base  # type: ignore[no-redef, assignment, unused-ignore]
    except ImportError:  # neither is installed
        _Base = object  # type: ignore[assignment, misc, unused-ignore]

__all__ = ["FootprintCallback"]


# Lightning's Callback is Any to mypy where Lightning is missing (the dev extras): subclassing Any.
class FootprintCallback(_Base):  # type: ignore[misc, unused-ignore]
    """Measure a Lightning ``Trainer.fit``.

    Parameters
    ----------
    output_dir : path, optional
        Folder for the tracker's files; default ``<trainer.default_root_dir>/footprint``.
    **tracker_options
        Passed to :class:`~fmfootprint.measure.tracker.Tracker` (``region``, ``interval_s``, ...).
    """

    def __init__(self, output_dir: str | os.PathLike[str] | None = None, **tracker_options: Any) -> None:
        super().__init__()
        self.output_dir = output_dir
        self.tracker_options = tracker_options
        Tracker(output_dir or ".", local_rank=0, **tracker_options)  # validate options now
        self.tracker: Tracker | None = None
        self.summary: RunSummary | None = None

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        if getattr(trainer, "local_rank", 0) != 0 or self.tracker is not None:
            return
        folder = self.output_dir or os.path.join(
            getattr(trainer, "default_root_dir", None) or ".", "footprint"
        )
        self.tracker = Tracker(folder, local_rank=0, **self.tracker_options)
        # Training starts now: NVML and codecarbon come up in the tracker's thread (bounded), and the
        # summary says how long each part went unmeasured, instead of holding the first step back.
        self.tracker.start(wait=False)

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._stop(0)

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._stop(exit_code_of(exception))

    def _stop(self, exit_code: int) -> None:
        if self.tracker is None:
            return
        self.summary = self.tracker.stop(exit_code=exit_code)
        self.tracker = None
