"""Schema and range of every row of every table under data/, and provenance (source, year, open licence)."""

from __future__ import annotations

import math

import pytest

INTENSITY_RANGE = (0.0, 1500.0)  # gCO2e/kWh
PUE_RANGE = (1.0, 3.0)
WUE_RANGE = (0.0, 10.0)  # L/kWh
EWIF_RANGE = (0.0, 30.0)  # L/kWh
TDP_RANGE = (10.0, 3000.0)  # W
YEAR_RANGE = (2000, 2030)

ISSUE_DEVICES = (
    "V100 SXM2",
    "V100 PCIe",
    "A100 SXM4 40GB",
    "A100 SXM4 80GB",
    "A100 PCIe 40GB",
    "A100 PCIe 80GB",
    "H100 SXM",
    "H100 PCIe",
    "H100 NVL",
    "H200 SXM",
    "B200",
    "GB200",
    "L4",
    "L40S",
    "A10",
    "A10G",
    "T4",
    "RTX 3090",
    "RTX 4090",
    "MI250X",
    "MI300X",
    "TPU v3",
    "TPU v4",
    "TPU v5e",
    "TPU v5p",
    # issue 14: hardware trained and served on now
    "B300",
    "H20",
    "MI325X",
    "MI355X",
    "Gaudi 3",
    "Trainium2",
    "TPU v6e",
    "Ironwood",
)


def _in(value: str, bounds: tuple[float, float]) -> bool:
    number = float(value)
    return math.isfinite(number) and bounds[0] <= number <= bounds[1]


def _check_licence(text: str, allowed: frozenset[str]) -> None:
    tokens = [t.strip() for t in text.split(";")]
    assert all(tokens), f"empty licence token in {text!r}"
    assert set(tokens) <= allowed, f"licence {text!r} not in the open allow-list"


def _check_year(value: str) -> None:
    assert YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1], value


def _check_optional(row: dict[str, str], value_key: str, source_key: str, licence_key: str, bounds, allowed):
    if row[value_key] == "":
        assert row[source_key] == "", f"{value_key} blank but sourced: {row}"
        assert row[licence_key] == "", f"{value_key} blank but licensed: {row}"
        return
    assert _in(row[value_key], bounds), f"{value_key}={row[value_key]} out of {bounds}"
    assert row[source_key].strip(), f"{value_key} without a source"
    _check_licence(row[licence_key], allowed)


def test_countries_every_row(read_rows, open_licences):
    rows = read_rows("grid_intensity/countries.csv")
    assert len(rows) >= 200
    alpha2 = [r["alpha2"] for r in rows]
    assert len(set(alpha2)) == len(alpha2)
    for row in rows:
        assert len(row["alpha2"]) == 2
        assert row["alpha2"].isupper()
        assert row["alpha2"].isalpha()
        assert len(row["alpha3"]) == 3
        assert row["alpha3"].isupper()
        assert row["alpha3"].isalpha()
        assert row["name"].strip()
        assert _in(row["intensity_g_per_kwh"], INTENSITY_RANGE), row
        assert row["basis"] == "lifecycle"
        _check_year(row["year"])
        assert row["source"].strip()
        _check_licence(row["licence"], open_licences)
        _check_optional(row, "ewif_l_per_kwh", "ewif_source", "ewif_licence", EWIF_RANGE, open_licences)


def test_subdivisions_every_row(read_rows, open_licences):
    rows = read_rows("grid_intensity/subdivisions.csv")
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows) == 51 + 13  # 50 US states + DC, 13 Canadian provinces and territories
    for row in rows:
        country, _, sub = row["code"].partition("-")
        assert country == row["country_alpha2"] in ("US", "CA")
        assert 2 <= len(sub) <= 3
        assert _in(row["intensity_g_per_kwh"], INTENSITY_RANGE), row
        assert row["basis"] == "direct"
        assert row["source_unit"] in ("lb/MWh", "g/kWh (computed from generation shares)")
        _check_year(row["year"])
        assert row["source"].strip()
        _check_licence(row["licence"], open_licences)
        _check_optional(row, "ewif_l_per_kwh", "ewif_source", "ewif_licence", EWIF_RANGE, open_licences)


