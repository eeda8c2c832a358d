"""The transformers and Lightning callbacks.

transformers is tested through its real ``CallbackHandler`` (the dispatch the ``Trainer`` uses; it
installs without torch). Lightning is tested with a real ``Trainer.fit`` on CPU (the dev extra pins the
CPU build of torch), and against its documented hook protocol. Neither callback holds training back for
the probe: a CPU/RAM meter whose start blocks until the test releases it shows the hook returning first.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.errors import UnknownNameError
from fmfootprint.measure.integrations import lightning as pl_integration


def _options() -> dict:
    return {"interval_s": 0.1, "nvml": FakeNvml(gpus(1)), "host": FakeHost(), **SITE}


def test_transformers_callback_through_the_real_handler(tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    from transformers.trainer_callback import CallbackHandler, TrainerControl, TrainerState

    from fmfootprint.measure.integrations.transformers import FootprintCallback

    callback = FootprintCallback(stage="final", **_options())
    assert isinstance(callback, transformers.TrainerCallback)
    handler = CallbackHandler([callback], None, None, None, None)
    args = transformers.TrainingArguments(output_dir=str(tmp_path))
    state, control = TrainerState(), TrainerControl()
    handler.on_train_begin(args, state, control)
    assert callback.tracker is not None
    assert callback.tracker.running
    time.sleep(0.15)
    handler.on_train_end(args, state, control)
    assert callback.summary is not None
    assert callback.summary.exit_code == 0
    assert list((tmp_path / "footprint").glob("*.summary.json"))


def test_transformers_callback_only_on_local_main_process(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    from transformers.trainer_callback import TrainerControl, TrainerState

    from fmfootprint.measure.integrations.transformers import FootprintCallback

    callback = FootprintCallback(output_dir=tmp_path, **_options())
    state = TrainerState(is_local_process_zero=False)
    callback.on_train_begin(SimpleNamespace(output_dir=str(tmp_path)), state, TrainerControl())
    callback.on_train_end(SimpleNamespace(output_dir=str(tmp_path)), state, TrainerControl())
    assert callback.tracker is None
    assert callback.summary is None
    assert list(tmp_path.iterdir()) == []


def test_transformers_callback_rejects_bad_options_early() -> None:
    from fmfootprint.measure.integrations.transformers import FootprintCallback

    with pytest.raises(UnknownNameError, match="region"):
        FootprintCallback(region="Atlantis")


def test_lightning_callback_protocol(tmp_path: Path) -> None:
    callback = pl_integration.FootprintCallback(**_options())
    trainer = SimpleNamespace(local_rank=0, global_rank=0, default_root_dir=str(tmp_path))
    callback.on_fit_start(trainer, None)
    time.sleep(0.15)
    callback.on_fit_end(trainer, None)
    assert callback.summary is not None
    assert callback.summary.exit_code == 0
    assert list((tmp_path / "footprint").glob("*.summary.json"))


def test_lightning_callback_on_exception_and_other_ranks(tmp_path: Path) -> None:
    callback = pl_integration.FootprintCallback(output_dir=tmp_path / "a", **_options())
    trainer = SimpleNamespace(local_rank=0, default_root_dir=str(tmp_path))
    callback.on_fit_start(trainer, None)
    callback.on_exception(trainer, None, RuntimeError("diverged"))
    assert callback.summary.exit_code == 1
    other = pl_integration.FootprintCallback(output_dir=tmp_path / "b", **_options())
    other.on_fit_start(SimpleNamespace(local_rank=3, default_root_dir=str(tmp_path)), None)
    assert other.tracker is None
    assert not (tmp_path / "b").exists()


def test_lightning_base_class_when_installed() -> None:
    base = None
    for name in ("lightning.pytorch.callbacks", "pytorch_lightning.callbacks"):
        try:
            base = __import__(name, fromlist=["Callback"]).Callback
            break
        except ImportError:
            continue
    if base is None:
        pytest.skip("Lightning not installed (needs torch); protocol tested above")
    assert issubclass(pl_integration.FootprintCallback, base)


class _SlowHost(FakeHost):
    """A CPU/RAM meter whose start blocks until ``release`` is set (a slow codecarbon probe)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.order: list[str] = []

    def start(self) -> None:
        self.order.append("probe started")
        self.release.wait(60)
        self.order.append("probe done")
        super().start()


