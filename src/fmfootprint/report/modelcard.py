"""Model-card reports: the Hub's ``co2_eq_emissions`` metadata and an "Environmental Impact" section.

:func:`model_card` turns an estimate, tracked runs, a lifecycle or a ledger into a :class:`ModelCardReport`;
:func:`update_card` writes it into an existing ``README.md``, changing nothing else. The metadata follows
the Hugging Face Hub's schema (``docs/hub/model-cards-co2.md``): ``emissions`` is a plain number of
**grams** CO2eq, because the Hub's ``list_models(emissions_thresholds=...)`` takes the first number in the
field and compares it in grams (``huggingface_hub.utils.endpoint_helpers._is_emission_within_threshold``).
The Markdown keeps the bullets of the Hub's model-card template (``modelcard_template.md``, "Environmental
Impact") and adds energy, water, embodied carbon, PUE, grid intensity, method, uncertainty and a table of
lifecycle stages, with energy and carbon always reported separately (Luccioni, Viguier & Ligozat 2023,
§6; Lacoste et al. 2019).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fmfootprint import __version__
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stages import check_stage
from fmfootprint.report import cardtext
from fmfootprint.report.figures import (
    RANGE_KEYS,
    STAGES,
    TRAINING_STAGES,
    StageFootprint,
    combine,
    kg_to_g,
    stage_totals,
)
from fmfootprint.report.ledger import Ledger, load_ledger

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
TRAINING_TYPES: tuple[str, ...] = ("pre-training", "fine-tuning")
MISSING = "[More Information Needed]"  # the Hub template's placeholder

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
# Keys that mark a mapping as figures (an estimate's or a run's to_dict()) rather than {stage: sources}.
_FIGURE_KEYS = frozenset({"stages", "duration_s", "energy_kwh", "co2e_kg", "co2e_operational_kg"})
_PROVIDERS = {"aws": "Amazon Web Services", "gcp": "Google Cloud", "azure": "Microsoft Azure"}


# --------------------------------------------------------------------------------------------------
# Sources → stage records
# --------------------------------------------------------------------------------------------------


def _as_mapping(source: Any) -> Mapping[str, Any] | None:
    if isinstance(source, Mapping):
        return source
    to_dict = getattr(source, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, Mapping):
            return data
    return None


def _assumption(data: Mapping[str, Any], *names: str) -> Mapping[str, Any] | None:
    """The first entry of an estimate's ``assumptions`` list named one of ``names``."""
    for entry in data.get("assumptions") or ():
        if isinstance(entry, Mapping) and entry.get("name") in names:
            return entry
    return None


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _ranges(data: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    ranges = data.get("ranges") or {}
    return {
        key: (float(bounds[0]), float(bounds[1]))
        for key, bounds in ranges.items()
        if key in RANGE_KEYS and bounds is not None
    }


def _from_estimate(data: Mapping[str, Any], stage: str) -> StageFootprint:
    intensity = _assumption(data, "intensity_g_per_kwh", "grid_intensity_g_per_kwh")
    return StageFootprint(
        stage=stage,
        method=str(data.get("method") or "estimated"),
        energy_kwh=float(data["energy_kwh"]),
        co2e_operational_kg=float(data["co2e_operational_kg"]),
        co2e_embodied_kg=_optional_float(data.get("co2e_embodied_kg")),
        water_l=_optional_float(data.get("water_l")),
        gpu_hours=_optional_float(data.get("gpu_hours")),
        hours=_optional_float(data.get("hours")),
        energy_it_kwh=_optional_float(data.get("energy_it_kwh")),
        pue=_optional_float(data.get("pue")),
        grid_intensity_g_per_kwh=_optional_float(data.get("grid_intensity_g_per_kwh")),
        grid_intensity_source=(str(intensity["source"]) if intensity and intensity.get("source") else None),
        region=data.get("region"),
        gpu=data.get("gpu"),
        gpus=int(data["gpus"]) if data.get("gpus") else None,
        ranges=_ranges(data),
    )


def _from_run_summary(data: Mapping[str, Any], stage: str | None) -> StageFootprint:
    duration_s = data.get("duration_s")
    names = {g.get("name") for g in data.get("gpus") or () if isinstance(g, Mapping) and g.get("name")}
    sources = data.get("sources") or {}
    return StageFootprint(
        stage=check_stage(stage or data.get("stage") or "final"),
        method=str(data.get("method") or "measured"),
        energy_kwh=float(data["energy_kwh"]),
        co2e_operational_kg=float(data["co2e_kg"]),  # a tracker's carbon is operational only
        co2e_embodied_kg=None,  # a tracker measures electricity, not manufacturing
        water_l=_optional_float(data.get("water_l")),
        gpu_hours=_optional_float(data.get("gpu_hours")),
        hours=None if duration_s is None else float(duration_s) / 3600.0,
        energy_it_kwh=_optional_float(data.get("energy_it_kwh")),
        pue=_optional_float(data.get("pue")),
        grid_intensity_g_per_kwh=_optional_float(data.get("grid_intensity_g_per_kwh")),
        grid_intensity_source=sources.get("grid_intensity_g_per_kwh"),
        region=data.get("region"),
        gpu=names.pop() if len(names) == 1 else None,
        gpus=int(data["n_gpus"]) if data.get("n_gpus") else None,
        ranges={},
    )


def _from_lifecycle(data: Mapping[str, Any]) -> list[StageFootprint]:
    records = []
    stages = data["stages"]
    items = stages.items() if isinstance(stages, Mapping) else ((s.get("stage"), s) for s in stages)
    for name, figures in items:
        if figures is None:
            continue
        records.append(_from_estimate(figures, check_stage(name)))
    return records


def _is_ledger_path(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and not path.is_dir()


def _run_dirs(dirs: Sequence[Path], stage: str | None) -> list[StageFootprint]:
    """Tracked run directories, merged per stage by the tracker's own merge (each session counted once).

    Each directory goes to ``stage`` when given, else to the stage its runs recorded.
    """
    from fmfootprint.measure.log import load_run
    from fmfootprint.measure.merge import merge_runs

    groups: dict[str, list[Path]] = {}
    for path in dirs:
        recorded = stage or str(load_run(path).stage)
        if recorded not in STAGES:
            raise FootprintInputError(
                f"run directory {str(path)!r} holds runs of several stages ({recorded}); "
                "list them by stage in a ledger (--ledger)"
            )
        groups.setdefault(recorded, []).append(path)
    return [_from_run_summary(merge_runs(paths).to_dict(), name) for name, paths in groups.items()]


def _records(source: Any, stage: str | None) -> list[StageFootprint]:
    """Stage records from one source of figures (recursively for lists and stage mappings)."""
    if isinstance(source, StageFootprint):
        return [source]
    if isinstance(source, Ledger):
        return _records(source.stages, stage)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if _is_ledger_path(path):
            return _records(load_ledger(path), stage)
        return _run_dirs([path], stage)
    if isinstance(source, Mapping) and source and not _FIGURE_KEYS.intersection(source):
        records = []
        for name, item in source.items():
            records.extend(_records(item, check_stage(name)))
        return records
    data = _as_mapping(source)
    if data is not None:
        if "stages" in data:
            return _from_lifecycle(data)
        if "duration_s" in data:
            return [_from_run_summary(data, stage)]
        if "co2e_operational_kg" in data and "energy_kwh" in data:
            return [_from_estimate(data, stage or "final")]
        raise FootprintInputError(
            f"cannot read figures from {type(source).__name__} with keys {sorted(data)[:6]}; "
            "pass an Estimate, a RunSummary, a Lifecycle, run directories or a ledger file"
        )
    if isinstance(source, Sequence) and not isinstance(source, (bytes, bytearray)):
        if not source:
            raise FootprintInputError("no source of figures: the list of runs or estimates is empty")
        dirs = [Path(i) for i in source if isinstance(i, (str, os.PathLike)) and not _is_ledger_path(Path(i))]
        records = _run_dirs(dirs, stage) if dirs else []
        for item in source:
            if not (isinstance(item, (str, os.PathLike)) and not _is_ledger_path(Path(item))):
                records.extend(_records(item, stage))
        return records
    raise FootprintInputError(
        f"cannot read figures from {type(source).__name__}; "
        "pass an Estimate, a RunSummary, a Lifecycle, run directories or a ledger file"
    )


def stage_footprints(source: Any, *, stage: str | None = None) -> tuple[StageFootprint, ...]:
    """One :class:`StageFootprint` per lifecycle stage present in ``source``, in :data:`STAGES` order.

    Parameters
    ----------
    source : Estimate, RunSummary, Lifecycle, path, sequence or mapping
        An estimate (its figures go to ``stage``, default ``"final"``); a run summary (its own stage unless
        ``stage`` is given); a lifecycle; a run directory or a ledger file (``.yaml``); a list of any of
        these; or a mapping ``{stage: source or list of sources}``.
    stage : str, optional
        Stage for sources that do not carry one.
    """
    if source is None:
        raise FootprintInputError(
            "no source of figures: give an estimate, run directories (--runs) or a ledger (--ledger)"
        )
    records = _records(source, None if stage is None else check_stage(stage))
    by_stage: dict[str, list[StageFootprint]] = {}
    for record in records:
        by_stage.setdefault(record.stage, []).append(record)
    return tuple(combine(name, by_stage[name]) for name in STAGES if name in by_stage)


# --------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 3) -> str:
    """A readable number: thousands separators from 1,000 up, ``digits`` significant figures below."""
    if value is None:
        return "–"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _mass(kg: float) -> str:
    """``kg`` with the unit that reads best (g, kg or t) [CO2eq]."""
    if kg >= 1000:
        return f"{_number(kg / 1000)} t"
    if kg >= 1:
        return f"{_number(kg)} kg"
    return f"{_number(kg * 1000)} g"


def _uncertainty_text(training: StageFootprint) -> str:
    """The ranges of energy, operational and embodied carbon, where the estimate gives one."""
    ranges = [
        text
        for text in (
            _range_text(training.ranges, "energy_kwh", "kWh", "energy"),
            _range_text(training.ranges, "co2e_operational_kg", "mass", "operational carbon"),
            _range_text(training.ranges, "co2e_embodied_kg", "mass", "embodied carbon"),
        )
        if text
    ]
    if ranges:
        return "; ".join(ranges) + (
            " (bounds over the estimator's uncertain inputs; measured runs count as exact; stages added "
            "bound by bound)"
        )
    if training.ranges:
        return "no range: every uncertain input was given"
    if training.method == "measured":
        return "not quantified (measured values)"
    return "not quantified"


def _range_text(ranges: Mapping[str, tuple[float, float]], key: str, unit: str, label: str) -> str | None:
    if key not in ranges or ranges[key][0] == ranges[key][1]:
        return None
    low, high = ranges[key]
    if unit == "mass":
        return f"{label} {_mass(low)}–{_mass(high)} CO2eq"
    return f"{label} {_number(low)}–{_number(high)} {unit}"


def _emissions_value(grams: float) -> float | int:
    """The plain number written to ``emissions``: whole grams from 100 g up, else 4 decimals.

    Python writes very small floats in exponent form (``1e-05``), which the Hub's filter would read as
    ``1``; four decimals keep ``str()`` in plain digits.
    """
    return round(grams) if grams >= 100 else round(grams, 4)


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


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
        The reported stages, in :data:`~fmfootprint.report.figures.STAGES` order.
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
            "method": self.total.method,
            "stages": {s.stage: s.to_dict() for s in self.stages},
            "total": self.total.to_dict(),
            "markdown": self.markdown,
        }


def _region_details(code: str | None) -> tuple[str | None, str | None]:
    """(name, cloud provider) of a region code, from the grid catalogue where it knows the code."""
    if not code:
        return None, None
    provider = _PROVIDERS.get(code.split(":", 1)[0].lower()) if ":" in code else None
    try:
        from fmfootprint.catalog.grid import get_region

        region = get_region(code)
    except UnknownNameError:  # a combined "FR+US-CA" or a code the catalogue does not know
        return code, provider
    name = region.name or code
    if region.provider:
        provider = _PROVIDERS.get(region.provider, region.provider)
    return name, provider


def _hardware_text(stages: Sequence[StageFootprint]) -> str | None:
    """``"384 A100 SXM4 80GB GPUs"`` from the final stage's (else the common) accelerator and count."""
    final = next((s for s in stages if s.stage == "final"), None)
    chosen = final if final is not None and final.gpu else None
    if chosen is None:
        gpus = {s.gpu for s in stages if s.stage in TRAINING_STAGES}
        chosen = next((s for s in stages if s.gpu), None) if len(gpus) == 1 else None
    if chosen is None or not chosen.gpu:
        return None
    if chosen.gpus:
        return f"{chosen.gpus} {chosen.gpu} GPU{'s' if chosen.gpus != 1 else ''}"
    return f"{chosen.gpu} GPUs"


def _by_stage(
    stages: Sequence[StageFootprint], text_of: Callable[[StageFootprint], str | None]
) -> str | None:
    """One text when all stages agree, else ``"a (experiments, final); b (evaluation)"``."""
    groups: dict[str, list[str]] = {}
    for stage in stages:
        text = text_of(stage)
        if text is not None:
            groups.setdefault(text, []).append(stage.stage)
    if len(groups) <= 1:
        return next(iter(groups), None)
    return "; ".join(f"{text} ({', '.join(names)})" for text, names in groups.items())


_VARIES = "varies between its runs"


def _intensity_text(stage: StageFootprint) -> str | None:
    if stage.grid_intensity_g_per_kwh is None:
        return _VARIES if stage.records > 1 else None
    text = f"{_number(stage.grid_intensity_g_per_kwh)} gCO2eq/kWh, location-based"
    return text + (f" (source: {stage.grid_intensity_source})" if stage.grid_intensity_source else "")


def _pue_text(stage: StageFootprint) -> str | None:
    if stage.pue is None:
        return _VARIES if stage.records > 1 else None
    return f"{stage.pue:.2f}"


def _region_text(stage: StageFootprint) -> str | None:
    if stage.region is None:
        return _VARIES if stage.records > 1 else None
    name, _ = _region_details(stage.region)
    if name and stage.region and name != stage.region:
        return f"{name} ({stage.region})"
    return stage.region


def _method_text(method: str) -> str:
    if method == "measured":
        return (
            "measured (accelerator and host energy metered during the runs, × PUE; "
            "carbon = energy × grid intensity)"
        )
    if method == "estimated":
        return "estimated (accelerator-hours × average power × PUE; carbon = energy × grid intensity)"
    return "measured for some stages, estimated for others (see the table)"


def _table(stages: Sequence[StageFootprint], total: StageFootprint) -> list[str]:
    header = (
        "| Stage | Method | GPU-hours | Energy [kWh] | Carbon, operational [kg CO2eq] "
        "| Carbon, embodied [kg CO2eq] | Carbon, total [kg CO2eq] | Water [L] |"
    )
    rows = [header, "|---|---|--:|--:|--:|--:|--:|--:|"]
    by_name = {s.stage: s for s in stages}
    for name in STAGES:
        s = by_name.get(name)
        if s is None:
            rows.append(f"| {name} | not reported | – | – | – | – | – | – |")
            continue
        rows.append(
            f"| {name} | {s.method} | {_number(s.gpu_hours)} | {_number(s.energy_kwh)} "
            f"| {_number(s.co2e_operational_kg)} | {_number(s.co2e_embodied_kg)} | {_number(s.co2e_kg)} "
            f"| {_number(s.water_l)} |"
        )
    rows.append(
        f"| **total** | {total.method} | {_number(total.gpu_hours)} | {_number(total.energy_kwh)} "
        f"| {_number(total.co2e_operational_kg)} | {_number(total.co2e_embodied_kg)} "
        f"| {_number(total.co2e_kg)} | {_number(total.water_l)} |"
    )
    return rows


def _render(
    stages: Sequence[StageFootprint],
    total: StageFootprint,
    training: StageFootprint,
    *,
    emissions_g: float,
    hardware: str | None,
    cloud_provider: str | None,
    compute_region: str | None,
) -> str:
    training_names = ", ".join(s.stage for s in stages if s.stage in TRAINING_STAGES)
    hours = f"{_number(training.gpu_hours)} GPU-hours (accelerator-hours summed over all GPUs"
    final = next((s for s in stages if s.stage == "final"), None)
    if final is not None and final.hours is not None and final.gpus:
        hours += f"; the final run took {_number(final.hours)} h of wall-clock time on {final.gpus} GPUs"
    hours += f"; stages: {training_names})"
    if training.gpu_hours is None:
        hours = MISSING
    training_stages = [s for s in stages if s.stage in TRAINING_STAGES]
    intensity_text = _by_stage(training_stages, _intensity_text) or "unknown"
    pue_text = _by_stage(training_stages, _pue_text) or "unknown"
    uncertainty = _uncertainty_text(training)
    embodied = (
        f"{_mass(training.co2e_embodied_kg)} CO2eq (manufacturing of the hardware, amortised over its "
        "lifetime; not included in Carbon Emitted)"
        if training.co2e_embodied_kg is not None
        else "not counted"
    )
    water = (
        f"{_number(training.water_l)} L (on-site cooling plus off-site electricity generation)"
        if training.water_l is not None
        else "not counted"
    )
    bullets = [
        f"- **Hardware Type:** {hardware or MISSING}",
        f"- **Hours used:** {hours}",
        f"- **Cloud Provider:** {cloud_provider or MISSING}",
        f"- **Compute Region:** {compute_region or MISSING}",
        f"- **Carbon Emitted:** {_number(emissions_g)} g CO2eq ({_mass(training.co2e_operational_kg)}), "
        f"operational and location-based (training stages: {training_names})",
        f"- **Energy consumed:** {_number(training.energy_kwh)} kWh (facility energy = IT energy × PUE)",
        f"- **Embodied carbon:** {embodied}",
        f"- **Water consumed:** {water}",
        f"- **PUE:** {pue_text}",
        f"- **Grid carbon intensity:** {intensity_text}",
        f"- **Method:** {_method_text(training.method)}",
        f"- **Uncertainty:** {uncertainty}",
    ]
    lines = [
        f"<!-- Written by fmfootprint {__version__} (`fmfootprint card --update README.md` rewrites this "
        "section). co2_eq_emissions in the metadata is in grams of CO2eq. -->",
        "",
        "Energy and carbon are reported separately, for each stage of the model's life (Luccioni, Viguier "
        "& Ligozat 2023, [arXiv:2211.02001](https://arxiv.org/abs/2211.02001)), following the fields of "
        "[Lacoste et al. (2019)](https://arxiv.org/abs/1910.09700). The bullets cover training "
        f"({training_names}); the table lists every stage"
        + (", expected inference included." if any(s.stage == "inference" for s in stages) else "."),
        "",
        *bullets,
        "",
        "**Footprint by stage**",
        "",
        *_table(stages, total),
        "",
        "Carbon, total = operational + embodied. Energy is facility energy (IT energy × PUE). "
        '"–" means not counted.',
    ]
    return "\n".join(lines)


def model_card(
    source: Any,
    *,
    training_type: str | None = None,
    location: str | None = None,
    hardware: str | None = None,
    cloud_provider: str | None = None,
    stage: str | None = None,
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

    Returns
    -------
    ModelCardReport
        ``.metadata`` (``co2_eq_emissions``, emissions in grams), ``.markdown``, ``.stages``, ``.total``.

    Notes
    -----
    ``emissions`` = 1000 · Σ operational CO2e [kg] over the training stages (experiments, final,
    evaluation): what the Hub's schema calls training emissions. Embodied carbon and projected inference
    are reported in the Markdown section and the JSON, not in ``emissions``.

    References
    ----------
    Hugging Face Hub documentation, "Carbon Emissions" (docs/hub/model-cards-co2.md).
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), Table 1 and §4–6.
    """
    if isinstance(source, (str, os.PathLike)) and _is_ledger_path(Path(source)):
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
    stages = stage_footprints(source, stage=stage)
    training_stages = [s for s in stages if s.stage in TRAINING_STAGES]
    if not training_stages:
        raise FootprintInputError(
            "no training stage (experiments, final or evaluation) to report: co2_eq_emissions is about "
            "training; give the final run too"
        )
    total = stage_totals(stages)
    training = stage_totals(training_stages, name="training")
    emissions_g = kg_to_g(training.co2e_operational_kg)
    compute_region = _by_stage(training_stages, _region_text)
    names = list(dict.fromkeys(n for s in training_stages if (n := _region_details(s.region)[0])))
    providers = {p for s in training_stages if (p := _region_details(s.region)[1])}
    region_name = "; ".join(names) or None
    derived_provider = providers.pop() if len(providers) == 1 else None
    location = location.strip() if location and location.strip() else region_name
    hardware = hardware.strip() if hardware and hardware.strip() else _hardware_text(stages)
    cloud_provider = cloud_provider or derived_provider
    metadata: dict[str, Any] = {
        "emissions": _emissions_value(emissions_g),
        "source": f"fmfootprint {__version__} ({training.method})",
        "training_type": training_type,
    }
    if location:
        metadata["geographical_location"] = location
    if hardware:
        metadata["hardware_used"] = hardware
    markdown = _render(
        stages,
        total,
        training,
        emissions_g=emissions_g,
        hardware=hardware,
        cloud_provider=cloud_provider,
        compute_region=compute_region,
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
    )


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
