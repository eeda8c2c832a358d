#!/usr/bin/env python3
"""Build every file under ``data/`` from verbatim third-party files and published figures.

Usage::

    python scripts/build_data.py [SHARED_DIR] [--out DATA_DIR]

``SHARED_DIR`` (default ``../shared`` beside the repository) holds ``data-sources/`` (verbatim copies of
openly licensed files, see its README for repositories, commits and licences) and
``reference/facts.md`` (published figures with their original citations). Figures quoted from papers,
datasheets and reports, and the name mappings, are transcribed in ``scripts/tables/*.csv`` (see its
README), each row with its ORIGINAL citation; the script checks that each transcribed number still appears
in facts.md, so a typo in a table fails the build.

The package never reads ``SHARED_DIR``: it reads only the CSV files written here. The output is
deterministic (sorted rows, fixed number formatting), and tests/catalog checks that a rebuild is
byte-identical to the committed ``data/``.

Only openly licensed data ships. Licence tokens used in the ``licence`` columns:
``CC-BY-4.0``, ``Apache-2.0``, ``MIT``, ``public-domain``, ``OGL-Canada-2.0`` (Open Government Licence –
Canada, an attribution-only open licence), and ``fact`` (a single published figure quoted with its
citation: numbers from datasheets, papers and sustainability reports, not a database). Rows whose
upstream source is not openly licensed (carbonfootprint.com, IEA) are excluded. Electricity Maps' yearly
data is ODbL-1.0 (share-alike): it is written to its own file, ``electricitymaps_zones.csv``, every row
``ODbL-1.0`` with attribution "Electricity Maps", and no ODbL value is copied into another file (cloud
regions carry only the zone's name).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pycountry  # build-time only (a dependency of codecarbon); the package never imports it

REPO_ROOT = Path(__file__).resolve().parents[1]

# 1 lb = 0.45359237 kg exactly (International yard and pound agreement, 1959), so
# 1 lb/MWh = 453.59237 g / 1000 kWh = 0.45359237 g/kWh.
LB_PER_MWH_TO_G_PER_KWH = 0.45359237
# 1 metric tonne = 1e6 g.
T_PER_KWH_TO_G_PER_KWH = 1e6

OPEN_LICENCES = ("CC-BY-4.0", "Apache-2.0", "MIT", "public-domain", "OGL-Canada-2.0", "fact")

TABLES = Path(__file__).resolve().parent / "tables"

# --------------------------------------------------------------------------------------------------
# Transcribed tables: scripts/tables/*.csv (see its README.md), each row with its citation
# --------------------------------------------------------------------------------------------------


def read_table(name: str) -> list[dict[str, str]]:
    """A transcribed table from ``scripts/tables/``; every cell is text, ``''`` meaning none."""
    with (TABLES / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if "source" in row and not row["source"]:
            raise SystemExit(f"build_data: tables/{name} line {number} has no source")
    return rows


def number(cell: str) -> float | None:
    """A numeric cell; ``''`` (not defined or not published) is None."""
    return None if cell == "" else float(cell)


def integer(cell: str) -> int | None:
    return None if cell == "" else int(cell)


# Source descriptions (original sources; the verbatim copies' commits are in data-sources/README.md).
CITATIONS = {row["key"]: row["citation"] for row in read_table("citations.csv")}
SRC_OWID = CITATIONS["SRC_OWID"]
SRC_EGRID = CITATIONS["SRC_EGRID"]
SRC_CANADA = CITATIONS["SRC_CANADA"]
SRC_GOOGLE = CITATIONS["SRC_GOOGLE"]
SRC_LI = CITATIONS["SRC_LI"]
SRC_LI_MSFT = CITATIONS["SRC_LI_MSFT"]
SRC_GA_DC = CITATIONS["SRC_GA_DC"]
SRC_CCF_REGIONS = CITATIONS["SRC_CCF_REGIONS"]  # a template: {provider}
SRC_AWS_REGIONS = CITATIONS["SRC_AWS_REGIONS"]

# AWS regions: the Cloud Carbon Footprint list (location from its Country column unless the state or
# province is given here) and the regions opened after that list was archived, from AWS's public list.
_AWS = read_table("aws_regions.csv")
AWS_NAMES = {r["region"]: r["name"] for r in _AWS if r["listed_by"] == "cloud-carbon-footprint"}
AWS_US_LOCATIONS = {
    r["region"]: r["location_code"]
    for r in _AWS
    if r["listed_by"] == "cloud-carbon-footprint" and r["location_code"]
}
AWS_EXTRA_REGIONS = {r["region"]: (r["name"], r["location_code"]) for r in _AWS if r["listed_by"] == "aws"}


def _place_codes(table: str) -> dict[str, str]:
    return {r["name"]: r["code"] for r in read_table("place_codes.csv") if r["table"] == table}


# Names as the sources write them -> ISO 3166 code.
PLACE_CODES = _place_codes("ccf_place")  # CCF "Country" / Azure "Location" columns
GOOGLE_LOCATIONS = _place_codes("google_location")  # Google 2024 file "Location" column
LI_LOCATIONS = _place_codes("li_location")  # Li et al. 2023 Table 1 locations
GA_LOCATION_FIXES = _place_codes("ga_location_fix")  # Green Algorithms "CN-HK" -> HK
GA_EMPTY_LOCATION_FIXES = _place_codes("ga_empty_location_fix")  # empty location code, free-form name

# Google trailing-twelve-month PUE per GCP region: region -> (PUE, citation).
GCP_TTM_PUE = {r["region"]: (float(r["pue"]), CITATIONS[r["source"]]) for r in read_table("gcp_pue.csv")}
_PROVIDERS = read_table("providers.csv")
# provider -> (average PUE, citation template); provider -> (fleet WUE [L/kWh], citation, year).
# provider -> (PUE, citation, report year); "meta" has no cloud regions (listed in defaults.csv only).
PROVIDER_PUE = {
    r["provider"]: (float(r["pue"]), CITATIONS[r["pue_source"]], int(r["pue_year"])) for r in _PROVIDERS
}
PROVIDER_WUE = {
    r["provider"]: (float(r["wue_l_per_kwh"]), CITATIONS[r["wue_source"]], int(r["wue_year"]))
    for r in _PROVIDERS
    if r["wue_l_per_kwh"]
}

# Cloud regions -> Electricity Maps zone, where the grid the data centre draws from is known.
CLOUD_ZONES = {
    (r["provider"], r["region"]): (r["zone"], f"{r['reason']} ({CITATIONS[r['source']]})")
    for r in read_table("cloud_zones.csv")
}
# US states -> the Electricity Maps zone of the balancing authority serving most of the state's load
# (Canadian provinces need none: each is a zone of its own code).
STATE_ZONES = {
    r["state"]: (r["zone"], f"{r['reason']} ({CITATIONS[r['source']]})")
    for r in read_table("state_zones.csv")
}

# Accelerators: figures from facts.md §C with their original sources; blank = not defined / not published.
# status: V = read in the primary source, V2 = read in a secondary copy quoting it, U = unverified
# (carried from facts.md; the status is that of the TDP and dense tensor figures, status_note has the rest).
# green_algorithms_name / mlco2_name: the rows of the open tool datasets for the cross-check column.
FIGURES = (
    "tdp_w",
    "tdp_w_low",
    "tdp_w_high",
    "bf16_tflops",
    "fp16_tflops",
    "tf32_tflops",
    "fp32_tflops",
    "fp8_tflops",
    "memory_gb",
    "memory_bandwidth_tb_s",
)
ACCELERATORS: list[dict[str, Any]] = [
    {
        **row,
        **{column: number(row[column]) for column in FIGURES},
        "release_year": int(row["release_year"]),
    }
    for row in read_table("accelerators.csv")
]
# Embodied carbon per accelerator class: key -> low / central / high kgCO2e per device, the lifetime and
# usage each source assumes, and the citation.
EMBODIED = {
    r["key"]: {
        "embodied_kg": float(r["embodied_kg"]),
        "embodied_kg_low": float(r["embodied_kg_low"]),
        "embodied_kg_high": float(r["embodied_kg_high"]),
        "embodied_assumes": r["assumes"],
        "embodied_source": r["source"],
    }
    for r in read_table("embodied.csv")
}
_NO_EMBODIED = dict.fromkeys(
    ("embodied_kg", "embodied_kg_low", "embodied_kg_high", "embodied_assumes", "embodied_source")
)
SERVERS: list[dict[str, Any]] = [
    {**row, "value": number(row["value"]), "year": integer(row["year"])} for row in read_table("servers.csv")
]
# The sources table of SOURCES.md: source, used for, licence, year, version / commit.
SOURCE_TABLE = [tuple(row.values()) for row in read_table("sources.csv")]
SOURCES_MD = (TABLES / "SOURCES.md.in").read_text(encoding="utf-8")

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def fmt(value: Any) -> str:
    """Deterministic text for a CSV cell: '' for None, shortest float repr, integers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([fmt(row.get(c)) for c in columns])
            count += 1
    return count


