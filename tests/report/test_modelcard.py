"""Model-card reports: the Hub's metadata in grams, the Environmental Impact section, in-place updates."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from huggingface_hub import ModelCard, metadata_load
from huggingface_hub.hf_api import ModelInfo
from huggingface_hub.utils.endpoint_helpers import _is_emission_within_threshold

import fmfootprint
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stages import STAGES
from fmfootprint.report.modelcard import ModelCardReport, model_card, update_card

BLOOM_G = 24.69e6  # Luccioni et al. 2023, Table 1: 24.69 tCO2e


def _hub_filter(report: ModelCardReport, low: float, high: float) -> bool:
    """The Hub's client-side emissions filter, run on what list_models(cardData=True) would build."""
    info = ModelInfo(id="example/model", cardData=yaml.safe_load(report.card.split("---")[1]))
    return _is_emission_within_threshold(info, low, high)


def test_bloom_card_carries_published_emissions_in_grams(bloom_record) -> None:
    report = model_card(bloom_record, location="Orsay, France")
    emissions = report.metadata["emissions"]
    assert isinstance(emissions, int)
    assert emissions == pytest.approx(BLOOM_G, rel=0.01)
    assert report.metadata == {
        "emissions": emissions,
        "source": f"fmfootprint {fmfootprint.__version__} (estimated)",
        "training_type": "pre-training",
        "geographical_location": "Orsay, France",
        "hardware_used": "384 A100 SXM4 80GB GPUs",
    }
    # Plain digits, no unit, no `_` separator: the Hub reads the first number it finds.
    assert re.search(rf"^  emissions: {emissions}$", report.card, re.MULTILINE)


def test_bloom_card_parses_with_huggingface_hub(bloom_record, tmp_path) -> None:
    report = model_card(bloom_record, location="Orsay, France")
    path = tmp_path / "README.md"
    path.write_text(report.card, encoding="utf-8")
    assert metadata_load(path)["co2_eq_emissions"] == report.metadata
    card = ModelCard(report.card)
    assert card.data.co2_eq_emissions == report.metadata
    assert "## Environmental Impact" in card.text
    assert ModelCard(str(card)).data.to_dict() == card.data.to_dict()  # round-trips


def test_hub_emissions_filter_reads_grams(bloom_record) -> None:
    report = model_card(bloom_record)
    assert _hub_filter(report, 24e6, 25e6)
    assert not _hub_filter(report, 0, 24e6)
    # Had the card been written in kilograms (the usual mistake), this kg-range would match.
    assert not _hub_filter(report, 24e3, 25e3)


def test_tiny_emissions_stay_plain_digits_for_the_hub_filter(make_stage) -> None:
    report = model_card(make_stage("final", 0.0001, intensity=50.0))  # 2 mg CO2e
    assert report.metadata["emissions"] == pytest.approx(0.002)
    assert "e-" not in str(report.metadata["emissions"])
    assert _hub_filter(report, 0.001, 0.003)


def test_section_has_the_template_fields_and_the_extras(bloom_record) -> None:
    markdown = model_card(bloom_record).markdown
    for field in ("Hardware Type", "Hours used", "Cloud Provider", "Compute Region", "Carbon Emitted"):
        assert f"- **{field}:** " in markdown
    assert "- **Hours used:** 1,082,990 GPU-hours" in markdown
    assert "- **Carbon Emitted:** 24,692,172 g CO2eq" in markdown
    assert "- **Energy consumed:** 433,196 kWh" in markdown
    assert "- **PUE:** 1.00" in markdown
    assert "- **Grid carbon intensity:** 57 gCO2eq/kWh" in markdown
    assert "Luccioni et al. 2023, Table 1" in markdown
    assert "- **Method:** estimated" in markdown
    for field in ("Embodied carbon", "Water consumed", "Uncertainty"):
        assert f"- **{field}:** " in markdown


def test_energy_and_carbon_are_reported_separately(make_stage) -> None:
    report = model_card(make_stage("final", 1000.0, intensity=100.0))
    final = report.to_dict()["stages"]["final"]
    assert final["energy_kwh"] == pytest.approx(400.0)
    assert final["co2e_operational_kg"] == pytest.approx(40.0)
    header = next(line for line in report.markdown.splitlines() if line.startswith("| Stage"))
    assert "Energy [kWh]" in header
    assert "Carbon, operational [kg CO2eq]" in header
    row = next(line for line in report.markdown.splitlines() if line.startswith("| final"))
    assert [cell.strip() for cell in row.split("|")[4:6]] == ["400", "40"]


