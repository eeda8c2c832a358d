"""Market-based operational carbon: CO2e_location x (1 - CFE), reported next to the location-based figure."""

from __future__ import annotations

import pytest

from fmfootprint.catalog import get_region
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import estimate
from fmfootprint.footprint.market import market_based, market_based_co2e_kg


def test_the_formula_credits_the_carbon_free_share():
    assert market_based_co2e_kg(100.0, 0.25) == pytest.approx(75.0)
    assert market_based_co2e_kg(100.0, 0.0) == pytest.approx(100.0)
    assert market_based_co2e_kg(100.0, 1.0) == pytest.approx(0.0)


def test_a_gcp_region_uses_googles_published_cfe_next_to_the_location_figure():
    result = estimate(gpu="H100", gpus=8, hours=10, region="gcp:europe-west1")
    market = market_based(result)
    cfe = get_region("gcp:europe-west1").google_cfe  # Google region-carbon-info 2024: 0.84
    assert cfe == 0.84
    assert market.cfe_fraction == cfe
    assert market.location_co2e_kg == result.co2e_operational_kg  # the estimate's figure is untouched
    assert market.market_co2e_kg == pytest.approx(result.co2e_operational_kg * (1 - cfe))
    low, high = result.ranges["co2e_operational_kg"]
    assert market.market_range_kg == pytest.approx((low * (1 - cfe), high * (1 - cfe)))
    assert "Google CFE" in market.cfe_source
    assert market.to_dict()["location_co2e_kg"] == result.co2e_operational_kg


def test_a_given_share_works_anywhere_and_bad_or_missing_shares_are_errors():
    result = estimate(gpu="H100", gpus=8, hours=10, region="US-MIDA-PJM")
    assert market_based(result, 0.5).market_co2e_kg == pytest.approx(result.co2e_operational_kg / 2)
    assert market_based(result, 0.5).cfe_source == "given"
    with pytest.raises(FootprintInputError, match="no provider-published"):
        market_based(result)
    with pytest.raises(FootprintInputError, match=r"\[0, 1\]"):
        market_based(result, 1.5)
