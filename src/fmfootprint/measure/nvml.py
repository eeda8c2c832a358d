"""A thin layer over NVML (``nvidia-ml-py``, imported as ``pynvml``), with its errors mapped in one place.

Only the calls the tracker needs are wrapped, with units in their names (``energy_mj``, ``power_mw``).
Every ``pynvml.NVMLError`` (and an ``OSError`` from loading the library) is turned into one of four
:class:`NvmlError` kinds by :func:`_map_error`, and a ``pynvml`` that fails to import is
``NvmlError(UNAVAILABLE)``, so the rest of the package never inspects NVML's error codes.

The ``module`` argument of :class:`Nvml` takes any object with pynvml's names; tests pass a fake one
(``tests/measure/fake_nvml.py``), production passes nothing and gets the real ``pynvml``.

Facts relied on (NVML API reference, https://docs.nvidia.com/deploy/nvml-api/):

- ``nvmlDeviceGetTotalEnergyConsumption`` returns the board's energy [mJ] since the driver was last
  loaded; Volta (architecture 5) and newer only. It resets when the driver reloads.
- ``nvmlDeviceGetPowerUsage`` returns the board power [mW] (a 1 s average on Ampere and newer, except GA100).
- NVML enumerates devices in PCI bus order and ignores ``CUDA_VISIBLE_DEVICES``.
- NVML cannot measure power or energy of a MIG slice; only the parent GPU.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

__all__ = [
    "GpuDevice",
    "Nvml",
    "NvmlError",
    "NvmlErrorKind",
    "Visibility",
    "resolve_visible_devices",
]

_T = TypeVar("_T")

# NVML_DEVICE_ARCH_VOLTA: the energy counter exists on Volta and newer (Zeus gates on the same value).
_ARCH_VOLTA = 5


class NvmlErrorKind(enum.Enum):
    """What an NVML failure means for the tracker."""

    UNAVAILABLE = "unavailable"  # no library, no driver, not initialised: no GPU measurement at all
    NOT_SUPPORTED = "not_supported"  # this call does not exist on this device/driver: use another method
    LOST = "lost"  # the GPU fell off the bus or disappeared: stop measuring it, flag it
    TRANSIENT = "error"  # anything else (timeout, unknown, no permission): flag this sample, retry next


class NvmlError(Exception):
    """An NVML call failed; ``kind`` says what the tracker should do about it."""

    def __init__(self, kind: NvmlErrorKind, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code


@dataclass(frozen=True)
class GpuDevice:
    """One physical GPU as NVML sees it.

    ``index`` is NVML's (PCI bus order), not CUDA's. ``mig_requested`` is True when the user asked for a
    MIG slice of this GPU: the whole GPU is measured and the record is flagged.
    """

    index: int
    uuid: str
    name: str
    has_energy_counter: bool
    mig_requested: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "uuid": self.uuid,
            "name": self.name,
            "has_energy_counter": self.has_energy_counter,
            "mig_requested": self.mig_requested,
        }


def _map_error(nvml: ModuleType, exc: Exception) -> NvmlError:
    """The one place where NVML error codes (and the OSError of a library that cannot load) become kinds."""
    code = getattr(exc, "value", None)
    name = type(exc).__name__.removeprefix("NVMLError_")
    if isinstance(exc, OSError):
        return NvmlError(NvmlErrorKind.UNAVAILABLE, f"NVML library unusable: OSError: {exc}", None)

    def codes(*names: str) -> set[int]:
        return {getattr(nvml, n) for n in names if hasattr(nvml, n)}

    if code in codes(
        "NVML_ERROR_LIBRARY_NOT_FOUND", "NVML_ERROR_DRIVER_NOT_LOADED", "NVML_ERROR_UNINITIALIZED"
    ):
        kind = NvmlErrorKind.UNAVAILABLE
    elif code in codes("NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_FUNCTION_NOT_FOUND"):
        kind = NvmlErrorKind.NOT_SUPPORTED
    elif code in codes("NVML_ERROR_GPU_IS_LOST", "NVML_ERROR_NOT_FOUND", "NVML_ERROR_GPU_NOT_FOUND"):
        kind = NvmlErrorKind.LOST
    else:
        kind = NvmlErrorKind.TRANSIENT
    return NvmlError(kind, f"NVML {name}: {exc}", code)


class Nvml:
    """The NVML calls the tracker uses, each raising :class:`NvmlError` on failure.

    Parameters
    ----------
    module : module, optional
        An object exposing pynvml's names (``nvmlInit``, ``NVMLError``, ...). Default: ``import pynvml``
        from the ``nvidia-ml-py`` distribution. Tests pass a fake.
    """

    def __init__(self, module: ModuleType | Any | None = None) -> None:
        if module is None:
            try:
                module = importlib.import_module("pynvml")
            except Exception as exc:  # a broken install may raise anything at import: no GPU measurement
                raise NvmlError(
                    NvmlErrorKind.UNAVAILABLE, f"pynvml not importable: {type(exc).__name__}: {exc}"
                ) from exc
        self._nvml = module
        self._initialized = False

    def _call(self, fn_name: str, *args: Any) -> Any:
        fn: Callable[..., Any] = getattr(self._nvml, fn_name)
        try:
            return fn(*args)
        except (self._nvml.NVMLError, OSError) as exc:  # OSError: ctypes could not load or call the library
            raise _map_error(self._nvml, exc) from exc

    # lifecycle -------------------------------------------------------------------------------------
    def init(self) -> None:
        """``nvmlInit``; raises NvmlError(UNAVAILABLE) without a driver."""
        try:
            self._call("nvmlInit")
        except NvmlError as exc:
            # Any failure to initialise means no GPU measurement, whatever the code.
            raise NvmlError(NvmlErrorKind.UNAVAILABLE, str(exc), exc.code) from exc
        self._initialized = True

    def shutdown(self) -> None:
        if self._initialized:
            self._initialized = False
            with contextlib.suppress(NvmlError):  # shutting down a broken driver: nothing left to do
                self._call("nvmlShutdown")

    # enumeration -----------------------------------------------------------------------------------
    def device_count(self) -> int:
        return int(self._call("nvmlDeviceGetCount"))

    def handle_by_index(self, index: int) -> Any:
        return self._call("nvmlDeviceGetHandleByIndex", index)

    def uuid(self, handle: Any) -> str:
        return _text(self._call("nvmlDeviceGetUUID", handle))

    def name(self, handle: Any) -> str:
        return _text(self._call("nvmlDeviceGetName", handle))

    def parent_uuid_of_mig(self, mig_uuid: str) -> str:
        """UUID of the physical GPU that holds the MIG instance ``mig_uuid``."""
        handle = self._call("nvmlDeviceGetHandleByUUID", mig_uuid)
        parent = self._call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", handle)
        return self.uuid(parent)

    def has_energy_counter(self, handle: Any) -> bool:
        """True if the cumulative energy counter exists and answers (Volta and newer)."""
        try:
            arch = int(self._call("nvmlDeviceGetArchitecture", handle))
        except NvmlError as exc:
            if exc.kind is not NvmlErrorKind.NOT_SUPPORTED:
                raise
            arch = _ARCH_VOLTA  # unknown architecture: let the counter itself answer
        if arch < _ARCH_VOLTA:
            return False
        try:
            return self.energy_mj(handle) is not None
        except NvmlError as exc:
            if exc.kind is NvmlErrorKind.NOT_SUPPORTED:
                return False
            raise

    # readings --------------------------------------------------------------------------------------
    def energy_mj(self, handle: Any) -> int | None:
        """Board energy since the driver was loaded [mJ]; None when NVML reports "not available"."""
        value = self._call("nvmlDeviceGetTotalEnergyConsumption", handle)
        return None if value is None else int(value)

    def power_mw(self, handle: Any) -> int | None:
        """Board power draw [mW]; None when NVML reports "not available"."""
        value = self._call("nvmlDeviceGetPowerUsage", handle)
        return None if value is None else int(value)

    def device(self, handle: Any, index: int, *, mig_requested: bool = False) -> GpuDevice:
        return GpuDevice(
            index=index,
            uuid=self.uuid(handle),
            name=self.name(handle),
            has_energy_counter=self.has_energy_counter(handle),
            mig_requested=mig_requested,
        )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Visibility:
    """Which GPUs ``CUDA_VISIBLE_DEVICES`` selects, as NVML indices, and what had to be assumed."""

    indices: tuple[int, ...]
    mig_indices: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


def resolve_visible_devices(
    nvml: Nvml, uuids: list[str], names: list[str], environ: Mapping[str, str]
) -> Visibility:
    """Map ``CUDA_VISIBLE_DEVICES`` to NVML indices, matching by UUID.

    Parameters
    ----------
    nvml : Nvml
        Initialised NVML layer (used to find the parent GPU of a MIG instance).
    uuids, names : list of str
        UUID and name of every GPU, in NVML (PCI bus) order.
    environ : mapping
        The environment (``CUDA_VISIBLE_DEVICES``, ``CUDA_DEVICE_ORDER``).

    Returns
    -------
    Visibility
        NVML indices of the selected GPUs, those selected through a MIG instance, and notes.

    Notes
    -----
    CUDA's rules (CUDA C Programming Guide, "CUDA Environment Variables"): entries are indices or
    ``GPU-``/``MIG-`` UUIDs (a unique prefix suffices); parsing stops at the first invalid entry; unset
    means every GPU; empty means none. Integer entries are CUDA indices: they equal NVML's PCI order
    when ``CUDA_DEVICE_ORDER=PCI_BUS_ID`` or when all GPUs are the same model (FASTEST_FIRST then ties
    on PCI order); otherwise the mapping is an assumption and a note says so.
    """
    raw = environ.get("CUDA_VISIBLE_DEVICES")
    if raw is None:
        return Visibility(tuple(range(len(uuids))))
    chosen: list[int] = []
    mig: list[int] = []
    notes: list[str] = []
    pci_order = environ.get("CUDA_DEVICE_ORDER", "FASTEST_FIRST").upper() == "PCI_BUS_ID"
    ambiguous_order = not pci_order and len(set(names)) > 1
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            break
        index: int | None = None
        if entry.lstrip("-").isdigit():
            value = int(entry)
            if value < 0 or value >= len(uuids):
                break  # CUDA ignores this entry and every one after it
            index = value
            if ambiguous_order:
                notes.append(
                    f"CUDA_VISIBLE_DEVICES index {value} taken as NVML index {value}: GPUs differ and "
                    "CUDA_DEVICE_ORDER is not PCI_BUS_ID, so CUDA's order may differ"
                )
        elif entry.upper().startswith("MIG-"):
            try:
                parent = nvml.parent_uuid_of_mig(entry)
            except NvmlError:
                notes.append(f"MIG instance {entry} not found; ignored with the entries after it")
                break
            index = uuids.index(parent) if parent in uuids else None
            if index is None:
                break
            mig.append(index)
            notes.append(f"MIG instance {entry}: whole GPU {parent} measured (NVML cannot meter a slice)")
        else:
            matches = [i for i, u in enumerate(uuids) if u.lower().startswith(_with_gpu_prefix(entry))]
            if len(matches) != 1:
                break
            index = matches[0]
        if index not in chosen:
            chosen.append(index)
    return Visibility(tuple(chosen), tuple(dict.fromkeys(mig)), tuple(notes))


def _with_gpu_prefix(entry: str) -> str:
    entry = entry.lower()
    return entry if entry.startswith("gpu-") else f"gpu-{entry}"
