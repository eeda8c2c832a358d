"""The Markdown of a model card's "Environmental Impact" section, from :class:`StageFootprint` records.

The bullets are those of the Hub's model-card template (``modelcard_template.md``, "Environmental Impact")
plus energy, water, embodied carbon, PUE, grid intensity, method and uncertainty; the table lists every
lifecycle stage with energy and operational, embodied and total carbon in separate columns (Luccioni,
Viguier & Ligozat 2023, §6; Lacoste et al. 2019). Numbers are written by
:func:`fmfootprint.units.format_number` and :func:`fmfootprint.units.format_mass_kg`, as in the CLI and
the app. Nothing is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from fmfootprint import __version__
from fmfootprint.errors import UnknownNameError
from fmfootprint.footprint.stages import STAGES, TRAINING_STAGES, StageFootprint
from fmfootprint.units import format_mass_kg, format_number

__all__ = [
    "MISSING",
    "by_stage",
    "escape_markdown",
    "hardware_text",
    "region_details",
    "region_text",
    "render_section",
]

MISSING = "[More Information Needed]"  # the Hub template's placeholder
_PROVIDERS = {"aws": "Amazon Web Services", "gcp": "Google Cloud", "azure": "Microsoft Azure"}
_VARIES = "varies between its runs"
# Characters that start Markdown (or Streamlit Markdown: $ for LaTeX, :color[…]) constructs inside a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}!#|~$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: object) -> str:
    """``text`` as literal Markdown: one line, HTML characters as entities, Markdown specials backslashed.

    Used for everything in a card that a person typed or a run file said (hardware, cloud provider,
    region, grid-intensity source), so ``![x](http://…)`` stays text and never becomes an image request.
    """
    line = " ".join(str(text).split())
    line = "".join(_HTML.get(char, char) for char in line)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line)


def region_details(code: str | None) -> tuple[str | None, str | None]:
    """(name, cloud provider) of a region code, from the grid catalogue where it knows the code."""
    if not code:
        return None, None
    provider = _PROVIDERS.get(code.split(":", 1)[0].lower()) if ":" in code else None
    from fmfootprint.catalog.grid import get_region

    try:
        region = get_region(code)
    except UnknownNameError:  # a combined "FR+US-CA" or a code the catalogue does not know
        return code, provider
    name = region.name or code
    if region.provider:
        provider = _PROVIDERS.get(region.provider, region.provider)
    return name, provider


def hardware_text(stages: Sequence[StageFootprint]) -> str | None:
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
    return f"{chosen.gpu} GPUs"  # escaped by render_section, with what a person typed


def by_stage(stages: Sequence[StageFootprint], text_of: Callable[[StageFootprint], str | None]) -> str | None:
    """One text when all stages agree, else ``"a (experiments, final); b (evaluation)"``."""
    groups: dict[str, list[str]] = {}
    for stage in stages:
        text = text_of(stage)
        if text is not None:
            groups.setdefault(text, []).append(stage.stage)
    if len(groups) <= 1:
        return next(iter(groups), None)
    return "; ".join(f"{text} ({', '.join(names)})" for text, names in groups.items())


def _intensity_text(stage: StageFootprint) -> str | None:
    if stage.grid_intensity_g_per_kwh is None:
        return _VARIES if stage.records > 1 else None
    from fmfootprint.catalog.basis import intensity_label
    from fmfootprint.catalog.grid import grid_defaults

    source = stage.grid_intensity_source
    basis = f" ({intensity_label(source, grid_defaults().world_intensity_year)})" if source else ""
    text = f"{format_number(stage.grid_intensity_g_per_kwh)} gCO2eq/kWh, location-based{basis}"
    return text + (f" (source: {escape_markdown(source)})" if source else "")


_DEFAULT_NAMES = {
    "pue": "PUE",
    "grid_intensity_g_per_kwh": "grid intensity (world)",
    "wue_l_per_kwh": "WUE",
    "ewif_l_per_kwh": "EWIF",
}


def _defaults_text(stage: StageFootprint) -> str | None:
    """The site defaults a stage used, the site having none (issue 15), with the works they cite."""
    from fmfootprint.footprint.stages import cited_work

    used = dict(stage.site_defaults)
    source = stage.grid_intensity_source or ""
    if source.startswith("default"):
        used.setdefault("grid_intensity_g_per_kwh", source)
    if not used:
        return None
    named = []
    for key, source in used.items():
        share = _SHARE.match(source)  # a merged run's default that only some sessions used
        said = cited_work(source) + (f"; in {share.group(1)}" if share else "")
        named.append(f"{_DEFAULT_NAMES.get(key, key)} ({escape_markdown(said)})")
    return ", ".join(named) + " — the site has no value of its own"


_SHARE = re.compile(r"default \((\d+ of \d+ sessions)[;)]")
"""How many sessions of a merged run used a default (``fmfootprint.measure.sitedefaults.stage_defaults``)."""


def _pue_text(stage: StageFootprint) -> str | None:
    if stage.pue is None:
        return _VARIES if stage.records > 1 else None
    return f"{stage.pue:.2f}"


def region_text(stage: StageFootprint) -> str | None:
    """``"France (FR)"``: the region's name and code, or what the stage's runs say about it."""
    if stage.region is None:
        return _VARIES if stage.records > 1 else None
    name, _ = region_details(stage.region)
    if name and name != stage.region:
        return f"{name} ({stage.region})"
    return stage.region


_GPU_METHODS = {
    "energy_counter": "NVML energy counter",
    "power_integration": "NVML board power, integrated over time",
    "mixed": "NVML energy counter or integrated board power, per GPU",
}


def parts_text(gpu_kwh: float | None, gpu_method: str, n_gpus: int, cpu: str, ram: str) -> str:
    """``"GPU: measured (NVML energy counter); CPU: modelled (…); RAM: …"``: how each part was obtained.

    Parameters
    ----------
    gpu_kwh : float or None
        The runs' GPU energy [kWh]; None when NVML did not come up (not measured).
    gpu_method : str
        The runs' GPU energy method (``energy_counter``, ``power_integration``, ``mixed``).
    n_gpus : int
        GPUs metered.
    cpu, ram : str
        What :func:`fmfootprint.measure.hostmethods.method_text` says of the CPU and RAM parts.
    """
    if gpu_kwh is None:
        gpu = "not measured (NVML did not start)" if not n_gpus else "measured on some runs only"
    elif not n_gpus:
        gpu = "none used (no GPU selected)"
    else:
        gpu = f"measured ({_GPU_METHODS.get(gpu_method, gpu_method)})"
    return f"GPU: {gpu}; CPU: {cpu}; RAM: {ram}"


def _method_text(method: str, parts: str | None = None) -> str:
    if method == "measured":
        return (
            "measured (accelerator energy metered during the runs, host CPU and RAM energy from "
            "codecarbon, × PUE; carbon = energy × grid intensity; embodied carbon = the catalog's figure "
            "for each GPU, amortised over the run's accelerator-hours)"
        ) + (f". {parts}" if parts else "")
    if method == "estimated":
        return "estimated (accelerator-hours × average power × PUE; carbon = energy × grid intensity)"
    return "measured for some stages, estimated for others (see the table)" + (
        f". Measured runs: {parts}" if parts else ""
    )


def _range_text(ranges: Mapping[str, tuple[float, float]], key: str, unit: str, label: str) -> str | None:
    if key not in ranges or ranges[key][0] == ranges[key][1]:
        return None
    low, high = ranges[key]
    if unit == "mass":
        return f"{label} {format_mass_kg(low)}–{format_mass_kg(high)} CO2eq"
    return f"{label} {format_number(low)}–{format_number(high)} {unit}"


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
            " (bounds over the estimator's uncertain inputs and over the CPU/RAM energy codecarbon "
            "modelled in measured runs; metered figures count as exact; stages added bound by bound)"
        )
    if training.ranges:
        return "no range: every uncertain input was given"
    if training.method == "measured":
        return "not quantified (measured values)"
    return "not quantified"


def _row(name: str, s: StageFootprint) -> str:
    cells = (
        s.method,
        format_number(s.gpu_hours),
        format_number(s.energy_kwh),
        format_number(s.co2e_operational_kg),
        format_number(s.co2e_embodied_kg),
        format_number(s.co2e_kg),
        format_number(s.water_l),
    )
    return f"| {name} | " + " | ".join(cells) + " |"


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
        else:
            rows.append(_row(name, s))
    rows.append(_row("**total**", total))
    return rows


def render_section(
    stages: Sequence[StageFootprint],
    total: StageFootprint,
    training: StageFootprint,
    *,
    emissions_g: float,
    hardware: str | None,
    cloud_provider: str | None,
    compute_region: str | None,
    parts: str | None = None,
    not_measured: Sequence[str] = (),
    ratings: Sequence[str] = (),
) -> str:
    """The body of the "Environmental Impact" section (without its heading).

    Parameters
    ----------
    stages : sequence of StageFootprint
        The reported stages, in :data:`~fmfootprint.footprint.stages.STAGES` order.
    total : StageFootprint
        Their sum.
    training : StageFootprint
        The sum of the training stages (experiments, final, evaluation): what the bullets describe.
    emissions_g : float
        ``co2_eq_emissions.emissions`` [gCO2e]: the training stages' operational carbon.
    hardware, cloud_provider, compute_region : str or None
        What the card states (None prints the template's placeholder).
    parts : str, optional
        How the measured runs' GPU, CPU and RAM energy were obtained (:func:`parts_text`).
    not_measured : sequence of str
        Parts of measured runs that were not measured at all (a card published with ``--allow-partial``):
        stated in a bullet, and the carbon figures are marked partial.
    ratings : sequence of str
        Energy-rating bullets (:meth:`fmfootprint.report.rating.CardRatings.lines`), after the method.
    """
    hardware = escape_markdown(hardware) if hardware else None
    cloud_provider = escape_markdown(cloud_provider) if cloud_provider else None
    compute_region = escape_markdown(compute_region) if compute_region else None
    training_names = ", ".join(s.stage for s in stages if s.stage in TRAINING_STAGES)
    hours = f"{format_number(training.gpu_hours)} GPU-hours (accelerator-hours summed over all GPUs"
    final = next((s for s in stages if s.stage == "final"), None)
    if final is not None and final.hours is not None and final.gpus:
        hours += (
            f"; the final run took {format_number(final.hours)} h of wall-clock time on {final.gpus} GPUs"
        )
    hours += f"; stages: {training_names})"
    if training.gpu_hours is None:
        hours = MISSING
    training_stages = [s for s in stages if s.stage in TRAINING_STAGES]
    intensity_text = by_stage(training_stages, _intensity_text) or "unknown"
    pue_text = by_stage(training_stages, _pue_text) or "unknown"
    said = [(s.stage, text) for s in stages if (text := _defaults_text(s)) is not None]
    defaults_text = (
        said[0][1]
        if len(said) == len(stages) and len({t for _, t in said}) == 1
        else "; ".join(f"{t} ({name})" for name, t in said)
    )
    embodied = (
        f"{format_mass_kg(training.co2e_embodied_kg)} CO2eq (manufacturing of the hardware, amortised over "
        "its lifetime; not included in Carbon Emitted)"
        if training.co2e_embodied_kg is not None
        else "not counted"
    )
    water = (
        f"{format_number(training.water_l)} L (on-site cooling plus off-site electricity generation)"
        if training.water_l is not None
        else "not counted"
    )
    bullets = [
        f"- **Hardware Type:** {hardware or MISSING}",
        f"- **Hours used:** {hours}",
        f"- **Cloud Provider:** {cloud_provider or MISSING}",
        f"- **Compute Region:** {compute_region or MISSING}",
        f"- **Carbon Emitted:** {format_number(emissions_g)} g CO2eq "
        f"({format_mass_kg(training.co2e_operational_kg)}), operational and location-based "
        f"(training stages: {training_names})",
        f"- **Energy consumed:** {format_number(training.energy_kwh)} kWh "
        "(facility energy = IT energy × PUE)",
        f"- **Embodied carbon:** {embodied}",
        f"- **Water consumed:** {water}",
        f"- **PUE:** {pue_text}",
        f"- **Grid carbon intensity:** {intensity_text}",
        *([f"- **Site defaults used:** {defaults_text}"] if defaults_text else []),
        f"- **Method:** {_method_text(training.method, parts)}",
        f"- **Uncertainty:** {_uncertainty_text(training)}",
        *ratings,
    ]
    if not_measured:
        bullets.insert(4, f"- **Not measured:** {escape_markdown('; '.join(not_measured))}")
        bullets[5] += " — partial: the parts not measured are not in this figure"
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