def read_csv_skip_index(path: Path, first_column: str) -> list[dict[str, str]]:
    """Green Algorithms files have a row of comments above the header, which starts with ``first_column``."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    while lines and not lines[0].startswith(first_column + ","):
        lines = lines[1:]
    return list(csv.DictReader(lines))


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def check_in_facts(facts: str, *numbers: float | None) -> None:
    """Fail the build if a transcribed figure does not appear in facts.md (guards against typos)."""
    plain = facts.replace(",", "")
    for number in numbers:
        if number is None:
            continue
        text = fmt(float(number))
        if not re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", plain):
            raise SystemExit(f"build_data: figure {text} is not in facts.md; check the transcription")


def place_name(text: str) -> str:
    """'district of columbia' -> 'District of Columbia' (names as the source spells them, capitalised)."""
    return " ".join(w if w in ("of", "and") else w.capitalize() for w in text.split())


def country(alpha2: str) -> Any:
    found = pycountry.countries.get(alpha_2=alpha2)
    if found is None:
        raise SystemExit(f"build_data: unknown ISO 3166-1 code {alpha2}")
    return found


def parse_li_table(facts: str) -> dict[str, dict[str, Any]]:
    """Li et al. 2023 Table 1 as transcribed in facts.md §D 4b: location -> PUE, WUE, EWIF, projected."""
    section = facts.split("### 4b.", 1)[1].split("### 4c.", 1)[0]
    rows: dict[str, dict[str, Any]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"\d+\.\d+", cells[1]):
            continue
        location = cells[0]
        projected = location.endswith("*")
        location = location.rstrip("*")
        if location not in LI_LOCATIONS:
            raise SystemExit(f"build_data: Li et al. location {location!r} has no ISO code mapping")
        rows[LI_LOCATIONS[location]] = {
            "name": location,
            "pue": float(cells[1]),
            "wue": float(cells[2]),
            "ewif": float(cells[3]),
            "projected": projected,
        }
    if len(rows) != len(LI_LOCATIONS):
        raise SystemExit(f"build_data: expected {len(LI_LOCATIONS)} Li et al. rows, found {len(rows)}")
    return rows


# --------------------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------------------


def build_countries(sources: Path) -> list[dict[str, Any]]:
    mix = json.loads((sources / "codecarbon/private_infra_global_energy_mix.json").read_text())
    rows = []
    for alpha3, entry in mix.items():
        found = pycountry.countries.get(alpha_3=alpha3)
        if found is None:
            raise SystemExit(f"build_data: codecarbon code {alpha3} is not ISO 3166-1 alpha-3")
        rows.append(
            {
                "alpha2": found.alpha_2,
                "alpha3": alpha3,
                "name": entry["country_name"],
                "intensity_g_per_kwh": round(float(entry["carbon_intensity"]), 3),
                "year": int(entry["year"]),
                "basis": "lifecycle",
                "source": SRC_OWID,
                "licence": "MIT; CC-BY-4.0",
                "generation_twh": round(float(entry["total_TWh"]), 3),
            }
        )
    return sorted(rows, key=lambda r: r["alpha2"])


def build_us_states(sources: Path) -> list[dict[str, Any]]:
    data = json.loads((sources / "codecarbon/private_infra_2016_usa_emissions.json").read_text())
    if data["_unit"]["emissions"] != "lbs/MWh":
        raise SystemExit("build_data: eGRID file no longer in lbs/MWh")
    rows = []
    for key, entry in data.items():
        if key.startswith("_") or key == "usa":
            continue
        code = f"US-{entry['regionCode']}"
        sub = pycountry.subdivisions.get(code=code)
        if sub is None:
            raise SystemExit(f"build_data: {code} is not ISO 3166-2")
        lb = float(entry["emissions"])
        rows.append(
            {
                "code": code,
                "name": place_name(key),
                "country_alpha2": "US",
                "intensity_g_per_kwh": round(lb * LB_PER_MWH_TO_G_PER_KWH, 3),
                "source_value": lb,
                "source_unit": "lb/MWh",
                "year": 2016,
                "basis": "direct",
                "source": SRC_EGRID,
                "licence": "MIT; public-domain",
            }
        )
    return rows


def canada_intensity(mix: Mapping[str, float]) -> float:
    """codecarbon's provincial method: generation shares [%] x combustion factors [kg/kWh] -> g/kWh."""
    factors_kg = {"coal": 0.995725971, "petroleum": 0.8166885263, "naturalGas": 0.7438415916}
    total = float(mix["total"])
    return 1000.0 * sum(mix[k] / total * f for k, f in factors_kg.items())


