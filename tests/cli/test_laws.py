"""``fmfootprint laws``: every preset with its citation."""

from __future__ import annotations

import json

import pytest

from fmfootprint.cli.main import main
from fmfootprint.scaling.laws import PRESETS
from fmfootprint.scaling.published import PUBLISHED, QUESTIONS


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_laws_lists_presets_with_citations(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    for name, law in PRESETS.items():
        assert name in out
        assert law.citation in out
    assert "kaplan2020" in out
    code, out, _ = _run(capsys, "laws", "--json")
    assert {*PRESETS, "kaplan2020"} <= set(json.loads(out))


def test_cli_laws_shows_citation_names_links_data_and_ranges(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    assert "besiroglu2024 (default): Besiroglu et al. 2024 (Epoch) — Chinchilla replication" in out
    for law in PRESETS.values():
        assert law.title in out
        assert law.url in out
        assert law.data in out
        assert law.fitted_range is not None
        assert f"fitted range: {law.fitted_range.summary()}" in out
    assert "params 70M–16B, tokens 5B–500B" in out  # Hoffmann et al. 2022, abstract
    code, out, _ = _run(capsys, "laws", "--json")
    payload = json.loads(out)
    assert payload["besiroglu2024"]["default"] is True
    assert payload["hoffmann2022"]["default"] is False
    assert payload["besiroglu2024"]["title"] == "Besiroglu et al. 2024 (Epoch) — Chinchilla replication"
    assert payload["hoffmann2022"]["fitted_range"]["params_max"] == 1.6e10
    assert payload["kaplan2020"]["url"] == "https://arxiv.org/abs/2001.08361"


def test_cli_laws_json_lists_at_least_ten_laws_with_form_constants_sources_and_ranges(capsys) -> None:
    code, out, _ = _run(capsys, "laws", "--json")
    assert code == 0
    payload = json.loads(out)
    assert len(payload) >= 10
    assert set(payload) == set(PUBLISHED)
    for name, entry in payload.items():
        for key in ("citation", "url", "form", "data"):
            assert entry[key], (name, key)
        assert entry["constants"], name
        for constant in entry["constants"]:
            assert {"name", "value", "source"} <= set(constant), name
        assert entry["fitted_range"], name  # every law states the span of its runs
        assert entry["fitted_range"]["source"], name
        assert set(entry["answers"]) | set(entry["cannot_answer"]) == set(QUESTIONS), name
    llama = {c["name"]: c for c in payload["llama3"]["constants"]}
    assert (llama["alpha"]["value"], llama["alpha"]["source"]) == (0.537, "Fig. 3 legend")
    assert payload["llama3"]["fitted_range"]["compute_max"] == 1e22
    assert "batch_size" in payload["deepseek2024"]["answers"]
    assert "downstream_error" in payload["gadre2024-rpj"]["answers"]
    assert "loss" in payload["kumar2024"]["cannot_answer"]
    # The presets keep their old keys (E, A, B, alpha, beta) next to the new ones.
    assert payload["besiroglu2024"]["E"] == 1.8172


def test_cli_laws_text_shows_form_constants_and_answers(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    for name, law in PUBLISHED.items():
        assert f"{name}" in out
        assert law.form in out
        assert law.citation in out
    assert "answers:      compute_optimal, batch_size, learning_rate" in out  # deepseek2024


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_cli_plan_law_works_for_each_law_or_says_exactly_why_not(capsys, name: str) -> None:
    code, out, err = _run(capsys, "plan", "--compute", "1e22", "--law", name, "--json")
    law = PUBLISHED[name]
    reason = law.why_not("compute_optimal")
    if reason is None:
        assert code == 0, err
        payload = json.loads(out)
        assert payload["law"] == name
        params, tokens = law.compute_optimal(1e22)
        assert payload["params"] == pytest.approx(params, rel=1e-9)
        assert payload["tokens"] == pytest.approx(tokens, rel=1e-9)
        assert payload["law_answers"]["answers"] == list(law.answers())
        if law.why_not("loss") is None:
            assert payload["loss"] == pytest.approx(law.loss(params, tokens), rel=1e-9)
        else:
            assert payload["loss"] is None
            assert payload["law_answers"]["cannot_answer"]["loss"] == law.why_not("loss")
    else:
        assert code == 2
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        assert f"law {name!r} cannot" in err
        assert reason in err


def test_cli_plan_carries_what_the_law_answers(capsys) -> None:
    code, out, _ = _run(capsys, "plan", "--compute", "8.4557e22", "--law", "deepseek2024", "--json")
    assert code == 0
    answers = json.loads(out)["law_answers"]
    assert f"{answers['learning_rate']:.1e}" == "4.2e-04"  # DeepSeek LLM 7B, Table 2
    assert answers["batch_size_tokens"] == pytest.approx(9.22e6, rel=0.01)
    code, out, _ = _run(capsys, "plan", "--compute", "1e20", "--law", "gadre2024-rpj", "--json")
    payload = json.loads(out)
    law = PUBLISHED["gadre2024-rpj"]
    assert payload["law_answers"]["downstream_top1_error"] == pytest.approx(
        law.downstream_error(payload["loss"])
    )
    code, out, _ = _run(capsys, "plan", "--compute", "3.8e25", "--law", "llama3")
    assert code == 0
    assert "not given by this law" in out
    assert "16.3T" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--params", "7B", "--law", "llama3"], "law 'llama3' cannot plan from a model size (--params)"),
        (["--target-loss", "2.2", "--law", "deepseek2024"], "cannot plan for a target loss"),
        (
            ["--compute", "1e22", "--unique-tokens", "1e10", "--law", "llama3"],
            "cannot plan with --unique-tokens",
        ),
        (["--compute", "1e22", "--law", "aghajanyan2023-code"], "only the exponents alpha, beta"),
    ],
)
def test_cli_plan_law_refusals_are_one_line_exit_2(capsys, argv: list[str], needle: str) -> None:
    code, out, err = _run(capsys, "plan", *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err


@pytest.mark.parametrize(("law", "author"), [("llama3", "Grattafiori"), ("deepseek2024", "DeepSeek")])
def test_plan_cite_names_each_published_law(capsys, law: str, author: str) -> None:
    code, out, _err = _run(capsys, "plan", "--compute", "1e22", "--law", law, "--cite")
    assert code == 0
    assert author in out
    assert f"@{law}" in out


@pytest.mark.parametrize(
    ("compute", "gpai", "systemic"), [("2e25", True, True), ("1e24", True, False), ("1e22", False, False)]
)
def test_cli_plan_json_carries_the_eu_ai_act_flags(capsys, compute: str, gpai: bool, systemic: bool) -> None:
    code, out, _ = _run(capsys, "plan", "--compute", compute, "--json")
    assert code == 0
    flags = json.loads(out)["eu_ai_act"]
    assert flags["gpai_indicative"] is gpai
    assert flags["systemic_risk_presumption"] is systemic
    assert flags["exceeded"] == [
        k for k, on in (("gpai_indicative", gpai), ("systemic_risk_presumption", systemic)) if on
    ]
    assert {t["flops"] for t in flags["thresholds"]} == {1e23, 1e25}


def test_the_published_library_loads_without_scipy_or_pandas() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, fmfootprint.scaling.published, fmfootprint.cli.laws; "
        "print('scipy' in sys.modules, 'pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_laws_lists_without_importing_numpy() -> None:
    # Issue 10: `fmfootprint laws` starts in under 0.3 s; numpy alone costs about 0.1 s to import.
    import subprocess
    import sys

    probe = (
        "import io, sys, contextlib; from fmfootprint.cli.main import main; out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out): codes = (main(['laws']), main(['laws', '--json']))\n"
        "print(codes, len(out.getvalue()) > 1000, sorted({m.split('.')[0] for m in sys.modules} & "
        "{'numpy', 'scipy', 'pandas'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "(0, 0) True []"
