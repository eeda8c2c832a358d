"""Factors: their checks, the corner grid, and a site's factors ranged by where each value came from."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fmfootprint.catalog.grid import list_regions
from fmfootprint.footprint import factors as fa
from fmfootprint.footprint.factors import RANGE_SOURCES, SITE_FACTORS, Assumption, Factor, corner_grid
from fmfootprint.footprint.site import Site


def _site(origin: str, **values: float) -> Site:
    base = {"grid_intensity_g_per_kwh": 400.0, "pue": 1.5, "wue_l_per_kwh": 1.0, "ewif_l_per_kwh": 2.0}
    base.update(values)
    return Site(
        region=None,
        country_alpha3=None,
        **base,
        sources=dict.fromkeys(base, "cited"),
        origins=dict.fromkeys(base, origin),
    )


def _by_name(site: Site) -> dict[str, Factor]:
    return {f.name: f for f in fa.site_factors(site)}


def test_factor_checks_its_order() -> None:
    with pytest.raises(ValueError, match="low <= central <= high"):
        Factor("x", 1, 2, 3)
    with pytest.raises(ValueError, match="x low must be finite"):
        Factor("x", 1, float("nan"), 3)
    assert Factor.between("x", 5.0, (1.0, 2.0)).high == 5.0
    assert Factor.between("x", 0.5, (1.0, 2.0)).low == 0.5
    assert Factor.fixed("x", 3.0).exact
    assert (Factor.relative("x", 10.0, (0.5, 2.0)).low, Factor.relative("x", 10.0, (0.5, 2.0)).high) == (
        5,
        20,
    )


def test_corner_grid_has_two_to_the_k_points() -> None:
    factors = [Factor("a", 2, 1, 3), Factor("b", 5, 4, 6), Factor.fixed("c", 7)]
    grid = corner_grid(factors)
    assert len(grid["a"]) == len(grid["b"]) == 4
    assert set(zip(grid["a"], grid["b"], strict=True)) == {(1, 4), (1, 6), (3, 4), (3, 6)}
    assert grid["c"].tolist() == [7]


def test_given_site_values_are_exact_and_keep_their_source() -> None:
    factors = fa.site_factors(_site("given"))
    assert [f.name for f in factors] == list(SITE_FACTORS)
    assert all(f.exact and f.source == "cited" for f in factors)


def test_catalog_site_values_carry_the_catalog_ranges() -> None:
    f = _by_name(_site("catalog", pue=1.02))
    assert (f["pue"].low, f["pue"].high) == (1.0, pytest.approx(1.07))  # ±0.05, never below 1
    intensity = f["grid_intensity_g_per_kwh"]
    assert (intensity.low, intensity.high) == (pytest.approx(320), pytest.approx(480))
    assert (f["wue_l_per_kwh"].low, f["wue_l_per_kwh"].high) == (0.5, 1.5)
    assert (f["ewif_l_per_kwh"].low, f["ewif_l_per_kwh"].high) == (pytest.approx(1.4), pytest.approx(2.6))
    assert intensity.source == f"cited; {RANGE_SOURCES['intensity_catalog']}"


def test_a_provider_fleet_pue_has_the_catalog_spread() -> None:
    site = _site("given")
    site = dataclasses.replace(site, origins={**site.origins, "pue": "provider"})
    pue = _by_name(site)["pue"]
    assert (pue.low, pue.high) == (pytest.approx(1.45), pytest.approx(1.55))
    assert pue.source == f"cited; {RANGE_SOURCES['pue_provider']}"


def test_default_site_values_carry_the_wide_default_ranges() -> None:
    f = _by_name(_site("default", wue_l_per_kwh=2.5))
    assert (f["pue"].low, f["pue"].high) == fa.PUE_DEFAULT_RANGE
    assert (f["wue_l_per_kwh"].low, f["wue_l_per_kwh"].high) == (0.0, 2.5)  # widened to hold the value
    assert (f["ewif_l_per_kwh"].low, f["ewif_l_per_kwh"].high) == fa.EWIF_DEFAULT_RANGE
    # the open (Ember) country values, the dataset of the world average the range surrounds
    countries = [r.intensity_g_per_kwh for r in list_regions(kind="country", intensity_source="catalog")]
    expected = np.percentile(countries, fa.INTENSITY_DEFAULT_PERCENTILES)
    intensity = f["grid_intensity_g_per_kwh"]
    assert (intensity.low, intensity.high) == (pytest.approx(expected[0]), pytest.approx(expected[1]))
    assert intensity.source.endswith(RANGE_SOURCES["intensity_default"])


def test_assumption_to_dict() -> None:
    assert Assumption("pue", 1.1, "-", "given").to_dict() == {
        "name": "pue",
        "value": 1.1,
        "unit": "-",
        "source": "given",
    }