def test_stage_totals_equal_the_sum_of_the_stages(make_stage) -> None:
    stages = {
        "experiments": [
            make_stage("experiments", 1234.5),
            make_stage("experiments", 100.0, method="measured"),
        ],
        "final": make_stage("final", 50_000.0, co2e_embodied_kg=321.0, water_l=1e4),
        "evaluation": make_stage("evaluation", 77.7, intensity=300.0, co2e_embodied_kg=1.5),
        "inference": make_stage("inference", 9_000.0, intensity=20.0, water_l=12.0),
    }
    report = model_card(stages)
    data = report.to_dict()
    assert [s.stage for s in report.stages] == list(STAGES)
    assert data["stages"]["experiments"]["method"] == "measured and estimated"
    for key in ("energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l", "gpu_hours"):
        values = [s[key] for s in data["stages"].values() if s[key] is not None]
        assert data["total"][key] == pytest.approx(math.fsum(values), rel=1e-12), key
    # The metadata counts the training stages' operational carbon, not inference, not embodied.
    training_kg = sum(
        data["stages"][s]["co2e_operational_kg"] for s in ("experiments", "final", "evaluation")
    )
    assert report.metadata["emissions"] == round(training_kg * 1000)
    # The table's total row shows the same sums.
    total_row = next(line for line in report.markdown.splitlines() if line.startswith("| **total**"))
    assert f"{data['total']['energy_kwh']:,.0f}" in total_row


def test_update_changes_only_the_environmental_parts(bloom_record, report_data) -> None:
    original = (report_data / "model_card.md").read_text(encoding="utf-8")
    report = model_card(bloom_record, location="Orsay, France")
    updated = update_card(original, report)
    # Front matter: the scalar co2_eq_emissions line became the mapping; every other line is unchanged.
    old_head, old_body = original.split("\n---\n", 1)
    new_head, new_body = updated.split("\n---\n", 1)
    block = yaml.safe_dump({"co2_eq_emissions": report.metadata}, sort_keys=False).rstrip("\n")
    assert new_head == old_head.replace("co2_eq_emissions: 3.5", block)
    # Body: identical up to the section's heading and from the next section on.
    heading = "## Environmental Impact\n"
    start_new = new_body.index(heading + "\n<!-- Written by fmfootprint")
    start_old = old_body.index(heading + "\n<!-- Total emissions")  # the template's (not the code block's)
    following = "## Technical Specifications [optional]\n"
    assert new_body[:start_new] == old_body[:start_old]
    assert new_body[new_body.index(following) :] == old_body[old_body.index(following) :]
    section = new_body[start_new : new_body.index(following)]
    assert section == f"{heading}\n{report.markdown}\n\n"
    assert "[More Information Needed]" not in section.split("- **Cloud Provider:**")[0]
    # Still a valid card for the Hub, with the other metadata intact.
    card = ModelCard(updated)
    assert card.data.co2_eq_emissions == report.metadata
    assert card.data.license == "apache-2.0"
    assert card.data.to_dict()["model-index"] == yaml.safe_load(old_head[4:])["model-index"]
    assert update_card(updated, report) == updated  # idempotent


def test_update_inserts_the_section_where_the_template_has_it(bloom_record, report_data) -> None:
    original = (report_data / "model_card_without_impact.md").read_text(encoding="utf-8")
    report = model_card(bloom_record)
    updated = update_card(original, report)
    old_head, old_body = original.split("\n---\n", 1)
    new_head, new_body = updated.split("\n---\n", 1)
    block = yaml.safe_dump({"co2_eq_emissions": report.metadata}, sort_keys=False).rstrip("\n")
    assert new_head == f"{old_head}\n{block}"
    inserted = f"## Environmental Impact\n\n{report.markdown}\n\n"
    position = old_body.index("## Technical Specifications")
    assert new_body == old_body[:position] + inserted + old_body[position:]
    assert update_card(updated, report) == updated


def test_a_new_report_replaces_an_older_one(bloom_record, make_stage, report_data) -> None:
    original = (report_data / "model_card.md").read_text(encoding="utf-8")
    first = update_card(original, model_card(make_stage("final", 10.0)))
    report = model_card(bloom_record)
    assert update_card(first, report) == update_card(original, report)


def test_bad_input_is_one_line(make_stage) -> None:
    with pytest.raises(FootprintInputError, match="no source of figures"):
        model_card(None)
    with pytest.raises(FootprintInputError, match="no source of figures"):
        model_card([])
    with pytest.raises(UnknownNameError, match="did you mean pre-training"):
        model_card(make_stage("final", 1.0), training_type="pretraining")
    with pytest.raises(FootprintInputError, match="no training stage"):
        model_card(make_stage("inference", 1.0))
    with pytest.raises(UnknownNameError, match="unknown stage 'finale'"):
        model_card({"finale": make_stage("final", 1.0)})
    with pytest.raises(FootprintInputError, match="cannot read figures from int"):
        model_card(42)
