"""Issue 15: the card's Environmental Impact names the site defaults each stage used, and the basis."""

from __future__ import annotations

from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.stages import StageFootprint, cited_work, sum_stages
from fmfootprint.report.modelcard import model_card


def _bullet(markdown: str, name: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"- **{name}:**"))


def test_card_names_each_stages_site_defaults_and_the_intensity_basis() -> None:
    germany = StageFootprint.from_dict(estimate(gpu="H100", gpus=8, hours=10, region="DE").to_dict(), "final")
    world = StageFootprint.from_dict(estimate(gpu="H100", gpus=8, hours=1).to_dict(), "evaluation")
    assert set(germany.site_defaults) == {"pue", "wue_l_per_kwh", "ewif_l_per_kwh"}  # DE has a grid value
    markdown = model_card([germany, world]).markdown
    said = _bullet(markdown, "Site defaults used")
    assert "PUE (Uptime Institute Global Data Center Survey 2024 (average PUE))" in said
    assert "EWIF (Europe default (UN M49 region)) — the site has no value of its own (final)" in said
    assert "grid intensity (world) (generation-weighted mean of the country rows)" in said
    assert said.endswith("(evaluation)")
    grid = _bullet(markdown, "Grid carbon intensity")
    assert "location-based (lifecycle, 2025)" in grid  # DE, Electricity Maps 2025
    assert "(lifecycle, 2023 (world))" in grid


def test_a_site_with_every_factor_has_no_defaults_bullet_and_sums_keep_them() -> None:
    given = estimate(gpu="H100", gpus=8, hours=10, pue=1.1, grid_intensity=50.0, wue=0.2, ewif=1.0)
    stage = StageFootprint.from_dict(given.to_dict(), "final")
    assert stage.site_defaults == {}
    assert "Site defaults used" not in model_card([stage]).markdown
    germany = StageFootprint.from_dict(
        estimate(gpu="H100", gpus=8, hours=1, region="DE").to_dict(), "evaluation"
    )
    total = sum_stages("total", [stage, germany])
    assert set(total.site_defaults) == {"pue", "wue_l_per_kwh", "ewif_l_per_kwh"}
    assert StageFootprint.from_dict(total.to_dict(), "final").site_defaults == total.site_defaults


def test_cited_work_drops_the_reason_and_closes_no_bracket_open() -> None:
    source = "default (DE has no pue): Uptime Institute 2024 (average PUE), as listed in X; range 1.1-2.4: Y"
    assert cited_work(source) == "Uptime Institute 2024 (average PUE)"
    assert cited_work("default (no region given): mean of the rows (Ember via OWID (col), as packaged") == (
        "mean of the rows"
    )
