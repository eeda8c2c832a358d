"""The energy rating: monotone in energy, absolute (adding models changes no label), bands as documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fmfootprint.errors import UnknownNameError
from fmfootprint.serving import rating
from fmfootprint.serving.query import inference

DOC = Path(__file__).parents[2] / "docs" / "rating.md"


@pytest.mark.parametrize("task", sorted(rating.TASKS))
@pytest.mark.parametrize("params", [7e9, 70e9, 405e9])
def test_monotone_in_energy(task: str, params: float) -> None:
    energies = np.geomspace(0.01, 1e6, 400)
    labels = [rating.rate_inference(e, params=params, task=task).label for e in energies]
    order = [rating.LABELS.index(label) for label in labels]
    assert order == sorted(order)
    assert labels[0] == "A"
    assert labels[-1] == "G"


def test_training_label_is_monotone_and_bloom_is_d() -> None:
    values = np.geomspace(1, 1e5, 200)
    order = [rating.LABELS.index(rating.rate_training(v * 1000, 1e24).label) for v in values]
    assert order == sorted(order)
    # BLOOM: 433 MWh for about 3.9e23 FLOP (Luccioni et al. 2023) -> 1,110 kWh per 1e21 FLOP.
    assert rating.rate_training(433_000, 3.9e23).label == "D"


def test_adding_models_never_changes_an_existing_label() -> None:
    rng = np.random.default_rng(0)
    first = [
        {"energy_wh_per_1000_queries": float(e), "params": float(p)}
        for e, p in zip(rng.lognormal(4, 2, 20), rng.choice([3e9, 8e9, 70e9, 405e9], 20), strict=True)
    ]
    before = [r.label for r in rating.rate_many(first)]
    # A very efficient and a very wasteful newcomer would move every relative (population) band.
    more = [
        *first,
        {"energy_wh_per_1000_queries": 1e-3, "params": 8e9},
        {"energy_wh_per_1000_queries": 1e7, "params": 8e9},
    ]
    after = [r.label for r in rating.rate_many(more)][: len(first)]
    assert after == before


def test_edges_double_and_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert rating.RATING_VERSION in text
    for task in rating.TASKS:
        for size in rating.SIZE_CLASSES:
            edges = rating.band_edges(task, size)
            assert np.allclose(np.array(edges[1:]) / np.array(edges[:-1]), 2.0)
            row = f"| {task} | {size} | " + " | ".join(f"{e:,.0f}" for e in edges) + " |"
            assert row in text, row
    assert " | ".join(f"{e:,.0f}" for e in rating.TRAINING_EDGES_KWH_PER_1E21_FLOP) in text


def test_a_value_on_an_edge_goes_up_a_band() -> None:
    edge = rating.band_edges("text-generation", "small")[0]
    assert rating.rate_inference(edge * 0.999, params=1e9).label == "A"
    assert rating.rate_inference(edge, params=1e9).label == "B"


def test_card_line_and_an_estimate_rated() -> None:
    result = inference(70e9, gpu="H100", input_tokens=1000, output_tokens=500, batch=64, precision="fp8")
    label = rating.rate_inference(result.energy_wh_per_1000_queries, params=result.params)
    line = rating.card_line(label)
    assert f"**{label.label}**" in line
    assert "docs/rating.md" in line
    assert rating.RATING_VERSION in line
    assert label.size_class == "medium"
    with pytest.raises(UnknownNameError):
        rating.band_edges("poetry", "small")
