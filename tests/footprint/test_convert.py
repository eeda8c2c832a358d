"""convert(): energy → carbon and water, and its vectorised elementary functions."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint import convert as cv


def test_li_et_al_gpt3_us_average_water() -> None:
    # Li et al. 2023, Table 1, U.S. average: 1,287 MWh as E_IT, PUE 1.17, WUE 0.55, EWIF 3.142
    # -> on-site 0.708 ML, off-site 4.731 ML, total 5.439 ML.
    fp = cv.convert(1_287_000, pue=1.17, grid_intensity_g_per_kwh=0, wue_l_per_kwh=0.55, ewif_l_per_kwh=3.142)
    assert fp.water_onsite_l == pytest.approx(0.708e6, rel=1e-3)
    assert fp.water_offsite_l == pytest.approx(4.731e6, rel=1e-3)
    assert fp.water_l == pytest.approx(5.439e6, rel=1e-3)


def test_bloom_dynamic_carbon() -> None:
    # Luccioni et al. 2023, Table 1: 433,196 kWh at 57 g/kWh, PUE not applied -> 24.69 t.
    fp = cv.convert(433_196, pue=1.0, grid_intensity_g_per_kwh=57)
    assert fp.co2e_operational_kg == pytest.approx(24_690, rel=1e-3)
    assert fp.energy_kwh == fp.energy_it_kwh


def test_to_dict_has_every_field_and_total_water() -> None:
    d = cv.convert(10, pue=1.5, grid_intensity_g_per_kwh=100, wue_l_per_kwh=1, ewif_l_per_kwh=2).to_dict()
    assert d["energy_kwh"] == 15
    assert d["co2e_operational_kg"] == 1.5
    assert d["water_l"] == 10 + 30


def test_elementary_functions_vectorise() -> None:
    energy = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cv.facility_energy_kwh(energy, np.array([1.1, 1.2, 1.3])), [1.1, 2.4, 3.9])
    np.testing.assert_allclose(cv.operational_co2e_kg(energy, 500), [0.5, 1.0, 1.5])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"pue": 0.9}, "pue must be >= 1"),
        ({"grid_intensity_g_per_kwh": -1}, "grid_intensity_g_per_kwh must be >= 0"),
        ({"wue_l_per_kwh": float("nan")}, "wue_l_per_kwh must be finite"),
    ],
)
def test_bad_inputs_are_one_line_errors(kwargs, fragment) -> None:
    args = {"pue": 1.1, "grid_intensity_g_per_kwh": 100} | kwargs
    with pytest.raises(FootprintInputError, match=fragment):
        cv.convert(1.0, **args)
