"""Forgiving look-ups of accelerators and regions, and suggestions for unknown names."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmfootprint.catalog import (
    Accelerator,
    Region,
    get_accelerator,
    get_region,
    grid_defaults,
    list_accelerators,
    list_regions,
    server_defaults,
)
from fmfootprint.errors import FootprintInputError, UnknownNameError


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("h100", "H100 SXM"),
        ("H100", "H100 SXM"),
        ("H100-SXM5-80GB", "H100 SXM"),
        ("nvidia h100 sxm", "H100 SXM"),
        ("NVIDIA H100 80GB HBM3", "H100 SXM"),  # NVML name
        ("h100 pcie", "H100 PCIe"),
        ("H100_NVL", "H100 NVL"),
        ("NVIDIA A100-SXM4-80GB", "A100 SXM4 80GB"),
        ("a100", "A100 SXM4 80GB"),
        ("A100-SXM4-40GB", "A100 SXM4 40GB"),
        ("NVIDIA A100-PCIE-40GB", "A100 PCIe 40GB"),
        ("a100 80gb pcie", "A100 PCIe 80GB"),
        ("H200 141GB", "H200 SXM"),
        ("Tesla V100-SXM2-16GB", "V100 SXM2"),
        ("tesla t4", "T4"),
        ("NVIDIA GeForce RTX 4090", "RTX 4090"),
        ("amd instinct mi300x", "MI300X"),
        ("tpu-v5e", "TPU v5e"),
        ("TPUv4", "TPU v4"),
        ("gb200", "GB200"),
    ],
)
def test_accelerator_forms(query, name):
    assert get_accelerator(query).name == name


def test_accelerator_fields_and_peak_flops():
    h100 = get_accelerator("H100 SXM")
    assert isinstance(h100, Accelerator)
    assert h100.tdp_w == 700
    assert h100.vendor == "NVIDIA"
    assert h100.memory_gb == 80
    assert set(h100.peak_tflops) == {"bf16", "fp16", "tf32", "fp32", "fp8"}
    assert h100.peak_flops("bf16") == pytest.approx(989.4e12)
    assert h100.embodied_kg == 150
    assert "Morrison" in h100.embodied_source
    assert h100.status == "V2"
    assert h100.licence == "fact"
    assert get_accelerator(h100) is h100
    with pytest.raises(FootprintInputError, match="no fp8"):
        get_accelerator("A100").peak_flops("fp8")
    with pytest.raises(UnknownNameError, match="precision"):
        h100.peak_flops("int4")
    json.dumps(h100.to_dict())
    assert hash(h100) == hash(get_accelerator("h100"))


def test_accelerators_without_published_power_carry_a_modelled_range():
    v5p = get_accelerator("TPU v5p")
    assert v5p.power_status == "modelled"
    # 459 TFLOP/s BF16 / (275 TFLOP/s / 192 W, TPU v4, Jouppi et al. 2023) = 321 W, range x0.6-x2
    assert v5p.tdp_w == round(459 / (275 / 192))
    assert v5p.tdp_range_w == (192, 641)
    # every modelled power follows its stated formula (within rounding to 1 W)
    v4_w_per_tflops = 192 / 275
    v6e = 918 * v4_w_per_tflops / 1.67  # Google: Trillium 67 % more energy-efficient than v5e
    derived = {
        "TPU v5e": 197 * v4_w_per_tflops,
        "TPU v5p": 459 * v4_w_per_tflops,
        "TPU v6e": v6e,
        "Trainium2": 667 * v4_w_per_tflops,
        "Ironwood": 4614 / (2 * 1836 / 384),  # Google: 2x the performance per watt of Trillium
    }
    for name, watts in derived.items():
        modelled = get_accelerator(name)
        assert abs(modelled.tdp_w - watts) <= 0.5, name  # type: ignore[operator]
        low, high = modelled.tdp_range_w or (0, 0)
        assert abs(low - 0.6 * modelled.tdp_w) <= 0.6, name  # type: ignore[operator]
        assert abs(high - 2 * modelled.tdp_w) <= 1, name  # type: ignore[operator]
    assert "Jouppi" in v5p.power_basis
    for name in ("TPU v5e", "TPU v6e", "Ironwood", "Trainium2"):
        modelled = get_accelerator(name)
        assert modelled.power_status == "modelled", name
        low, high = modelled.tdp_range_w or (0, 0)
        assert low < modelled.tdp_w < high, name  # type: ignore[operator]
    assert get_accelerator("TPU v3").tdp_w == 450  # Patterson et al. 2021, fn. 12
    assert get_accelerator("TPU v3").power_status == "published"
    assert get_accelerator("H100").tdp_range_w == (700, 700)


def test_current_accelerators_are_in_the_catalog():
    # vendors' figures (per GPU / chip): MI355X 1,400 W, 288 GB, 8 TB/s (AMD, June 2025); Gaudi 3 900 W,
    # 128 GB, 3.7 TB/s (Intel white paper); Trainium2 96 GB, 2.9 TB/s (AWS Trn2: 46 TB/s / 16 chips)
    assert (get_accelerator("MI355X").tdp_w, get_accelerator("MI355X").memory_gb) == (1400, 288)
    assert get_accelerator("amd instinct mi325x").memory_bandwidth_tb_s == 6
    assert get_accelerator("Intel Gaudi 3").memory_bandwidth_tb_s == 3.7
    assert get_accelerator("trn2").memory_bandwidth_tb_s == 2.9
    assert get_accelerator("TPU v7").name == "Ironwood"
    assert get_accelerator("H20").peak_tflops["bf16"] == 148
    assert get_accelerator("B300").memory_gb == 288


def test_unknown_accelerator_suggests_three_close_names():
    with pytest.raises(UnknownNameError) as info:
        get_accelerator("H1000")
    message = str(info.value)
    assert message.startswith("unknown accelerator 'H1000'; did you mean ")
    assert "\n" not in message
    assert 1 <= len(info.value.suggestions) <= 3
    assert all(s.startswith("H100") or s.startswith("H200") for s in info.value.suggestions)


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_bad_accelerator_input(bad):
    with pytest.raises(FootprintInputError):
        get_accelerator(bad)


def test_every_alias_resolves_to_its_own_row():
    for accelerator in list_accelerators():
        for label in (accelerator.name, *accelerator.aliases):
            assert get_accelerator(label) is accelerator, label
            assert get_accelerator(label.upper().replace(" ", "-")) is accelerator, label


@pytest.mark.parametrize(
    ("query", "code", "kind"),
    [
        ("FR", "FR", "country"),
        ("fr", "FR", "country"),
        ("fra", "FR", "country"),
        ("FRA", "FR", "country"),
        ("France", "FR", "country"),
        (" de ", "DE", "country"),
        ("US-CA", "US-CA", "subdivision"),
        ("us-ca", "US-CA", "subdivision"),
        ("US_CA", "US-CA", "subdivision"),
        ("CA-QC", "CA-QC", "subdivision"),
        ("ca-qc", "CA-QC", "subdivision"),
        ("aws:us-east-1", "aws:us-east-1", "cloud"),
        ("AWS:us-east-1", "aws:us-east-1", "cloud"),
        ("us-east-1", "aws:us-east-1", "cloud"),
        ("gcp:europe-west1", "gcp:europe-west1", "cloud"),
        ("europe-west1", "gcp:europe-west1", "cloud"),
        ("us-east1", "gcp:us-east1", "cloud"),
        ("azure:westeurope", "azure:westeurope", "cloud"),
        ("azure:West Europe", "azure:westeurope", "cloud"),
        ("westeurope", "azure:westeurope", "cloud"),
        ("google:us-central1", "gcp:us-central1", "cloud"),
    ],
)
def test_region_forms(query, code, kind):
    region = get_region(query)
    assert isinstance(region, Region)
    assert (region.code, region.kind) == (code, kind)


def test_region_fields():
    fr = get_region("FR")
    assert (fr.country_alpha2, fr.country_alpha3, fr.provider) == ("FR", "FRA", None)
    assert fr.intensity_basis == "lifecycle"
    assert fr.pue is None
    assert 0 < fr.intensity_g_per_kwh < 100
    qc = get_region("CA-QC")
    assert (qc.country_alpha2, qc.country_alpha3) == ("CA", "CAN")
    aws = get_region("aws:us-east-1")
    assert aws.provider == "aws"
    assert aws.location_code == "US-VA"
    assert aws.pue == 1.14  # AWS sustainability (data centers): global PUE 1.14 in 2025
    # Northern Virginia draws from PJM: Electricity Maps 2025 yearly average for US-MIDA-PJM (418 g/kWh)
    assert aws.grid_zone == "US-MIDA-PJM"
    assert (aws.intensity_g_per_kwh, aws.intensity_year) == (418.0, 2025)
    catalog = get_region("aws:us-east-1", intensity_source="catalog")
    assert (
        catalog.intensity_g_per_kwh == get_region("US-VA", intensity_source="catalog").intensity_g_per_kwh
    )  # the open state value
    assert aws.wue_l_per_kwh == 0.12  # AWS: global WUE 0.12 L/kWh in 2025
    assert aws.ewif_l_per_kwh == 2.385
    gcp = get_region("gcp:europe-west1")
    assert gcp.pue == 1.08
    assert gcp.wue_l_per_kwh is None
    azure = get_region("azure:westeurope")
    assert azure.location_code == "NL"
    assert azure.intensity_g_per_kwh == get_region("NL").intensity_g_per_kwh
    json.dumps(azure.to_dict())
    assert get_region(azure) is azure


def test_cloud_regions_take_their_zone_else_their_locations_open_value():
    for region in list_regions(provider="aws") + list_regions(provider="azure"):
        if region.grid_zone:  # the zone's newest Electricity Maps value, by default
            assert region.intensity_g_per_kwh == get_region(region.grid_zone).intensity_g_per_kwh
            assert region.intensity_dataset == "electricitymaps"
            region = get_region(region.code, intensity_source="catalog")
        try:
            location = get_region(region.location_code, intensity_source="catalog")
        except (UnknownNameError, FootprintInputError):  # e.g. AU-NSW: a zone, no open state value
            location = get_region(region.country_alpha2, intensity_source="catalog")
            assert "country value" in region.intensity_source
        assert region.intensity_g_per_kwh == location.intensity_g_per_kwh, region.code


def test_name_at_two_providers_is_an_error_listing_both():
    for query in ("useast1", "US East 1"):
        with pytest.raises(FootprintInputError) as info:
            get_region(query)
        message = str(info.value)
        assert "aws:us-east-1" in message
        assert "gcp:us-east1" in message
        assert "prefix" in message


def test_unknown_regions_suggest_close_names():
    with pytest.raises(UnknownNameError) as info:
        get_region("Frnace")
    assert "France" in info.value.suggestions
    with pytest.raises(UnknownNameError) as info:
        get_region("aws:us-east-9")
    assert str(info.value).startswith("unknown aws region 'aws:us-east-9'; did you mean ")
    assert "aws:us-east-1" in info.value.suggestions
    assert len(info.value.suggestions) <= 3
    with pytest.raises(UnknownNameError) as info:
        get_region("gcp:europe-west99")
    assert all(s.startswith("gcp:europe-west") for s in info.value.suggestions)
    with pytest.raises(UnknownNameError) as info:
        get_region("AU-XYZ")  # neither a subdivision nor a zone: the country is offered first
    assert info.value.suggestions[0] == "AU"
    with pytest.raises(UnknownNameError) as info:
        get_region("US-XY")
    assert all(s == "US" or s.startswith("US-") for s in info.value.suggestions)
    with pytest.raises(FootprintInputError, match="unknown cloud provider 'oracle'"):
        get_region("oracle:us-east-1")


@pytest.mark.parametrize("bad", ["", " ", None, 12])
def test_bad_region_input(bad):
    with pytest.raises(FootprintInputError):
        get_region(bad)


def test_list_regions_filters():
    assert len(list_regions(provider="gcp")) == 44
    assert {r.provider for r in list_regions(provider="aws")} == {"aws"}
    assert {r.kind for r in list_regions(kind="country")} == {"country"}
    everything = list_regions()
    assert len(everything) == len({r.code for r in everything})
    with pytest.raises(FootprintInputError):
        list_regions(provider="oracle")
    with pytest.raises(UnknownNameError):
        list_regions(kind="planet")


def test_defaults_have_sources():
    grid = grid_defaults()
    assert 400 < grid.world_intensity_g_per_kwh < 550
    assert "Ember" in grid.world_intensity_source
    assert grid.pue == 1.56
    assert "Uptime" in grid.pue_source
    assert grid.wue_l_per_kwh > 0
    assert grid.wue_source
    # world EWIF: the 10 countries of Li et al. 2023 Tab. 1, weighted by their Ember generation (not the US's)
    assert grid.ewif_l_per_kwh == 3.398
    assert "Li" in grid.ewif_source
    assert grid.ewif_source.startswith("World default: generation-weighted mean")
    # the providers' most recent reports: AWS 2025, Google 2025 Environmental Report (2024), Microsoft 2023
    assert grid.provider_pue == {"aws": 1.14, "gcp": 1.09, "azure": 1.18}
    sources = grid.provider_pue_sources or {}
    assert "[2025]" in sources["aws"]
    assert "Google 2025 Environmental Report" in sources["gcp"]
    server = server_defaults()
    assert server.gpus_per_server == 8
    assert server.embodied_kg_per_server == 2500
    assert server.embodied_kg_per_gpu == 150
    assert server.lifetime_years == 6
    assert server.usage_fraction == 0.85
    assert "BLOOM" in server.embodied_kg_per_server_source
    json.dumps(server.to_dict())
    json.dumps(grid.to_dict())


def test_bloom_embodied_reproduces_from_catalog_defaults():
    """Luccioni et al. 2023 §4.1: 1,082,990 GPU-h -> 3.64 t (GPUs) + 7.57 t (servers) = 11.2 t CO2e."""
    s = server_defaults()
    gpu_hours = 1_082_990
    hours_of_life = s.lifetime_years * 8760 * s.usage_fraction
    gpus_t = s.embodied_kg_per_gpu * gpu_hours / hours_of_life / 1000
    servers_t = s.embodied_kg_per_server * gpu_hours / s.gpus_per_server / hours_of_life / 1000
    assert gpus_t == pytest.approx(3.64, rel=0.01)
    assert servers_t == pytest.approx(7.57, rel=0.01)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=24))
def test_any_text_gives_a_region_or_a_one_line_error(text):
    message = ""
    try:
        region = get_region(text)
    except FootprintInputError as exc:
        message = str(exc)
    else:
        assert isinstance(region, Region)
    assert "\n" not in message


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=24))
def test_any_text_gives_an_accelerator_or_a_one_line_error(text):
    message = ""
    try:
        accelerator = get_accelerator(text)
    except FootprintInputError as exc:
        message = str(exc)
    else:
        assert isinstance(accelerator, Accelerator)
    assert "\n" not in message


def test_issue_15_data_fixes_quote_their_sources():
    # NVIDIA Tesla V100 datasheet: PCIe 250 W (the 300 W in Patterson et al. 2021, Tab. 4 is SXM2)
    v100_pcie = get_accelerator("V100 PCIe")
    assert v100_pcie.tdp_w == 250
    assert "250 W" in v100_pcie.source
    assert "TDP 300 W also in" not in v100_pcie.source
    # NVIDIA Tesla P100 PCIe datasheet: 9.3 TFLOP/s FP32, 18.7 FP16 (not the boost-clock 9.53 / 19.05)
    p100 = get_accelerator("P100")
    assert (p100.peak_tflops["fp32"], p100.peak_tflops["fp16"]) == (9.3, 18.7)
    assert "datasheet" in p100.source
    # TPU v3's 450 W is not verified against its cited table: marked unverified, not V
    tpu_v3 = get_accelerator("TPU v3")
    assert tpu_v3.status == "U"
    assert "not re-verified" in tpu_v3.status_note
