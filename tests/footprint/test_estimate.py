"""estimate(): input paths, power model, host power, embodied rules, ranges, assumptions, errors."""

from __future__ import annotations

import json

import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint import power
from fmfootprint.footprint.estimate import OUTPUT_KEYS, estimate

from .conftest import NO_WATER

CONTRACT_KEYS = {
    "gpu_hours",
    "hours",
    "energy_it_kwh",
    "energy_kwh",
    "co2e_operational_kg",
    "co2e_embodied_kg",
    "co2e_kg",
    "water_onsite_l",
    "water_offsite_l",
    "water_l",
    "grid_intensity_g_per_kwh",
    "pue",
    "ranges",
    "assumptions",
    "method",
}


def _assumption(result, name):
    return next(a for a in result.assumptions if a.name == name)


def test_to_dict_has_the_contract_keys_and_is_strict_json(site) -> None:
    payload = estimate(gpu_hours=100, power_w=300, **site).to_dict()
    assert set(payload) >= CONTRACT_KEYS
    json.dumps(payload, allow_nan=False)
    assert set(payload["ranges"]) >= set(OUTPUT_KEYS)
    for entry in payload["assumptions"]:
        assert set(entry) == {"name", "value", "unit", "source"}


def test_formulas_by_hand(site) -> None:
    result = estimate(gpus=4, hours=10, power_w=250, **site)
    energy_it = 4 * 10 * 250 / 1000  # 10 kWh
    assert result.gpu_hours == 40
    assert result.energy_it_kwh == pytest.approx(energy_it)
    assert result.energy_kwh == pytest.approx(energy_it * 1.2)
    assert result.co2e_operational_kg == pytest.approx(energy_it * 1.2 * 300 / 1000)
    assert result.water_onsite_l == pytest.approx(0.5 * energy_it)
    assert result.water_offsite_l == pytest.approx(3.0 * energy_it * 1.2)
    assert result.water_l == pytest.approx(result.water_onsite_l + result.water_offsite_l)
    assert result.co2e_kg == result.co2e_operational_kg  # no embodied figure given, no gpu
    assert result.method == "estimated"


def test_flops_path_time_is_flops_over_count_peak_mfu(site) -> None:
    # 1e21 FLOP on 8 accelerators of 312 TFLOP/s at 40 % MFU.
    result = estimate(flops=1e21, gpus=8, mfu=0.4, peak_tflops=312, power_w=400, **site)
    hours = 1e21 / (8 * 312e12 * 0.4) / 3600
    assert result.hours == pytest.approx(hours)
    assert result.gpu_hours == pytest.approx(8 * hours)
    assert result.energy_it_kwh == pytest.approx(8 * hours * 0.4)
    assert _assumption(result, "mfu").value == 0.4


def test_flops_path_agrees_with_gpu_hours_path(site) -> None:
    by_flops = estimate(flops=3.6e20, gpus=10, mfu=0.5, peak_tflops=100, power_w=500, **site)
    by_hours = estimate(gpu_hours=by_flops.gpu_hours, gpus=10, power_w=500, **site)
    assert by_flops.co2e_kg == pytest.approx(by_hours.co2e_kg)
    assert by_flops.water_l == pytest.approx(by_hours.water_l)


def test_measured_energy_keeps_pue_and_derives_gpu_hours_from_power(site) -> None:
    result = estimate(energy_kwh=1000, power_w=500, gpus=10, **site)
    assert result.method == "measured"
    assert result.energy_it_kwh == 1000
    assert result.energy_kwh == pytest.approx(1200)
    assert result.gpu_hours == pytest.approx(2000)  # 1000 kWh / 0.5 kW
    assert result.hours == pytest.approx(200)


def test_measured_energy_without_power_leaves_hours_unknown(site) -> None:
    result = estimate(energy_kwh=1000, embodied_kg_per_gpu=150, **site)
    assert result.gpu_hours is None
    assert result.hours is None
    assert result.co2e_embodied_kg == 0
    assert "gpu_hours" not in result.ranges
    assert any("embodied not counted" in a.source for a in result.assumptions)
    json.dumps(result.to_dict(), allow_nan=False)


