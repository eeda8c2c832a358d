"""Power model: how long a run takes and how much energy its accelerators (and, if asked, hosts) draw.

Pure vectorised numpy functions; the estimator (:mod:`fmfootprint.footprint.estimate`) chooses the inputs.

Default power: a calibrated fraction of TDP
-------------------------------------------
When neither an average power nor a utilisation is given, an accelerator is taken to draw a fraction of its
TDP that depends on what is known about the job (:func:`power_class`):

===============================  ========  ==========  ===================================================
class                            central   range       calibrated on (measured accelerator energy)
===============================  ========  ==========  ===================================================
small model (< 50M parameters)   0.317     0.21–0.50   Dodge et al. 2022: ViT Tiny, DenseNet 121 and 201
mid model (50M – 1B parameters)  0.665     0.34–1.0    Dodge et al. 2022: BERT fine-tune, ViT Base, ViT Huge
large model (≥ 1B parameters)    0.791     0.56–1.0    Dodge et al. 2022: 6.1B transformer; Olmo 3 7B
size unknown, ≥ 64 accelerators  0.791     0.56–1.0    as "large model": LLM-scale jobs
size unknown, < 64 accelerators  0.75      0.21–1.0    prior of v1 (LLM-scale); range spans every class
===============================  ========  ==========  ===================================================

Calibration, done once: the measured fraction of a run is E / (accelerator-hours × TDP); the central value
of a class is the geometric mean of its calibration runs' fractions, the low end 0.8 × their lowest and the
high end min(1, 1.25 × their highest) — the margins cover the held-back runs (BERT pre-training, DenseNet 169,
ViT Small, ViT Large, Olmo 3 32B), which are not used to set any number. The runs, their sources and the
estimate-versus-measurement table are in ``tests/data/footprint/measured_training_runs.csv`` and
``docs/methodology.md``; ``tests/footprint/test_power_calibration.py`` recomputes the constants from the
calibration half and checks the held-back half.

Why the classes: small models leave the accelerator waiting on input pipelines and kernel launches (Dodge et
al. 2022 measured 27–43 % of TDP for V100/P40 jobs under 110M parameters), while LLM-scale training keeps it
near its power cap (70 % for Dodge's 6.1B model on A100s, 89–93 % for Olmo 3 on H100s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.units import S_PER_H, W_PER_KW

__all__ = [
    "DEFAULT_TDP_FRACTION",
    "POWER_CLASSES",
    "TDP_FRACTION_RANGE",
    "PowerClass",
    "accelerator_energy_kwh",
    "average_power_w",
    "host_energy_kwh",
    "power_class",
    "training_hours",
]

SMALL_MODEL_MAX_PARAMS = 5e7
"""Upper end of the "small model" class [parameters] (Dodge et al. 2022's ViT Small, 22M, is small)."""
MID_MODEL_MAX_PARAMS = 1e9
"""Upper end of the "mid model" class [parameters]; from here on, LLM-scale training."""
LARGE_JOB_MIN_ACCELERATORS = 64
"""Accelerators from which a job of unknown model size is taken to be LLM-scale [-]."""


@dataclass(frozen=True)
class PowerClass:
    """Average draw of an accelerator as a fraction of its TDP for one class of job.

    Attributes
    ----------
    name : str
        The class, in words (``"large model (>= 1B parameters)"``).
    fraction : float
        Central value [-] of average power / TDP.
    low, high : float
        Range [-] of average power / TDP.
    basis : str
        What the numbers rest on (the calibration runs, or the prior).
    """

    name: str
    fraction: float
    low: float
    high: float
    basis: str


_DODGE = "Dodge et al. 2022 (FAccT), Table 2, measured GPU energy"
_OLMO3 = "Olmo 3 (Ai2 2025) pre-training energy"
POWER_CLASSES: dict[str, PowerClass] = {
    "small": PowerClass(
        "small model (< 50M parameters)",
        0.317,
        0.21,
        0.50,
        f"calibrated: ViT Tiny, DenseNet 121/201 ({_DODGE})",
    ),
    "mid": PowerClass(
        "mid-size model (50M-1B parameters)",
        0.665,
        0.34,
        1.0,
        f"calibrated: BERT fine-tune, ViT Base, ViT Huge ({_DODGE})",
    ),
    "large": PowerClass(
        "large model (>= 1B parameters)",
        0.791,
        0.56,
        1.0,
        f"calibrated: 6.1B transformer ({_DODGE}); Olmo 3 7B ({_OLMO3})",
    ),
    "large_job": PowerClass(
        f"model size unknown, >= {LARGE_JOB_MIN_ACCELERATORS} accelerators (LLM-scale job)",
        0.791,
        0.56,
        1.0,
        "as a large model: calibrated on the LLM-scale runs",
    ),
    "unknown": PowerClass(
        f"model size unknown, < {LARGE_JOB_MIN_ACCELERATORS} accelerators",
        0.75,
        0.21,
        1.0,
        (
            "prior 0.75 (LLM-scale); the range spans every class calibrated on measured runs "
            f"({_DODGE}; {_OLMO3}) — give the model size to narrow it"
        ),
    ),
}
"""Calibrated default TDP fractions by class of job (see the module notes)."""

DEFAULT_TDP_FRACTION = POWER_CLASSES["unknown"].fraction
"""Average draw as a fraction of TDP when nothing about the job is known [-]."""

TDP_FRACTION_RANGE = (POWER_CLASSES["unknown"].low, POWER_CLASSES["unknown"].high)
"""Low and high ends of the default TDP fraction when nothing about the job is known [-]."""


def power_class(model_params: float | None = None, accelerators: int | None = None) -> PowerClass:
    """The class of job whose calibrated TDP fraction applies.

    Parameters
    ----------
    model_params : float, optional
        Parameters of the model being trained [-]; decides the class when given.
    accelerators : int, optional
        Accelerators in the job [-]; with the model size unknown, ``>= 64`` means an LLM-scale job.

    Returns
    -------
    PowerClass
        Central fraction, range and basis.

    Notes
    -----
    N < 5e7 → small; 5e7 ≤ N < 1e9 → mid; N ≥ 1e9 → large; N unknown: n ≥ 64 → large job, else unknown.
    Calibrated on measured accelerator energy (module notes).

    References
    ----------
    Dodge, J. et al. (2022). Measuring the Carbon Intensity of AI in Cloud Instances. FAccT '22, Table 2.
    """
    if model_params is not None:
        if model_params < SMALL_MODEL_MAX_PARAMS:
            return POWER_CLASSES["small"]
        if model_params < MID_MODEL_MAX_PARAMS:
            return POWER_CLASSES["mid"]
        return POWER_CLASSES["large"]
    if accelerators is not None and accelerators >= LARGE_JOB_MIN_ACCELERATORS:
        return POWER_CLASSES["large_job"]
    return POWER_CLASSES["unknown"]


_FLOPS_PER_TFLOPS = 1e12


def average_power_w(tdp_w: ArrayLike, utilization: ArrayLike) -> NDArray[np.float64] | float:
    """Average power of an accelerator drawing a fraction of its TDP.

    Parameters
    ----------
    tdp_w : array_like
        Thermal design power (board power) of one accelerator [W].
    utilization : array_like
        Average draw as a fraction of TDP [-], in (0, 1].

    Returns
    -------
    array_like
        Average power per accelerator [W].

    Notes
    -----
    P = u · TDP. Measured training draw is 27–93 % of TDP (Dodge et al. 2022, Table 2; Patterson et al. 2021,
    Table 4; Olmo 3), depending on the size of the job (:func:`power_class`).

    References
    ----------
    Dodge, J. et al. (2022). Measuring the Carbon Intensity of AI in Cloud Instances. FAccT '22.
    Patterson, D. et al. (2021). Carbon Emissions and Large Neural Network Training.
    arXiv:2104.10350, Table 4.
    """
    return np.multiply(tdp_w, utilization)


def training_hours(
    flops: ArrayLike, gpus: ArrayLike, peak_tflops: ArrayLike, mfu: ArrayLike
) -> NDArray[np.float64] | float:
    """Wall-clock time of a training run from its compute and its model FLOP utilisation.

    Parameters
    ----------
    flops : array_like
        Training compute C [FLOP] (e.g. 6·N·D, Kaplan et al. 2020).
    gpus : array_like
        Number of accelerators [-].
    peak_tflops : array_like
        Dense peak throughput of one accelerator at the training precision [TFLOP/s].
    mfu : array_like
        Model FLOP utilisation [-], in (0, 1]: achieved model FLOP/s over peak FLOP/s.

    Returns
    -------
    array_like
        Wall-clock hours [h].

    Notes
    -----
    T = C / (n · peak · MFU) / 3600, MFU as defined by Chowdhery et al. (2022, Appendix B).

    References
    ----------
    Chowdhery, A. et al. (2022). PaLM: Scaling Language Modeling with Pathways. arXiv:2204.02311, App. B.
    """
    peak_flops_per_s = np.multiply(peak_tflops, _FLOPS_PER_TFLOPS)
    return np.divide(flops, np.multiply(np.multiply(gpus, peak_flops_per_s), mfu)) / S_PER_H


def accelerator_energy_kwh(gpu_hours: ArrayLike, power_w: ArrayLike) -> NDArray[np.float64] | float:
    """IT energy of the accelerators.

    Parameters
    ----------
    gpu_hours : array_like
        Accelerator-hours [h].
    power_w : array_like
        Average power per accelerator [W].

    Returns
    -------
    array_like
        Energy [kWh].

    Notes
    -----
    E = accelerator-hours · P / 1000 (Luccioni et al. 2023, §3, Table 1; Touvron et al. 2023, Table 15).

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §3, Table 1.
    """
    return np.multiply(gpu_hours, power_w) / W_PER_KW


def host_energy_kwh(
    gpu_hours: ArrayLike, gpus_per_server: ArrayLike, host_power_w: ArrayLike
) -> NDArray[np.float64] | float:
    """IT energy of the host servers (CPUs, memory, network) beyond the accelerators.

    Parameters
    ----------
    gpu_hours : array_like
        Accelerator-hours [h].
    gpus_per_server : array_like
        Accelerators per server [-].
    host_power_w : array_like
        Average host power per server, accelerators excluded [W].

    Returns
    -------
    array_like
        Energy [kWh].

    Notes
    -----
    E_host = (accelerator-hours / accelerators per server) · P_host / 1000; server-hours as in
    Luccioni et al. (2023, §4.1).

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). Estimating the Carbon Footprint of BLOOM.
    JMLR 24(253), §4.1.
    """
    return np.multiply(np.divide(gpu_hours, gpus_per_server), host_power_w) / W_PER_KW
