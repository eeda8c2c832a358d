from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.scaling.fit import fit
from fmfootprint.scaling.laws import (
    DEFAULT_LAW,
    KAPLAN2020,
    PRESETS,
    ChinchillaLaw,
    FittedRange,
    KaplanLaw,
    get_law,
    law_names,
    load_law,
)


def test_presets_carry_the_published_values_and_citations() -> None:
    h = PRESETS["hoffmann2022"]
    assert (h.E, h.A, h.B, h.alpha, h.beta) == (1.69, 406.4, 410.7, 0.34, 0.28)
    u = PRESETS["hoffmann2022-unrounded"]
    assert (u.E, u.A, u.B, u.alpha, u.beta) == (1.6934, 406.40, 410.72, 0.33917084, 0.2849083)
    b = PRESETS["besiroglu2024"]
    assert (b.E, b.A, b.B, b.alpha, b.beta) == (1.8172, 482.01, 2085.43, 0.3478, 0.3658)
    m = PRESETS["muennighoff2023"]
    # Muennighoff et al. 2023 / datablations README give log-space constants (a, b, e).
    assert pytest.approx(math.exp(6.255414)) == m.A
    assert pytest.approx(520.82, abs=0.01) == m.A
    assert pytest.approx(1487.72, abs=0.01) == m.B
    assert pytest.approx(1.8691, abs=1e-4) == m.E
    assert m.alpha == m.beta == 0.3526596
    assert (m.r_d_star, m.r_n_star) == (15.387756, 5.309743)
    for law in PRESETS.values():
        assert "arXiv" in law.citation


def test_loss_is_the_chinchilla_form_and_vectorised() -> None:
    law = PRESETS["hoffmann2022"]
    assert law.loss(70e9, 1.4e12) == pytest.approx(1.69 + 406.4 / 70e9**0.34 + 410.7 / 1.4e12**0.28)
    n = np.array([1e9, 1e10])
    d = np.array([[2e10], [2e11]])
    out = law.loss(n, d)
    assert out.shape == (2, 2)
    assert out[1, 1] == pytest.approx(law.loss(1e10, 2e11))
    assert isinstance(law.loss(1e9, 1e10), float)


def test_kaplan_law_eq_1_5() -> None:
    k = KaplanLaw()
    n, d = 1e9, 2e10
    expected = ((6.4e13 / n) ** (0.076 / 0.103) + 1.8e13 / d) ** 0.103
    assert k.loss(n, d) == pytest.approx(expected)
    assert get_law("kaplan2020") == k


@pytest.mark.parametrize("name", ["hoffmann2022", "Hoffmann 2022", "BESIROGLU2024", "muennighoff-2023"])
def test_get_law_is_forgiving(name: str) -> None:
    assert get_law(name).name in PRESETS


def test_unknown_law_lists_the_valid_choices() -> None:
    with pytest.raises(UnknownNameError) as info:
        get_law("chinchilla")
    message = str(info.value)
    assert "unknown law 'chinchilla'" in message
    assert "\n" not in message
    for name in law_names():
        assert name in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("field", ["E", "A", "B", "alpha", "beta"])
@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_law_parameters_must_be_positive_and_finite(field: str, bad: float) -> None:
    values = {"E": 1.7, "A": 400.0, "B": 400.0, "alpha": 0.3, "beta": 0.3, field: bad}
    with pytest.raises(FootprintInputError, match=field):
        ChinchillaLaw(**values)


@pytest.mark.parametrize(("params", "tokens"), [(0, 1e9), (-5, 1e9), (1e9, 0), (1e9, float("nan"))])
def test_loss_rejects_bad_sizes_and_tokens(params: float, tokens: float) -> None:
    with pytest.raises(ValueError, match="must be finite and > 0"):
        PRESETS["hoffmann2022"].loss(params, tokens)