def test_host_power_only_when_given(site) -> None:
    base = estimate(gpu_hours=800, power_w=400, **site)
    assert "host power not counted" in _assumption(base, "host_power_w").source
    with_host = estimate(gpu_hours=800, power_w=400, host_power_w=2000, gpus_per_server=8, **site)
    # 800 GPU-h / 8 = 100 server-hours × 2 kW = 200 kWh more IT energy.
    assert with_host.energy_it_kwh - base.energy_it_kwh == pytest.approx(200)


def test_energy_path_with_host_power_inverts_the_same_model(site) -> None:
    forward = estimate(gpu_hours=800, power_w=400, host_power_w=2000, gpus_per_server=8, **site)
    back = estimate(
        energy_kwh=forward.energy_it_kwh, power_w=400, host_power_w=2000, gpus_per_server=8, **site
    )
    assert back.gpu_hours == pytest.approx(800)


def test_explicit_embodied_counts_only_what_is_given(site) -> None:
    per = {"gpus_per_server": 8, "lifetime_years": 4, "usage_fraction": 1.0}
    gpu_only = estimate(gpu_hours=8760, power_w=400, embodied_kg_per_gpu=463, **per, **site)
    # Morrison et al. 2025 convention: 463 kg per GPU over 4 years -> 8760 GPU-h is a quarter of a life.
    assert gpu_only.co2e_embodied_kg == pytest.approx(463 / 4)
    assert gpu_only.co2e_embodied_server_kg == 0
    assert _assumption(gpu_only, "server_embodied_kg").source.startswith("not counted")
    both = estimate(
        gpu_hours=8760, power_w=400, embodied_kg_per_gpu=150, server_embodied_kg=2500, **per, **site
    )
    assert both.co2e_embodied_kg == pytest.approx((150 + 2500 / 8) / 4)
    assert both.co2e_kg == pytest.approx(both.co2e_operational_kg + both.co2e_embodied_kg)


def test_no_embodied_figure_says_so(site) -> None:
    result = estimate(gpu_hours=10, power_w=300, **site)
    assert result.co2e_embodied_kg == 0
    assert "embodied: 0, no figure given or in catalog" in _assumption(result, "embodied_kg_per_gpu").source


def test_explicit_values_are_exact_ranges(site) -> None:
    result = estimate(gpu_hours=10, power_w=300, **site)
    for key in OUTPUT_KEYS:
        low, high = result.ranges[key]
        assert low == high == pytest.approx(getattr(result, key))


