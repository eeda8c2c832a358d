from __future__ import annotations

import numpy as np
import pytest

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError, UnknownNameError, normalize_name, suggest_names


def test_unknown_name_message_offers_closest_choices() -> None:
    err = UnknownNameError("accelerator", "H1000", ["H100 SXM", "H200 SXM", "A100 SXM4 80GB", "T4"])
    assert str(err).startswith("unknown accelerator 'H1000'; did you mean ")
    assert "H100 SXM" in err.suggestions
    assert "T4" not in err.suggestions
    assert isinstance(err, ValueError)


def test_unknown_name_without_close_choice_has_no_suggestion() -> None:
    err = UnknownNameError("region", "zzzzzz", ["FR", "DE"])
    assert str(err) == "unknown region 'zzzzzz'"


def test_suggestions_are_capped_at_three() -> None:
    choices = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1"]
    assert len(suggest_names("us-east-9", choices)) == 3


def test_normalize_name_ignores_case_and_separators() -> None:
    assert normalize_name(" NVIDIA h100-SXM_5 ") == normalize_name("nvidiah100sxm5")


def test_error_message_is_one_line() -> None:
    assert "\n" not in str(FootprintInputError("a\nb   c"))


@pytest.mark.parametrize(
    ("check", "value", "fragment"),
    [
        (_validate.positive, 0, "must be > 0, got 0"),
        (_validate.positive, float("nan"), "must be finite"),
        (_validate.positive, "abc", "must be a number, got 'abc'"),
        (_validate.fraction, 1.5, "must be in (0, 1], got 1.5"),
        (_validate.non_negative, -1, "must be >= 0, got -1"),
        (_validate.positive_int, 2.5, "whole number"),
        (_validate.positive, True, "must be a number"),
    ],
)
def test_validators_name_the_bad_value(check, value, fragment) -> None:
    with pytest.raises(FootprintInputError, match=r"^x ") as info:
        check("x", value)
    assert fragment in str(info.value)


def test_validators_pass_good_values() -> None:
    assert _validate.positive("x", "2.5") == 2.5
    assert _validate.fraction("x", 1) == 1.0
    assert _validate.positive_int("x", 8.0) == 8
    assert _validate.at_least("pue", 1.0, 1.0) == 1.0
    np.testing.assert_array_equal(_validate.positive_array("x", [1, 2]), [1.0, 2.0])
    with pytest.raises(FootprintInputError, match=r"got -3\.0"):
        _validate.positive_array("x", [1, -3, np.inf])
