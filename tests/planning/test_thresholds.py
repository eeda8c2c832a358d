"""EU AI Act compute thresholds: 1e25 FLOP (Art. 51(2)) and 1e23 FLOP (Commission guidelines, July 2025)."""

from __future__ import annotations

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.planning import plan
from fmfootprint.planning.thresholds import EU_AI_ACT_THRESHOLDS, eu_ai_act_check, threshold_note


def test_the_thresholds_and_their_sources() -> None:
    by_key = {item.key: item for item in EU_AI_ACT_THRESHOLDS}
    assert by_key["systemic_risk_presumption"].flops == 1e25
    assert "Art. 51(2)" in by_key["systemic_risk_presumption"].source
    assert by_key["gpai_indicative"].flops == 1e23
    assert "July 2025" in by_key["gpai_indicative"].source
    assert all(item.url.startswith("https://") for item in EU_AI_ACT_THRESHOLDS)


@pytest.mark.parametrize(
    ("compute", "exceeded"),
    [
        (2e25, ("gpai_indicative", "systemic_risk_presumption")),
        (1e24, ("gpai_indicative",)),
        # "greater than 10^25" (Art. 51(2)): exactly 1e25 does not trigger the presumption.
        (1e25, ("gpai_indicative",)),
        (1e23, ()),
        (1e22, ()),
    ],
)
def test_a_threshold_is_crossed_only_above_it(compute: float, exceeded: tuple[str, ...]) -> None:
    check = eu_ai_act_check(compute)
    assert check.exceeded == exceeded
    flags = check.to_dict()
    assert flags["exceeded"] == list(exceeded)
    assert flags["gpai_indicative"] is ("gpai_indicative" in exceeded)
    assert flags["systemic_risk_presumption"] is ("systemic_risk_presumption" in exceeded)


def test_plans_carry_the_flag_for_every_mode_and_law() -> None:
    big = plan(compute_flops=2e25).to_dict()["eu_ai_act"]
    assert big["systemic_risk_presumption"] is True
    assert big["gpai_indicative"] is True
    mid = plan(compute_flops=1e24).to_dict()["eu_ai_act"]
    assert mid["gpai_indicative"] is True
    assert mid["systemic_risk_presumption"] is False
    # The flag follows the plan's own compute, whatever the mode: a 70B model at its optimum needs ~6e23.
    sized = plan(params=70e9)
    assert sized.eu_ai_act is not None
    assert sized.eu_ai_act.compute_flops == sized.compute_flops
    assert sized.eu_ai_act.exceeded == (("gpai_indicative",) if sized.compute_flops > 1e23 else ())
    llama = plan(compute_flops=3.8e25, law="llama3")
    assert llama.eu_ai_act is not None
    assert "systemic_risk_presumption" in llama.eu_ai_act.exceeded


def test_the_one_line_note_for_the_app_and_the_card() -> None:
    assert "above the EU AI Act's 1e25 FLOP presumption of systemic risk" in threshold_note(2e25)
    middle = threshold_note(1e24)
    assert "above the EU AI Act's 1e23 FLOP indicative GPAI threshold" in middle
    assert "not above its 1e25 FLOP presumption" in middle
    assert "not above" in threshold_note(1e22)
    for compute in (1e22, 1e24, 2e25):
        assert "\n" not in threshold_note(compute)
    with pytest.raises(FootprintInputError):
        threshold_note(-1.0)
