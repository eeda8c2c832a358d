"""The lifecycle stages of a model and the one record of what a stage cost: :class:`StageFootprint`.

Every part of the package that names a stage (the tracker, the lifecycle sums, the model card, the CLI and
the app) reads the names from here; an estimate (:meth:`fmfootprint.footprint.estimate.Estimate.to_stage`)
and a measured run (:meth:`fmfootprint.measure.summary.RunSummary.to_stage`) each become a
:class:`StageFootprint`, and stages are summed by one function.

Stages follow Luccioni, Viguier & Ligozat (2023), §4: experiments, final training, evaluation and
deployment (inference) each carry their own footprint.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from fmfootprint import _validate
from fmfootprint.catalog.basis import basis_of_source, require_one_basis
from fmfootprint.errors import FootprintInputError, UnknownNameError
from fmfootprint.footprint.stage_names import STAGE_ALIASES, STAGES

__all__ = [
    "MIXED",
    "RANGE_KEYS",
    "STAGES",
    "STAGE_ALIASES",
    "TRAINING_STAGES",
    "TRAINING_TYPES",
    "StageFootprint",
    "Staged",
    "check_stage",
    "cited_work",
    "sum_stages",
]

#: Stages whose operational carbon goes into a model card's ``co2_eq_emissions`` (the Hub field is about
#: training; inference is a projection of future use).
TRAINING_STAGES: tuple[str, ...] = ("experiments", "final", "evaluation")
#: What kind of training a model card reports (the Hub's ``co2_eq_emissions.training_type``).
TRAINING_TYPES: tuple[str, ...] = ("pre-training", "fine-tuning")
#: Figures of a stage that can carry a range (:attr:`StageFootprint.ranges`).
RANGE_KEYS: tuple[str, ...] = ("energy_kwh", "co2e_operational_kg", "co2e_embodied_kg", "co2e_kg", "water_l")
#: The method of a sum of measured and estimated records.
MIXED = "measured and estimated"


def check_stage(stage: Any) -> str:
    """The canonical name of ``stage`` (case-insensitive; ``experiment`` → ``experiments``).

    Raises
    ------
    UnknownNameError
        ``stage`` is not one of :data:`STAGES` or :data:`STAGE_ALIASES` (the message suggests the closest).
    """
    key = str(stage).strip().lower()
    key = STAGE_ALIASES.get(key, key)
    if key not in STAGES:
        raise UnknownNameError("stage", str(stage), (*STAGES, *STAGE_ALIASES))
    return key


@runtime_checkable
class Staged(Protocol):
    """Anything that can report itself as one stage's footprint: an Estimate, a RunSummary, a Lifecycle stage.

    ``to_stage(None)`` uses the stage the object carries (an estimate's is ``"final"``).
    """

    def to_stage(self, stage: str | None = None) -> StageFootprint: ...


@dataclass(frozen=True)
class StageFootprint:
    """What one lifecycle stage cost, as a model card reports it.

    Attributes
    ----------
    stage : str
        One of :data:`STAGES`, or ``"total"`` for the sum.
    method : str
        ``"estimated"``, ``"measured"``, ``"measured and estimated"``, or a lifecycle's own description
        (``"3 x final"`` for experiments counted as a multiple of the final run).
    energy_kwh : float
        Facility energy (IT energy × PUE) [kWh].
    co2e_operational_kg : float
        Location-based operational emissions [kgCO2e].
    co2e_embodied_kg : float or None
        Amortised embodied (manufacturing) emissions [kgCO2e]; None when not counted.
    water_l : float or None
        Water consumed, on-site plus off-site [L]; None when not counted.
    gpu_hours : float or None
        Accelerator-hours, summed over all accelerators [GPU·h].
    hours : float or None
        Wall-clock duration [h] (for a sum of runs, the sum of their durations).
    energy_it_kwh : float or None
        IT energy before PUE [kWh].
    pue : float or None
        Power usage effectiveness [-]; None when runs with different PUEs are combined.
    grid_intensity_g_per_kwh : float or None
        Grid carbon intensity [gCO2e/kWh]; None when different intensities are combined.
    grid_intensity_source : str or None
        Where the intensity comes from.
    region : str or None
        Region code (``FR``, ``US-CA``, ``aws:us-east-1``); None when regions differ.
    gpu : str or None
        Accelerator name; None when unknown or when different accelerators are combined.
    gpus : int or None
        Number of accelerators used at once (the largest among combined records).
    ranges : mapping
        ``{key: (low, high)}`` for some of :data:`RANGE_KEYS`, in the same units; empty when the figures
        are point values (measurements). :meth:`bounds` reads a figure without a range as exact.
    records : int
        How many runs or estimates were combined.
    site_defaults : mapping
        ``{factor: source}`` for the site factors (``pue``, ``grid_intensity_g_per_kwh``,
        ``wue_l_per_kwh``, ``ewif_l_per_kwh``) that came from a default because the site has none
        (:meth:`fmfootprint.footprint.estimate.Estimate.defaults_used`); the model card names them.
    """

    stage: str
    method: str
    energy_kwh: float
    co2e_operational_kg: float
    co2e_embodied_kg: float | None = None
    water_l: float | None = None
    gpu_hours: float | None = None
    hours: float | None = None
    energy_it_kwh: float | None = None
    pue: float | None = None
    grid_intensity_g_per_kwh: float | None = None
    grid_intensity_source: str | None = None
    region: str | None = None
    gpu: str | None = None
    gpus: int | None = None
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    records: int = 1
    site_defaults: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not str(self.method).strip():
            raise FootprintInputError("method must say how the figures were obtained, got ''")
        for name in ("energy_kwh", "co2e_operational_kg"):
            _validate.non_negative(name, getattr(self, name))
        for name in ("co2e_embodied_kg", "water_l", "gpu_hours", "hours", "energy_it_kwh"):
            value = getattr(self, name)
            if value is not None:
                _validate.non_negative(name, value)

    @property
    def co2e_kg(self) -> float:
        """Operational plus embodied emissions [kgCO2e] (embodied counts as 0 when not counted)."""
        return self.co2e_operational_kg + (self.co2e_embodied_kg or 0.0)

    def bounds(self, key: str) -> tuple[float, float] | None:
        """``(low, high)`` of figure ``key`` [its unit]: its range, else the value twice (an exact figure).

        None when the figure is not counted (``co2e_embodied_kg`` or ``water_l`` None).
        """
        if key in self.ranges:
            return self.ranges[key]
        value = getattr(self, key)
        return None if value is None else (float(value), float(value))

    def scaled(self, factor: float, *, stage: str, method: str) -> StageFootprint:
        """These figures × ``factor`` [-] (experiments as a multiple of the final run), as ``stage``.

        Additive figures (energies, carbon, water, hours) and their ranges scale; PUE, grid intensity,
        region and accelerators stay. A product too large for a float is a one-line
        :class:`~fmfootprint.errors.FootprintInputError`.
        """
        factor = _validate.non_negative("factor", factor)

        def times(value: float | None) -> float | None:
            return None if value is None else _finite(stage, value * factor)

        return replace(
            self,
            stage=stage,
            method=method,
            energy_kwh=_finite(stage, self.energy_kwh * factor),
            co2e_operational_kg=_finite(stage, self.co2e_operational_kg * factor),
            co2e_embodied_kg=times(self.co2e_embodied_kg),
            water_l=times(self.water_l),
            gpu_hours=times(self.gpu_hours),
            hours=times(self.hours),
            energy_it_kwh=times(self.energy_it_kwh),
            ranges={
                key: (_finite(stage, low * factor), _finite(stage, high * factor))
                for key, (low, high) in self.ranges.items()
            },
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["co2e_kg"] = self.co2e_kg
        data["ranges"] = {key: [low, high] for key, (low, high) in self.ranges.items()}
        data["site_defaults"] = dict(self.site_defaults)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], stage: str | None = None) -> StageFootprint:
        """Read one stage's figures from JSON a user saved: the package's one reader of such mappings.

        Parameters
        ----------
        data : mapping
            A :meth:`to_dict` (a ``card --json`` stage), an ``estimate --json`` output, or any mapping with
            ``energy_kwh`` [kWh] and ``co2e_operational_kg`` or ``co2e_kg`` [kgCO2e]; ``co2e_embodied_kg``,
            ``water_l``, ``gpu_hours``, ``hours``, ``energy_it_kwh`` (else ``energy_kwh / pue`` when ``pue``
            is given), ``pue``, ``grid_intensity_g_per_kwh``, ``region``, ``gpu``, ``gpus``, ``ranges``
            (``{key: [low, high]}``), ``records`` and ``method`` (default ``"measured"``) are read when
            present.
        stage : str, optional
            The stage; default the mapping's ``stage``, else ``"final"``.

        Returns
        -------
        StageFootprint
            Operational carbon is ``co2e_operational_kg``, else ``co2e_kg`` minus ``co2e_embodied_kg``
            (a tracker's ``co2e_kg`` of summary schema 1 is operational only).

        Raises
        ------
        FootprintInputError
            Not a mapping, a missing ``energy_kwh`` or carbon, a negative or non-numeric figure, a
            malformed range; :class:`~fmfootprint.errors.UnknownNameError` for an unknown stage.
        """
        if not isinstance(data, Mapping):
            raise FootprintInputError(f"stage figures must be a mapping, got {type(data).__name__}")
        for key, other in (("energy_kwh", "energy_kwh"), ("co2e_kg", "co2e_operational_kg")):
            if data.get(key) is None and data.get(other) is None:
                keys = ", ".join(sorted(str(k) for k in data)[:8])
                raise FootprintInputError(f"stage figures have no {key!r} (keys: {keys})")
        embodied = _optional(data, "co2e_embodied_kg")
        operational = _optional(data, "co2e_operational_kg")
        if operational is None:
            operational = _validate.non_negative("co2e_kg", data["co2e_kg"]) - (embodied or 0.0)
        energy = _validate.non_negative("energy_kwh", data["energy_kwh"])
        pue = _optional(data, "pue")
        energy_it = _optional(data, "energy_it_kwh")
        if energy_it is None and pue:
            energy_it = energy / pue
        gpus = data.get("gpus")
        gpu = data.get("gpu")
        region = data.get("region")
        name = stage if stage is not None else data.get("stage") or "final"
        return cls(
            stage=check_stage(name),
            method=str(data.get("method") or "measured"),
            energy_kwh=energy,
            co2e_operational_kg=operational,
            co2e_embodied_kg=embodied,
            water_l=_optional(data, "water_l"),
            gpu_hours=_optional(data, "gpu_hours"),
            hours=_optional(data, "hours"),
            energy_it_kwh=energy_it,
            pue=pue,
            grid_intensity_g_per_kwh=_optional(data, "grid_intensity_g_per_kwh"),
            grid_intensity_source=_intensity_source(data),
            region=region if isinstance(region, str) else None,
            gpu=gpu if isinstance(gpu, str) else None,
            gpus=_validate.positive_int("gpus", gpus) if gpus and not isinstance(gpus, list) else None,
            ranges=_read_ranges(data.get("ranges")),
            records=_validate.positive_int("records", data.get("records") or 1),
            site_defaults=_site_defaults(data),
        )


def _optional(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    return None if value is None else _validate.non_negative(key, value)


def _intensity_source(data: Mapping[str, Any]) -> str | None:
    """A stage's ``grid_intensity_source``, or the source an estimate's assumptions give its intensity."""
    source = data.get("grid_intensity_source")
    if isinstance(source, str):
        return source
    for entry in data.get("assumptions") or ():
        if (
            isinstance(entry, Mapping)
            and entry.get("name") == "grid_intensity_g_per_kwh"
            and entry.get("source")
        ):
            return str(entry["source"])
    return None


def _site_defaults(data: Mapping[str, Any]) -> dict[str, str]:
    """A stage's ``site_defaults``, or those an ``estimate --json`` names (``defaults_used``, sources)."""
    given = data.get("site_defaults")
    if isinstance(given, Mapping):
        return {str(k): str(v) for k, v in given.items()}
    names = data.get("defaults_used")
    if not isinstance(names, list):
        return {}
    sources = {
        e.get("name"): str(e.get("source")) for e in data.get("assumptions") or () if isinstance(e, Mapping)
    }
    return {str(name): sources.get(name, "default") for name in names}


def cited_work(source: str) -> str:
    """A default's source without its ``default (...)`` reason and range note: the cited work alone."""
    rest = source.split("): ", 1)[1] if source.startswith("default (") and "): " in source else source
    text = rest.split(";")[0].split(": ")[0].split(", as ")[0].strip()
    while text.count("(") > text.count(")"):  # a bracket the cut left open
        text = text[: text.rfind("(")].strip()
    return text


def _read_ranges(ranges: Any) -> dict[str, tuple[float, float]]:
    if ranges is None:
        return {}
    if not isinstance(ranges, Mapping):
        raise FootprintInputError(f"ranges must be a mapping of key -> [low, high], got {ranges!r}")
    read: dict[str, tuple[float, float]] = {}
    for key in RANGE_KEYS:
        pair = ranges.get(key)
        if pair is None:
            continue
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise FootprintInputError(f"ranges[{key!r}] must be [low, high], got {pair!r}")
        low, high = pair
        read[key] = (
            _validate.non_negative(f"ranges[{key!r}] low", low),
            _validate.non_negative(f"ranges[{key!r}] high", high),
        )
    return read


def _finite(stage: str, value: float) -> float:
    if not math.isfinite(value):
        raise FootprintInputError(f"figures too large: the {stage} stage is not a finite number")
    return value


def _fsum(stage: str, values: Iterable[float]) -> float:
    try:
        return _finite(stage, math.fsum(values))
    except OverflowError:
        raise FootprintInputError(f"figures too large: the {stage} stage is not a finite number") from None


def _sum_known(stage: str, values: Sequence[float | None]) -> float | None:
    """The sum, or None when any part is unknown (a sum with a part missing is not the total)."""
    known = [v for v in values if v is not None]
    return _fsum(stage, known) if len(known) == len(values) else None


def _sum_counted(stage: str, values: Sequence[float | None]) -> float | None:
    """The sum of the parts that count the figure; None (not counted) when none does."""
    counted = [v for v in values if v is not None]
    return _fsum(stage, counted) if counted else None


def _common(values: Iterable[Any]) -> Any:
    """The value shared by every record that has one, or None when they differ (or none has one)."""
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None


def _base_method(method: str) -> str:
    """``"measured"``, ``"estimated"`` or :data:`MIXED` (a multiple of the final run is an estimate)."""
    if method in ("measured", "estimated", MIXED):
        return method
    if method == "mixed":  # the word an older lifecycle used
        return MIXED
    return "estimated"


def sum_stages(stage: str, records: Sequence[StageFootprint]) -> StageFootprint:
    """Add up records (several runs or estimates of one stage, or several stages) into one.

    Parameters
    ----------
    stage : str
        The name of the sum: a stage of :data:`STAGES`, ``"total"`` or ``"training"``.
    records : sequence of StageFootprint
        What to add; at least one. A single record already named ``stage`` is returned as it is.

    Returns
    -------
    StageFootprint
        Energy and operational carbon summed; embodied carbon and water summed over the records that count
        them (None when none does); accelerator-hours, wall-clock hours and IT energy summed, or None when
        any record lacks them; PUE, grid intensity and its source, region and accelerator kept when all
        records share them, else None; ``gpus`` the largest count; ``method`` the records' common method
        (a multiple of the final run counts as estimated) or :data:`MIXED`; ``records`` the sum.

    Raises
    ------
    FootprintInputError
        No records, a sum too large for a float (one line), or records whose grid intensities have
        different bases (lifecycle and direct, read from ``grid_intensity_source`` by
        :func:`fmfootprint.catalog.basis.basis_of_source`): the message names the two records and their
        bases (issue 15: a merged total never mixes bases).

    Notes
    -----
    Sums are :func:`math.fsum`. The range of a sum is the sum of the records' bounds (the bounds move
    together: fully correlated, the conservative choice); a record without a range counts as exact
    (:meth:`StageFootprint.bounds`). A key has a range in the sum only when some record has one.
    """
    parts = list(records)
    if not parts:
        raise FootprintInputError(f"stage {stage!r} has no runs or estimates")
    if len(parts) == 1 and parts[0].stage == stage:
        return parts[0]
    require_one_basis(
        (
            (f"{p.stage} ({p.region or 'no region'})", basis_of_source(p.grid_intensity_source))
            for p in parts
            if p.grid_intensity_source is not None
        ),
        what=f"sum the {stage} stage",
    )
    methods = {_base_method(p.method) for p in parts}
    gpus = [p.gpus for p in parts if p.gpus is not None]
    ranges: dict[str, tuple[float, float]] = {}
    for key in RANGE_KEYS:
        if any(key in p.ranges for p in parts):
            pairs = [pair for p in parts if (pair := p.bounds(key)) is not None]
            ranges[key] = (_fsum(stage, (low for low, _ in pairs)), _fsum(stage, (high for _, high in pairs)))
    return StageFootprint(
        stage=stage,
        method=methods.pop() if len(methods) == 1 else MIXED,
        energy_kwh=_fsum(stage, (p.energy_kwh for p in parts)),
        co2e_operational_kg=_fsum(stage, (p.co2e_operational_kg for p in parts)),
        co2e_embodied_kg=_sum_counted(stage, [p.co2e_embodied_kg for p in parts]),
        water_l=_sum_counted(stage, [p.water_l for p in parts]),
        gpu_hours=_sum_known(stage, [p.gpu_hours for p in parts]),
        hours=_sum_known(stage, [p.hours for p in parts]),
        energy_it_kwh=_sum_known(stage, [p.energy_it_kwh for p in parts]),
        pue=_common(p.pue for p in parts),
        grid_intensity_g_per_kwh=_common(p.grid_intensity_g_per_kwh for p in parts),
        grid_intensity_source=_common(p.grid_intensity_source for p in parts),
        region=_common(p.region for p in parts),
        gpu=_common(p.gpu for p in parts),
        gpus=max(gpus) if gpus else None,
        ranges=ranges,
        records=sum(p.records for p in parts),
        site_defaults={k: v for p in reversed(parts) for k, v in p.site_defaults.items()},
    )
