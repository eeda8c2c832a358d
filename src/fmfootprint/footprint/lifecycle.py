"""The footprint of a model's life: experiments and ablations, final training, evaluation, inference.

Each stage is built from estimates (:func:`fmfootprint.footprint.estimate.estimate`) and/or measured run
summaries (the tracker's :class:`~fmfootprint.measure.summary.RunSummary`, or a mapping read by
:meth:`~fmfootprint.footprint.stages.StageFootprint.from_dict`), each turned into a
:class:`~fmfootprint.footprint.stages.StageFootprint` and added up by
:func:`~fmfootprint.footprint.stages.sum_stages`; energy and carbon are always given separately, and
operational and embodied carbon too.

- Experiments and ablations: explicit runs, or a multiple of the final run (Strubell et al. 2019, §4 case
  study: developing one model took thousands of training runs, far more than the final one).
- Inference deployment: queries per day × days through the per-query serving model
  (:func:`inference_stage`, :func:`fmfootprint.serving.query.inference`: memory-bound decode, batch,
  precision, host and PUE), or tokens served × 2·N FLOPs at a serving model FLOP utilisation through the
  training estimator (:func:`inference_estimate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from fmfootprint import _validate
from fmfootprint.errors import FootprintInputError
from fmfootprint.footprint.estimate import Estimate, estimate
from fmfootprint.footprint.stages import STAGES, Staged, StageFootprint, check_stage, sum_stages

__all__ = ["Lifecycle", "inference_estimate", "inference_stage", "lifecycle", "lifecycle_from_runs"]

# Figures repeated at the top level of Lifecycle.to_dict().
_TOTALS = ("energy_it_kwh", "energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l")


@dataclass(frozen=True)
class Lifecycle:
    """Footprint per lifecycle stage and in total (the total equals the sum of the stages).

    Attributes
    ----------
    stages : tuple of StageFootprint
        The stages present, in :data:`~fmfootprint.footprint.stages.STAGES` order.
    total : StageFootprint
        Their sum (``stage="total"``, :func:`~fmfootprint.footprint.stages.sum_stages`).
    """

    stages: tuple[StageFootprint, ...]
    total: StageFootprint

    def __getitem__(self, stage: str) -> StageFootprint:
        for item in self.stages:
            if item.stage == stage:
                return item
        raise KeyError(stage)

    @property
    def energy_kwh(self) -> float:
        """Total facility energy [kWh]."""
        return self.total.energy_kwh

    @property
    def co2e_kg(self) -> float:
        """Total emissions, operational plus embodied [kgCO2e]."""
        return self.total.co2e_kg

    @property
    def water_l(self) -> float | None:
        """Total water [L]; None when no stage counts it."""
        return self.total.water_l

    def to_dict(self) -> dict[str, Any]:
        """``{"stages": [stage figures, ...], "total": {...}}`` plus the totals at the top level."""
        total = self.total.to_dict()
        return {
            **{key: total[key] for key in (*_TOTALS, "gpu_hours")},
            "stages": [stage.to_dict() for stage in self.stages],
            "total": total,
        }


def _as_stage(source: Any, stage: str | None) -> StageFootprint:
    """One source as a stage footprint: ``stage`` when given, else the stage the source carries."""
    if isinstance(source, StageFootprint):
        return source if stage is None or source.stage == stage else replace(source, stage=stage)
    if isinstance(source, Staged):  # an Estimate, a RunSummary
        return source.to_stage(stage)
    if isinstance(source, Mapping):
        return StageFootprint.from_dict(source, stage)
    to_dict = getattr(source, "to_dict", None)  # another package's run summary
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, Mapping):
            return StageFootprint.from_dict(data, stage)
    raise FootprintInputError(
        f"a lifecycle stage takes Estimates or run summaries, got {type(source).__name__}"
    )


def _as_list(sources: Any) -> list[Any]:
    if sources is None:
        return []
    if isinstance(sources, (Staged, StageFootprint, Mapping)) or callable(getattr(sources, "to_dict", None)):
        return [sources]
    if isinstance(sources, Iterable) and not isinstance(sources, (str, bytes)):
        return list(sources)
    raise FootprintInputError(
        f"a lifecycle stage takes Estimates or run summaries, got {type(sources).__name__}"
    )


def lifecycle(
    *,
    final: Any = None,
    experiments: Any = None,
    experiments_multiple: float | None = None,
    evaluation: Any = None,
    inference: Any = None,
) -> Lifecycle:
    """Footprint of every lifecycle stage and their total.

    Parameters
    ----------
    final : Estimate, run summary or a list of them, optional
        The final training run(s).
    experiments : Estimate, run summary or a list of them, optional
        Experiments and ablations, given explicitly.
    experiments_multiple : float, optional
        Experiments and ablations as a multiple of the final run [-], ≥ 0 (instead of ``experiments``).
    evaluation : Estimate, run summary or a list of them, optional
        Evaluation runs.
    inference : Estimate, run summary, StageFootprint or a list of them, optional
        Inference deployment (see :func:`inference_stage`, or :func:`inference_estimate`).

    Returns
    -------
    Lifecycle
        The stages given, in :data:`STAGES` order, and their total (energy and carbon separately).

    Notes
    -----
    An Estimate becomes a stage through :meth:`~fmfootprint.footprint.estimate.Estimate.to_stage`, a
    :class:`~fmfootprint.measure.summary.RunSummary` through its ``to_stage``, and a mapping (or an object
    with ``to_dict()``) through :meth:`~fmfootprint.footprint.stages.StageFootprint.from_dict` (at least
    ``energy_kwh`` and ``co2e_kg``). Stages and the total are
    :func:`~fmfootprint.footprint.stages.sum_stages`: ranges of a sum are the sums of the bounds.

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253) (training, intermediate experiments and deployment reported separately).
    Strubell, E., Ganesh, A. & McCallum, A. (2019). Energy and Policy Considerations for Deep Learning in
    NLP. ACL 2019, §4.
    """
    if experiments is not None and experiments_multiple is not None:
        raise FootprintInputError("give experiments or experiments_multiple, not both")
    given = {
        "experiments": [_as_stage(s, "experiments") for s in _as_list(experiments)],
        "final": [_as_stage(s, "final") for s in _as_list(final)],
        "evaluation": [_as_stage(s, "evaluation") for s in _as_list(evaluation)],
        "inference": [_as_stage(s, "inference") for s in _as_list(inference)],
    }
    stages = {name: sum_stages(name, parts) for name, parts in given.items() if parts}
    if experiments_multiple is not None:
        multiple = _validate.non_negative("experiments_multiple", experiments_multiple)
        if "final" not in stages:
            raise FootprintInputError("experiments_multiple needs the final run (final=...)")
        stages["experiments"] = stages["final"].scaled(
            multiple, stage="experiments", method=f"{multiple:g} x final"
        )
    if not stages:
        raise FootprintInputError(
            "a lifecycle needs at least one stage (final, experiments, evaluation, inference)"
        )
    ordered = tuple(stages[name] for name in STAGES if name in stages)
    total = sum_stages("total", ordered)
    return Lifecycle(stages=ordered, total=total)


def lifecycle_from_runs(runs: Iterable[Any], *, experiments_multiple: float | None = None) -> Lifecycle:
    """A lifecycle from run summaries and estimates, each placed by its ``stage`` (default ``"final"``).

    Parameters
    ----------
    runs : iterable of Estimate, RunSummary, StageFootprint or mapping
        Each item's own stage (``stage`` attribute or key) picks its stage; Estimates go to ``"final"``.
    experiments_multiple : float, optional
        Experiments as a multiple of the final run, when no run is marked ``experiments``.

    Returns
    -------
    Lifecycle
    """
    by_stage: dict[str, list[Any]] = {name: [] for name in STAGES}
    items = _as_list(runs)
    if not items:
        raise FootprintInputError("no runs given")
    for item in items:
        record = _as_stage(item, None)  # a run's own stage; an estimate's is "final"
        by_stage[check_stage(record.stage)].append(record)
    if experiments_multiple is not None and by_stage["experiments"]:
        raise FootprintInputError(
            "runs are marked 'experiments'; experiments_multiple would count them twice"
        )
    return lifecycle(
        final=by_stage["final"] or None,
        experiments=by_stage["experiments"] or None,
        experiments_multiple=experiments_multiple,
        evaluation=by_stage["evaluation"] or None,
        inference=by_stage["inference"] or None,
    )


def inference_estimate(*, params: float, tokens_served: float, mfu: float, **hardware: Any) -> Estimate:
    """Footprint of serving ``tokens_served`` tokens with a model of ``params`` parameters.

    Parameters
    ----------
    params : float
        Model size N [parameters], > 0.
    tokens_served : float
        Tokens processed in deployment (prompt and generated) [tokens], > 0.
    mfu : float
        Serving efficiency: achieved model FLOP/s over peak FLOP/s [-], in (0, 1]. Serving is usually far
        less efficient than training (memory-bound decoding); there is no default.
    **hardware
        Any other keyword of :func:`fmfootprint.footprint.estimate.estimate` (``gpu``, ``gpus``,
        ``power_w``, ``region``, ``pue``, …).

    Returns
    -------
    Estimate

    Notes
    -----
    C_inference = 2·N·tokens (Kaplan et al. 2020, Table 1), then T = C / (n · peak · MFU) as for training.

    References
    ----------
    Kaplan, J. et al. (2020). Scaling Laws for Neural Language Models. arXiv:2001.08361, Table 1.
    """
    from fmfootprint.scaling.flops import inference_flops

    for key in ("flops", "hours", "gpu_hours", "energy_kwh"):
        if key in hardware:
            raise FootprintInputError(f"inference_estimate computes the FLOPs itself; do not pass {key}")
    compute = float(inference_flops(params, tokens_served))
    return estimate(flops=compute, mfu=mfu, **hardware)


def inference_stage(*, params: float, queries_per_day: float, days: float, **query: Any) -> StageFootprint:
    """Footprint of serving ``queries_per_day`` queries for ``days`` days, from the per-query model.

    Parameters
    ----------
    params : float
        Total parameters of the served model [-], > 0.
    queries_per_day : float
        Queries served per day [1/day], > 0.
    days : float
        Days of deployment [day], > 0.
    **query
        The keywords of :func:`fmfootprint.serving.query.inference` (``gpu``, ``input_tokens``,
        ``output_tokens``, ``batch``, ``precision``, ``active_params``, ``region``, …).

    Returns
    -------
    StageFootprint
        The ``inference`` stage: per-query energy, carbon and water (and their ranges) × queries.

    Notes
    -----
    Queries = queries per day × days; each query's figures come from the roofline serving model
    (prefill compute-bound, decode memory-bound and shared by the batch; Pope et al. 2023, §2–3),
    calibrated on measured energy per token (docs/methodology.md).

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §4 (deployment as a stage of its own).
    """
    from fmfootprint.serving.query import inference

    per_day = _validate.positive("queries_per_day", queries_per_day)
    span = _validate.positive("days", days)
    return inference(params, **query).to_stage(per_day * span)
