"""``fmfootprint data gpus`` / ``fmfootprint data regions``."""

from __future__ import annotations

import json

import pytest

from fmfootprint.cli.main import main


def test_data_gpus_json(capsys):
    assert main(["data", "gpus", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) >= 25
    h100 = next(r for r in records if r["name"] == "H100 SXM")
    assert h100["tdp_w"] == 700
    assert h100["peak_tflops"]["bf16"] == 989.4
    assert all(r["source"] and r["licence"] for r in records)


def test_data_gpus_table(capsys):
    assert main(["data", "gpus"]) == 0
    out = capsys.readouterr().out
    assert "H100 SXM" in out
    assert "TPU v5p" in out
    assert "TDP W" in out
    line = next(line for line in out.splitlines() if line.startswith("H100 SXM "))
    assert "700" in line
    assert "989.4" in line


@pytest.mark.parametrize(("provider", "count"), [("gcp", 44), ("aws", 37), ("azure", 56)])
def test_data_regions_provider_json(capsys, provider, count):
    assert main(["data", "regions", "--provider", provider, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == count
    assert all(r["code"].startswith(provider + ":") and r["provider"] == provider for r in records)


def test_data_regions_table(capsys):
    assert main(["data", "regions"]) == 0
    out = capsys.readouterr().out
    assert "gCO2e/kWh" in out
    assert any(line.startswith("FR ") for line in out.splitlines())
    assert any(line.startswith("azure:westeurope ") for line in out.splitlines())


def test_data_regions_bad_provider_exits_2(capsys):
    assert main(["data", "regions", "--provider", "oracle"]) == 2
    assert "invalid choice" in capsys.readouterr().err
