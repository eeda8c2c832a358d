"""estimate() with catalog values: accelerator TDP and peaks, region factors, defaults and overrides."""

from __future__ import annotations

import pytest

from fmfootprint.catalog.grid import get_region, grid_defaults
from fmfootprint.catalog.hardware import get_accelerator, list_accelerators, server_defaults
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint import power
from fmfootprint.footprint.estimate import estimate

from .conftest import NO_WATER

SITE = {"pue": 1.1, "grid_intensity": 400.0, **NO_WATER}


def _assumption(result, name):
    return next(a for a in result.assumptions if a.name == name)


def test_default_power_is_the_stated_fraction_of_tdp_with_its_range() -> None:
    tdp = get_accelerator("H100 SXM").tdp_w
    result = estimate(gpu="h100", gpu_hours=1000, **SITE)
    assert result.energy_it_kwh == pytest.approx(1000 * power.DEFAULT_TDP_FRACTION * tdp / 1000)
    low, high = result.ranges["energy_it_kwh"]
    assert low == pytest.approx(1000 * power.TDP_FRACTION_RANGE[0] * tdp / 1000)
    assert high == pytest.approx(1000 * tdp / 1000)  # the TDP convention of BLOOM and LLaMA is the top
    assert "Dodge" in _assumption(result, "power_w").source


def test_utilization_times_tdp_is_exact() -> None:
    result = estimate(gpu="A100 SXM4 80GB", gpu_hours=100, utilization=0.7, **SITE)
    assert result.energy_it_kwh == pytest.approx(100 * 0.7 * 400 / 1000)
    assert result.ranges["energy_it_kwh"][0] == result.ranges["energy_it_kwh"][1]


def test_power_w_overrides_the_catalog_tdp() -> None:
    result = estimate(gpu="A100", gpu_hours=82_432, power_w=400, embodied_kg_per_gpu=0, **SITE)
    assert result.energy_kwh == pytest.approx(82_432 * 0.4 * 1.1)


def test_flops_path_uses_the_catalog_peak_at_the_precision() -> None:
    accelerator = get_accelerator("H100 SXM")
    bf16 = estimate(gpu="H100 SXM", gpus=64, flops=1e22, mfu=0.4, **SITE)
    fp8 = estimate(gpu="H100 SXM", gpus=64, flops=1e22, mfu=0.4, precision="fp8", **SITE)
    hours = 1e22 / (64 * accelerator.peak_tflops["bf16"] * 1e12 * 0.4) / 3600
    assert bf16.hours == pytest.approx(hours)
    ratio = accelerator.peak_tflops["bf16"] / accelerator.peak_tflops["fp8"]
    assert fp8.hours == pytest.approx(hours * ratio)


def test_precision_missing_for_the_device_names_what_it_has() -> None:
    with pytest.raises(FootprintInputError, match="no fp8 peak"):
        estimate(gpu="A100", flops=1e20, mfu=0.5, precision="fp8", **SITE)


def test_unknown_gpu_and_region_suggest_names() -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        estimate(gpu="H1000", hours=1, **SITE)
    with pytest.raises(UnknownNameError, match="unknown region"):
        estimate(power_w=300, hours=1, region="atlantis-1")


def test_region_supplies_intensity_pue_and_water_explicit_values_override() -> None:
    region = get_region("aws:us-east-1")
    from_region = estimate(power_w=500, gpu_hours=1000, region="aws:us-east-1")
    assert from_region.grid_intensity_g_per_kwh == pytest.approx(region.intensity_g_per_kwh)
    if region.pue is not None:
        assert from_region.pue == pytest.approx(region.pue)
    if region.wue_l_per_kwh is not None:
        assert from_region.wue_l_per_kwh == pytest.approx(region.wue_l_per_kwh)
    lo, hi = from_region.ranges["grid_intensity_g_per_kwh"]
    assert lo < from_region.grid_intensity_g_per_kwh < hi
    overridden = estimate(
        power_w=500, gpu_hours=1000, region="aws:us-east-1", pue=1.3, grid_intensity=100, wue=0.4, ewif=2.0
    )
    assert overridden.pue == 1.3
    assert overridden.grid_intensity_g_per_kwh == 100
    assert overridden.wue_l_per_kwh == 0.4
    assert overridden.ewif_l_per_kwh == 2.0
    assert overridden.ranges["co2e_operational_kg"][0] == overridden.ranges["co2e_operational_kg"][1]
    assert _assumption(overridden, "region").value == region.code


def test_no_region_uses_the_catalog_defaults_with_wide_ranges() -> None:
    defaults = grid_defaults()
    result = estimate(power_w=500, gpu_hours=1000)
    assert result.pue == pytest.approx(defaults.pue)
    assert result.grid_intensity_g_per_kwh == pytest.approx(defaults.world_intensity_g_per_kwh)
    assert result.wue_l_per_kwh == pytest.approx(defaults.wue_l_per_kwh)
    assert result.ewif_l_per_kwh == pytest.approx(defaults.ewif_l_per_kwh)
    low, high = result.ranges["co2e_kg"]
    assert low < result.co2e_kg < high
    assert "no region given" in _assumption(result, "pue").source


def test_catalog_embodied_comes_with_the_server_default_and_lifetime() -> None:
    defaults = server_defaults()
    accelerator = get_accelerator("A100")
    assert accelerator.embodied_kg is not None
    result = estimate(gpu="A100", gpu_hours=80_000, **SITE)
    life_hours = defaults.lifetime_years * 8760 * defaults.usage_fraction
    expected_gpu = accelerator.embodied_kg * 80_000 / life_hours
    expected_server = defaults.embodied_kg_per_server * 80_000 / defaults.gpus_per_server / life_hours
    assert result.co2e_embodied_gpu_kg == pytest.approx(expected_gpu)
    assert result.co2e_embodied_server_kg == pytest.approx(expected_server)
    assert "catalog value" in _assumption(result, "embodied_kg_per_gpu").source
    assert result.ranges["co2e_embodied_kg"][1] > result.co2e_embodied_kg  # 150 kg is a lower bound


def test_accelerator_without_embodied_figure_counts_zero() -> None:
    without = next(a.name for a in list_accelerators() if a.embodied_kg is None and a.tdp_w)
    result = estimate(gpu=without, gpu_hours=100, **SITE)
    assert result.co2e_embodied_kg == 0
    assert "no figure given or in catalog" in _assumption(result, "embodied_kg_per_gpu").source


def test_accelerator_without_published_power_uses_its_modelled_range() -> None:
    # every catalog row has a power: published, or modelled with a range where none is published (TPU v5p)
    assert all(a.tdp_w is not None for a in list_accelerators())
    modelled = [a for a in list_accelerators() if a.power_status == "modelled"]
    assert {"TPU v5p", "TPU v6e", "Trainium2"} <= {a.name for a in modelled}
    result = estimate(gpu="TPU v5p", gpus=8, hours=10, **SITE)
    power = _assumption(result, "power_w")
    assert "modelled power" in power.source
    low, high = result.ranges["energy_it_kwh"]
    tdp_low, tdp_high = get_accelerator("TPU v5p").tdp_range_w or (0.0, 0.0)
    assert low < result.energy_it_kwh < high
    assert high >= 80 * tdp_high / 1000 * 0.99  # the high bound reaches the modelled high power
    assert low <= 80 * tdp_low / 1000  # and the low bound goes below the modelled low power
    assert estimate(gpu="TPU v5p", hours=1, power_w=200, **SITE).energy_it_kwh == pytest.approx(0.2)
