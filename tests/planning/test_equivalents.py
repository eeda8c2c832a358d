"""fmfootprint.planning.equivalents: a footprint in everyday units, each with its cited factor."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.planning.equivalents import FACTORS, equivalent_amounts, everyday_equivalents


def test_factors_are_the_cited_figures() -> None:
    by_key = {factor.key: factor for factor in FACTORS}
    # EPA-420-F-23-014: 400 g CO2 per mile; 1 mile = 1.609344 km.
    assert by_key["car_km"].per_unit == pytest.approx(0.2485484, rel=1e-6)
    assert by_key["household_years"].per_unit == 10791.0  # EIA: kWh per US home in 2022
    assert by_key["olympic_pools"].per_unit == 2.5e6  # 50 m × 25 m × 2 m in litres
    for factor in FACTORS:
        assert factor.source
        assert factor.licence in {"public-domain", "fact"}


def test_equivalents_divide_by_the_factor_and_carry_the_source() -> None:
    shown = everyday_equivalents(co2e_kg=9150.0, energy_kwh=19_660.0, water_l=83_700.0)
    assert [e.key for e in shown] == ["car_km", "household_years", "olympic_pools"]
    car, homes, pools = shown
    assert car.amount == pytest.approx(9150.0 / (0.4 / 1.609344))
    assert homes.amount == pytest.approx(19_660.0 / 10791.0)
    assert pools.amount == pytest.approx(83_700.0 / 2.5e6)
    assert car.text() == "≈ 36,814 km driven by an average petrol car"
    assert "EPA-420-F-23-014" in car.source
    assert car.to_dict()["amount"] == car.amount


def test_unmeasured_has_no_equivalent_never_zero() -> None:
    only = everyday_equivalents(co2e_kg=None, energy_kwh=1000.0)
    assert [e.key for e in only] == ["household_years"]
    assert everyday_equivalents() == ()


def test_vectorised_and_checked() -> None:
    np.testing.assert_allclose(equivalent_amounts([0.0, 10.0, 20.0], 10.0), [0.0, 1.0, 2.0])
    with pytest.raises(FootprintInputError, match="value"):
        equivalent_amounts(-1.0, 10.0)
    with pytest.raises(FootprintInputError, match="per_unit"):
        equivalent_amounts(1.0, 0.0)
