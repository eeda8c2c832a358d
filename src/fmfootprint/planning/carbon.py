"""The carbon-optimal suggestion: which model, trained on how many tokens, in which region, for one loss.

Minimises lifetime carbon (training + serving the inference tokens) over model size, training tokens and
the regions compared, from :func:`fmfootprint.scaling.allocate.inference_optimal` and
:func:`fmfootprint.planning.regions.compare_regions`; no formula is repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fmfootprint import _validate
from fmfootprint.catalog.grid import get_region
from fmfootprint.planning._hardware import check_hardware, estimate_at
from fmfootprint.planning.plan import LawLike, resolve_law
from fmfootprint.planning.regions import RegionComparison, compare_regions
from fmfootprint.scaling.allocate import inference_optimal

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
        The best allocation's lifetime compute estimated in every region compared.
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

    @property
    def by_region(self) -> dict[str, float]:
        """Lifetime carbon of the best allocation in every region compared {code: kg CO2e}, lowest first."""
        return self.regions.co2e_kg_by_region

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
        the baseline ``region``); inference is assumed to run on the same accelerators at the same MFU in the
        same region as training.
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
    At fixed hardware and MFU the estimator's carbon is c_r · FLOPs in region r (operational: energy ∝ FLOPs
    times the region's PUE and grid intensity; embodied: amortised per accelerator-hour ∝ FLOPs). So
    min over (N, D_tr, r) of c_r · (6·N·D_tr + 2·N·D_inf) subject to L(N, D_tr) = ℓ separates: the
    allocation is Sardana et al.'s inference-optimal one
    (:func:`fmfootprint.scaling.allocate.inference_optimal`, the Chinchilla-optimal one when D_inf = 0) and
    the region is the one with the smallest c_r.

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
    table = compare_regions(lifetime, candidates, settings)
    winner = table.best
    # Baseline: the compute-optimal model for the same loss (blind to inference), in the chosen region.
    base_code = get_region(baseline_region).code if baseline_region else winner.region
    baseline = estimate_at(float(best.chinchilla_lifetime_flops), {**settings, "region": base_code})
    training = estimate_at(train, {**settings, "region": winner.region})
    return CarbonOptimal(
        region=winner.region,
        params=float(best.params),
        tokens=float(best.tokens),
        loss=float(best.loss),
        train_flops=train,
        lifetime_flops=lifetime,
        inference_tokens=served,
        co2e_kg=winner.co2e_kg,
        train_co2e_kg=training.co2e_kg,
        baseline_co2e_kg=baseline.co2e_kg,
        baseline_region=base_code,
        chinchilla_params=float(best.chinchilla_params),
        chinchilla_lifetime_flops=float(best.chinchilla_lifetime_flops),
        regions=table,
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
