"""How CPU and RAM were obtained: read from REAL codecarbon objects, with ranges for its modelled parts."""

from __future__ import annotations

import pytest
from codecarbon.external.hardware import CPU, AppleSiliconChip
from codecarbon.external.ram import RAM

from fmfootprint.measure.combine import combine
from fmfootprint.measure.host import CodecarbonHost
from fmfootprint.measure.hostmethods import MEASURED, MODELLED, codecarbon_methods, energy_range_kwh
from fmfootprint.measure.summary import session_summary
from fmfootprint.report.modelcard import model_card


def _cpu(mode: str, tdp: int = 100, generic: bool = False) -> CPU:
    """codecarbon's own CPU class in ``mode`` (its constructor would probe the machine's counters)."""
    cpu = CPU.__new__(CPU)
    cpu._mode, cpu._tdp, cpu._is_generic_tdp = mode, tdp, generic
    return cpu


@pytest.mark.parametrize(
    ("mode", "method", "tdp"),
    [
        ("intel_rapl", "rapl", None),
        ("windows_emi", "windows_emi", None),
        ("intel_power_gadget", "powergadget", None),
        ("cpu_load", "tdp_load_model", 100.0),
        ("constant", "constant_fallback", 100.0),
        ("something_new", "unknown", None),
    ],
)
def test_cpu_method_follows_codecarbon_mode(mode: str, method: str, tdp: float | None) -> None:
    found = codecarbon_methods([RAM(tracking_mode="machine"), _cpu(mode)])
    assert (found["cpu_method"], found["cpu_tdp_w"], found["codecarbon_cpu_mode"]) == (method, tdp, mode)
    assert found["ram_method"] == "dimm_model"


def test_ram_forced_generic_tdp_apple_and_unknown_hardware() -> None:
    forced = codecarbon_methods([RAM(tracking_mode="machine", force_ram_power=7.0), _cpu("cpu_load")])
    assert forced["ram_method"] == "user_constant"
    assert codecarbon_methods([_cpu("cpu_load", 85, generic=True)])["cpu_generic_tdp"] is True
    apple = AppleSiliconChip.__new__(AppleSiliconChip)
    apple.chip_part = "CPU"
    assert codecarbon_methods([apple])["cpu_method"] == "powermetrics"
    assert codecarbon_methods(None) == codecarbon_methods([object()])  # another version: "unknown"
    assert codecarbon_methods(None)["cpu_method"] == "unknown"


def test_real_codecarbon_says_how_it_measures_this_machine(isolated) -> None:
    host = CodecarbonHost("FRA", 56.0)
    host.start()
    try:
        info = host.info()
        chosen = next(h for h in host._tracker._hardware if type(h).__name__ in ("CPU", "AppleSiliconChip"))
    finally:
        host.stop()
    assert info["cpu_method"] in {**MEASURED, **MODELLED}
    assert info["ram_method"] in ("dimm_model", "raspberry_pmic")
    assert host.info()["cpu_method"] == info["cpu_method"]  # still known after stop()
    if info["cpu_method"] in MODELLED:
        assert info["cpu_tdp_w"] == chosen._tdp > 0
    else:
        assert info["cpu_tdp_w"] is None


def test_ranges_of_modelled_parts() -> None:
    # CPU: 10 % of TDP to TDP over the time: 100 W for 1 h is 0.01-0.1 kWh.
    assert energy_range_kwh("cpu", "tdp_load_model", 0.05, 3600.0, 100.0) == pytest.approx((0.01, 0.1))
    assert energy_range_kwh("cpu", "constant_fallback", 0.2, 3600.0, 100.0) == pytest.approx((0.01, 0.2))
    assert energy_range_kwh("cpu", "tdp_load_model", 0.05, 3600.0, None) is None  # TDP unknown
    assert energy_range_kwh("ram", "dimm_model", 1.0, 3600.0, None) == pytest.approx((0.3, 1.2))
    assert energy_range_kwh("cpu", "rapl", 0.05, 3600.0, 100.0) is None  # measured: exact
    assert energy_range_kwh("cpu", "tdp_load_model", None, 3600.0, 100.0) is None