def test_cloud_regions_every_row(read_rows, open_licences):
    rows = read_rows("grid_intensity/cloud_regions.csv")
    by_provider = {p: [r for r in rows if r["provider"] == p] for p in ("aws", "gcp", "azure")}
    assert sum(len(v) for v in by_provider.values()) == len(rows)
    assert len(by_provider["gcp"]) == 44
    assert len(by_provider["aws"]) >= 20
    assert len(by_provider["azure"]) >= 40
    keys = [(r["provider"], r["region"]) for r in rows]
    assert len(set(keys)) == len(keys)
    for row in rows:
        assert row["region"].strip()
        assert row["name"].strip()
        assert row["location_code"].split("-")[0] == row["country_alpha2"]
        assert len(row["country_alpha3"]) == 3
        assert _in(row["intensity_g_per_kwh"], INTENSITY_RANGE), row
        assert row["intensity_basis"] in ("lifecycle", "direct")
        _check_year(row["intensity_year"])
        assert row["intensity_source"].strip()
        assert row["region_source"].strip()
        _check_licence(row["intensity_licence"], open_licences)
        _check_licence(row["region_licence"], open_licences)
        # every cloud region has a provider PUE
        assert _in(row["pue"], PUE_RANGE), row
        assert row["pue_source"].strip()
        _check_licence(row["pue_licence"], open_licences)
        _check_optional(row, "wue_l_per_kwh", "wue_source", "wue_licence", WUE_RANGE, open_licences)
        _check_optional(row, "ewif_l_per_kwh", "ewif_source", "ewif_licence", EWIF_RANGE, open_licences)
        # no carbonfootprint.com / IEA values (not openly licensed)
        for key in ("intensity_source", "pue_source", "wue_source", "ewif_source"):
            assert "carbonfootprint" not in row[key].lower()
            assert "iea.org" not in row[key].lower()


def test_water_and_defaults_every_row(read_rows, open_licences):
    water = read_rows("grid_intensity/water.csv")
    assert len(water) == 18  # Li et al. 2023 Table 1
    for row in water:
        assert _in(row["ewif_l_per_kwh"], EWIF_RANGE)
        assert row["source"].strip()
        _check_year(row["year"])
        _check_licence(row["licence"], open_licences)
    defaults = {r["parameter"]: r for r in read_rows("grid_intensity/defaults.csv")}
    assert {"world_intensity_g_per_kwh", "pue", "wue_l_per_kwh", "ewif_l_per_kwh"} <= set(defaults)
    assert _in(defaults["world_intensity_g_per_kwh"]["value"], (300, 700))
    assert _in(defaults["pue"]["value"], PUE_RANGE)
    assert _in(defaults["wue_l_per_kwh"]["value"], WUE_RANGE)
    assert _in(defaults["ewif_l_per_kwh"]["value"], EWIF_RANGE)
    for row in defaults.values():
        assert row["source"].strip()
        assert row["unit"].strip()
        assert row["status"] in ("V", "V2", "U")
        _check_year(row["year"])
        _check_licence(row["licence"], open_licences)


def test_world_intensity_is_the_generation_weighted_mean(read_rows):
    countries = read_rows("grid_intensity/countries.csv")
    total = sum(float(r["generation_twh"]) for r in countries)
    mean = sum(float(r["generation_twh"]) * float(r["intensity_g_per_kwh"]) for r in countries) / total
    value = float(
        {r["parameter"]: r for r in read_rows("grid_intensity/defaults.csv")}["world_intensity_g_per_kwh"][
            "value"
        ]
    )
    assert value == pytest.approx(mean, abs=0.05)


def test_accelerators_every_row(read_rows, open_licences):
    rows = read_rows("hardware/accelerators.csv")
    assert len(rows) >= 25
    names = [r["name"] for r in rows]
    assert len(set(names)) == len(names)
    assert set(ISSUE_DEVICES) <= set(names)
    for row in rows:
        assert row["vendor"] in ("NVIDIA", "AMD", "Google", "Intel", "AWS")
        assert _in(row["tdp_w"], TDP_RANGE), row  # every row has a power, published or modelled
        assert row["power_status"] in ("published", "modelled"), row["name"]
        if row["power_status"] == "modelled":  # a wide range and how it was derived
            assert float(row["tdp_w_low"]) < float(row["tdp_w"]) < float(row["tdp_w_high"])
            assert float(row["tdp_w_high"]) / float(row["tdp_w_low"]) >= 3
            assert row["power_basis"].startswith("modelled:")
        else:
            assert row["tdp_w_low"] == row["tdp_w_high"] == row["power_basis"] == ""
        peaks = [row[f"{p}_tflops"] for p in ("bf16", "fp16", "tf32", "fp32", "fp8")]
        assert any(peaks), f"{row['name']} has no peak TFLOP/s"
        for value in peaks:
            if value:
                assert float(value) > 0
                assert math.isfinite(float(value))
        assert float(row["memory_gb"]) > 0
        # every row has a memory bandwidth [TB/s] with its source (datasheets: 0.3 TB/s L4 .. 8 TB/s B200)
        assert 0.1 <= float(row["memory_bandwidth_tb_s"]) <= 20, row["name"]
        assert row["memory_bandwidth_source"].strip(), row["name"]
        _check_year(row["release_year"])
        if row["embodied_kg"]:
            assert 10 <= float(row["embodied_kg"]) <= 5000
            assert row["embodied_source"].strip()
        assert row["source"].strip()
        assert row["year"].strip()
        assert row["status"] in ("V", "V2", "A", "U")
        assert row["status_note"].strip()
        _check_licence(row["licence"], open_licences)


