"""Off-site water (EWIF) defaults: a location without its own gets its UN M49 region's, else the world's.

Li et al. 2023 Table 1 (from WRI, Reig et al. 2020) gives country EWIF for AU 4.259, DK 3.18, FI 4.542,
ID 2.271, IE 1.476, IN 3.445, MX 5.3, NL 3.445, SE 6.019, US 3.142 L/kWh; the defaults are their means
weighted by each country's Ember generation [TWh] (countries.csv), never one other country's figure.
"""

from __future__ import annotations

import csv

import pytest

from fmfootprint._resources import data_dir
from fmfootprint.catalog import grid_defaults
from fmfootprint.catalog.water import ewif_default
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.site import resolve_site

LI_TABLE_1 = {"DK": 3.18, "FI": 4.542, "IE": 1.476, "NL": 3.445, "SE": 6.019, "US": 3.142, "MX": 5.3}


def _generation_twh() -> dict[str, float]:
    with (data_dir() / "grid_intensity/countries.csv").open(encoding="utf-8", newline="") as handle:
        return {row["alpha2"]: float(row["generation_twh"]) for row in csv.DictReader(handle)}


def test_a_belgian_location_gets_europes_default_from_european_data():
    twh = _generation_twh()
    europe = ("DK", "FI", "IE", "NL", "SE")
    expected = sum(LI_TABLE_1[c] * twh[c] for c in europe) / sum(twh[c] for c in europe)
    for region in ("BE", "gcp:europe-west1"):
        site = resolve_site(region)
        assert site.origins["ewif_l_per_kwh"] == "default"
        assert site.ewif_l_per_kwh == pytest.approx(expected, abs=5e-4)
        assert site.ewif_l_per_kwh != 3.142  # not the US average any more
        source = site.sources["ewif_l_per_kwh"]
        assert "Europe default (UN M49 region)" in source
        assert "DK 3.18, FI 4.542, IE 1.476, NL 3.445, SE 6.019" in source
        assert "US" not in source.split("Europe default", 1)[1].split(";")[0]
    assert ewif_default("BE").countries == europe
    result = estimate(gpu="H100 SXM", gpus=8, hours=10, region="BE")
    assert [a.name for a in result.defaults_used()].count("ewif_l_per_kwh") == 1


def test_own_values_stay_and_us_states_take_their_countrys():
    assert resolve_site("NL").ewif_l_per_kwh == 3.445  # its own Li et al. value
    assert resolve_site("NL").origins["ewif_l_per_kwh"] == "catalog"
    assert resolve_site("US-TX").ewif_l_per_kwh == 1.287  # Texas's own
    assert resolve_site("US-OR").ewif_l_per_kwh == 3.142  # its own country's average, cited as such
    assert "US average" in resolve_site("US-OR").sources["ewif_l_per_kwh"]


def test_regions_with_too_few_countries_take_the_world_value_and_say_so():
    twh = _generation_twh()
    world = {**LI_TABLE_1, "AU": 4.259, "ID": 2.271, "IN": 3.445}
    expected = sum(v * twh[c] for c, v in world.items()) / sum(twh[c] for c in world)
    assert grid_defaults().ewif_l_per_kwh == pytest.approx(expected, abs=5e-4)
    nigeria = ewif_default("NG")
    assert nigeria.area == "Africa"
    assert nigeria.ewif_l_per_kwh == grid_defaults().ewif_l_per_kwh
    assert "the world value, fewer than 2 countries of Africa" in nigeria.source
    new_zealand = ewif_default("NZ")  # Oceania: Australia alone would be another country's figure
    assert new_zealand.ewif_l_per_kwh == grid_defaults().ewif_l_per_kwh
    assert "only AU has one" in new_zealand.source
    assert ewif_default(None).area == ewif_default("AQ").area == "World"
    americas = ewif_default("CA")
    assert americas.countries == ("MX", "US")
    assert resolve_site("CA-QC").ewif_l_per_kwh == americas.ewif_l_per_kwh