def _modelled_session(session_id: str, host: dict[str, object]) -> object:
    start = {
        "type": "start", "session_id": session_id, "time": 1.7e9, "project": "p", "stage": "final",
        "interval_s": 1.0,
        "site": {"region": "FR", "grid_intensity_g_per_kwh": 50.0, "pue": 1.5, "wue_l_per_kwh": 0.0,
                 "ewif_l_per_kwh": 0.0, "sources": {}},
        "rank": {"hostname": session_id}, "host": host,
        "gpus": [{"index": 0, "uuid": "GPU-0", "name": "NVIDIA H100 80GB HBM3", "method": "energy_counter"}],
    }  # fmt: skip
    sample = {"elapsed_s": 3600.0, "cpu_energy_kwh": 0.05, "ram_energy_kwh": 0.02,
              "gpus": [{"uuid": "GPU-0", "energy_j": 0.5 * 3.6e6, "method": "energy_counter"}]}  # fmt: skip
    return session_summary(start, sample, {"exit_code": 0, "elapsed_s": 3600.0})


MODEL = {
    "method": "codecarbon",
    "cpu_method": "tdp_load_model",
    "ram_method": "dimm_model",
    "cpu_tdp_w": 100.0,
}
RAPL = {"method": "codecarbon", "cpu_method": "rapl", "ram_method": "dimm_model", "cpu_tdp_w": None}


def test_summary_carries_methods_and_ranges_to_the_stage_and_the_card() -> None:
    summary = _modelled_session("a", MODEL)
    assert (summary.cpu_energy_method, summary.ram_energy_method) == ("tdp_load_model", "dimm_model")
    assert summary.cpu_energy_range_kwh == pytest.approx((0.01, 0.1))
    assert summary.ram_energy_range_kwh == pytest.approx((0.006, 0.024))
    assert summary.unmeasured == ()
    assert any("CPU energy is modelled (codecarbon TDP × CPU-load model" in f for f in summary.flags)
    stage = summary.to_stage()
    low, high = stage.ranges["energy_kwh"]  # (0.5 GPU + CPU and RAM ranges) × PUE 1.5
    assert (low, high) == pytest.approx(((0.5 + 0.01 + 0.006) * 1.5, (0.5 + 0.1 + 0.024) * 1.5))
    assert low < stage.energy_kwh < high
    card = model_card(summary).markdown
    assert "GPU: measured (NVML energy counter); CPU: modelled (codecarbon TDP × CPU-load model" in card
    assert "RAM: modelled (codecarbon per-DIMM model" in card
    assert "- **Uncertainty:** energy 0.774–0.936 kWh" in card


def test_combined_ranges_count_measured_hosts_as_exact() -> None:
    merged = combine([_modelled_session("a", MODEL), _modelled_session("b", RAPL)])
    assert merged.cpu_energy_method == "mixed"
    assert merged.cpu_energy_range_kwh == pytest.approx((0.01 + 0.05, 0.1 + 0.05))  # b's RAPL: exact
    assert merged.ram_energy_range_kwh == pytest.approx((0.012, 0.048))
    assert "range 0.06–0.15 kWh" in model_card(merged).markdown


def test_card_names_whole_node_energy_apart_from_tracked_parts() -> None:
    from fmfootprint.fleet._build import summary_from_job_energy

    node = summary_from_job_energy(
        3.6e6, run_id="job-1", method="slurm_energy", start_unix_s=1.7e9, end_unix_s=1.7e9 + 3600,
        project="p", region="FR", n_gpus=8, hosts=["n1"],
    )  # fmt: skip
    card = model_card([node, _modelled_session("a", MODEL)]).markdown
    assert "GPU: measured (NVML energy counter); CPU: modelled (" in card
    assert "whole-node energy measured by the cluster (slurm_energy), not split into parts" in card
    assert "CPU: not measured" not in model_card(node).markdown
