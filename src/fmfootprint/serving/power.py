"""What a decode step costs beyond the roofline, what the accelerators draw, one query's accelerator energy.

- A step also spends time outside the roofline kernels: a fixed time per layer, two tensor-parallel
  all-reduces per layer when the replica spans several accelerators, and host work per sequence
  (:func:`step_overhead_s`).
- The accelerators draw a floor while they serve and more the busier their compute units are:
  P = n · TDP · (f_0 + (f_1 − f_0) · u), u the share of the time at the compute roof
  (:func:`power_fraction`).
- :func:`accelerator_query` composes these with :mod:`fmfootprint.serving.physics` into one query's prefill,
  step, accelerator time share, utilisation, power and energy, vectorised over the batch and the factors;
  :func:`fmfootprint.serving.inference` and the calibration both call it, so they cannot differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fmfootprint.serving import physics
from fmfootprint.serving.physics import KV_SCALING_EXPONENT, REFERENCE_KV_PARAMS, REFERENCE_LAYERS

__all__ = [
    "FACTORS",
    "accelerator_query",
    "decode_compute_s",
    "layers",
    "power_fraction",
    "step_overhead_s",
]

Array = NDArray[np.float64]

FACTORS: tuple[str, ...] = (
    "memory_efficiency",
    "prefill_efficiency",
    "decode_compute_efficiency",
    "layer_overhead_s",
    "allreduce_s",
    "sequence_overhead_s",
    "power_floor_fraction",
    "power_peak_fraction",
)
"""The model factors :func:`accelerator_query` reads (:mod:`fmfootprint.serving.constants`)."""


def decode_compute_s(
    active_params: ArrayLike,
    batch: ArrayLike,
    accelerators: ArrayLike,
    peak_flops: ArrayLike,
    decode_compute_efficiency: ArrayLike,
) -> Array:
    """Time the decode matmuls of one step need at the compute roof (the step's compute-busy time).

    Parameters
    ----------
    active_params : array_like
        Parameters used per token [-].
    batch : array_like
        Sequences decoded together [-].
    accelerators : array_like
        Accelerators sharing the work [-].
    peak_flops : array_like
        Dense peak of one accelerator [FLOP/s].
    decode_compute_efficiency : array_like
        Achieved over peak FLOP/s when compute-bound η_c [-].

    Returns
    -------
    ndarray
        t_c = 2·N_active·B / (n·P·η_c) [s]: the compute term of :func:`decode_step_s`.

    References
    ----------
    Kaplan, J. et al. (2020). arXiv:2001.08361, Table 1. Williams et al. (2009), CACM 52(4).
    """
    flops = 2.0 * np.multiply(active_params, batch)
    compute = np.multiply(np.multiply(accelerators, peak_flops), decode_compute_efficiency)
    return np.asarray(np.divide(flops, compute), dtype=np.float64)


def layers(active_params: ArrayLike) -> Array:
    """Transformer layers, scaled from Llama 3.1 8B by active parameters.

    Parameters
    ----------
    active_params : array_like
        Parameters used per token N_active [-].

    Returns
    -------
    ndarray
        L = 32 · (N_active / 8.03e9)^0.35 [-]: 32, 68 and 126 for Llama 3.1 8B, 70B and 405B against 32, 80
        and 126 in their configurations (the exponent of :func:`kv_bytes_per_token`: at 8 KV heads of 128
        dims the KV cache per token is proportional to the layers).

    References
    ----------
    Dubey, A. et al. (2024). The Llama 3 Herd of Models. arXiv:2407.21783, Table 3.
    """
    return np.asarray(
        REFERENCE_LAYERS * np.power(np.divide(active_params, REFERENCE_KV_PARAMS), KV_SCALING_EXPONENT),
        dtype=np.float64,
    )


def step_overhead_s(
    n_layers: ArrayLike,
    accelerators: ArrayLike,
    batch: ArrayLike,
    layer_s: ArrayLike,
    allreduce_s: ArrayLike,
    sequence_s: ArrayLike,
) -> Array:
    """Time of a decode step outside the roofline kernels: launches, tensor-parallel all-reduces, scheduling.

    Parameters
    ----------
    n_layers : array_like
        Transformer layers L [-] (:func:`layers`).
    accelerators : array_like
        Accelerators of the replica (tensor parallel) n [-].
    batch : array_like
        Sequences decoded together B [-].
    layer_s : array_like
        Fixed time per layer and step τ_k [s] (kernel launches and small kernels).
    allreduce_s : array_like
        Latency of one tensor-parallel all-reduce τ_ar [s], paid only when n > 1.
    sequence_s : array_like
        Host time per sequence and step τ_s [s] (scheduling, sampling, detokenising).

    Returns
    -------
    ndarray
        t_o = L · (τ_k + 2 · τ_ar · [n > 1]) + B · τ_s [s].

    Notes
    -----
    A tensor-parallel layer all-reduces twice in the forward pass (after attention and after the MLP;
    Shoeybi et al. 2019, §3); at small batches these latencies, not bandwidth, set the step (Pope et al.
    2023, §3.1). The serving engine's host work grows with the sequences it schedules each step, and the
    accelerators wait for it (Kwon et al. 2023, §4; the vLLM team's v0.6.0 release notes, Sep. 2024,
    name host-side scheduling and processing as a main cost at high throughput). The three times are
    fitted (:mod:`fmfootprint.serving.constants`).

    References
    ----------
    Shoeybi, M. et al. (2019). Megatron-LM. arXiv:1909.08053, §3.
    Pope, R. et al. (2023). Efficiently Scaling Transformer Inference. MLSys 2023, §3.1.
    Kwon, W. et al. (2023). PagedAttention. SOSP '23, §4.
    """
    per_layer = np.add(layer_s, np.multiply(2.0 * np.greater(accelerators, 1), allreduce_s))
    return np.asarray(
        np.add(np.multiply(n_layers, per_layer), np.multiply(batch, sequence_s)), dtype=np.float64
    )


def power_fraction(floor_fraction: ArrayLike, peak_fraction: ArrayLike, utilisation: ArrayLike) -> Array:
    """Average accelerator draw as a fraction of TDP, from the compute utilisation.

    Parameters
    ----------
    floor_fraction : array_like
        Draw while serving with the compute units idle f_0 [-] (memory-bound decode, waiting on the host).
    peak_fraction : array_like
        Draw at the compute roof f_1 [-], at most 1.
    utilisation : array_like
        Share of the time spent at the compute roof u [-], in [0, 1].

    Returns
    -------
    ndarray
        f = f_0 + (f_1 − f_0) · u [-].

    Notes
    -----
    The linear idle-to-busy power model of servers (Barroso, Clidaras & Hölzle 2013, ch. 5: P = P_idle +
    (P_busy − P_idle) · u), with the floor at the draw of memory-bound serving rather than of an idle chip:
    LLM inference draws well below TDP, the compute-intensive prompt phase the most (Patel et al. 2024),
    and in the ML.ENERGY v3 measurements the draw rises with batch size as decoding turns compute-bound
    (Llama 3.1 8B on one H100: 69 % of TDP at batch 8, 98 % at batch 511; Chung et al. 2025 and the
    leaderboard data in tests/data/inference). f_0 and f_1 are fitted on measured energy and average power
    (:mod:`fmfootprint.serving.constants`).

    References
    ----------
    Barroso, L. A., Clidaras, J. & Hölzle, U. (2013). The Datacenter as a Computer, 2nd ed., ch. 5.
    Patel, P. et al. (2024). Characterizing Power Management Opportunities for LLMs in the Cloud.
    ASPLOS '24, doi:10.1145/3620666.3651329.
    Chung, J.-W. et al. (2025). The ML.ENERGY Benchmark. arXiv:2505.06371.
    """
    u = np.minimum(np.maximum(utilisation, 0.0), 1.0)
    return np.asarray(np.add(floor_fraction, np.multiply(np.subtract(peak_fraction, floor_fraction), u)))


def accelerator_query(w: Mapping[str, Any], batch: ArrayLike, f: Mapping[str, Any]) -> dict[str, Array]:
    """Prefill, decode step, accelerator time, utilisation, power and energy of one query.

    Parameters
    ----------
    w : mapping
        The workload, scalars or arrays: ``params``, ``active`` [-], ``bytes`` [B/param], ``kv`` [B/token],
        ``context`` (input + output / 2), ``input``, ``output`` [tokens], ``n`` [-], ``bandwidth`` [B/s],
        ``peak`` [FLOP/s], ``tdp`` [W], ``layers`` [-].
    batch : array_like
        Sequences decoded together [-].
    f : mapping
        The :data:`FACTORS`, scalars or arrays.

    Returns
    -------
    dict of ndarray
        ``prefill_s``, ``step_s`` [s]; ``share_s`` [s], the accelerator time of the query,
        t = t_p + T_out · t_step / B; ``utilisation`` [-], u = (t_p + T_out · t_c / B) / t (prefill runs at
        its compute roof); ``power_w`` [W], n · TDP · :func:`power_fraction`; ``energy_j`` [J], P · t
        (:func:`fmfootprint.serving.physics.query_energy_j` at that fraction).
    """
    overhead = step_overhead_s(
        w["layers"], w["n"], batch, f["layer_overhead_s"], f["allreduce_s"], f["sequence_overhead_s"]
    )
    step = physics.decode_step_s(
        physics.weight_bytes_per_step(w["params"], w["active"], batch, w["bytes"]),
        w["kv"],
        w["context"],
        w["active"],
        batch,
        w["n"],
        w["bandwidth"],
        w["peak"],
        f["memory_efficiency"],
        f["decode_compute_efficiency"],
        overhead,
    )
    pre = physics.prefill_s(w["active"], w["input"], w["n"], w["peak"], f["prefill_efficiency"])
    compute = decode_compute_s(w["active"], batch, w["n"], w["peak"], f["decode_compute_efficiency"])
    share = pre + w["output"] * step / batch
    utilisation = (pre + w["output"] * compute / batch) / share
    draw = (
        w["n"] * w["tdp"] * power_fraction(f["power_floor_fraction"], f["power_peak_fraction"], utilisation)
    )
    return {  # E = P · t, as physics.query_energy_j at that draw
        "prefill_s": pre,
        "step_s": step,
        "share_s": share,
        "utilisation": utilisation,
        "power_w": draw,
        "energy_j": draw * share,
    }