def test_law_file_round_trip(tmp_path) -> None:
    law = PRESETS["muennighoff2023"]
    path = tmp_path / "law.json"
    path.write_text(json.dumps(law.to_dict()))
    assert load_law(path) == law


def test_law_file_errors(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FootprintInputError, match="not valid JSON"):
        load_law(bad)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"E": 1.7, "A": 400}))
    with pytest.raises(FootprintInputError, match="missing B, alpha, beta"):
        load_law(partial)
    with pytest.raises(FootprintInputError, match=r"cannot read law file '.*absent.json': No such file"):
        load_law(tmp_path / "absent.json")


@pytest.mark.parametrize("name", ["law.txt", "fit", "law.JSON", "my.law"])
def test_a_law_file_is_known_by_its_content_not_its_name(tmp_path, name) -> None:
    from fmfootprint.planning import resolve_law

    law = PRESETS["muennighoff2023"]
    path = tmp_path / name
    path.write_text(json.dumps({"law": law.to_dict()}))
    assert load_law(path) == law
    assert resolve_law(str(path)) == resolve_law(path) == law


def test_a_name_that_is_neither_a_preset_nor_a_file_gets_the_presets(tmp_path) -> None:
    from fmfootprint.planning import resolve_law

    with pytest.raises(UnknownNameError, match="valid laws: hoffmann2022"):
        resolve_law("hofman2022")
    missing = str(tmp_path / "fit.json")
    with pytest.raises(FootprintInputError, match=r"No such file or directory: .*fit.json, and no preset"):
        resolve_law(missing)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"[" * 100_000, "nests arrays or objects deeper than 64 levels"),
        (b'{"E": 1.7, "A": "caf\xe9"}', "is not UTF-8 text"),
        (b"[1, 2]", "must hold a JSON object"),
        (b'{"E": 1.7}', "law file '.*': law is missing A, B"),
    ],
)
def test_bad_law_files_are_one_line_errors_naming_the_file(tmp_path, content, match) -> None:
    path = tmp_path / "law.json"
    path.write_bytes(content)
    with pytest.raises(FootprintInputError, match=match) as caught:
        load_law(path)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------------- display metadata and fitted ranges


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_carries_its_display_metadata_and_fitted_range(name: str) -> None:
    law = PRESETS[name]
    assert law.title
    assert law.title != name
    assert law.display_name == law.title
    assert law.url.startswith("https://arxiv.org/abs/")
    assert law.data
    assert law.fitted_range is not None
    assert law.fitted_range.source
    assert law.fitted_range.params_max is not None
    assert law.fitted_range.tokens_max is not None
    payload = law.to_dict()
    assert {"title", "url", "data", "fitted_range"} <= set(payload)
    assert ChinchillaLaw.from_dict(payload) == law
    assert KAPLAN2020.title
    assert KAPLAN2020.url
    assert KAPLAN2020.data


def test_the_default_law_is_the_epoch_replication() -> None:
    assert DEFAULT_LAW == "besiroglu2024"
    assert PRESETS[DEFAULT_LAW].title == "Besiroglu et al. 2024 (Epoch) — Chinchilla replication"
    # The Chinchilla runs: 70M to 16B parameters on 5B to 500B tokens (Hoffmann et al. 2022, abstract).
    hoffmann = PRESETS["hoffmann2022"].fitted_range
    assert hoffmann is not None
    assert (hoffmann.params_min, hoffmann.params_max) == (7e7, 1.6e10)
    assert (hoffmann.tokens_min, hoffmann.tokens_max) == (5e9, 5e11)


