"""fmfootprint.planning.cite: a citable paragraph and the BibTeX of the law and data a plan used."""

from __future__ import annotations

import re

import pytest

from fmfootprint.planning import plan
from fmfootprint.planning.cite import BIBTEX, cite_plan
from fmfootprint.scaling.laws import ChinchillaLaw

HARDWARE = {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"}


def bib_keys(bibtex: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bibtex, flags=re.MULTILINE)


def test_plan_with_footprint_cites_law_tool_and_data() -> None:
    result = plan(accelerator_days=1000, hardware=HARDWARE)
    cited = cite_plan(result, region_name="Iowa")
    assert cited.keys[:2] == ("besiroglu2024", "fmfootprint")
    assert "electricitymaps" in cited.keys  # Iowa's grid figure is its balancing authority's (MISO) zone
    assert "li2023" in cited.keys
    assert "luccioni2023" in cited.keys
    assert bib_keys(cited.bibtex) == list(cited.keys)
    assert "Besiroglu et al. (2024) [@besiroglu2024]" in cited.markdown
    assert "\\citep{besiroglu2024}" in cited.latex
    assert "Iowa (US-IA)" in cited.markdown
    assert "17B parameters" in cited.markdown
    # Braces balance in every entry (a BibTeX parser would otherwise fail).
    for key in cited.keys:
        assert BIBTEX[key].count("{") == BIBTEX[key].count("}")
    assert cited.to_dict()["keys"] == list(cited.keys)


def test_region_decides_the_grid_source() -> None:
    france = cite_plan(plan(accelerator_days=1000, hardware={**HARDWARE, "region": "FR"}))
    assert "electricitymaps" in france.keys  # FR defaults to Electricity Maps 2025 (ODbL: attribution)
    assert "epa_egrid2016" not in france.keys


def test_plan_without_hardware_cites_the_law_only() -> None:
    cited = cite_plan(plan(compute_flops=1e23, law="hoffmann2022"))
    assert cited.keys == ("hoffmann2022",)
    assert "Hoffmann et al. (2022)" in cited.markdown


def test_fitted_law_cites_the_fitting_method() -> None:
    law = ChinchillaLaw(E=1.8, A=480.0, B=2000.0, alpha=0.35, beta=0.36, name="my-runs")
    cited = cite_plan(plan(compute_flops=1e21, law=law))
    assert cited.keys == ("hoffmann2022",)
    assert "fitted to our own runs" in cited.markdown


@pytest.mark.parametrize("name", ["llama3", "gadre2024-c4"])
def test_other_published_laws_cite_their_own_paper(name: str) -> None:
    from fmfootprint.scaling.published import PUBLISHED

    result = plan(compute_flops=1e23, law=name)
    cited = cite_plan(result)
    law = PUBLISHED[name]
    key = name.replace("-", "_")
    assert cited.keys == (key,)
    assert f"[@{key}]" in cited.markdown
    assert "(2024)" in cited.markdown
    assert law.url in cited.bibtex
    assert bib_keys(cited.bibtex) == [key]
    assert cited.bibtex.count("{") == cited.bibtex.count("}")
    if result.loss is None:  # a law that predicts no loss says none
        assert "predicted loss" not in cited.markdown
