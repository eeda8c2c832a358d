"""Per-query inference physics: pure vectorised functions of a roofline model of LLM serving.

A query is ``input_tokens`` of prompt (prefill) and ``output_tokens`` generated one at a time (decode).

- Prefill is compute-bound: 2·N_active FLOPs per prompt token (Kaplan et al. 2020, Table 1) at a prefill
  efficiency of the accelerators' peak.
- A decode step serves the whole batch at once: it streams the weights once (shared by the batch) and the
  KV cache of every sequence (not shared), and does 2·N_active FLOPs per sequence. Each kernel runs at the
  slower of its memory and compute roofs (Williams, Waterman & Patterson 2009); the weight matmuls and the
  attention over the KV cache run one after the other, so their times add.
- Energy is accelerator power × time, power a fraction of TDP while serving, shared by the batch.

Every function takes numpy arrays (or scalars) and broadcasts, so the corners of the stated ranges and
the candidate batch sizes of ``batch="auto"`` are evaluated in one call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BYTES_PER_PARAM",
    "COMPUTE_PRECISION",
    "KV_BYTES_PER_ELEMENT",
    "REFERENCE_KV_BYTES_PER_TOKEN",
    "REFERENCE_KV_PARAMS",
    "accelerators_to_hold",
    "decode_step_s",
    "kv_bytes_per_token",
    "max_batch",
    "prefill_s",
    "query_energy_j",
    "weight_bytes",
    "weight_bytes_per_step",
]

Array = NDArray[np.float64]

BYTES_PER_PARAM: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "int4": 0.5}
"""Bytes per weight at each serving precision [B]: 16, 8 and 4 bits."""

KV_BYTES_PER_ELEMENT: dict[str, float] = {"bf16": 2.0, "fp8": 1.0, "int4": 2.0}
"""Bytes per KV-cache element [B]: fp8 serving keeps an fp8 cache; int4 is weight-only (16-bit cache)."""

COMPUTE_PRECISION: dict[str, str] = {"bf16": "bf16", "fp8": "fp8", "int4": "bf16"}
"""The catalog precision whose peak FLOP/s the matmuls run at: int4 weights are dequantised to bf16; a chip
without fp8 runs fp8 weights at bf16, and one without bf16 (V100, T4) runs 16-bit at its fp16 peak."""

REFERENCE_KV_BYTES_PER_TOKEN = 2 * 32 * 8 * 128 * 2.0
"""KV cache of Llama 3.1 8B [B/token] at 16 bits: 2 (K, V) × 32 layers × 8 KV heads × 128 dims × 2 B
(Dubey et al. 2024, "The Llama 3 Herd of Models", Table 3) = 131,072 B."""

REFERENCE_KV_PARAMS = 8.03e9
"""Parameters of that reference model [-]."""

KV_SCALING_EXPONENT = 0.35
"""Exponent of the KV-cache size in active parameters [-]: Llama 3.1 8B, 70B and 405B hold 131, 328 and 516
kB per token at 16 bits (Dubey et al. 2024, Table 3: 32/80/126 layers, 8 KV heads, 128 dims); the log-log
slope from 8B to 405B is 0.35."""

REFERENCE_LAYERS = 32.0
"""Transformer layers of Llama 3.1 8B [-] (Dubey et al. 2024, Table 3)."""

HEADROOM = 0.7
"""Largest share of accelerator memory the weights may take [-]; the rest holds the KV cache, activations
and the runtime (vLLM's default gpu_memory_utilization is 0.9; Kwon et al. 2023, §4)."""

USABLE_MEMORY = 0.9
"""Share of accelerator memory a serving engine allocates [-] (vLLM default, Kwon et al. 2023)."""


def weight_bytes(params: ArrayLike, bytes_per_param: ArrayLike) -> Array:
    """Bytes of the model weights.

    Parameters
    ----------
    params : array_like
        Total parameters N [-] (all experts of a mixture-of-experts model).
    bytes_per_param : array_like
        Bytes per weight at the serving precision [B] (:data:`BYTES_PER_PARAM`).

    Returns
    -------
    ndarray
        Weight bytes [B].

    Notes
    -----
    W = N · b.

    References
    ----------
    Kwon, W. et al. (2023). Efficient Memory Management for Large Language Model Serving with
    PagedAttention. SOSP '23, §2.
    """
    return np.multiply(params, bytes_per_param)


def kv_bytes_per_token(active_params: ArrayLike, bytes_per_element: ArrayLike) -> Array:
    """KV-cache bytes per token held, scaled from Llama 3.1 8B by active parameters.

    Parameters
    ----------
    active_params : array_like
        Parameters used per token N_active [-].
    bytes_per_element : array_like
        Bytes per cache element [B] (:data:`KV_BYTES_PER_ELEMENT`).

    Returns
    -------
    ndarray
        Bytes per token of context [B/token].

    Notes
    -----
    kv = 131,072 B · (N_active / 8.03e9)^0.35 · (b / 2). Exact for Llama 3.1 8B; 281 and 517 kB for 70B
    and 405B against 328 and 516 kB from their configurations; pass the model's own figure when known
    (2 · layers · KV heads · head dim · b).

    References
    ----------
    Dubey, A. et al. (2024). The Llama 3 Herd of Models. arXiv:2407.21783, Table 3.
    Pope, R. et al. (2023). Efficiently Scaling Transformer Inference. MLSys 2023, §2 (KV-cache size).
    """
    scale = np.power(np.divide(active_params, REFERENCE_KV_PARAMS), KV_SCALING_EXPONENT)
    return REFERENCE_KV_BYTES_PER_TOKEN * scale * np.divide(bytes_per_element, 2.0)


def accelerators_to_hold(weights_b: ArrayLike, memory_b: ArrayLike) -> Array:
    """Accelerators needed to hold the weights, a power of two (tensor parallelism).

    Parameters
    ----------
    weights_b : array_like
        Weight bytes [B].
    memory_b : array_like
        Memory of one accelerator [B].

    Returns
    -------
    ndarray
        n = 2^ceil(log2(W / (0.7 · M))), at least 1 [-].

    Notes
    -----
    Tensor parallelism splits attention heads and matmul columns over 2^k devices (Shoeybi et al. 2019,
    §3); the weights take at most :data:`HEADROOM` of each device. Gives 1 H100 for Llama 3.1 8B, 4 for
    70B at bf16 and 8 for 405B at fp8, as the ML.ENERGY benchmark v3 runs them.

    References
    ----------
    Shoeybi, M. et al. (2019). Megatron-LM. arXiv:1909.08053, §3.
    """
    need = np.divide(weights_b, np.multiply(memory_b, HEADROOM))
    return np.power(2.0, np.ceil(np.log2(np.maximum(need, 1.0))))


def max_batch(
    weights_b: ArrayLike,
    memory_b: ArrayLike,
    accelerators: ArrayLike,
    kv_b_per_token: ArrayLike,
    tokens: ArrayLike,
) -> Array:
    """Largest batch whose KV caches fit next to the weights.

    Parameters
    ----------
    weights_b : array_like
        Weight bytes [B].
    memory_b : array_like
        Memory of one accelerator [B].
    accelerators : array_like
        Accelerators serving one model replica [-].
    kv_b_per_token : array_like
        KV-cache bytes per token [B/token].
    tokens : array_like
        Context of one sequence at its end, input + output [tokens].

    Returns
    -------
    ndarray
        floor((0.9 · n · M − W) / (kv · tokens)), at least 0 [-].

    References
    ----------
    Kwon, W. et al. (2023). PagedAttention. SOSP '23, §4 (the KV cache fills the memory left by the weights).
    """
    free = np.multiply(np.multiply(accelerators, memory_b), USABLE_MEMORY) - np.asarray(weights_b)
    fit = np.maximum(np.floor(np.divide(free, np.multiply(kv_b_per_token, tokens))), 0.0)
    return np.asarray(fit, dtype=np.float64)


def weight_bytes_per_step(
    params: ArrayLike, active_params: ArrayLike, batch: ArrayLike, bytes_per_param: ArrayLike
) -> Array:
    """Weight bytes one decode step streams: all of a dense model; for a mixture of experts, the experts hit.

    Parameters
    ----------
    params : array_like
        Total parameters N [-].
    active_params : array_like
        Parameters used per token N_active [-] (N for a dense model).
    batch : array_like
        Sequences decoded together B [-].
    bytes_per_param : array_like
        Bytes per weight [B].

    Returns
    -------
    ndarray
        min(N, B · N_active) · b [B].

    Notes
    -----
    A dense model streams every weight once per step, whatever the batch. A mixture-of-experts model routes
    each token to a few experts: B tokens touch at most B · N_active parameters, and at most all of them
    (Fedus, Zoph & Shazeer 2022, §2) — an upper bound on the distinct experts hit.

    References
    ----------
    Fedus, W., Zoph, B. & Shazeer, N. (2022). Switch Transformers. JMLR 23(120), §2.
    """
    return np.multiply(np.minimum(params, np.multiply(batch, active_params)), bytes_per_param)


def decode_step_s(
    step_weight_b: ArrayLike,
    kv_b_per_token: ArrayLike,
    context_tokens: ArrayLike,
    active_params: ArrayLike,
    batch: ArrayLike,
    accelerators: ArrayLike,
    bandwidth_b_per_s: ArrayLike,
    peak_flops: ArrayLike,
    memory_efficiency: ArrayLike,
    decode_compute_efficiency: ArrayLike,
    overhead_s: ArrayLike = 0.0,
) -> Array:
    """Time of one decode step of the batch (one new token for every sequence).

    Parameters
    ----------
    step_weight_b : array_like
        Weight bytes streamed per step [B] (:func:`weight_bytes_per_step`).
    kv_b_per_token : array_like
        KV-cache bytes per token of context [B/token].
    context_tokens : array_like
        Average context of a sequence while it decodes [tokens] (input + output / 2).
    active_params : array_like
        Parameters used per token [-].
    batch : array_like
        Sequences decoded together [-].
    accelerators : array_like
        Accelerators sharing the work (tensor parallel) [-].
    bandwidth_b_per_s : array_like
        Peak memory bandwidth of one accelerator [B/s].
    peak_flops : array_like
        Dense peak of one accelerator at the compute precision [FLOP/s].
    memory_efficiency : array_like
        Achieved over peak memory bandwidth [-], in (0, 1].
    decode_compute_efficiency : array_like
        Achieved over peak FLOP/s of the decode matmuls when compute-bound [-], in (0, 1].
    overhead_s : array_like, optional
        Time of the step spent outside the roofline kernels [s] (:func:`step_overhead_s`); default 0.

    Returns
    -------
    ndarray
        t = max(W_step / (n·BW·η_m), 2·N_active·B / (n·P·η_c)) + B·ctx·kv / (n·BW·η_m) + t_o [s].

    Notes
    -----
    Roofline per kernel (Williams et al. 2009): the weight matmuls take the slower of streaming the weights
    and computing 2·N_active FLOPs per sequence (Kaplan et al. 2020, Table 1); attention reads each
    sequence's cache and is memory-bound (Pope et al. 2023, §3.3). Kernels run in sequence, so times add.

    References
    ----------
    Williams, S., Waterman, A. & Patterson, D. (2009). Roofline. CACM 52(4).
    Pope, R. et al. (2023). Efficiently Scaling Transformer Inference. MLSys 2023, §2–3.
    Kaplan, J. et al. (2020). Scaling Laws for Neural Language Models. arXiv:2001.08361, Table 1.
    """
    bandwidth = np.multiply(np.multiply(accelerators, bandwidth_b_per_s), memory_efficiency)
    compute = np.multiply(np.multiply(accelerators, peak_flops), decode_compute_efficiency)
    weights_s: Array = np.maximum(
        np.divide(step_weight_b, bandwidth), np.divide(2.0 * np.multiply(active_params, batch), compute)
    )
    kv_s = np.divide(np.multiply(np.multiply(batch, context_tokens), kv_b_per_token), bandwidth)
    return np.asarray(weights_s + kv_s + np.asarray(overhead_s), dtype=np.float64)


def prefill_s(
    active_params: ArrayLike,
    input_tokens: ArrayLike,
    accelerators: ArrayLike,
    peak_flops: ArrayLike,
    prefill_efficiency: ArrayLike,
) -> Array:
    """Accelerator time to process one query's prompt (compute-bound).

    Parameters
    ----------
    active_params : array_like
        Parameters used per token [-].
    input_tokens : array_like
        Prompt tokens of the query [tokens].
    accelerators : array_like
        Accelerators of the replica [-].
    peak_flops : array_like
        Dense peak of one accelerator [FLOP/s].
    prefill_efficiency : array_like
        Achieved over peak FLOP/s during prefill [-], in (0, 1].

    Returns
    -------
    ndarray
        t = 2·N_active·T_in / (n·P·η_p) [s].

    References
    ----------
    Kaplan, J. et al. (2020). arXiv:2001.08361, Table 1 (2N FLOPs per token forward).
    Pope, R. et al. (2023). MLSys 2023, §2 (prefill is compute-bound).
    """
    flops = 2.0 * np.multiply(active_params, input_tokens)
    return np.asarray(
        np.divide(flops, np.multiply(np.multiply(accelerators, peak_flops), prefill_efficiency)),
        dtype=np.float64,
    )


def query_energy_j(
    accelerators: ArrayLike,
    tdp_w: ArrayLike,
    power_fraction: ArrayLike,
    prefill_time_s: ArrayLike,
    step_s: ArrayLike,
    output_tokens: ArrayLike,
    batch: ArrayLike,
) -> Array:
    """Accelerator energy of one query: its prefill, plus its share of the batch's decode steps.

    Parameters
    ----------
    accelerators : array_like
        Accelerators of the replica [-].
    tdp_w : array_like
        TDP of one accelerator [W].
    power_fraction : array_like
        Average draw while serving as a fraction of TDP [-], in (0, 1].
    prefill_time_s : array_like
        Prefill time of the query [s].
    step_s : array_like
        Time of one decode step of the batch [s].
    output_tokens : array_like
        Tokens generated [tokens].
    batch : array_like
        Sequences sharing each step [-].

    Returns
    -------
    ndarray
        E = n · TDP · f · (t_prefill + T_out · t_step / B) [J].

    References
    ----------
    Luccioni, A. S., Viguier, S. & Ligozat, A.-L. (2023). BLOOM. JMLR 24(253), §3 (energy = power × time).
    Chung, J.-W. et al. (2025). The ML.ENERGY Benchmark. arXiv:2505.06371 (energy per token falls with
    batch size as the step is shared).
    """
    power = np.multiply(np.multiply(accelerators, tdp_w), power_fraction)
    share = np.divide(np.multiply(output_tokens, step_s), batch)
    return np.asarray(np.multiply(power, np.add(prefill_time_s, share)), dtype=np.float64)