def test_default_power_model_constants() -> None:
    assert power.TDP_FRACTION_RANGE[0] < power.DEFAULT_TDP_FRACTION < power.TDP_FRACTION_RANGE[1]
    # Dodge et al. 2022: 281 W of a 400 W A100 (0.70); OLMo H100 0.78-0.87; both inside the range.
    for measured in (281 / 400, 0.78, 0.87, 245 / 450, 310 / 450):
        assert power.TDP_FRACTION_RANGE[0] <= measured <= power.TDP_FRACTION_RANGE[1]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"hours": -1, "power_w": 300}, "hours must be >= 0"),
        ({"gpu_hours": -5, "power_w": 300}, "gpu_hours must be >= 0"),
        ({"hours": 1, "energy_kwh": 3, "power_w": 300}, "exactly one of"),
        ({"power_w": 300}, "exactly one of"),
        ({"hours": 1, "power_w": 300, "pue": 0.9}, "pue must be >= 1"),
        ({"flops": 1e20, "mfu": 0, "peak_tflops": 100, "power_w": 300}, "mfu must be in (0, 1]"),
        ({"flops": 1e20, "mfu": 1.5, "peak_tflops": 100, "power_w": 300}, "mfu must be in (0, 1]"),
        ({"flops": 1e20, "peak_tflops": 100, "power_w": 300}, "flops needs mfu"),
        ({"hours": 1, "mfu": 0.5, "power_w": 300}, "mfu is only used with flops"),
        ({"flops": 1e20, "mfu": 0.5, "power_w": 300}, "flops needs gpu"),
        ({"hours": 1, "power_w": 300, "utilization": 0.5}, "not both"),
        ({"hours": 1, "utilization": 0.5}, "utilization needs an accelerator"),
        ({"hours": 1}, "give gpu"),
        ({"hours": 1, "power_w": -3}, "power_w must be > 0"),
        ({"hours": 1, "power_w": float("nan")}, "power_w must be finite"),
        ({"hours": 1, "power_w": 300, "gpus": 0}, "gpus must be a whole number"),
        ({"hours": 1, "power_w": 300, "gpus": 2.5}, "gpus must be a whole number"),
        ({"hours": 1, "power_w": 300, "grid_intensity": -1}, "grid_intensity must be >= 0"),
        ({"hours": 1, "power_w": 300, "wue": -1}, "wue must be >= 0"),
        ({"hours": 1, "power_w": 300, "usage_fraction": 0}, "usage_fraction must be in (0, 1]"),
        ({"hours": 1, "power_w": 300, "lifetime_years": 0}, "lifetime_years must be > 0"),
        ({"hours": 1, "power_w": 300, "embodied_kg_per_gpu": -1}, "embodied_kg_per_gpu must be >= 0"),
        ({"hours": 1, "power_w": 300, "gpu": ""}, "gpu must be an accelerator name"),
        ({"hours": 1, "power_w": 300, "region": 3}, "region must be a region code"),
        # once an overflow to inf ("not a finite number"); the plausibility bounds now refuse it first
        ({"hours": 1e300, "power_w": 1e300, "gpus": 1e10}, "gpus must be in [1, 1e+07]"),
        (
            {"flops": 1, "mfu": 0.5, "peak_tflops": 1, "power_w": 300, "precision": "int4"},
            "unknown precision",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(kwargs, fragment) -> None:
    site = {"pue": 1.1, "grid_intensity": 100, **NO_WATER}
    site.update({k: v for k, v in kwargs.items() if k in site})
    kwargs = {k: v for k, v in kwargs.items() if k not in site}
    with pytest.raises(FootprintInputError) as info:
        estimate(**kwargs, **site)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        estimate("A100", 8)  # type: ignore[misc]


def test_to_stage_carries_the_figures_the_intensity_source_and_the_ranges() -> None:
    result = estimate(gpu="A100", gpus=8, hours=24, region="FR")
    stage = result.to_stage()
    assert (stage.stage, stage.method, stage.region, stage.gpu, stage.gpus) == (
        "final",
        "estimated",
        "FR",
        result.gpu,
        8,
    )
    assert (stage.energy_kwh, stage.energy_it_kwh, stage.gpu_hours, stage.hours) == (
        result.energy_kwh,
        result.energy_it_kwh,
        192.0,
        24.0,
    )
    assert stage.co2e_kg == pytest.approx(result.co2e_kg)
    assert (stage.co2e_embodied_kg, stage.water_l) == (result.co2e_embodied_kg, result.water_l)
    assert (stage.pue, stage.grid_intensity_g_per_kwh) == (result.pue, result.grid_intensity_g_per_kwh)
    assert stage.grid_intensity_source == _assumption(result, "grid_intensity_g_per_kwh").source
    assert stage.grid_intensity_source.startswith("FR (")
    assert set(stage.ranges) == {
        "energy_kwh",
        "co2e_operational_kg",
        "co2e_embodied_kg",
        "co2e_kg",
        "water_l",
    }
    assert stage.ranges["co2e_kg"] == result.ranges["co2e_kg"]
    assert stage.to_dict()["co2e_kg"] == pytest.approx(result.co2e_kg)


def test_to_stage_checks_the_stage_name(site) -> None:
    result = estimate(gpu_hours=10, power_w=300, **site)
    assert result.to_stage("Experiment").stage == "experiments"
    assert result.to_stage("inference").stage == "inference"
    with pytest.raises(UnknownNameError, match="stage"):
        result.to_stage("pretraining")


def test_to_stage_of_energy_without_hours_does_not_count_embodied(site) -> None:
    stage = estimate(energy_kwh=100, gpu="A100", **site).to_stage()
    assert stage.gpu_hours is not None  # the A100's default power converts energy to hours
    unknown = estimate(energy_kwh=100, **site).to_stage()
    assert (unknown.gpu_hours, unknown.co2e_embodied_kg, unknown.method) == (None, None, "measured")
    assert "co2e_embodied_kg" not in unknown.ranges
    assert unknown.co2e_kg == unknown.co2e_operational_kg == pytest.approx(120 * 300 / 1000)


def test_precisions_are_the_catalogs() -> None:
    from fmfootprint.catalog import hardware
    from fmfootprint.footprint import estimate as estimate_module

    assert estimate_module.PRECISIONS is hardware.PRECISIONS
