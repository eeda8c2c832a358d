from __future__ import annotations

import pytest

import fmfootprint


def test_every_public_name_is_the_object_of_its_home_module() -> None:
    import importlib

    for name, home in fmfootprint._EXPORTS.items():
        assert getattr(fmfootprint, name) is getattr(importlib.import_module(home), name), name
    assert set(fmfootprint.__all__) == {"__version__", *fmfootprint._EXPORTS}


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = fmfootprint.nope


def test_vocabularies_are_the_ones_the_library_checks_against() -> None:
    from fmfootprint.catalog.hardware import get_accelerator
    from fmfootprint.errors import UnknownNameError

    assert fmfootprint.STAGES == ("experiments", "final", "evaluation", "inference")
    assert set(fmfootprint.TRAINING_STAGES) < set(fmfootprint.STAGES)
    assert "flops" in fmfootprint.ESTIMATE_PARAMETERS
    assert "region" in fmfootprint.ESTIMATE_PARAMETERS
    h100 = get_accelerator("H100 SXM")
    for precision in fmfootprint.PRECISIONS:
        try:
            h100.peak_flops(precision)
        except UnknownNameError:  # a listed precision must be one the catalog checks against
            raise AssertionError(precision) from None
        except ValueError:
            pass  # known precision, no figure for this accelerator


def test_public_api_round_trip_plan_and_estimate() -> None:
    plan = fmfootprint.plan(compute_flops=5.88e23, law="hoffmann2022")
    allocation = fmfootprint.compute_optimal(5.88e23, fmfootprint.get_law("hoffmann2022"))
    assert plan.to_dict()["params"] == allocation.params
    estimate = fmfootprint.estimate(gpu_hours=1000, power_w=400, pue=1.0, grid_intensity=100)
    # 1,000 h × 0.4 kW = 400 kWh; × 100 g/kWh = 40 kg.
    assert estimate.energy_kwh == 400
    assert estimate.co2e_operational_kg == 40


def test_scaling_re_exports_lazily() -> None:
    import importlib
    import subprocess
    import sys

    import fmfootprint.scaling as scaling

    assert set(scaling.__all__) == set(scaling._EXPORTS)
    for name, home in scaling._EXPORTS.items():
        assert getattr(scaling, name) is getattr(importlib.import_module(home), name), name
    # `fmfootprint laws` needs only the laws module: it must not pay for scipy and pandas.
    probe = "import sys, fmfootprint.scaling.laws; print('scipy' in sys.modules, 'pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