def test_dense_figures_are_half_of_sparse(read_rows):
    """NVIDIA prints sparse figures; the catalog holds dense ones (H100 SXM datasheet: 1,979* FP16 sparse)."""
    h100 = {r["name"]: r for r in read_rows("hardware/accelerators.csv")}["H100 SXM"]
    assert float(h100["bf16_tflops"]) == pytest.approx(1978.9 / 2, abs=0.1)
    assert float(h100["fp8_tflops"]) == pytest.approx(3957.8 / 2, abs=0.1)


def test_memory_bandwidth_follows_the_datasheets():
    from fmfootprint.catalog import get_accelerator

    # NVIDIA H100 datasheet 3.35 TB/s (SXM), 2 TB/s (PCIe); H200 4.8 TB/s; A100 80GB 2,039 GB/s;
    # AMD MI300X data sheet 5.3 TB/s; Google Cloud TPU v5p documentation 2,765 GB/s
    expected = {
        "H100 SXM": 3.35,
        "H100 PCIe": 2.0,
        "H200": 4.8,
        "A100": 2.039,
        "MI300X": 5.3,
        "tpu v5p": 2.765,
    }
    for name, tb_s in expected.items():
        accelerator = get_accelerator(name)
        assert accelerator.memory_bandwidth_tb_s == tb_s, name
        assert accelerator.to_dict()["memory_bandwidth_tb_s"] == tb_s


def test_embodied_figures_follow_their_sources(read_rows):
    rows = {r["name"]: r for r in read_rows("hardware/accelerators.csv")}
    assert float(rows["A100 SXM4 80GB"]["embodied_kg"]) == 150  # Luccioni et al. 2023 §4.1
    assert float(rows["H100 SXM"]["embodied_kg"]) == 150  # Morrison et al. 2025: 3,700 kg = 2,500 + 8 x 150
    assert float(rows["A100 SXM4 80GB"]["embodied_kg_high"]) == 318  # Chien et al. 2023: 318 kg per A100
    assert float(rows["H100 SXM"]["embodied_kg_high"]) == 463  # the node on its 8 GPUs: 3,700 / 8 = 462.5
    # Blackwell: NVIDIA's HGX H100 -> HGX B200 PCFs, 0.66 -> 0.50 gCO2e per exaFLOP FP16, x 2,250/989.4
    scale = 0.50 / 0.66 * 2250 / 989.4
    assert float(rows["B200"]["embodied_kg"]) == round(150 * scale)
    assert float(rows["B200"]["embodied_kg_high"]) == round(463 * scale)
    assert "0.66 -> 0.50" in rows["B200"]["embodied_source"]
    # TPUs: LLMCarbon die-area model for TPU v4, 1.6 kg/cm2 x 4.0 cm2 + 32 GB x 0.4 kg/GB
    assert float(rows["TPU v5p"]["embodied_kg_low"]) == round(1.6 * 4.0 + 32 * 0.4)
    for row in rows.values():
        if row["embodied_kg"]:  # every class figure has its range and the lifetime/usage it assumes
            low, central, high = (
                float(row[k]) for k in ("embodied_kg_low", "embodied_kg", "embodied_kg_high")
            )
            assert low <= central <= high, row["name"]
            assert "year" in row["embodied_assumes"], row["name"]
    assert rows["RTX 4090"]["embodied_kg"] == ""  # no source: blank, not invented


def test_server_defaults_rows(read_rows, open_licences):
    rows = {r["parameter"]: r for r in read_rows("hardware/servers.csv")}
    assert set(rows) == {
        "gpus_per_server",
        "host_power_w",
        "embodied_kg_per_server",
        "embodied_kg_per_gpu",
        "lifetime_years",
        "usage_fraction",
    }
    for row in rows.values():
        assert float(row["value"]) > 0
        assert row["source"].strip()
        assert row["unit"].strip()
        _check_year(row["year"])
        _check_licence(row["licence"], open_licences)
    assert float(rows["usage_fraction"]["value"]) <= 1
