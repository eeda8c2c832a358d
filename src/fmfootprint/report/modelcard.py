"""Model-card reports: the Hub's ``co2_eq_emissions`` metadata and an "Environmental Impact" section.

:func:`model_card` turns an estimate, tracked runs, a lifecycle or a ledger into a :class:`ModelCardReport`;
:func:`update_card` writes it into an existing ``README.md``, changing nothing else. The metadata follows
the Hugging Face Hub's schema (``docs/hub/model-cards-co2.md``): ``emissions`` is a plain number of
**grams** CO2eq, because the Hub's ``list_models(emissions_thresholds=...)`` takes the first number in the
field and compares it in grams (``huggingface_hub.utils.endpoint_helpers._is_emission_within_threshold``).

The figures come from :mod:`fmfootprint.report.sources` (each source becomes per-stage
:class:`~fmfootprint.footprint.stages.StageFootprint` records) and the Markdown from
:mod:`fmfootprint.report.render`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmfootprint import __version__
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stages import TRAINING_STAGES, TRAINING_TYPES, StageFootprint, sum_stages
from fmfootprint.report import cardtext
from fmfootprint.report.ledger import Ledger, load_ledger
from fmfootprint.report.rating import CardRatings, card_ratings, training_flops
from fmfootprint.report.render import (
    by_stage,
    hardware_text,
    parts_text,
    region_details,
    region_text,
    render_section,
)
from fmfootprint.report.sources import is_ledger_path, stage_footprints, staged_with_runs
from fmfootprint.units import G_PER_KG

__all__ = [
    "SECTION_TITLE",
    "TRAINING_TYPES",
    "ModelCardReport",
    "model_card",
    "stage_footprints",
    "update_card",
]

SECTION_TITLE = "Environmental Impact"
METADATA_KEY = "co2_eq_emissions"

# Sections that follow "Environmental Impact" in the Hub's model-card template, in order: an inserted
# section goes before the first of these that the card has.
_FOLLOWING_SECTIONS = (
    "Technical Specifications",
    "Citation",
    "Glossary",
    "More Information",
    "Model Card Authors",
    "Model Card Contact",
)


def _emissions_value(grams: float) -> float | int:
    """The plain number written to ``emissions``: whole grams from 100 g up, else 4 decimals.

    Python writes very small floats in exponent form (``1e-05``), which the Hub's filter would read as
    ``1``; four decimals keep ``str()`` in plain digits.
    """
    return round(grams) if grams >= 100 else round(grams, 4)


@dataclass(frozen=True)
class ModelCardReport:
    """A model card's environmental report.

    Attributes
    ----------
    metadata : dict
        The ``co2_eq_emissions`` mapping for the card's YAML front matter; ``emissions`` in grams CO2eq.
    markdown : str
        The body of the "Environmental Impact" section (without its heading).
    stages : tuple of StageFootprint
        The reported stages, in :data:`~fmfootprint.footprint.stages.STAGES` order.
    total : StageFootprint
        Their sum.
    training_type, location, hardware, cloud_provider, compute_region : str or None
        What the card states.
    """

    metadata: dict[str, Any]
    markdown: str
    stages: tuple[StageFootprint, ...]
    total: StageFootprint
    training_type: str
    location: str | None
    hardware: str | None
    cloud_provider: str | None
    compute_region: str | None
    not_measured: tuple[str, ...] = ()
    ratings: CardRatings | None = None

    @property
    def emissions_g(self) -> float:
        """``co2_eq_emissions.emissions`` [gCO2e]: operational carbon of the training stages."""
        return float(self.metadata["emissions"])

    @property
    def card(self) -> str:
        """A minimal model card: front matter with ``co2_eq_emissions`` and the section with its heading."""
        return update_card("", self)

    def to_dict(self) -> dict[str, Any]:
        """The same content as the card, as JSON-ready data (what ``fmfootprint card --json`` prints)."""
        return {
            METADATA_KEY: dict(self.metadata),
            "training_type": self.training_type,
            "location": self.location,
            "hardware": self.hardware,
            "cloud_provider": self.cloud_provider,
            "compute_region": self.compute_region,
            "not_measured": list(self.not_measured),
            "method": self.total.method,
            "energy_rating": self.ratings.to_dict() if self.ratings is not None else {},
            "stages": {s.stage: s.to_dict() for s in self.stages},
            "total": self.total.to_dict(),
            "markdown": self.markdown,
        }


def model_card(
    source: Any,
    *,
    training_type: str | None = None,
    location: str | None = None,
    hardware: str | None = None,
    cloud_provider: str | None = None,
    stage: str | None = None,
    compute_region: str | None = None,
    allow_partial: bool = False,
    inference: Any = None,
) -> ModelCardReport:
    """Build a model card's environmental report from an estimate, tracked runs, a lifecycle or a ledger.

    Parameters
    ----------
    source : Estimate, RunSummary, Lifecycle, path, sequence or mapping
        Where the figures come from: an :class:`~fmfootprint.footprint.estimate.Estimate`; a
        :class:`~fmfootprint.measure.log.RunSummary`; a lifecycle; a run directory or a ledger file
        (``.yaml``, see :mod:`fmfootprint.report.ledger`); a list of these; or ``{stage: source(s)}``.
    training_type : {"pre-training", "fine-tuning"}, optional
        The Hub's ``training_type``. Default: a ledger's ``card.training_type``, else ``"pre-training"``.
    location : str, optional
        ``geographical_location``, as granular as possible (e.g. ``"Orsay, France"``). Default: the name of
        the region the figures used.
    hardware : str, optional
        ``hardware_used`` (e.g. ``"384 A100 80GB GPUs"``). Default: derived from the final stage.
    cloud_provider : str, optional
        The template's "Cloud Provider". Default: derived from a cloud region code.
    stage : str, optional
        Stage for sources that do not carry one (an estimate goes to ``"final"`` by default).
    compute_region : str, optional
        The template's "Compute Region" (e.g. ``"us-east-1"``). Default: the training stages' regions.
    allow_partial : bool, default False
        Publish runs whose carbon is only partly known (a part not measured: GPU energy without NVML,
        CPU/RAM energy without codecarbon); the card then states what is missing. Without it such runs
        are refused.
    inference : InferenceResult, optional
        The per-query estimate (:func:`fmfootprint.serving.query.inference`) behind the card's inference
        stage: its energy per 1,000 queries is rated. Without it an inference stage is "not rated".

    Returns
    -------
    ModelCardReport
        ``.metadata`` (``co2_eq_emissions``, emissions in grams), ``.markdown``, ``.stages``, ``.total``.

    Notes
    -----
    ``emissions`` = 1000 · Σ operational CO2e [kg] over the training stages (experiments, final,
    evaluation): what the Hub's schema calls training emissions. Embodied carbon and projected inference
    are reported in the Markdown section and the JSON, not in ``emissions``. The energy-rating bullets
    (docs/rating.md) rate the training stages' facility energy per 10^21 FLOP when every training stage's
    compute is known (estimates from FLOPs), and ``inference``'s Wh per 1,000 queries; otherwise they say
    "not rated" and why (:mod:`fmfootprint.report.rating`).

    References
    ----------
    Hugging Face Hub documentation, "Carbon Emissions" (docs/hub/model-cards-co2.md).
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), Table 1 and §4–6.
    """
    if isinstance(source, (str, os.PathLike)) and is_ledger_path(Path(source)):
        source = load_ledger(source)
    if isinstance(source, Ledger):
        # The ledger's `card:` block fills what the caller left out.
        training_type = training_type or source.card.get("training_type", "pre-training")
        location = location or source.card.get("location")
        hardware = hardware or source.card.get("hardware")
        cloud_provider = cloud_provider or source.card.get("cloud_provider")
    training_type = training_type or "pre-training"
    if training_type not in TRAINING_TYPES:
        raise UnknownNameError("training type", str(training_type), TRAINING_TYPES)
    stages, runs = staged_with_runs(source, stage=stage)
    not_measured = tuple(dict.fromkeys(u for run in runs for u in run.unmeasured))
    if not_measured and not allow_partial:
        raise FootprintInputError(
            f"the carbon of these runs is only partly known: not measured: {'; '.join(not_measured)}; "
            "use --allow-partial to publish it with what is missing stated"
        )
    training_stages = [s for s in stages if s.stage in TRAINING_STAGES]
    if not training_stages:
        raise FootprintInputError(
            "no training stage (experiments, final or evaluation) to report: co2_eq_emissions is about "
            "training; give the final run too"
        )
    total = sum_stages("total", stages)
    training = sum_stages("training", training_stages)
    ratings = card_ratings(stages, training, training_flops(source, stage), inference)
    emissions_g = training.co2e_operational_kg * G_PER_KG
    compute_region = (
        compute_region.strip()
        if compute_region and compute_region.strip()
        else by_stage(training_stages, region_text)
    )
    names = list(dict.fromkeys(n for s in training_stages if (n := region_details(s.region)[0])))
    providers = {p for s in training_stages if (p := region_details(s.region)[1])}
    region_name = "; ".join(names) or None
    derived_provider = providers.pop() if len(providers) == 1 else None
    location = location.strip() if location and location.strip() else region_name
    hardware = hardware.strip() if hardware and hardware.strip() else hardware_text(stages)
    cloud_provider = cloud_provider or derived_provider
    metadata: dict[str, Any] = {
        "emissions": _emissions_value(emissions_g),
        "source": f"fmfootprint {__version__} ({training.method}{', partial' if not_measured else ''})",
        "training_type": training_type,
    }
    if location:
        metadata["geographical_location"] = location
    if hardware:
        metadata["hardware_used"] = hardware
    markdown = render_section(
        stages,
        total,
        training,
        emissions_g=emissions_g,
        hardware=hardware,
        cloud_provider=cloud_provider,
        compute_region=compute_region,
        parts=_parts(runs),
        not_measured=not_measured,
        ratings=ratings.lines(),
    )
    return ModelCardReport(
        metadata=metadata,
        markdown=markdown,
        stages=stages,
        total=total,
        training_type=training_type,
        location=location,
        hardware=hardware,
        cloud_provider=cloud_provider,
        compute_region=compute_region,
        not_measured=not_measured,
        ratings=ratings,
    )


def _parts(runs: tuple[Any, ...]) -> str | None:
    """How the measured runs' GPU, CPU and RAM energy were obtained, for the card's method line.

    Runs a cluster measured as whole nodes (:mod:`fmfootprint.fleet`: IT energy known, no part) are said
    apart from tracked runs, whose parts are named one by one.
    """
    from fmfootprint.measure.combine import combine
    from fmfootprint.measure.hostmethods import method_text

    def whole_node(run: Any) -> bool:
        parts = (run.gpu_energy_kwh, run.cpu_energy_kwh, run.ram_energy_kwh)
        return all(p is None for p in parts) and run.energy_it_kwh is not None and not run.unmeasured

    nodes = [r for r in runs if whole_node(r)]
    tracked = [r for r in runs if not whole_node(r)]
    texts = []
    if tracked:
        run = combine(tracked)
        info = run.hosts[0] if len(run.hosts) == 1 else {}

        def host(part: str) -> str:
            if getattr(run, f"{part}_energy_kwh") is None:
                return "not measured (codecarbon gave no reading)"
            return method_text(
                getattr(run, f"{part}_energy_method"), getattr(run, f"{part}_energy_range_kwh"), info
            )

        texts.append(
            parts_text(run.gpu_energy_kwh, run.gpu_energy_method, run.n_gpus, host("cpu"), host("ram"))
        )
    if nodes:
        methods = ", ".join(sorted({str(r.gpu_energy_method) for r in nodes}))
        texts.append(f"whole-node energy measured by the cluster ({methods}), not split into parts")
    return "; ".join(texts) or None


def update_card(readme_text: str, report: ModelCardReport) -> str:
    """Write ``report`` into a model card's text: the ``co2_eq_emissions`` key and the section.

    Every other front-matter key (with its formatting and comments) and all other text stay
    byte-identical; an existing "Environmental Impact" section (e.g. the template's placeholders) is
    replaced under its own heading, an absent one is inserted where the Hub template puts it (before
    "Technical Specifications", "Citation", …) or at the end. Updating twice gives the same text.

    Parameters
    ----------
    readme_text : str
        The card (``README.md``) as text; may be empty.
    report : ModelCardReport
        From :func:`model_card`.
    """
    text = cardtext.replace_metadata_key(readme_text, METADATA_KEY, report.metadata)
    return cardtext.replace_section(
        text, SECTION_TITLE, report.markdown, level=2, insert_before=_FOLLOWING_SECTIONS
    )
