"""The one quantity parser and the one number formatter."""

from __future__ import annotations

import math

import pytest

from fmfootprint.errors import FootprintInputError
from fmfootprint.units import (
    G_PER_KG,
    J_PER_KWH,
    S_PER_H,
    W_PER_KW,
    format_count,
    format_mass_kg,
    format_number,
    parse_quantity,
)


def test_unit_constants_agree_with_each_other() -> None:
    # 1 kWh = 1 kW for 1 h.
    assert J_PER_KWH == W_PER_KW * S_PER_H
    assert G_PER_KG == 1000.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e24", 1e24),
        ("1,000", 1000.0),
        ("2.5T", 2.5e12),
        ("300B", 3e11),
        ("70 M", 7e7),
        ("1_000k", 1e6),
        (".5", 0.5),
        ("3g", 3e9),
        ("1P", 1e15),
        (42, 42.0),
        (2.5, 2.5),
    ],
)
def test_parse_quantity_reads_what_people_type(text: object, value: float) -> None:
    assert parse_quantity("budget", text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "budget is empty"),
        ("abc", "budget must be a number such as 1e24 or 2.5T, got 'abc'"),
        ("2.5X", "got '2.5X'"),
        ("-3", "budget must be > 0"),
        ("0", "budget must be > 0"),
        ("inf", "must be a number"),
        (float("nan"), "budget must be finite"),
        (True, "must be a number"),
        ("1e400", "budget must be finite"),
    ],
)
def test_parse_quantity_names_the_bad_value(text: object, message: str) -> None:
    with pytest.raises(FootprintInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_quantity("budget", text)


def test_parse_quantity_zero_only_when_allowed() -> None:
    assert parse_quantity("tokens", "0", allow_zero=True) == 0.0
    with pytest.raises(FootprintInputError, match=">= 0"):
        parse_quantity("tokens", "-1", allow_zero=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        ("as is", "as is"),
        (0, "0"),
        (0.5, "0.5"),
        (1.0, "1"),
        (123.456, "123"),
        (999.4, "999"),
        (1234.5, "1,234"),
        (1_234_567.0, "1,234,567"),
        (1.5e15, "1.5e+15"),
        (-2500.0, "-2,500"),
        (float("inf"), "inf"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


def test_format_number_digits() -> None:
    assert format_number(math.pi, 4) == "3.142"
    assert format_number(math.pi, 2) == "3.1"


@pytest.mark.parametrize(
    ("value", "text"), [(7.05e10, "70.5B"), (1.4e12, "1.4T"), (2.5e6, "2.5M"), (1500, "1.5k"), (12, "12")]
)
def test_format_count(value: float, text: str) -> None:
    assert format_count(value) == text


@pytest.mark.parametrize(
    ("kg", "text"),
    [(None, "–"), (0.0, "0 kg"), (0.0123, "12.3 g"), (4.56, "4.56 kg"), (7_890_000, "7,890 t")],
)
def test_format_mass_kg(kg: float | None, text: str) -> None:
    assert format_mass_kg(kg) == text