def test_extrapolation_warnings_say_by_how_much() -> None:
    law = PRESETS["besiroglu2024"]
    assert law.extrapolation_warnings(1e9, 2e10) == ()  # inside every bound
    above = law.extrapolation_warnings(4e10, 8e11)
    assert above[0] == "params 4e10 is 2.47× above the largest fitted model (1.6e10)"
    assert any(text.startswith("tokens 8e11 is 2.52× above") for text in above)
    assert any(text.startswith("compute 1.9e23 is 14.8× above the largest fitted compute") for text in above)
    below = law.extrapolation_warnings(1e7, 1e10)
    assert "params 1e7 is 5.73× below the smallest fitted model (5.7e7)" in below
    assert any("tokens/param 1000 is 2.93× above" in text for text in below)
    assert ChinchillaLaw(E=1.7, A=400, B=400, alpha=0.3, beta=0.3).extrapolation_warnings(1e15, 1) == ()


def test_fitted_range_of_runs_and_its_checks() -> None:
    spanned = FittedRange.of_runs([1e8, 1e9], [2e9, 4e10])
    assert (spanned.params_min, spanned.params_max) == (1e8, 1e9)
    assert (spanned.tokens_per_param_min, spanned.tokens_per_param_max) == (20.0, 40.0)
    assert spanned.compute_max == pytest.approx(6 * 1e9 * 4e10)
    assert spanned.source == "the 2 runs fitted"
    assert FittedRange.from_dict(spanned.to_dict()) == spanned
    assert "params 100M–1B" in spanned.summary()
    assert FittedRange(params_max=9e9).summary() == "params up to 9B"
    with pytest.raises(FootprintInputError, match="min 2 is above max 1"):
        FittedRange(params_min=2, params_max=1)
    with pytest.raises(FootprintInputError, match="unknown keys: largest"):
        FittedRange.from_dict({"largest": 1e9})


def test_a_law_file_without_the_new_keys_still_loads(tmp_path) -> None:
    old = tmp_path / "old-fit.json"
    old.write_text(
        json.dumps({"E": 1.8, "A": 480.0, "B": 2000.0, "alpha": 0.35, "beta": 0.36, "n_points": 9})
    )
    law = load_law(old)
    assert law.fitted_range is None
    assert law.title == ""
    assert law.display_name == "old-fit"
    assert law.extrapolation_warnings(1e12, 1e14) == ()


def test_a_fitted_law_records_the_range_of_its_runs(tmp_path) -> None:
    truth = PRESETS["besiroglu2024"]
    n = np.array([1e8, 1e8, 3e8, 3e8, 1e9, 1e9, 3e9, 3e9, 6e9, 6e9])
    d = np.array([2e9, 8e9, 3e9, 1.2e10, 1e10, 4e10, 3e10, 9e10, 6e10, 1.2e11])
    result = fit(pd.DataFrame({"params": n, "tokens": d, "loss": truth.loss(n, d)}))
    spanned = result.law.fitted_range
    assert spanned is not None
    assert (spanned.params_min, spanned.params_max) == (1e8, 6e9)
    assert (spanned.tokens_per_param_min, spanned.tokens_per_param_max) == (10.0, 80.0)
    path = tmp_path / "fit.json"
    path.write_text(json.dumps(result.to_dict()))
    loaded = load_law(path)
    assert loaded.fitted_range == spanned
    assert loaded.extrapolation_warnings(4e10, 1.44e11)[0].startswith("params 4e10 is 6.67× above")


@pytest.mark.parametrize(
    ("fitted_range", "message"),
    [
        ([1e8, 1e9], "fitted_range must be a mapping"),
        ({"params_max": "big"}, "params_max"),
        ({"params_min": 1e9, "params_max": 1e8}, "min 1e\\+09 is above max 1e\\+08"),
    ],
)
def test_a_bad_fitted_range_in_a_law_file_is_an_input_error(tmp_path, fitted_range, message) -> None:
    path = tmp_path / "law.json"
    path.write_text(
        json.dumps(
            {"E": 1.8, "A": 480.0, "B": 2000.0, "alpha": 0.35, "beta": 0.36, "fitted_range": fitted_range}
        )
    )
    with pytest.raises(FootprintInputError, match=message):
        load_law(path)
