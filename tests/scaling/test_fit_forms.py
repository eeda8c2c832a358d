"""fit(form=...): Gadre et al. 2024's over-training form next to Chinchilla, on runs of any modality."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fmfootprint.errors import UnknownNameError
from fmfootprint.scaling import _objective as obj
from fmfootprint.scaling.fit import bootstrap, fit, load_runs
from fmfootprint.scaling.forms import FORMS, gadre_loss, gadre_parameters, get_form
from fmfootprint.scaling.laws import ChinchillaLaw

# Constants of the kind Gadre et al. fit (E, a, b, η); any positive values serve to test recovery.
GADRE_TRUE = {"E": 1.9, "a": 30.0, "b": 80.0, "eta": 0.16}
SIZES = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9]
MULTIPLES = [5.0, 10.0, 20.0, 40.0, 80.0, 160.0]


def _gadre_runs(noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    n = np.repeat(SIZES, len(MULTIPLES))
    m = np.tile(MULTIPLES, len(SIZES))
    loss = gadre_loss(n, m, **GADRE_TRUE)
    if noise:
        loss = loss * np.exp(np.random.default_rng(seed).normal(0.0, noise, loss.size))
    return pd.DataFrame({"params": n, "tokens": n * m, "loss": loss})


def test_gadre_form_is_chinchilla_with_equal_exponents() -> None:
    # Gadre et al. 2024 eq. (4) from eq. (1) with α = β: η = α/2, a = A·6^η, b = B·6^η.
    law = ChinchillaLaw(E=1.7, A=400.0, B=900.0, alpha=0.3, beta=0.3)
    own = gadre_parameters(law.E, law.A, law.B, law.alpha)
    n = np.array([1e8, 7e9, 7e10])
    m = np.array([3.0, 20.0, 500.0])
    assert gadre_loss(n, m, **own) == pytest.approx(law.loss(n, n * m), rel=1e-12)


def test_gadre_form_recovers_its_constants_from_exact_runs() -> None:
    result = fit(_gadre_runs(), form="gadre2024")
    assert result.form == "gadre2024"
    for name, value in GADRE_TRUE.items():
        assert result.form_parameters[name] == pytest.approx(value, rel=1e-6)
    assert result.law.alpha == result.law.beta  # the tie holds exactly
    payload = result.to_dict()
    assert payload["form"] == "gadre2024"
    assert payload["form_parameters"]["eta"] == pytest.approx(0.16, rel=1e-6)
    assert "eq. (4)" in payload["citation"]


def test_gadre_form_recovers_its_constants_from_noisy_runs() -> None:
    result = fit(_gadre_runs(noise=0.003, seed=4), form="gadre")  # alias
    own = result.form_parameters
    assert own["eta"] == pytest.approx(GADRE_TRUE["eta"], abs=0.01)
    assert own["E"] == pytest.approx(GADRE_TRUE["E"], abs=0.03)
    # The fitted law predicts the exact runs to well within the noise.
    exact = _gadre_runs()
    predicted = result.predict(exact["params"], exact["tokens"])
    assert np.max(np.abs(np.log(predicted / exact["loss"]))) < 0.003


def test_gadre_grid_is_hoffmanns_grid_with_alpha_equal_beta() -> None:
    grid = get_form("gadre2024").grid(obj.initial_grid())
    assert grid.shape == (900, 4)  # 6 a × 6 b × 5 e × 5 α (β = α) of the 4,500 starts
    assert get_form("chinchilla").grid(obj.initial_grid()).shape == (4500, 5)


def test_chinchilla_fits_better_than_gadre_when_exponents_differ(sardana_runs) -> None:
    free = fit(sardana_runs)
    tied = fit(sardana_runs, form="gadre2024")
    # Gadre's form is Chinchilla with one parameter fewer: it cannot fit better.
    assert free.objective <= tied.objective * (1 + 1e-9)
    assert free.law.alpha != pytest.approx(free.law.beta, abs=0.01)
    assert tied.law.alpha == tied.law.beta


def test_runs_of_another_modality_fit_with_any_column_names(tmp_path) -> None:
    # A speech-like family: loss in its own unit, other constants; only N, D and loss matter.
    law = ChinchillaLaw(E=0.62, A=95.0, B=3.1e3, alpha=0.27, beta=0.44)
    n = np.repeat([2e7, 6e7, 2e8, 6e8, 2e9], 5)
    d = n * np.tile([2.0, 8.0, 30.0, 100.0, 400.0], 5)
    path = tmp_path / "speech.csv"
    pd.DataFrame({"n_params": n, "audio_tokens": d, "val_ce": law.loss(n, d)}).to_csv(path, index=False)
    runs = load_runs(path, params_col="n_params", tokens_col="audio_tokens", loss_col="val_ce")
    result = fit(runs, form="chinchilla")
    for name in ("E", "A", "B", "alpha", "beta"):
        assert getattr(result.law, name) == pytest.approx(getattr(law, name), rel=1e-5)


def test_unknown_form_lists_the_valid_ones(sardana_runs) -> None:
    with pytest.raises(UnknownNameError, match="valid forms: chinchilla, gadre2024") as info:
        fit(sardana_runs, form="kaplan2020")
    assert len(str(info.value).splitlines()) == 1
    with pytest.raises(UnknownNameError, match="unknown fit form 'gadr'"):
        bootstrap(sardana_runs, n=5, form="gadr")
    assert set(FORMS) == {"chinchilla", "gadre2024"}


def test_gadre_bootstrap_keeps_the_tie_and_gives_intervals_for_eta() -> None:
    result = bootstrap(_gadre_runs(noise=0.003, seed=2), n=40, seed=1, form="gadre2024")
    assert np.array_equal(result.samples["alpha"], result.samples["beta"])
    intervals = result.intervals(0.9)
    assert {"E", "A", "B", "alpha", "beta", "a", "b", "eta"} == set(intervals)
    low, high = intervals["eta"]
    assert low < high
    assert low - 0.01 < GADRE_TRUE["eta"] < high + 0.01
    assert result.samples["eta"].to_numpy() == pytest.approx(result.samples["alpha"].to_numpy() / 2)
