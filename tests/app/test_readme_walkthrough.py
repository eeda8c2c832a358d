"""The README's planner walkthrough ("1,000 H100-days in Iowa or in Quebec"), step by step, on the page.

If a data update moves these figures, this test fails and README.md's app section must be updated.
"""

from __future__ import annotations

import pytest

ui = pytest.importorskip("ui")  # app/ui.py, put on sys.path by conftest.py


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_readme_walkthrough(page) -> None:
    at = page("planner")
    shown = metrics(at)
    # Step 1-3: 1,000 H100-days, 8 GPUs, MFU 0.4, Iowa, the default law (besiroglu2024).
    result = at.session_state[ui.PLANNER_PLAN]
    assert result.law == "besiroglu2024"
    assert at.selectbox(key="law").value == "besiroglu2024"
    assert f"{result.compute_flops:.3g}" == "3.42e+22"
    assert (shown["Parameters"], shown["Training tokens"]) == ("17B", "335B")
    assert shown["Tokens per parameter"] == "19.7"
    assert shown["Expected loss [nats/token]"] == "2.0774"
    assert (shown["GPU-hours"], shown["Wall clock [days]"]) == ("24,000", "125")
    assert (shown["Energy [MWh]"], shown["Water [m³]"]) == ("19.7", "83.7")
    assert shown["Carbon, total [t CO2e]"] == "10.1"
    assert (shown["Operational [t CO2e]"], shown["Embodied [t CO2e]"]) == ("9.85", "0.248")
    captions = [c.value for c in at.caption]
    assert (
        "Training compute 3.42e+22 FLOP · law: Besiroglu et al. 2024 (Epoch) — Chinchilla replication"
        in captions
    )
    assert "Published laws for this compute: 9–17B parameters, 20–70 tokens/param (4 laws)." in captions
    warnings = [w.value for w in at.warning]
    assert any("compute 3.4e22 is 2.63× above the largest fitted compute (1.3e22)" in w for w in warnings)
    assert "range 3.88 – 40.3" in captions
    assert "range 1.8 – 24.7" in captions  # Hopper embodied high 463 kg (Morrison et al. 2025)
    assert round(result.footprint.grid_intensity_g_per_kwh) == 501  # Electricity Maps 2025, MISO
    assert "≈ 40,620 km driven by an average petrol car" in captions  # "about 40,600 km"
    assert "≈ 1.82 US households' yearly electricity" in captions  # "about 1.8 households"
    iowa_t = result.footprint.co2e_kg / 1000
    # Step 4: Quebec.
    at.selectbox(key="region").select("CA-QC").run()
    shown = metrics(at)
    assert (shown["Parameters"], shown["Energy [MWh]"]) == ("17B", "19.7")
    assert shown["Carbon, total [t CO2e]"] == "1.05"
    assert shown["Operational [t CO2e]"] == "0.806"
    assert f"{iowa_t / (at.session_state[ui.PLANNER_PLAN].footprint.co2e_kg / 1000):.2g}" == "9.6"  # × less
    assert round(at.session_state[ui.PLANNER_PLAN].footprint.grid_intensity_g_per_kwh) == 41
    assert "Sweden (SE)" in at.success[0].value  # the cleanest grid of the regions compared
    # Step 5: 2T inference tokens (back in Iowa): the headline becomes the lifetime optimum.
    at.selectbox(key="region").select("US-IA")
    at.text_input(key="inference_tokens").set_value("2T").run()
    shown = metrics(at)
    assert (shown["Parameters"], shown["Training tokens"]) == ("8.48B", "847B")
    assert (shown["Wall clock [days]"], shown["Carbon, total [t CO2e]"]) == ("158", "12.7")
    infos = [i.value for i in at.info]
    assert any(
        "vs 17B on 335B for training alone" in i
        and "26 % more training compute than the budget" in i
        and "saves 2.51e+22 FLOP (25 %) over the model's life" in i
        for i in infos
    )
    suggestion = at.success[0].value
    assert "8.48B parameters on 847B tokens" in suggestion
    # Serving priced by the per-query serving model (planning/serving.py), not 2·N FLOPs at 40 % MFU.
    assert "in **Sweden (SE)** → 2.05 t CO2e over the model's life" in suggestion  # the cleanest compared
    assert "than the compute-optimal model in Iowa (US-IA) (48.7 t)" in suggestion
    from fmfootprint.planning import COMPARISON_REGIONS, carbon_optimal

    best = carbon_optimal(
        at.session_state[ui.PLANNER_PLAN].loss,
        "besiroglu2024",
        {"gpu": "H100 SXM", "gpus": 8, "mfu": 0.4, "region": "US-IA"},
        list(COMPARISON_REGIONS),
        inference_tokens=2e12,
    )
    assert f"{best.by_region['US-IA'] / 1000:.3g}" == "34.1"
    assert f"{best.lifetime_flops:.2g}" == "7.7e+22"
    assert f"{best.chinchilla_lifetime_flops:.2g}" == "1e+23"
    assert round(100 * (1 - best.lifetime_flops / best.chinchilla_lifetime_flops)) == 25


def test_readme_walkthrough_with_the_cli(capsys) -> None:
    """The same question with `plan --accelerator-days 1000 --gpu H100 --gpus 8 --mfu 0.4
    --compare-regions Iowa,Quebec`, figure by figure as the README quotes them."""
    from fmfootprint.cli.main import main

    argv = ["plan", "--accelerator-days", "1000", "--gpu", "H100", "--gpus", "8", "--mfu", "0.4"]
    argv += ["--region", "US-IA", "--compare-regions", "US-IA,CA-QC"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for text in (
        "1,000 accelerator-days → 3.42e+22 FLOP",
        "parameters 17B",
        "training tokens 335B",
        "energy 19.7 MWh (range 3.88 – 40.3 MWh)",
        "carbon 10.1 t CO2e (range 1.8 – 24.7 t CO2e)",
    ):
        assert text in " ".join(out.split())  # whatever the column widths
    quebec = next(line for line in out.splitlines() if line.startswith("Quebec (CA-QC)"))
    assert " 1.05 " in quebec
