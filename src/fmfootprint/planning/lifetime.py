"""The lifetime-aware headline: for a budget's loss and the tokens the model will serve, which model to train.

The training-only optimum of a budget (:func:`~fmfootprint.planning.plan` with a budget) and the
lifetime-optimal model that reaches the same loss with the least training + serving compute (the same
:func:`~fmfootprint.planning.plan` with ``target_loss`` and ``inference_tokens``, Sardana et al. 2024),
side by side, with what the difference saves. The app's headline and its caption come from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fmfootprint import _validate
from fmfootprint.planning.plan import LawLike, Plan, plan

__all__ = ["LifetimeChoice", "lifetime_choice"]


@dataclass(frozen=True)
class LifetimeChoice:
    """The training-only optimum and the lifetime optimum for the same loss.

    Attributes
    ----------
    training : Plan
        The budget's compute-optimal plan (blind to serving).
    lifetime : Plan or None
        The model reaching ``training.loss`` with the least training + inference compute (mode
        "inference"), with its own training footprint; None when no inference tokens were given.
    inference_tokens : float
        Lifetime inference tokens [tokens], ≥ 0.
    """

    training: Plan
    lifetime: Plan | None
    inference_tokens: float

    @property
    def headline(self) -> Plan:
        """The plan to show first: the lifetime optimum when the model will serve tokens, else the
        training-only optimum."""
        return self.lifetime if self.lifetime is not None else self.training

    @property
    def training_lifetime_flops(self) -> float:
        """Lifetime compute of the training-only optimum: 6·N·D + 2·N·D_inf [FLOP] (Kaplan et al. 2020,
        Table 1)."""
        return self.training.compute_flops + 2.0 * self.training.params * self.inference_tokens

    @property
    def flops_saved(self) -> float:
        """Lifetime compute the lifetime optimum saves over the training-only optimum [FLOP] (0 without
        inference tokens)."""
        if self.lifetime is None or self.lifetime.lifetime_flops is None:
            return 0.0
        return max(self.training_lifetime_flops - self.lifetime.lifetime_flops, 0.0)

    @property
    def saving_fraction(self) -> float:
        """``flops_saved`` over the training-only optimum's lifetime compute [-]."""
        return self.flops_saved / self.training_lifetime_flops

    @property
    def extra_training_fraction(self) -> float:
        """How much more training compute the lifetime optimum needs than the budget [-] (0 without
        inference tokens)."""
        if self.lifetime is None:
            return 0.0
        return self.lifetime.compute_flops / self.training.compute_flops - 1.0

    def text(self) -> str:
        """One sentence comparing the two (never "-0 %"; no lifetime wording without inference tokens)."""
        from fmfootprint.units import format_count, format_number

        if self.lifetime is None:
            return "Training-only optimum for this budget (no inference tokens entered)."
        life, train = self.lifetime, self.training
        served = format_count(self.inference_tokens)
        if round(self.saving_fraction * 100.0) == 0:
            return (
                f"Lifetime optimum for {served} inference tokens: practically the training-only optimum "
                f"({format_count(train.params)} parameters on {format_count(train.tokens)} tokens); serving "
                "that few tokens saves less than 1 % of lifetime compute."
            )
        return (
            f"Lifetime optimum for {served} inference tokens: {format_count(life.params)} parameters on "
            f"{format_count(life.tokens)} tokens, vs {format_count(train.params)} on "
            f"{format_count(train.tokens)} for training alone. It needs "
            f"{self.extra_training_fraction * 100.0:.0f} % more training compute than the budget "
            f"({format_number(life.compute_flops)} FLOP) and saves {format_number(self.flops_saved)} FLOP "
            f"({self.saving_fraction * 100.0:.0f} %) over the model's life (Sardana et al. 2024)."
        )

    def to_dict(self) -> dict[str, Any]:
        """training, lifetime (plans' :meth:`~Plan.to_dict`, lifetime None when absent), inference_tokens,
        flops_saved, saving_fraction, extra_training_fraction."""
        return {
            "training": self.training.to_dict(),
            "lifetime": self.lifetime.to_dict() if self.lifetime is not None else None,
            "inference_tokens": self.inference_tokens,
            "flops_saved": self.flops_saved,
            "saving_fraction": self.saving_fraction,
            "extra_training_fraction": self.extra_training_fraction,
        }


def lifetime_choice(
    training: Plan,
    inference_tokens: float,
    law: LawLike,
    hardware: Mapping[str, Any] | None = None,
) -> LifetimeChoice:
    """The lifetime-optimal model for a plan's loss beside the plan itself.

    Parameters
    ----------
    training : Plan
        A budget's plan (its ``loss`` is the loss both reach).
    inference_tokens : float
        Lifetime inference tokens [tokens], ≥ 0; 0 gives no lifetime plan.
    law : str, Path, ChinchillaLaw or mapping
        The law ``training`` was planned with.
    hardware : mapping, optional
        Hardware for the lifetime plan's footprint (as for :func:`~fmfootprint.planning.plan`).

    Returns
    -------
    LifetimeChoice

    Raises
    ------
    FootprintInputError
        A negative or non-finite token count, or what :func:`~fmfootprint.planning.plan` rejects.

    References
    ----------
    Sardana, N. et al. (2024). Beyond Chinchilla-Optimal. arXiv:2401.00448, eq. 2.
    """
    served = _validate.non_negative("inference_tokens", inference_tokens)
    if served == 0:
        return LifetimeChoice(training=training, lifetime=None, inference_tokens=0.0)
    lifetime = plan(target_loss=training.loss, inference_tokens=served, law=law, hardware=hardware)
    return LifetimeChoice(training=training, lifetime=lifetime, inference_tokens=served)