@pytest.mark.parametrize("framework", ["transformers", "lightning"])
def test_the_callbacks_do_not_wait_for_the_probe(tmp_path: Path, framework: str) -> None:
    host = _SlowHost()
    options = {**_options(), "host": host}
    if framework == "transformers":
        pytest.importorskip("transformers")
        from transformers.trainer_callback import TrainerControl, TrainerState

        from fmfootprint.measure.integrations.transformers import FootprintCallback

        callback = FootprintCallback(output_dir=tmp_path, **options)
        args = SimpleNamespace(output_dir=str(tmp_path))
        callback.on_train_begin(args, TrainerState(), TrainerControl())
    else:
        callback = pl_integration.FootprintCallback(output_dir=tmp_path, **options)
        callback.on_fit_start(SimpleNamespace(local_rank=0, default_root_dir=str(tmp_path)), None)
    host.order.append("training started")  # the hook returned while the probe was still blocked
    assert "probe done" not in host.order
    host.release.set()
    deadline = time.monotonic() + 60
    while "probe done" not in host.order and time.monotonic() < deadline:
        time.sleep(0.01)  # let the probe finish, so that the session is measured
    callback._stop(0) if framework == "lightning" else callback.on_train_end(args, None, None)
    assert host.order[-1] == "probe done" or host.order.index("training started") < host.order.index(
        "probe done"
    )
    assert callback.summary is not None
    assert callback.summary.exit_code == 0


def test_lightning_callback_in_a_real_trainer_fit(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    lightning = pytest.importorskip("lightning")
    from torch.utils.data import DataLoader, TensorDataset

    class Tiny(lightning.LightningModule):
        def __init__(self, fail: bool = False) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(4, 1)
            self.fail = fail

        def training_step(self, batch, batch_idx):  # type: ignore[no-untyped-def]
            if self.fail and batch_idx == 1:
                raise RuntimeError("diverged")
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)

        def configure_optimizers(self):  # type: ignore[no-untyped-def]
            return torch.optim.SGD(self.parameters(), lr=0.1)

    data = DataLoader(TensorDataset(torch.randn(32, 4), torch.randn(32, 1)), batch_size=8)
    quiet = {"accelerator": "cpu", "devices": 1, "max_epochs": 2, "logger": False,
             "enable_progress_bar": False, "enable_checkpointing": False,
             "enable_model_summary": False}  # fmt: skip
    callback = pl_integration.FootprintCallback(**_options())
    assert isinstance(callback, lightning.pytorch.callbacks.Callback)
    trainer = lightning.Trainer(default_root_dir=str(tmp_path), callbacks=[callback], **quiet)
    trainer.fit(Tiny(), data)
    assert trainer.global_step == 8  # 2 epochs of 4 batches: training ran to the end
    assert callback.summary is not None
    assert callback.summary.exit_code == 0
    assert callback.summary.complete
    (summary_file,) = (tmp_path / "footprint").glob("*.summary.json")
    assert summary_file.stat().st_size > 0

    failing = pl_integration.FootprintCallback(output_dir=tmp_path / "failing", **_options())
    trainer = lightning.Trainer(default_root_dir=str(tmp_path), callbacks=[failing], **quiet)
    with pytest.raises(RuntimeError, match="diverged"):
        trainer.fit(Tiny(fail=True), data)
    assert failing.summary is not None
    assert failing.summary.exit_code == 1  # on_exception stopped the tracker with the failure's code
