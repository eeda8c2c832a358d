"""Accelerator catalog and server (node) defaults, read from ``data/hardware/``.

``get_accelerator`` is forgiving about case, spaces, dashes, vendor prefixes and memory suffixes
(``h100``, ``H100-SXM5-80GB``, ``nvidia h100 sxm``, NVML names such as ``NVIDIA A100-SXM4-80GB``); an
unknown name raises :class:`~fmfootprint.errors.UnknownNameError` with up to three close names.

Figures are per device (per GPU, per TPU chip; an MI250X OAM module holds 2 GCDs, see ``MI250X GCD``).
Peak TFLOP/s are dense (without 2:4 sparsity); None where a precision is not defined or not published.
Every row carries its source, licence and verification status (V: read in the primary source; V2: read
in a secondary copy quoting it; U: unverified), see ``data/SOURCES.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fmfootprint.catalog._tables import optional_float, optional_int, read_table
from fmfootprint.catalog.names import PRECISIONS
from fmfootprint.errors import FootprintInputError, UnknownNameError, normalize_name

__all__ = [
    "PRECISIONS",
    "Accelerator",
    "ServerDefaults",
    "get_accelerator",
    "list_accelerators",
    "server_defaults",
]

# Words that name a vendor or product line rather than the device; dropped when matching.
_PREFIXES = ("nvidia", "amd", "google", "intel", "aws", "tesla", "geforce", "instinct", "cloud")
# A trailing memory size / type after a separator, e.g. " 141GB", "-80GB HBM3".
_MEMORY_SUFFIX = re.compile(r"([\s\-_/]+(\d+\s*gb|hbm\d*e?))+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Accelerator:
    """One accelerator model (per device).

    Attributes
    ----------
    name : str
        Canonical name, e.g. ``"H100 SXM"``.
    aliases : tuple of str
        Other accepted names (NVML names included).
    vendor : str
        ``"NVIDIA"``, ``"AMD"`` or ``"Google"``.
    tdp_w : float or None
        Board power / TDP [W]. Where the vendor publishes none (TPU v5e/v5p/v6e, Ironwood, Trainium2) a
        modelled value (``power_status == "modelled"``, range ``tdp_range_w``, derivation
        ``power_basis``).
    peak_tflops : dict
        Dense peak throughput [TFLOP/s] by precision (keys ``bf16, fp16, tf32, fp32, fp8``); None where
        the precision is not defined or not published.
    memory_gb : float or None
        Device memory [GB].
    release_year : int or None
        Year of release.
    embodied_kg : float or None
        Embodied (manufacturing) emissions per unit [kgCO2e]; None where no source exists.
    embodied_source : str
        Citation for ``embodied_kg``.
    source : str
        Citation for the specifications.
    licence : str
        Licence tokens of the row (``fact`` = published figures quoted with citation).
    status : str
        Verification status of TDP and tensor figures: ``V``, ``V2`` or ``U``.
    status_note : str
        Status per figure.
    cross_check : str
        The same device in Green Algorithms / mlco2 tables, for comparison.
    memory_bandwidth_tb_s : float or None
        Peak device-memory bandwidth [TB/s] from the vendor's datasheet (1 TB/s = 1e12 B/s); every
        catalog row has one.
    memory_bandwidth_source : str
        Citation for ``memory_bandwidth_tb_s``.
    power_status : str
        ``"published"`` (the vendor's TDP / board power) or ``"modelled"`` (an estimate, see
        ``power_basis``).
    tdp_w_low, tdp_w_high : float or None
        Range of a modelled board power [W]; None for a published one.
    power_basis : str
        How a modelled power was derived, with its sources.
    embodied_kg_low, embodied_kg_high : float or None
        Published range of the accelerator class's embodied emissions [kgCO2e per unit].
    embodied_assumes : str
        The lifetime and usage the embodied sources assume.
    """

    name: str
    aliases: tuple[str, ...]
    vendor: str
    tdp_w: float | None
    peak_tflops: dict[str, float | None]
    memory_gb: float | None
    release_year: int | None
    embodied_kg: float | None
    embodied_source: str
    source: str
    licence: str
    status: str
    status_note: str = ""
    cross_check: str = ""
    memory_bandwidth_tb_s: float | None = None
    memory_bandwidth_source: str = ""
    power_status: str = "published"
    tdp_w_low: float | None = None
    tdp_w_high: float | None = None
    power_basis: str = ""
    embodied_kg_low: float | None = None
    embodied_kg_high: float | None = None
    embodied_assumes: str = ""

    @property
    def tdp_range_w(self) -> tuple[float, float] | None:
        """(low, high) board power [W]: the modelled range, or (TDP, TDP) for a published one."""
        if self.tdp_w is None:
            return None
        low = self.tdp_w if self.tdp_w_low is None else self.tdp_w_low
        high = self.tdp_w if self.tdp_w_high is None else self.tdp_w_high
        return (low, high)

    def __hash__(self) -> int:  # peak_tflops is a dict; the name identifies the row
        return hash(self.name)

    def peak_flops(self, precision: str = "bf16") -> float:
        """Dense peak throughput [FLOP/s] at ``precision``; an error if it is not defined for this device."""
        key = str(precision).strip().lower()
        if key not in PRECISIONS:
            raise UnknownNameError("precision", str(precision), PRECISIONS)
        tflops = self.peak_tflops.get(key)
        if tflops is None:
            defined = [p for p in PRECISIONS if self.peak_tflops.get(p) is not None]
            raise FootprintInputError(
                f"{self.name} has no {key} peak throughput in the catalog; defined: {', '.join(defined)}"
            )
        return tflops * 1e12

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready mapping (``peak_tflops`` nested)."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "vendor": self.vendor,
            "tdp_w": self.tdp_w,
            "peak_tflops": dict(self.peak_tflops),
            "memory_gb": self.memory_gb,
            "memory_bandwidth_tb_s": self.memory_bandwidth_tb_s,
            "memory_bandwidth_source": self.memory_bandwidth_source,
            "power_status": self.power_status,
            "tdp_w_low": self.tdp_w_low,
            "tdp_w_high": self.tdp_w_high,
            "power_basis": self.power_basis,
            "embodied_kg_low": self.embodied_kg_low,
            "embodied_kg_high": self.embodied_kg_high,
            "embodied_assumes": self.embodied_assumes,
            "release_year": self.release_year,
            "embodied_kg": self.embodied_kg,
            "embodied_source": self.embodied_source,
            "source": self.source,
            "licence": self.licence,
            "status": self.status,
            "status_note": self.status_note,
            "cross_check": self.cross_check,
        }


@dataclass(frozen=True)
class ServerDefaults:
    """Node defaults for host power and embodied carbon, each with its source.

    Attributes
    ----------
    gpus_per_server : int
        Accelerators per server [-].
    host_power_w : float
        Host (CPU, memory, network) power per server [W]; an upper bound, used only when asked for.
    embodied_kg_per_server : float
        Embodied emissions of a server without its GPUs [kgCO2e].
    embodied_kg_per_gpu : float
        Embodied emissions per GPU [kgCO2e].
    lifetime_years : float
        Hardware lifetime used for amortisation [yr].
    usage_fraction : float
        Fraction of the lifetime the hardware is in use [-].
    """

    gpus_per_server: int
    gpus_per_server_source: str
    host_power_w: float
    host_power_w_source: str
    embodied_kg_per_server: float
    embodied_kg_per_server_source: str
    embodied_kg_per_gpu: float
    embodied_kg_per_gpu_source: str
    lifetime_years: float
    lifetime_years_source: str
    usage_fraction: float
    usage_fraction_source: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _key(name: str) -> str:
    key = normalize_name(name)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                changed = True
    return key


def _split(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


@lru_cache(maxsize=1)
def _catalog() -> tuple[tuple[Accelerator, ...], dict[str, Accelerator]]:
    accelerators = []
    for row in read_table("hardware/accelerators.csv"):
        accelerators.append(
            Accelerator(
                name=row["name"],
                aliases=_split(row["aliases"]),
                vendor=row["vendor"],
                tdp_w=optional_float(row["tdp_w"]),
                peak_tflops={p: optional_float(row[f"{p}_tflops"]) for p in PRECISIONS},
                memory_gb=optional_float(row["memory_gb"]),
                release_year=optional_int(row["release_year"]),
                embodied_kg=optional_float(row["embodied_kg"]),
                embodied_source=row["embodied_source"],
                source=row["source"],
                licence=row["licence"],
                status=row["status"],
                status_note=row["status_note"],
                cross_check=row["cross_check"],
                memory_bandwidth_tb_s=optional_float(row["memory_bandwidth_tb_s"]),
                memory_bandwidth_source=row["memory_bandwidth_source"],
                power_status=row["power_status"],
                tdp_w_low=optional_float(row["tdp_w_low"]),
                tdp_w_high=optional_float(row["tdp_w_high"]),
                power_basis=row["power_basis"],
                embodied_kg_low=optional_float(row["embodied_kg_low"]),
                embodied_kg_high=optional_float(row["embodied_kg_high"]),
                embodied_assumes=row["embodied_assumes"],
            )
        )
    index: dict[str, Accelerator] = {}
    for accelerator in accelerators:
        for label in (accelerator.name, *accelerator.aliases):
            key = _key(label)
            other = index.setdefault(key, accelerator)
            if other is not accelerator:
                raise RuntimeError(
                    f"accelerator name {label!r} is ambiguous: {other.name}, {accelerator.name}"
                )
    return tuple(accelerators), index


def list_accelerators() -> list[Accelerator]:
    """Every accelerator in the catalog, in catalog order."""
    return list(_catalog()[0])


def get_accelerator(name: str | Accelerator) -> Accelerator:
    """The accelerator called ``name`` (canonical name or alias; any case, spacing, dashes).

    Raises
    ------
    UnknownNameError
        If no accelerator matches; the message offers up to three close names.
    """
    if isinstance(name, Accelerator):
        return name
    if not isinstance(name, str) or not name.strip():
        raise FootprintInputError(f"accelerator name must be a non-empty string, got {name!r}")
    accelerators, index = _catalog()
    key = _key(name)
    found = index.get(key) or index.get(_key(_MEMORY_SUFFIX.sub("", name)))
    if found is None:
        raise UnknownNameError("accelerator", name, [a.name for a in accelerators])
    return found


@lru_cache(maxsize=1)
def server_defaults() -> ServerDefaults:
    """Node defaults (GPUs per server, host power, embodied kg, lifetime, usage) with their sources."""
    rows = {row["parameter"]: row for row in read_table("hardware/servers.csv")}
    values: dict[str, Any] = {}
    for parameter, row in rows.items():
        values[parameter] = float(row["value"])
        values[f"{parameter}_source"] = row["source"]
    values["gpus_per_server"] = int(values["gpus_per_server"])
    return ServerDefaults(**values)
