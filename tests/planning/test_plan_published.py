"""plan(law=...) over the published laws: what each answers, and why the others cannot plan."""

from __future__ import annotations

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.planning import plan, resolve_law
from fmfootprint.scaling.published import PUBLISHED

H100 = {"gpu": "H100", "gpus": 64, "mfu": 0.4, "region": "FR"}


def test_a_chinchilla_form_published_law_plans_like_a_preset_and_adds_its_answers() -> None:
    result = plan(compute_flops=1e21, law="gadre2024-rpj")
    law = PUBLISHED["gadre2024-rpj"]
    params, tokens = law.compute_optimal(1e21)
    assert result.params == pytest.approx(params, rel=1e-9)
    assert result.tokens == pytest.approx(tokens, rel=1e-9)
    assert result.loss == pytest.approx(law.loss(params, tokens), rel=1e-9)
    assert result.law_answers is not None
    assert result.law_answers["downstream_top1_error"] == pytest.approx(law.downstream_error(result.loss))
    assert "batch_size" in result.law_answers["cannot_answer"]
    # Far outside the 11M-411M runs it was fitted on: the plan says so.
    assert any("above the largest fitted model" in text for text in result.warnings)
    sized = plan(params=1.4e9, law="gadre2024-rpj")
    assert sized.law_answers is not None
    assert sized.law_answers["downstream_top1_error"] == pytest.approx(law.downstream_error(sized.loss))


def test_llama3_and_deepseek_plan_a_budget_with_their_own_rule() -> None:
    llama = plan(compute_flops=3.8e25, law="llama3")
    assert llama.tokens == pytest.approx(0.299 * 3.8e25**0.537, rel=1e-12)  # Llama 3 Fig. 3
    assert llama.params == pytest.approx(3.8e25 / (6 * llama.tokens), rel=1e-12)
    assert llama.loss is None
    assert llama.to_dict()["loss"] is None
    assert llama.law_answers is not None
    assert "§3.2.1 fits only the optimal token count" in llama.law_answers["cannot_answer"]["loss"]
    assert llama.published_laws  # the spread of the Chinchilla presets still shows
    deepseek = plan(compute_flops=1e23, law="deepseek2024")
    answers = deepseek.law_answers
    assert answers is not None
    assert answers["batch_size_tokens"] == pytest.approx(0.2920 * 1e23**0.3271, rel=1e-12)
    assert answers["learning_rate"] == pytest.approx(0.3118 * 1e23**-0.1250, rel=1e-12)
    assert answers["optimal_flops_per_token"] == pytest.approx(0.1715 * 1e23**0.5243, rel=1e-12)
    assert deepseek.tokens == pytest.approx(5.8316 * 1e23**0.4757, rel=1e-12)


def test_a_budget_in_accelerator_days_works_with_an_own_rule_law() -> None:
    result = plan(accelerator_days=1000, law="llama3", hardware=H100)
    assert result.budget_kind == "accelerator_days"
    assert result.footprint is not None
    assert result.footprint.gpu_hours == pytest.approx(1000 * 24, rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"params": 7e9, "law": "llama3"}, "law 'llama3' cannot plan from a model size"),
        ({"target_loss": 2.2, "law": "deepseek2024"}, "law 'deepseek2024' cannot plan for a target loss"),
        ({"compute_flops": 1e22, "unique_tokens": 1e10, "law": "deepseek2024"}, "cannot plan with --unique"),
        ({"compute_flops": 1e22, "law": "kumar2024"}, "law 'kumar2024' cannot answer compute optimal"),
        ({"compute_flops": 1e22, "law": "krajewski2024-moe"}, "routing-cost FLOP constants"),
        ({"compute_flops": 1e22, "law": "kaplan2020"}, "no compute frontier"),
    ],
)
def test_a_law_that_cannot_plan_says_exactly_why(kwargs: dict, needle: str) -> None:
    with pytest.raises(FootprintInputError, match=needle):
        plan(**kwargs)


def test_the_chinchilla_only_planners_refuse_other_forms_by_name() -> None:
    assert pytest.approx(1.5082605444147166) == resolve_law("gadre2024-c4").E
    assert resolve_law("krajewski2024-dense").alpha == 0.126
    with pytest.raises(FootprintInputError, match="'llama3' is not of the form E \\+ A/N\\^alpha"):
        resolve_law("llama3")


def test_a_preset_object_plans_as_its_name() -> None:
    # plan(law=get_law(name)) and plan(law=name) give the same plan, law answers included.
    from fmfootprint.scaling.laws import get_law

    by_name = plan(compute_flops=1e22, law="besiroglu2024").to_dict()
    by_object = plan(compute_flops=1e22, law=get_law("besiroglu2024")).to_dict()
    assert by_object == by_name
    assert by_object["law_answers"]["law"] == "besiroglu2024"


def test_a_llama3_plan_carries_the_range_its_printed_constants_allow() -> None:
    # Llama 3 Fig. 3's (alpha, A) = (0.537, 0.299), each ± half a unit of its last digit, at 3.8e25 FLOP:
    # D* 15.79T-16.81T (holds the paper's 16.55T), N = C/(6·D*) 377B-401B around the central 389B.
    result = plan(compute_flops=3.8e25, law="llama3")
    assert result.law_answers is not None
    spread = result.law_answers["printed_precision_range"]
    assert spread["tokens"] == pytest.approx([15.794e12, 16.809e12], rel=1e-3)
    assert spread["params"] == pytest.approx([376.8e9, 401.0e9], rel=1e-3)
    assert spread["tokens"][0] < result.tokens < spread["tokens"][1]
    assert spread["params"][0] < result.params < spread["params"][1]
    # DeepSeek's eq. 1 carries its own: the batch and learning rate its four-digit constants allow.
    answers = plan(compute_flops=1e23, law="deepseek2024").law_answers or {}
    hyper = answers["printed_precision_range"]
    assert hyper["batch_size_tokens"][0] < answers["batch_size_tokens"] < hyper["batch_size_tokens"][1]
    assert hyper["learning_rate"][0] < answers["learning_rate"] < hyper["learning_rate"][1]
    assert hyper["batch_size_tokens"][1] / hyper["batch_size_tokens"][0] < 1.01
    assert "printed_precision_range" not in (plan(compute_flops=1e23, law="besiroglu2024").law_answers or {})
