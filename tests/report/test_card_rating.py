"""The energy-rating bullets of a model card: labels from known inputs, "not rated" with the reason."""

from __future__ import annotations

import pytest

from fmfootprint.footprint.estimate import estimate
from fmfootprint.report.modelcard import model_card
from fmfootprint.serving import inference
from fmfootprint.serving.rating import RATING_VERSION, rate_inference, rate_training

H100_FR = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "FR"}


def _rating_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("- Energy rating")]


def test_training_label_from_the_estimates_energy_and_flops() -> None:
    final = estimate(flops=1e22, **H100_FR)
    experiments = estimate(flops=2e21, **H100_FR)
    report = model_card({"experiments": experiments, "final": final})
    energy = final.energy_kwh + experiments.energy_kwh
    expected = rate_training(energy, 1.2e22)
    # 8 H100 at 40 % MFU in France: about 575 kWh per 1e21 FLOP, band C (500 to 1,000).
    assert expected.value == pytest.approx(energy / 12.0)
    assert expected.label == "C"
    lines = _rating_lines(report.markdown)
    assert len(lines) == 1
    assert f"**{expected.label}**" in lines[0]
    assert "kWh per 1e21 FLOP" in lines[0]
    assert "A < 250, B < 500" in lines[0]  # the band edges, with the method's version and document
    assert RATING_VERSION in lines[0]
    assert "docs/rating.md" in lines[0]
    rated = report.to_dict()["energy_rating"]
    assert rated["training"]["label"] == "C"
    assert rated["training"]["value"] == pytest.approx(expected.value)
    assert "inference" not in rated  # no inference stage, no inference line


def test_a_training_stage_without_flops_is_not_rated() -> None:
    final = estimate(hours=100, gpu="H100 SXM", gpus=8, region="FR")  # no compute stated
    report = model_card({"experiments": estimate(flops=1e21, **H100_FR), "final": final})
    (line,) = _rating_lines(report.markdown)
    assert "Energy rating (training): not rated" in line
    assert "FLOPs" in line
    assert "docs/rating.md" in line
    assert "**" not in line  # no label at all
    assert report.to_dict()["energy_rating"]["training"]["label"] is None


def test_inference_label_from_the_per_query_estimate_and_not_rated_without_it() -> None:
    query = inference(70e9, gpu="H100", input_tokens=1000, output_tokens=500, region="FR")
    source = {"final": estimate(flops=1e22, **H100_FR), "inference": query.to_stage(1e6)}
    rated = model_card(source, inference=query)
    expected = rate_inference(query.energy_wh_per_1000_queries, params=70e9)
    inference_line = _rating_lines(rated.markdown)[1]
    assert inference_line.startswith("- Energy rating (inference, text-generation, medium model): ")
    assert f"**{expected.label}**" in inference_line
    assert rated.to_dict()["energy_rating"]["inference"]["value"] == pytest.approx(
        query.energy_wh_per_1000_queries
    )
    # The same stage without its estimate: the per-1,000-query energy is not known, so no label.
    unrated = model_card(source)
    line = _rating_lines(unrated.markdown)[1]
    assert line.startswith("- Energy rating (inference): not rated - ")
    assert "per-query estimate" in line
    assert unrated.to_dict()["energy_rating"]["inference"]["label"] is None


def test_a_stage_record_without_compute_is_not_rated(bloom_record) -> None:
    report = model_card(bloom_record)
    (line,) = _rating_lines(report.markdown)
    assert "not rated" in line