def build_canada(sources: Path) -> list[dict[str, Any]]:
    data = json.loads((sources / "codecarbon/private_infra_2023_canada_energy_mix.json").read_text())
    by_name = {s.name.lower(): s for s in pycountry.subdivisions.get(country_code="CA")}
    by_name["yukon"] = pycountry.subdivisions.get(code="CA-YT")
    rows = []
    for name, mix in data.items():
        sub = by_name.get(name.lower())
        if sub is None:
            raise SystemExit(f"build_data: Canadian province {name!r} has no ISO 3166-2 code")
        value = round(canada_intensity(mix), 3)
        rows.append(
            {
                "code": sub.code,
                "name": place_name(name),
                "country_alpha2": "CA",
                "intensity_g_per_kwh": value,
                "source_value": value,
                "source_unit": "g/kWh (computed from generation shares)",
                "year": 2023,
                "basis": "direct",
                "source": SRC_CANADA,
                "licence": "MIT; OGL-Canada-2.0",
            }
        )
    return rows


def build_water(facts: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    li = parse_li_table(facts)
    rows = [
        {
            "location_code": code,
            "location_name": entry["name"],
            "ewif_l_per_kwh": entry["ewif"],
            "basis": "consumption",
            "year": 2020,
            "source": SRC_LI,
            "licence": "fact",
        }
        for code, entry in li.items()
    ]
    return sorted(rows, key=lambda r: r["location_code"]), li


def location_lookup(
    countries: list[dict[str, Any]], subdivisions: list[dict[str, Any]], water: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    places = {r["alpha2"]: r for r in countries}
    places.update({r["code"]: r for r in subdivisions})
    ewif = {r["location_code"]: r["ewif_l_per_kwh"] for r in water}
    # Geographic rows carry their EWIF too: their own value, else (subdivisions) their country's.
    for row in countries:
        found = {"ewif_l_per_kwh": ewif.get(row["alpha2"]), "ewif_source": ""}
        if found["ewif_l_per_kwh"] is not None:
            found["ewif_source"] = f"{SRC_LI} [{row['alpha2']}]"
        row.update(found, ewif_licence="fact" if found["ewif_l_per_kwh"] is not None else "")
    for row in subdivisions:
        found = ewif_for(row["code"], ewif)
        row.update(found, ewif_licence="fact" if found["ewif_l_per_kwh"] is not None else "")
    return places, ewif


def intensity_for(location: str, places: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The open intensity of a location: its own row, else its country's row (noted in the source)."""
    row = places.get(location)
    note = ""
    if row is None:
        row = places[location.split("-")[0]]
        note = f" (country value; no open value for {location})"
    return {
        "intensity_g_per_kwh": row["intensity_g_per_kwh"],
        "intensity_year": row["year"],
        "intensity_basis": row["basis"],
        "intensity_source": row["source"] + note,
        "intensity_licence": row["licence"],
    }


def ewif_for(location: str, ewif: Mapping[str, float]) -> dict[str, Any]:
    if location in ewif:
        return {"ewif_l_per_kwh": ewif[location], "ewif_source": f"{SRC_LI} [{location}]"}
    country_code = location.split("-")[0]
    if country_code in ewif:
        return {
            "ewif_l_per_kwh": ewif[country_code],
            "ewif_source": f"{SRC_LI} [{country_code} average; no value for {location}]",
        }
    return {"ewif_l_per_kwh": None, "ewif_source": ""}


def cloud_row(
    provider: str,
    region: str,
    name: str,
    location: str,
    region_source: str,
    region_licence: str,
    places: Mapping[str, Mapping[str, Any]],
    ewif: Mapping[str, float],
) -> dict[str, Any]:
    country_code = location.split("-")[0]
    pue, pue_source, _pue_year = PROVIDER_PUE[provider]
    row = {
        "provider": provider,
        "region": region,
        "name": name,
        "location_code": location,
        "country_alpha2": country_code,
        "country_alpha3": country(country_code).alpha_3,
        "region_source": region_source,
        "region_licence": region_licence,
        "pue": pue,
        "pue_source": pue_source,
        "pue_licence": "fact",
        "wue_l_per_kwh": None,
        "wue_source": "",
        "wue_licence": "",
        "google_cfe": None,
    }
    if provider in PROVIDER_WUE:
        wue, source, _year = PROVIDER_WUE[provider]
        row.update(wue_l_per_kwh=wue, wue_source=source, wue_licence="fact")
    row.update(ewif_for(location, ewif))
    row["ewif_licence"] = "fact" if row["ewif_l_per_kwh"] is not None else ""
    row.update(intensity_for(location, places))
    return row


def build_gcp(sources: Path, places, ewif) -> list[dict[str, Any]]:
    rows = []
    for entry in read_csv(sources / "google-region-carbon-info/2024.csv"):
        region = entry["Google Cloud Region"]
        location = GOOGLE_LOCATIONS[entry["Location"]]
        row = cloud_row(
            "gcp",
            region,
            f"{entry['Location']} ({region})",
            location,
            SRC_GOOGLE + " (Location column)",
            "Apache-2.0",
            places,
            ewif,
        )
        row.update(
            intensity_g_per_kwh=float(entry["Grid carbon intensity (gCO2eq / kWh)"]),
            intensity_year=2024,
            intensity_basis="lifecycle",
            intensity_source=SRC_GOOGLE,
            intensity_licence="Apache-2.0",
            google_cfe=float(entry["Google CFE"]) if entry["Google CFE"] else None,
        )
        if region in GCP_TTM_PUE:
            pue, pue_source = GCP_TTM_PUE[region]
            row.update(pue=pue, pue_source=pue_source, pue_licence="Apache-2.0")
        rows.append(row)
    return rows


def build_aws(sources: Path, places, ewif) -> list[dict[str, Any]]:
    rows = []
    for entry in read_csv(sources / "cloud-carbon-coefficients/grid-emissions-factors-aws.csv"):
        region = entry["Region"]
        location = AWS_US_LOCATIONS.get(region) or PLACE_CODES[entry["Country"]]
        source = SRC_CCF_REGIONS.format(provider="aws")
        licence = "Apache-2.0"
        if region in AWS_US_LOCATIONS:
            source += "; state or province from " + SRC_AWS_REGIONS
            licence += "; fact"
        rows.append(cloud_row("aws", region, AWS_NAMES[region], location, source, licence, places, ewif))
    for region, (name, location) in AWS_EXTRA_REGIONS.items():
        rows.append(cloud_row("aws", region, name, location, SRC_AWS_REGIONS, "fact", places, ewif))
    return rows


def azure_code(display_name: str) -> str:
    """Azure's programmatic region name: 'West Europe' -> 'westeurope'."""
    cleaned = re.sub(r"\s*\(Public\)\s*$", "", display_name)
    return re.sub(r"\s+", "", cleaned).lower()


def build_azure(sources: Path, places, ewif, li: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for entry in read_csv_skip_index(sources / "green-algorithms/cloudProviders_datacenters.csv", "provider"):
        if entry["provider"] != "azure":
            continue
        name = entry["Name"].strip()
        if "(Sovereign)" in name:  # retired Azure Germany sovereign cloud
            continue
        location = entry["location"].strip()
        location = GA_LOCATION_FIXES.get(location, location)
        if not location:
            location = GA_EMPTY_LOCATION_FIXES[entry["location_freeForm"].strip()]
        display = re.sub(r"\s*\(Public\)\s*$", "", name)
        rows[azure_code(name)] = cloud_row(
            "azure", azure_code(name), display, location, SRC_GA_DC, "CC-BY-4.0", places, ewif
        )
    for entry in read_csv(sources / "cloud-carbon-coefficients/grid-emissions-factors-azure.csv"):
        code = azure_code(entry["Region"])
        if code in rows:
            continue
        location = PLACE_CODES[entry["Location"]]
        rows[code] = cloud_row(
            "azure",
            code,
            entry["Region"],
            location,
            SRC_CCF_REGIONS.format(provider="azure"),
            "Apache-2.0",
            places,
            ewif,
        )
    # Microsoft's own per-location PUE and WUE (operating sites only, not projections).
    for row in rows.values():
        site = li.get(row["location_code"])
        if site is None or site["projected"]:
            continue
        tag = f" [{site['name']}]"
        row.update(
            pue=site["pue"],
            pue_source=SRC_LI_MSFT + tag,
            pue_licence="fact",
            wue_l_per_kwh=site["wue"],
            wue_source=SRC_LI_MSFT + tag,
            wue_licence="fact",
        )
    return list(rows.values())


EMAPS_YEARS = (2021, 2022, 2023, 2024, 2025)
EMAPS_ATTRIBUTION = "Electricity Maps"
EMAPS_LICENCE = "ODbL-1.0"
# Zone codes whose country part is not an ISO 3166-1 code: Kosovo's user-assigned XK / XKX.
NON_ISO_ALPHA3 = {"XK": "XKX"}


def parse_emaps_module(text: str) -> dict[str, Any]:
    """The ``data`` object of a CO2.js ``yearly_YYYY.js`` ES module.

    The object literal is JSON except for JavaScript ``\\xNN`` escapes in names (``Qu\\xE9bec``), which are
    turned into the JSON escapes ``\\u00NN`` before decoding.
    """
    _head, found, body = text.partition("const data =")
    if not found:
        raise SystemExit("build_data: Electricity Maps module has no 'const data ='")
    body = re.sub(r"\\x([0-9A-Fa-f]{2})", lambda m: "\\u00" + m.group(1), body)
    data, _ = json.JSONDecoder().raw_decode(body.strip())
    return dict(data)


def build_electricitymaps(sources: Path) -> list[dict[str, Any]]:
    """Every zone and year of the Electricity Maps yearly files, as published (ODbL: its own file)."""
    rows = []
    zones: set[str] | None = None
    for year in EMAPS_YEARS:
        text = (sources / f"electricitymaps-yearly/yearly_{year}.js").read_text(encoding="utf-8")
        data = parse_emaps_module(text)
        if zones is not None and set(data) != zones:
            raise SystemExit(f"build_data: Electricity Maps {year} has other zones than the year before")
        zones = set(data)
        for zone, entry in data.items():
            intensity = entry["carbonIntensity"]
            if intensity["unit"] != "gCO2eq/kWh":
                raise SystemExit(f"build_data: Electricity Maps {zone} {year} unit {intensity['unit']!r}")
            alpha2 = zone.split("-")[0]
            alpha3 = NON_ISO_ALPHA3.get(alpha2) or country(alpha2).alpha_3
            rows.append(
                {
                    "zone": zone,
                    "name": entry["zone"]["zoneName"],
                    "display_name": entry["zone"].get("displayName", ""),
                    "country_name": entry["zone"].get("countryName", ""),
                    "country_alpha2": alpha2,
                    "country_alpha3": alpha3,
                    "year": year,
                    "intensity_g_per_kwh": float(intensity["value"]),
                    "renewable_percent": float(entry["renewableEnergy"]["value"]),
                    "carbon_free_percent": float(entry["carbonFreeEnergy"]["value"]),
                    "basis": "lifecycle",
                    "accounting": "consumption",
                    "source": CITATIONS["SRC_EMAPS"].format(year=year),
                    "attribution": EMAPS_ATTRIBUTION,
                    "licence": EMAPS_LICENCE,
                }
            )
    return sorted(rows, key=lambda r: (r["zone"], r["year"]))


def zone_of(provider: str, region: str, location: str, zones: set[str]) -> tuple[str, str]:
    """The Electricity Maps zone a cloud region draws from, and why: the mapping table, else its location."""
    if (provider, region) in CLOUD_ZONES:
        zone, why = CLOUD_ZONES[(provider, region)]
        if zone not in zones:
            raise SystemExit(f"build_data: cloud_zones.csv maps {provider}:{region} to unknown zone {zone}")
        return zone, why
    if location in zones:
        return location, f"the region's location {location} is an Electricity Maps zone"
    if location in STATE_ZONES:
        zone, why = STATE_ZONES[location]
        return zone, f"the region's location {location}: {why}"
    return "", ""


def add_subdivision_zones(subdivisions: list[dict[str, Any]], zones: set[str]) -> None:
    """Each subdivision's Electricity Maps zone (a name only, no ODbL value), and why."""
    for row in subdivisions:
        code = row["code"]
        if code in zones:
            zone, why = code, "the location's code is an Electricity Maps zone"
        elif code in STATE_ZONES:
            zone, why = STATE_ZONES[code]
        else:
            raise SystemExit(f"build_data: subdivision {code} has no Electricity Maps zone")
        if zone not in zones:
            raise SystemExit(f"build_data: state_zones.csv maps {code} to unknown zone {zone}")
        row.update(grid_zone=zone, grid_zone_source=why)


# Country -> UN M49 region, for the off-site water defaults of locations without their own EWIF.
M49 = {r["alpha2"]: (r["region"], CITATIONS[r["source"]]) for r in read_table("m49_regions.csv")}
# A region's own default needs this many countries with their own EWIF (one country's value would be
# another country's figure, not a regional one); else the region takes the world default.
EWIF_MIN_COUNTRIES = 2


def build_m49(countries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    missing = sorted({r["alpha2"] for r in countries} - set(M49))
    if missing:
        raise SystemExit(f"build_data: m49_regions.csv lacks {', '.join(missing)}")
    return [
        {"alpha2": code, "region": region, "source": source, "licence": "fact"}
        for code, (region, source) in sorted(M49.items())
    ]


def build_water_defaults(
    countries: list[dict[str, Any]], water: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Off-site EWIF defaults: per UN M49 region, and for the world, generation-weighted over countries.

    EWIF_area = sum_c G_c x EWIF_c / sum_c G_c over the countries c of the area with their own EWIF (Li et
    al. 2023 Table 1, from WRI / Reig et al. 2020), G_c the country's generation [TWh] (Ember via OWID).
    A region with fewer than EWIF_MIN_COUNTRIES such countries takes the world value, and says so.
    """
    own = {r["location_code"]: r["ewif_l_per_kwh"] for r in water if "-" not in r["location_code"]}
    twh = {r["alpha2"]: r["generation_twh"] for r in countries}

    def area_row(area: str, codes: list[str], note: str) -> dict[str, Any]:
        total = sum(twh[c] for c in codes)
        value = round(sum(own[c] * twh[c] for c in codes) / total, 3)
        listed = ", ".join(f"{c} {fmt(own[c])}" for c in codes)
        return {
            "area": area,
            "ewif_l_per_kwh": value,
            "countries": " ".join(codes),
            "generation_twh": round(total, 3),
            "source": f"{note}: generation-weighted mean of the off-site EWIF of {len(codes)} countries "
            f"({listed} L/kWh; {SRC_LI}), weighted by generation [TWh] ({SRC_OWID}); computed by "
            "scripts/build_data.py",
            "licence": "fact; MIT; CC-BY-4.0",
        }

    world_codes = sorted(own)
    world = area_row("World", world_codes, "World default")
    rows = [world]
    for region in sorted({region for region, _ in M49.values()}):
        codes = [c for c in world_codes if M49[c][0] == region]
        if len(codes) >= EWIF_MIN_COUNTRIES:
            rows.append(area_row(region, codes, f"{region} default (UN M49 region)"))
        else:
            only = f" (only {', '.join(codes)} has one)" if codes else ""
            note = (
                f"{region} default (UN M49 region): the world value, fewer than {EWIF_MIN_COUNTRIES} "
                f"countries of {region} having their own EWIF{only}"
            )
            rows.append(
                {**world, "area": region, "source": world["source"].replace("World default", note, 1)}
            )
    return rows


def build_defaults(
    sources: Path, countries: list[dict[str, Any]], facts: str, world_ewif: Mapping[str, Any]
) -> list[dict[str, Any]]:
    # provider fleet figures quoted in facts.md §D 4a
    check_in_facts(facts, *(v[0] for v in PROVIDER_PUE.values()), *(v[0] for v in PROVIDER_WUE.values()))
    total = sum(r["generation_twh"] for r in countries)
    world = sum(r["generation_twh"] * r["intensity_g_per_kwh"] for r in countries) / total
    years = sorted({r["year"] for r in countries})
    pue_rows = {
        r["provider"]: r
        for r in read_csv_skip_index(sources / "green-algorithms/defaults_PUE.csv", "provider")
    }
    unknown = pue_rows["Unknown"]
    rows = [
        {
            "parameter": "world_intensity_g_per_kwh",
            "value": round(world, 1),
            "unit": "gCO2e/kWh",
            "basis": "lifecycle",
            "year": max(years),
            "source": "generation-weighted mean of the country rows (" + SRC_OWID + "), "
            f"{len(countries)} countries, {round(total)} TWh; computed by scripts/build_data.py",
            "licence": "MIT; CC-BY-4.0",
            "status": "V",
        },
        {
            "parameter": "pue",
            "value": float(unknown["PUE"]),
            "unit": "-",
            "basis": "",
            "year": 2024,
            "source": "Uptime Institute Global Data Center Survey 2024 (average PUE), as listed in Green "
            "Algorithms defaults_PUE.csv (GreenAlgorithms/green-algorithms-tool@30df2fee)",
            "licence": "CC-BY-4.0",
            "status": "V2",
        },
        {
            "parameter": "wue_l_per_kwh",
            "value": 1.8,
            "unit": "L/kWh",
            "basis": "on-site consumption",
            "year": 2016,
            "source": "Shehabi et al. (2016), United States Data Center Energy Usage Report, LBNL-1005775: "
            "industry-average on-site water use about 1.8 L/kWh",
            "licence": "fact",
            "status": "V2",
        },
        {
            "parameter": "ewif_l_per_kwh",
            "value": world_ewif["ewif_l_per_kwh"],
            "unit": "L/kWh",
            "basis": "consumption",
            "year": 2020,
            "source": world_ewif["source"],
            "licence": world_ewif["licence"],
            "status": "V",
        },
    ]
    for provider, (pue, pue_source, pue_year) in PROVIDER_PUE.items():
        rows.append(
            {
                "parameter": f"{provider}_pue",
                "value": pue,
                "unit": "-",
                "basis": "fleet average",
                "year": pue_year,
                "source": pue_source,
                "licence": "fact",
                "status": "V2",
            }
        )
    for provider, (wue, source, year) in PROVIDER_WUE.items():
        rows.append(
            {
                "parameter": f"{provider}_wue_l_per_kwh",
                "value": wue,
                "unit": "L/kWh",
                "basis": "on-site",
                "year": year,
                "source": source,
                "licence": "fact",
                "status": "V2",
            }
        )
    return rows


def build_accelerators(sources: Path, facts: str) -> list[dict[str, Any]]:
    ga = {r["model"]: r for r in read_csv_skip_index(sources / "green-algorithms/TDP_gpu.csv", "model")}
    # embodied figures quoted in facts.md §E (Luccioni, Chien, Morrison, NVIDIA PCFs, LLMCarbon)
    check_in_facts(facts, 150, 318, 463, 3700, 0.66, 1.6, 0.4)
    ml = {r["name"]: r for r in read_csv(sources / "mlco2-impact/gpus.csv")}
    rows = []
    for spec in ACCELERATORS:
        # rows whose figures facts.md §C quotes are checked against it (not: rows from open tool datasets,
        # derived rows, and rows newer than facts.md, whose figures are cited per row)
        if spec["facts_check"] == "yes":
            published_w = spec["tdp_w"] if spec["power_status"] == "published" else None
            check_in_facts(facts, published_w, spec["bf16_tflops"], spec["fp16_tflops"], spec["fp8_tflops"])
            # facts.md §C quotes bandwidth in GB/s; the table holds TB/s (1 TB/s = 1000 GB/s).
            check_in_facts(facts, round(spec["memory_bandwidth_tb_s"] * 1000, 6))
        if spec["memory_bandwidth_tb_s"] is None:
            raise SystemExit(f"build_data: accelerator {spec['name']} has no memory bandwidth")
        if spec["power_status"] == "modelled" and not (
            spec["tdp_w_low"] is not None
            and spec["tdp_w_high"] is not None
            and spec["tdp_w_low"] < spec["tdp_w"] < spec["tdp_w_high"]
            and spec["power_basis"]
        ):
            raise SystemExit(f"build_data: modelled power of {spec['name']} needs a range and its basis")
        checks = []
        if spec["green_algorithms_name"]:
            checks.append(f"Green Algorithms TDP {ga[spec['green_algorithms_name']]['TDP']} W")
        if spec["mlco2_name"]:
            entry = ml[spec["mlco2_name"]]
            checks.append(f"mlco2 {entry['name']}: {entry['tdp_watts']} W")
        embodied = EMBODIED.get(spec["embodied"], _NO_EMBODIED)
        rows.append(
            {
                "name": spec["name"],
                "aliases": spec["aliases"],
                "vendor": spec["vendor"],
                **{column: spec[column] for column in FIGURES},
                "memory_bandwidth_source": spec["memory_bandwidth_reference"],
                "power_status": spec["power_status"],
                "power_basis": spec["power_basis"],
                "release_year": spec["release_year"],
                **embodied,
                "source": spec["source"],
                "year": spec["release_year"],
                "status": spec["status"],
                "status_note": spec["status_note"],
                "cross_check": "; ".join(checks),
                "licence": spec.get("licence") or "fact",
            }
        )
    return rows


def build_servers(facts: str) -> list[dict[str, Any]]:
    check_in_facts(facts, 2500, 150, 0.85, 10.2)
    return [dict(row, licence="fact") for row in SERVERS]


# --------------------------------------------------------------------------------------------------

COUNTRY_COLUMNS = (
    "alpha2",
    "alpha3",
    "name",
    "intensity_g_per_kwh",
    "year",
    "basis",
    "source",
    "licence",
    "generation_twh",
    "ewif_l_per_kwh",
    "ewif_source",
    "ewif_licence",
)
SUBDIVISION_COLUMNS = (
    "code",
    "name",
    "country_alpha2",
    "intensity_g_per_kwh",
    "source_value",
    "source_unit",
    "year",
    "basis",
    "source",
    "licence",
    "ewif_l_per_kwh",
    "ewif_source",
    "ewif_licence",
    "grid_zone",
    "grid_zone_source",
)
CLOUD_COLUMNS = (
    "provider",
    "region",
    "name",
    "location_code",
    "country_alpha2",
    "country_alpha3",
    "intensity_g_per_kwh",
    "intensity_year",
    "intensity_basis",
    "intensity_source",
    "intensity_licence",
    "google_cfe",
    "pue",
    "pue_source",
    "pue_licence",
    "wue_l_per_kwh",
    "wue_source",
    "wue_licence",
    "ewif_l_per_kwh",
    "ewif_source",
    "ewif_licence",
    "region_source",
    "region_licence",
    "grid_zone",
    "grid_zone_source",
)
EMAPS_COLUMNS = (
    "zone",
    "name",
    "display_name",
    "country_name",
    "country_alpha2",
    "country_alpha3",
    "year",
    "intensity_g_per_kwh",
    "renewable_percent",
    "carbon_free_percent",
    "basis",
    "accounting",
    "source",
    "attribution",
    "licence",
)
WATER_COLUMNS = ("location_code", "location_name", "ewif_l_per_kwh", "basis", "year", "source", "licence")
WATER_DEFAULT_COLUMNS = ("area", "ewif_l_per_kwh", "countries", "generation_twh", "source", "licence")
M49_COLUMNS = ("alpha2", "region", "source", "licence")
DEFAULT_COLUMNS = ("parameter", "value", "unit", "basis", "year", "source", "licence", "status")
ACCELERATOR_COLUMNS = (
    "name",
    "aliases",
    "vendor",
    "tdp_w",
    "tdp_w_low",
    "tdp_w_high",
    "power_status",
    "power_basis",
    "bf16_tflops",
    "fp16_tflops",
    "tf32_tflops",
    "fp32_tflops",
    "fp8_tflops",
    "memory_gb",
    "memory_bandwidth_tb_s",
    "memory_bandwidth_source",
    "release_year",
    "embodied_kg",
    "embodied_kg_low",
    "embodied_kg_high",
    "embodied_assumes",
    "embodied_source",
    "source",
    "year",
    "status",
    "status_note",
    "cross_check",
    "licence",
)
SERVER_COLUMNS = ("parameter", "value", "unit", "source", "year", "status", "licence")


FILE_DESCRIPTIONS = {
    "grid_intensity/countries.csv": "countries: ISO 3166-1 alpha-2/-3, grid intensity, year, basis, EWIF",
    "grid_intensity/subdivisions.csv": "US states + DC (eGRID2016) and Canadian provinces (2023), ISO 3166-2",
    "grid_intensity/cloud_regions.csv": "cloud regions: location, grid zone, intensity, PUE, WUE, EWIF",
    "grid_intensity/water.csv": "off-site EWIF by location (Li et al. 2023, Tab. 1)",
    "grid_intensity/electricitymaps_zones.csv": "Electricity Maps yearly intensity, 352 zones x 2021-2025 "
    "(ODbL-1.0, its own file)",
    "grid_intensity/water_defaults.csv": "off-site EWIF default per UN M49 region and for the world "
    "(generation-weighted over the countries with their own EWIF)",
    "grid_intensity/m49_regions.csv": "country -> UN M49 region (for the regional EWIF default)",
    "grid_intensity/defaults.csv": "world intensity, unknown-data-centre PUE, WUE, EWIF; provider PUE/WUE",
    "grid_intensity/region_codes.txt": "the region codes of the files above, one per line (read by `track` "
    "before it launches its command)",
    "hardware/accelerators.csv": "accelerators: TDP, peak TFLOP/s, memory, bandwidth, embodied kg, status",
    "hardware/servers.csv": "server defaults: GPUs per server, host power, embodied kg, lifetime, usage",
}


def excluded_rows(sources: Path) -> list[str]:
    """What the open sources carry that is not openly licensed, and is therefore left out."""
    ci = read_csv_skip_index(sources / "green-algorithms/CI_aggregated.csv", "location")
    carbonfootprint = [r for r in ci if "carbonfootprint" in r["source"].lower()]
    iea = [r for r in ci if "iea.org" in r["source"].lower()]
    emaps = [r for r in ci if "electricitymap" in r["source"].lower()]
    other = [r for r in ci if r not in carbonfootprint and r not in iea and r not in emaps]
    ccf_cf = []
    for provider in ("aws", "azure"):
        for r in read_csv(sources / f"cloud-carbon-coefficients/grid-emissions-factors-{provider}.csv"):
            if "carbonfootprint" in r["Source"].lower():
                ccf_cf.append(f"{provider}:{r['Region']}")
    return [
        f"- Green Algorithms `CI_aggregated.csv`: all {len(ci)} intensity rows. "
        f"{len(carbonfootprint)} come from "
        "carbonfootprint.com (not openly licensed), "
        f"{len(iea)} from the IEA (commercial licence: the world average 475 g/kWh), "
        f"{len(emaps)} are Electricity Maps snapshots inside a CC BY file (not used: Electricity Maps' "
        "yearly averages ship in their own ODbL file instead; "
        + ", ".join(r["location"] for r in emaps)
        + f"), {len(other)} from a page whose licence is not stated ("
        + ", ".join(f"{r['location']}: {r['source']}" for r in other)
        + "). Countries come from Ember/OWID instead; Australian states have no open value "
        "(Azure/GCP regions there use the country value).",
        f"- Cloud Carbon Footprint grid factors: none are used. {len(ccf_cf)} AWS/Azure factors come from "
        "carbonfootprint.com (" + ", ".join(ccf_cf) + "); the EPA/EEA ones are replaced by the open value of "
        "the region's location, for one consistent rule.",
        "- codecarbon `carbon_intensity_per_source.json` world average 475 g/kWh (IEA 2019) and mlco2/impact "
        "`impact.csv` region values (mixed sources incl. an Electricity Maps snapshot and "
        "carbonfootprint.com): "
        "not used.",
        "- codecarbon `cloud_impact.csv` (Google 2023 values): superseded by Google's 2024 file itself.",
        "- Green Algorithms provider PUEs (gcp 1.12, aws 1.2, azure 1.12 from a vendor blog): not used; "
        "Cloud "
        "Carbon Footprint's constants are used instead.",
        "- Not shipped at all: IEA emission factors (commercial), Electricity Maps' hourly API data "
        "(commercial; only the ODbL yearly averages ship), "
        "Boavizta embodied data (licence not confirmed), provider sustainability reports as data "
        "(only single "
        "figures are quoted, as facts).",
    ]


def write_sources_md(path: Path, counts: Mapping[str, int], excluded: list[str]) -> None:
    file_table = "\n".join(
        f"| `data/{name}` | {count} | {FILE_DESCRIPTIONS[name]} |" for name, count in counts.items()
    )
    sources_table = "\n".join(
        ["| source | used for | licence | year | version / commit |", "|---|---|---|---|---|"]
        + ["| " + " | ".join(row) + " |" for row in SOURCE_TABLE]
    )
    text = SOURCES_MD.format(
        file_table=file_table,
        sources_table=sources_table,
        excluded="\n".join(excluded),
    )
    path.write_text(text, encoding="utf-8")


def build(shared: Path, out: Path) -> dict[str, int]:
    sources = shared / "data-sources"
    facts = (shared / "reference/facts.md").read_text(encoding="utf-8")
    if not sources.is_dir():
        raise SystemExit(f"build_data: {sources} not found")

    countries = build_countries(sources)
    subdivisions = sorted(build_us_states(sources) + build_canada(sources), key=lambda r: r["code"])
    water, li = build_water(facts)
    places, ewif = location_lookup(countries, subdivisions, water)
    cloud = build_gcp(sources, places, ewif) + build_aws(sources, places, ewif)
    cloud += build_azure(sources, places, ewif, li)
    cloud.sort(key=lambda r: (r["provider"], r["region"]))
    zones = build_electricitymaps(sources)
    zone_codes = {r["zone"] for r in zones}
    add_subdivision_zones(subdivisions, zone_codes)
    water_defaults = build_water_defaults(countries, water)
    for row in cloud:  # the zone is a name (a key into the ODbL file); no ODbL value enters this file
        zone, why = zone_of(row["provider"], row["region"], row["location_code"], zone_codes)
        row.update(grid_zone=zone, grid_zone_source=why)

    grid = out / "grid_intensity"
    hardware = out / "hardware"
    counts = {
        "grid_intensity/countries.csv": write_csv(grid / "countries.csv", COUNTRY_COLUMNS, countries),
        "grid_intensity/subdivisions.csv": write_csv(
            grid / "subdivisions.csv", SUBDIVISION_COLUMNS, subdivisions
        ),
        "grid_intensity/cloud_regions.csv": write_csv(grid / "cloud_regions.csv", CLOUD_COLUMNS, cloud),
        "grid_intensity/water.csv": write_csv(grid / "water.csv", WATER_COLUMNS, water),
        "grid_intensity/electricitymaps_zones.csv": write_csv(
            grid / "electricitymaps_zones.csv", EMAPS_COLUMNS, zones
        ),
        "grid_intensity/water_defaults.csv": write_csv(
            grid / "water_defaults.csv", WATER_DEFAULT_COLUMNS, water_defaults
        ),
        "grid_intensity/m49_regions.csv": write_csv(
            grid / "m49_regions.csv", M49_COLUMNS, build_m49(countries)
        ),
        "grid_intensity/defaults.csv": write_csv(
            grid / "defaults.csv",
            DEFAULT_COLUMNS,
            build_defaults(sources, countries, facts, water_defaults[0]),
        ),
        "hardware/accelerators.csv": write_csv(
            hardware / "accelerators.csv", ACCELERATOR_COLUMNS, build_accelerators(sources, facts)
        ),
        "hardware/servers.csv": write_csv(hardware / "servers.csv", SERVER_COLUMNS, build_servers(facts)),
    }
    codes = {c for r in countries for c in (r["alpha2"], r["alpha3"])} | {r["code"] for r in subdivisions}
    codes |= zone_codes | {f"{r['provider']}:{r['region']}" for r in cloud}
    counts["grid_intensity/region_codes.txt"] = write_region_codes(grid / "region_codes.txt", codes)
    write_sources_md(out / "SOURCES.md", counts, excluded_rows(sources))
    return counts


def write_region_codes(path: Path, codes: Iterable[str]) -> int:
    """The codes of the files above, one per line: what ``fmfootprint track`` accepts as ``--region``
    before it launches its command (fmfootprint.catalog.grid.region_codes gives the same list)."""
    ordered = sorted(codes)
    header = "# Region codes, one per line, from the other files of this folder (scripts/build_data.py)\n"
    path.write_text(header + "".join(f"{code}\n" for code in ordered), encoding="utf-8")
    return len(ordered)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", default=str(REPO_ROOT.parent / "shared"), help="shared folder")
    parser.add_argument("--out", default=str(REPO_ROOT / "data"), help="output folder (default: data/)")
    args = parser.parse_args(argv)
    counts = build(Path(args.shared), Path(args.out))
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
