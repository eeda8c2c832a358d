"""Power model: how long a run takes and how much energy its accelerators (and, if asked, hosts) draw.

Pure vectorised numpy functions; the estimator (:mod:`fmfootprint.footprint.estimate`) chooses the inputs.

Default power
-------------
When neither an average power nor a utilisation is given, an accelerator is taken to draw
:data:`DEFAULT_TDP_FRACTION` (0.75) of its TDP, with the range :data:`TDP_FRACTION_RANGE` (0.54–1.0):

- Dodge et al. (2022, FAccT) measured A100s training at 281 W on average, 70 % of their 400 W TDP;
- Patterson et al. (2021, Table 4 and footnote 12) report TPU v3 systems drawing 245–310 W against a
  450 W TDP (54–69 %);
- the OLMo H100 runs (Groeneveld et al. 2024; Morrison et al. 2025) imply 78–87 % of the 700 W TDP;
- BLOOM (Luccioni et al. 2023) and LLaMA (Touvron et al. 2023, Table 15) used the TDP itself (100 %).

The GPU measurements average ≈ 0.76 (0.70 and the 0.78–0.87 midpoint), so 0.75 is the central value;
the low end is the lowest measured share (245/450 = 0.54) and the high end is the TDP, the board's power cap
and the convention of the published figures that do not measure.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.units import S_PER_H, W_PER_KW

__all__ = [
    "DEFAULT_TDP_FRACTION",
    "TDP_FRACTION_RANGE",
    "accelerator_energy_kwh",
    "average_power_w",
    "host_energy_kwh",
    "training_hours",
]

DEFAULT_TDP_FRACTION = 0.75
"""Average draw of a busy training accelerator as a fraction of its TDP [-] (see the module notes)."""

TDP_FRACTION_RANGE = (0.54, 1.0)
"""Low and high ends of the default TDP fraction [-]: Patterson et al. 2021 TPU v3 low end; TDP."""

DEFAULT_POWER_SOURCE = (
    "default 0.75 x TDP (range 0.54-1.0): measured training draw is below TDP — Dodge et al. 2022 A100 "
    "281 W = 70 % of 400 W; Patterson et al. 2021 TPU v3 245-310 W of 450 W; OLMo H100 78-87 % of 700 W; "
    "BLOOM and LLaMA used TDP (the high end)"
)

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
    P = u · TDP. Measured training draw is 54–87 % of TDP (Dodge et al. 2022; Patterson et al. 2021, Table 4).

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
