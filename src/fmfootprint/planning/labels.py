"""Human rows of a plan for tables: labelled assumptions and the region comparison in the headline units.

The app's assumptions and regions tables and ``fmfootprint plan``'s text output read these, so both show
"Compute budget", not ``compute_flops``, and the regions in t CO2e, MWh and m³ with thousands separators,
the units of the headlines. Nothing is computed here but unit changes (kg → t, kWh → MWh, L → m³).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fmfootprint.units import G_PER_KG, format_number

if TYPE_CHECKING:
    from fmfootprint.footprint.estimate import Estimate
    from fmfootprint.planning.plan import Plan
    from fmfootprint.planning.regions import RegionComparison

__all__ = [
    "ASSUMPTION_LABELS",
    "BUDGET_NAMES",
    "REGION_COLUMNS",
    "SITE_LABELS",
    "assumption_rows",
    "defaults_text",
    "intensity_text",
    "region_rows",
]

ASSUMPTION_LABELS: dict[str, str] = {
    "gpu": "Accelerator",
    "gpus": "Number of accelerators",
    "power_w": "Average power per accelerator",
    "flops": "Compute budget",
    "mfu": "Model FLOPs utilisation (MFU)",
    "peak_tflops": "Peak throughput",
    "precision": "Precision",
    "host_power_w": "Host power",
    "region": "Region",
    "pue": "Data-centre PUE",
    "grid_intensity_g_per_kwh": "Grid carbon intensity",
    "wue_l_per_kwh": "On-site water (WUE)",
    "ewif_l_per_kwh": "Water of electricity (EWIF)",
    "gpus_per_server": "Accelerators per server",
    "lifetime_years": "Hardware lifetime",
    "usage_fraction": "Hardware usage",
    "embodied_kg_per_gpu": "Embodied carbon per accelerator",
    "server_embodied_kg": "Embodied carbon per server",
    "hours": "Wall clock",
    "gpu_hours": "Accelerator-hours",
    "energy_it_kwh": "IT energy",
    "utilization": "Utilisation",
}
"""Estimator assumption name → the label a table shows (names not listed show as they are)."""

BUDGET_NAMES: dict[str, str] = {
    "compute_flops": "training FLOPs",
    "accelerator_days": "accelerator-days",
    "energy_kwh": "energy cap",
    "co2e_kg": "carbon cap",
}
"""Budget kind → how a person names it ("accelerator-days: given")."""

REGION_COLUMNS: tuple[str, ...] = (
    "Region",
    "Grid [g CO2e/kWh]",
    "Grid basis",
    "PUE",
    "Energy [MWh]",
    "Carbon [t CO2e]",
    "Carbon range [t CO2e]",
    "Water [m³]",
)
"""Columns of :func:`region_rows`, in order."""


SITE_LABELS: dict[str, str] = {
    "pue": "PUE",
    "grid_intensity_g_per_kwh": "grid intensity",
    "wue_l_per_kwh": "WUE",
    "ewif_l_per_kwh": "EWIF",
}
"""Site factor name → its short name in a "defaults used" line."""


def intensity_text(estimate: Estimate) -> str:
    """The grid intensity with its basis and year: ``"Grid 501 g CO2e/kWh (lifecycle, 2025)"``."""
    from fmfootprint.catalog.basis import intensity_label
    from fmfootprint.catalog.grid import grid_defaults

    cited = next((a.source for a in estimate.assumptions if a.name == "grid_intensity_g_per_kwh"), "given")
    label = intensity_label(cited, grid_defaults().world_intensity_year)
    return f"Grid {format_number(estimate.grid_intensity_g_per_kwh, digits=4)} g CO2e/kWh ({label})"


def defaults_text(estimate: Estimate) -> str | None:
    """The site defaults an estimate used, with why and their sources; None when the site had every factor.

    ``"Defaults used (DE has none): PUE 1.56 (Uptime Institute ...), WUE 1.8 L/kWh (Shehabi et al. ...)"``
    (issue 15: every default said where the answer is shown). Reads
    :meth:`fmfootprint.footprint.estimate.Estimate.defaults_used`.
    """
    from fmfootprint.footprint.stages import cited_work

    defaults = estimate.defaults_used()
    if not defaults:
        return None
    named = []
    for a in defaults:
        unit = "" if a.unit in ("", "-") else f" {a.unit.split(' ')[0]}"
        value = "–" if a.value is None else format_number(a.value, digits=4)
        named.append(f"{SITE_LABELS.get(a.name, a.name)} {value}{unit} ({cited_work(a.source)})")
    where = f"{estimate.region} has none" if estimate.region else "no region given"
    return f"Defaults used ({where}): " + ", ".join(named)


def _value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "–" if value is None else str(value)
    return format_number(value, digits=4)


def assumption_rows(plan: Plan) -> list[dict[str, str]]:
    """The plan's footprint assumptions as {Assumption, Value, Unit, Source} rows with human labels.

    The compute the estimate was run for is labelled "Compute budget"; when the budget was stated in
    another kind (accelerator-days, an energy or a carbon cap), its source says so ("accelerator-days:
    given (1,000 accelerator-days)") instead of "given".

    Parameters
    ----------
    plan : Plan
        A plan with a footprint (else no rows).

    Returns
    -------
    list of dict
    """
    from fmfootprint.planning.budgets import BUDGET_KINDS

    if plan.footprint is None:
        return []
    rows = []
    for assumption in plan.footprint.assumptions:
        source = assumption.source
        if assumption.name == "flops" and plan.budget_kind not in (None, "compute_flops"):
            kind = str(plan.budget_kind)
            source = f"{BUDGET_NAMES.get(kind, kind)}: given ({_value(plan.budget)} {BUDGET_KINDS[kind]})"
        elif assumption.name == "flops" and plan.budget_kind is None:
            source = f"planned ({plan.mode})"
        rows.append(
            {
                "Assumption": ASSUMPTION_LABELS.get(assumption.name, assumption.name),
                "Value": _value(assumption.value),
                "Unit": assumption.unit,
                "Source": source,
            }
        )
    return rows


def region_rows(comparison: RegionComparison) -> list[dict[str, str]]:
    """The comparison as :data:`REGION_COLUMNS` rows in the headline units: t CO2e, MWh and m³.

    Parameters
    ----------
    comparison : RegionComparison
        :func:`~fmfootprint.planning.compare_regions` result (lowest carbon first).

    Returns
    -------
    list of dict
        Values formatted by :func:`fmfootprint.units.format_number` (thousands separators); a range the
        estimator does not give is "–".
    """
    rows = []
    for row in comparison:
        result = row.estimate
        bounds = row.co2e_kg_range
        rows.append(
            {
                "Region": f"{row.name} ({row.region})",
                "Grid [g CO2e/kWh]": format_number(result.grid_intensity_g_per_kwh),
                "Grid basis": (  # lifecycle or direct, and the year (comparisons never mix bases)
                    f"{row.intensity_basis}, {row.intensity_year}" if row.intensity_basis else "given"
                ),
                "PUE": format_number(result.pue),
                "Energy [MWh]": format_number(result.energy_kwh / 1000.0),
                "Carbon [t CO2e]": format_number(result.co2e_kg / G_PER_KG),
                "Carbon range [t CO2e]": (
                    f"{format_number(bounds[0] / G_PER_KG)} – {format_number(bounds[1] / G_PER_KG)}"
                    if bounds is not None
                    else "–"
                ),
                "Water [m³]": format_number(result.water_l / 1000.0),
            }
        )
    return rows
