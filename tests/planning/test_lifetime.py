"""fmfootprint.planning.lifetime: the lifetime-optimal headline beside the training-only optimum."""

from __future__ import annotations

import pytest

from fmfootprint.planning import plan
from fmfootprint.planning.lifetime import lifetime_choice
from fmfootprint.scaling.allocate import inference_optimal
from fmfootprint.scaling.laws import get_law

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def test_no_inference_tokens_keeps_the_training_optimum_and_no_lifetime_words() -> None:
    training = plan(accelerator_days=1000, hardware=HARDWARE)
    choice = lifetime_choice(training, 0.0, "besiroglu2024", HARDWARE)
    assert choice.headline is training
    assert choice.lifetime is None
    assert choice.flops_saved == 0.0
    assert choice.extra_training_fraction == 0.0
    assert "life" not in choice.text()


def test_inference_tokens_make_the_lifetime_optimum_the_headline() -> None:
    training = plan(accelerator_days=1000, hardware=HARDWARE)
    choice = lifetime_choice(training, 2e12, "besiroglu2024", HARDWARE)
    exact = inference_optimal(training.loss, 2e12, get_law("besiroglu2024"))
    head = choice.headline
    assert head.mode == "inference"
    assert head.params == pytest.approx(float(exact.params), rel=1e-12)
    assert head.params < training.params  # serving favours a smaller model trained longer
    assert head.loss == pytest.approx(training.loss, rel=1e-12)
    assert head.footprint is not None
    assert head.footprint.co2e_kg > training.footprint.co2e_kg
    lifetime_training_only = training.compute_flops + 2 * training.params * 2e12
    assert choice.flops_saved == pytest.approx(lifetime_training_only - float(exact.lifetime_flops), rel=1e-9)
    assert 0.2 < choice.saving_fraction < 0.3
    text = choice.text()
    assert "25 %" in text
    assert "-0" not in text
    assert choice.to_dict()["lifetime"]["mode"] == "inference"


def test_a_negligible_saving_is_not_shown_as_zero_percent() -> None:
    training = plan(accelerator_days=1000, hardware=HARDWARE)
    text = lifetime_choice(training, 1e6, "besiroglu2024", HARDWARE).text()
    assert "less than 1 %" in text
    assert "0 %" not in text.replace("less than 1 %", "")
