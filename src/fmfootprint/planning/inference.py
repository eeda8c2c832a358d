"""Training vs serving: model sizes that all reach one loss, with their lifetime compute and carbon.

A smaller model trained on more tokens reaches the same loss with more training compute but costs less per
served token; :func:`inference_tradeoff` tabulates that trade along the iso-loss curve (Sardana et al.
2024). The optimum itself is :func:`fmfootprint.scaling.allocate.inference_optimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint import _validate
from fmfootprint.planning._hardware import check_hardware, estimate_at
from fmfootprint.planning.plan import LawLike, resolve_law
from fmfootprint.planning.serving import serving_g_per_token, serving_kwargs
from fmfootprint.scaling.allocate import compute_optimal, frontier_compute_for_loss, tokens_for_loss
from fmfootprint.scaling.flops import inference_flops, training_flops
from fmfootprint.units import G_PER_KG

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["InferenceTradeoff", "inference_tradeoff"]

# Reference compute for the carbon per FLOP [FLOP]; the estimator is proportional to FLOPs.
_REFERENCE_FLOPS = 1e21


@dataclass(frozen=True)
class InferenceTradeoff:
    """Model sizes reaching one loss, with training, serving and lifetime compute (and carbon).

    Attributes
    ----------
    target_loss : float
        The loss every model reaches [nats/token].
    inference_tokens : float
        Lifetime tokens served [tokens].
    params : ndarray
        Model sizes [parameters], increasing.
    train_tokens : ndarray
        Training tokens that bring each size to ``target_loss`` [tokens].
    train_flops, inference_flops, lifetime_flops : ndarray
        Training (6·N·D), serving (2·N per token) and their sum [FLOP].
    co2e_kg : ndarray or None
        Lifetime carbon on the given hardware [kg CO2e], when hardware was given: training through the
        estimator plus serving from the per-query serving model (:mod:`fmfootprint.planning.serving`).
    serving_g_per_token : ndarray or None
        Carbon of serving one token with each size [gCO2e/token] (None without a catalog accelerator: then
        serving is 2·N FLOPs per token through the estimator, or without hardware).
    """

    target_loss: float
    inference_tokens: float
    params: NDArray[np.float64] = field(repr=False)
    train_tokens: NDArray[np.float64] = field(repr=False)
    train_flops: NDArray[np.float64] = field(repr=False)
    inference_flops: NDArray[np.float64] = field(repr=False)
    lifetime_flops: NDArray[np.float64] = field(repr=False)
    co2e_kg: NDArray[np.float64] | None = field(default=None, repr=False)
    serving_g_per_token: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def best_index(self) -> int:
        """Index of the size with the least lifetime compute (on the tabulated sizes)."""
        return int(np.argmin(self.lifetime_flops))

    def columns(self) -> dict[str, NDArray[np.float64]]:
        """Column name → array: params, train_tokens, train_flops, inference_flops, lifetime_flops
        (and co2e_kg)."""
        out = {
            "params": self.params,
            "train_tokens": self.train_tokens,
            "train_flops": self.train_flops,
            "inference_flops": self.inference_flops,
            "lifetime_flops": self.lifetime_flops,
        }
        if self.co2e_kg is not None:
            out["co2e_kg"] = self.co2e_kg
        return out

    def to_frame(self) -> pd.DataFrame:
        """The :meth:`columns` as a DataFrame, one row per model size."""
        import pandas as pd

        return pd.DataFrame(self.columns())


def inference_tradeoff(
    target_loss: float,
    inference_tokens: float,
    law: LawLike,
    hardware: Mapping[str, Any] | None = None,
    params: ArrayLike | None = None,
    n: int = 60,
) -> InferenceTradeoff:
    """Model sizes that all reach ``target_loss``, with their lifetime compute and (optionally) carbon.

    Parameters
    ----------
    target_loss : float
        Loss every model is trained to [nats/token].
    inference_tokens : float
        Tokens the model will process in its lifetime of serving [tokens], ≥ 0.
    law : str, Path, ChinchillaLaw or mapping
        The scaling law (as for :func:`~fmfootprint.planning.plan`).
    hardware : mapping, optional
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments; adds ``co2e_kg`` (lifetime,
        training + inference on the same hardware, MFU and region).
    params : array_like, optional
        Model sizes [parameters]; by default ``n`` sizes log-spaced from 1/30 of the compute-optimal size
        for the loss (or 1.2× the smallest size that can reach it) to 3× the compute-optimal size.
    n : int, optional
        Number of default sizes [-]. Default 60.

    Returns
    -------
    InferenceTradeoff
        Sizes that cannot reach the loss are left out.

    Raises
    ------
    FootprintInputError
        A bad loss (at or below the law's irreducible loss), token count, size or hardware setting.

    Notes
    -----
    Sardana et al. (2024) minimise 6·N·D_tr + 2·N·D_inf subject to L(N, D_tr) = ℓ; this tabulates that
    objective along the iso-loss curve D_tr = :func:`~fmfootprint.scaling.allocate.tokens_for_loss` (N), using
    :func:`fmfootprint.scaling.flops.training_flops` and :func:`~fmfootprint.scaling.flops.inference_flops`.
    At fixed hardware the estimator's carbon is proportional to FLOPs, so training carbon = training FLOPs ×
    the estimate's kg CO2e per FLOP; serving carbon = D_inf × the serving model's carbon per token at that
    size (:func:`fmfootprint.planning.serving.serving_g_per_token`, one evaluation per size), or serving
    FLOPs × the same kg CO2e per FLOP when the hardware names no catalog accelerator.

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal: Accounting for Inference in Language Model Scaling
    Laws. arXiv:2401.00448, eq. 2.
    """
    the_law = resolve_law(law)
    target = _validate.positive("target_loss", target_loss)
    served = _validate.non_negative("inference_tokens", inference_tokens)
    settings = check_hardware(hardware)
    if params is None:
        # Sizes around the compute-optimal model for this loss (serving pushes the optimum below it),
        # kept above the smallest size that can reach the loss at all, A/N^α = ℓ − E.
        chinchilla = float(compute_optimal(frontier_compute_for_loss(target, the_law), the_law).params)
        n_min = (the_law.A / (target - the_law.E)) ** (1.0 / the_law.alpha)
        params = np.geomspace(max(chinchilla / 30.0, n_min * 1.2), chinchilla * 3.0, int(n))
    sizes = _validate.positive_array("params", params)
    tokens = np.asarray(tokens_for_loss(sizes, target, the_law), dtype=float)
    keep = np.isfinite(tokens)
    sizes, tokens = sizes[keep], tokens[keep]
    train = np.asarray(training_flops(sizes, tokens), dtype=float)
    serve = (
        np.asarray(inference_flops(sizes, served), dtype=float) * np.ones_like(sizes)
        if served > 0
        else np.zeros_like(sizes)
    )
    lifetime = train + serve
    co2e = per_token = None
    if settings:
        per_flop = estimate_at(_REFERENCE_FLOPS, settings).co2e_kg / _REFERENCE_FLOPS
        serving = serving_kwargs(settings)
        if serving is None:
            co2e = lifetime * per_flop
        else:
            per_token = np.array(
                [serving_g_per_token(float(size), serving) if served > 0 else 0.0 for size in sizes]
            )
            co2e = train * per_flop + served * per_token / G_PER_KG
    return InferenceTradeoff(
        target_loss=target,
        inference_tokens=served,
        params=sizes,
        train_tokens=tokens,
        train_flops=train,
        inference_flops=serve,
        lifetime_flops=lifetime,
        co2e_kg=co2e,
        serving_g_per_token=per_token,
    )
