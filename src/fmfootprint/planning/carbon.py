"""The carbon-optimal suggestion: which model, trained on how many tokens, in which region, for one loss.

Minimises lifetime carbon (training + serving the inference tokens) over model size, training tokens and
the regions compared, from :func:`fmfootprint.scaling.allocate.inference_optimal` and
:func:`fmfootprint.planning.regions.compare_regions`; no formula is repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fmfootprint import _validate
from fmfootprint.catalog.grid import get_region
from fmfootprint.planning._hardware import check_hardware, estimate_at
from fmfootprint.planning.plan import LawLike, resolve_law
from fmfootprint.planning.regions import RegionComparison, compare_regions
from fmfootprint.planning.serving import serving_g_per_token, serving_kwargs
from fmfootprint.scaling.allocate import inference_optimal
from fmfootprint.scaling.flops import training_flops
from fmfootprint.units import G_PER_KG

__all__ = ["CarbonOptimal", "carbon_optimal", "suggestion_text"]


@dataclass(frozen=True)
class CarbonOptimal:
    """The allocation and region with the least lifetime carbon for a target loss.

    Attributes
    ----------
    region : str
        Best region code.
    params : float
        Model size [parameters].
    tokens : float
        Training tokens [tokens].
    loss : float
        Loss reached [nats/token].
    train_flops, lifetime_flops : float
        Training compute and training + inference compute [FLOP].
    inference_tokens : float
        Lifetime inference tokens assumed [tokens].
    co2e_kg : float
        Lifetime carbon in the best region [kg CO2e], training + inference.
    train_co2e_kg : float
        Training carbon alone in the best region [kg CO2e].
    baseline_co2e_kg : float
        Lifetime carbon of the compute-optimal model for the same loss in the baseline region [kg CO2e].
    baseline_region : str
        The region the baseline is estimated in (the planner's chosen region).
    chinchilla_params : float
        The compute-optimal model for the same loss [parameters].
    chinchilla_lifetime_flops : float
        Its lifetime compute [FLOP].
    regions : RegionComparison
        The best allocation estimated in every region compared: its training compute when the serving
        model prices inference (``serving_g_per_token`` set), else its lifetime compute.
    serving_g_per_token : dict or None
        {region code: carbon of serving one inference token with the best model there [gCO2e/token]}, from
        :func:`fmfootprint.serving.query.inference`; None for hardware without a catalog accelerator (then
        inference is 2·N FLOPs per token through the training estimator).
    """

    region: str
    params: float
    tokens: float
    loss: float
    train_flops: float
    lifetime_flops: float
    inference_tokens: float
    co2e_kg: float
    train_co2e_kg: float
    baseline_co2e_kg: float
    baseline_region: str
    chinchilla_params: float
    chinchilla_lifetime_flops: float
    regions: RegionComparison = field(repr=False)
    serving_g_per_token: dict[str, float] | None = field(default=None, repr=False)

    @property
    def by_region(self) -> dict[str, float]:
        """Lifetime carbon of the best allocation in every region compared {code: kg CO2e}, lowest first."""
        training = self.regions.co2e_kg_by_region
        if self.serving_g_per_token is None:
            return training
        total = {
            code: kg + self.inference_tokens * self.serving_g_per_token[code] / G_PER_KG
            for code, kg in training.items()
        }
        return dict(sorted(total.items(), key=lambda item: item[1]))

    @property
    def inference_co2e_kg(self) -> float:
        """Serving carbon in the best region [kg CO2e]: co2e_kg − train_co2e_kg."""
        return self.co2e_kg - self.train_co2e_kg

    @property
    def saving_fraction(self) -> float:
        """1 − co2e_kg / baseline_co2e_kg [-] (0 when the baseline emits nothing)."""
        return 1.0 - self.co2e_kg / self.baseline_co2e_kg if self.baseline_co2e_kg > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The figures above, ``saving_fraction`` and ``by_region`` (JSON-ready)."""
        return {
            "region": self.region,
            "params": self.params,
            "tokens": self.tokens,
            "loss": self.loss,
            "train_flops": self.train_flops,
            "lifetime_flops": self.lifetime_flops,
            "inference_tokens": self.inference_tokens,
            "co2e_kg": self.co2e_kg,
            "train_co2e_kg": self.train_co2e_kg,
            "baseline_co2e_kg": self.baseline_co2e_kg,
            "baseline_region": self.baseline_region,
            "chinchilla_params": self.chinchilla_params,
            "chinchilla_lifetime_flops": self.chinchilla_lifetime_flops,
            "inference_co2e_kg": self.inference_co2e_kg,
            "serving_g_per_token": self.serving_g_per_token,
            "saving_fraction": self.saving_fraction,
            "by_region": self.by_region,
        }


def carbon_optimal(
    target_loss: float,
    law: LawLike,
    hardware: Mapping[str, Any],
    regions: Sequence[str],
    inference_tokens: float = 0.0,
) -> CarbonOptimal:
    """Allocation and region that minimise lifetime carbon (training + inference) for a target loss.

    Parameters
    ----------
    target_loss : float
        Loss to reach [nats/token].
    law : str, Path, ChinchillaLaw or mapping
        The scaling law (as for :func:`~fmfootprint.planning.plan`).
    hardware : mapping
        :func:`~fmfootprint.footprint.estimate.estimate` keyword arguments (``gpu``, ``gpus``, ``mfu``, and
        the baseline ``region``); inference is served on the same accelerator model in the same region as
        training, priced by the per-query serving model (:mod:`fmfootprint.planning.serving`) when ``gpu``
        is a catalog accelerator with memory and bandwidth, else as 2·N FLOPs per token at the MFU.
    regions : sequence of str
        Candidate region codes (the baseline region is added if missing).
    inference_tokens : float, optional
        Lifetime inference tokens [tokens], ≥ 0. Default 0.

    Returns
    -------
    CarbonOptimal

    Raises
    ------
    FootprintInputError
        A bad loss, token count, region or hardware setting, or candidate regions whose intensities have
        different bases (lifecycle and direct; :func:`~fmfootprint.planning.regions.compare_regions`).

    Notes
    -----
    The allocation is Sardana et al.'s inference-optimal one
    (:func:`fmfootprint.scaling.allocate.inference_optimal`, the Chinchilla-optimal one when D_inf = 0):
    at fixed hardware the training carbon is c_r · 6·N·D_tr and, at fixed N, the serving model's carbon per
    token s_r(N) is constant, so lifetime carbon in region r is c_r · 6·N·D_tr + s_r(N) · D_inf (computed
    once for the chosen N per region) and the region is the one where that sum is least. The baseline is
    the compute-optimal model for the loss, trained and served the same way in the baseline region.

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal. arXiv:2401.00448, eq. 2.
    Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556, eq. 4.
    """
    the_law = resolve_law(law)
    served = _validate.non_negative("inference_tokens", inference_tokens)
    settings = check_hardware(hardware)
    baseline_region = settings.get("region")
    candidates = list(regions)
    if baseline_region and baseline_region not in candidates:
        candidates.append(baseline_region)
    best = inference_optimal(target_loss, served, the_law)
    train, lifetime = float(best.compute_flops), float(best.lifetime_flops)
    serving = serving_kwargs(settings)
    per_token: dict[str, float] | None = None
    if serving is None:
        table = compare_regions(lifetime, candidates, settings)
    else:
        table = compare_regions(train, candidates, settings)
        per_token = {
            row.region: serving_g_per_token(float(best.params), {**serving, "region": row.region})
            if served > 0
            else 0.0
            for row in table
        }
    chosen = CarbonOptimal(  # the regions' ranking first (by_region); the winner's figures are set below
        region="",
        params=float(best.params),
        tokens=float(best.tokens),
        loss=float(best.loss),
        train_flops=train,
        lifetime_flops=lifetime,
        inference_tokens=served,
        co2e_kg=0.0,
        train_co2e_kg=0.0,
        baseline_co2e_kg=0.0,
        baseline_region="",
        chinchilla_params=float(best.chinchilla_params),
        chinchilla_lifetime_flops=float(best.chinchilla_lifetime_flops),
        regions=table,
        serving_g_per_token=per_token,
    )
    region, co2e = next(iter(chosen.by_region.items()))
    # Baseline: the compute-optimal model for the same loss (blind to inference), in the chosen region.
    base_code = get_region(baseline_region).code if baseline_region else region
    base_settings = {**settings, "region": base_code}
    if serving is None:
        baseline_kg = estimate_at(float(best.chinchilla_lifetime_flops), base_settings).co2e_kg
    else:
        chinchilla_train = float(training_flops(float(best.chinchilla_params), float(best.chinchilla_tokens)))
        baseline_kg = estimate_at(chinchilla_train, base_settings).co2e_kg + (
            served
            * serving_g_per_token(float(best.chinchilla_params), {**serving, "region": base_code})
            / G_PER_KG
            if served > 0
            else 0.0
        )
    training = estimate_at(train, {**settings, "region": region})
    return replace(
        chosen,
        region=region,
        co2e_kg=co2e,
        train_co2e_kg=training.co2e_kg,
        baseline_co2e_kg=baseline_kg,
        baseline_region=base_code,
    )


def _percent(fraction: float) -> str:
    """A fraction as a whole percentage without a sign (``0.423`` → ``"42 %"``)."""
    return f"{abs(fraction) * 100.0:.0f} %"


def suggestion_text(suggestion: CarbonOptimal, names: Mapping[str, str] | None = None) -> str:
    """The carbon-optimal suggestion as one Markdown sentence, worded for what it is.

    With 0 inference tokens it speaks of training carbon (never "over the model's life"); a saving that
    rounds to 0 % reads "no less than", never "-0 % less"; a larger footprint than the baseline (not
    expected) reads "% more".

    Parameters
    ----------
    suggestion : CarbonOptimal
        :func:`carbon_optimal` result.
    names : mapping, optional
        {region code: readable label} for the regions (default: the codes).

    Returns
    -------
    str
    """
    from fmfootprint.units import format_count, format_number

    label = (lambda code: names.get(code, code)) if names is not None else (lambda code: code)
    served = suggestion.inference_tokens > 0
    scope = "over the model's life (training + serving)" if served else "for training"
    head = (
        f"**Carbon-optimal suggestion** for loss {suggestion.loss:.4f}"
        + (f" and {format_count(suggestion.inference_tokens)} inference tokens" if served else "")
        + f": train **{format_count(suggestion.params)} parameters on {format_count(suggestion.tokens)} "
        f"tokens** in **{label(suggestion.region)}** → {format_number(suggestion.co2e_kg / 1000.0)} t CO2e "
        f"{scope}"
    )
    baseline = (
        f"the compute-optimal model in {label(suggestion.baseline_region)} "
        f"({format_number(suggestion.baseline_co2e_kg / 1000.0)} t)"
    )
    fraction = suggestion.saving_fraction
    if round(fraction * 100.0) == 0:
        same_model = abs(suggestion.params - suggestion.chinchilla_params) <= 1e-6 * suggestion.params
        same_place = suggestion.region == suggestion.baseline_region
        if same_model and same_place:
            return head + f": this is {baseline} itself; no model or region compared emits less."
        return head + f", about as much as {baseline}: less than 1 % saved."
    word = "less" if fraction > 0 else "more"
    return head + f", {_percent(fraction)} {word} than {baseline}."
