"""The factors of the per-query model, their stated ranges and where each comes from.

Calibration, done once
----------------------
Eight factors are fitted together, once, on the calibration half of the measured comparisons in
``tests/data/inference/measured_inference.csv`` (accelerator energy per output token and, where measured,
average accelerator power; 38 of 76 rows, the half fixed by the stratified rule of
``tests/data/inference/build_measured.py`` before any fit):

==============================  ===========================================================================
factor                          role
==============================  ===========================================================================
memory efficiency η_m           achieved over peak HBM bandwidth (weights and KV cache), bounds 0.30–0.95
prefill efficiency η_p          achieved over peak FLOP/s in prefill, bounds 0.05–0.80
decode compute efficiency η_c   achieved over peak FLOP/s of the decode matmuls, bounds 0.05–0.80
layer overhead τ_k              fixed time per layer and decode step [s] (launches, small kernels)
all-reduce latency τ_ar         per tensor-parallel all-reduce, two per layer when n > 1 [s]
sequence overhead τ_s           host time per sequence and step [s] (scheduling, sampling)
power floor f_0                 draw with the compute units idle, fraction of TDP
power peak f_1                  draw at the compute roof, fraction of TDP
==============================  ===========================================================================

by :func:`fmfootprint.serving.calibration.calibrate`: bounded least squares on log(estimate /
measurement) of energy and of power together. The stated range of the model is the 5th to 95th
percentile of measurement / estimate on the calibration half (a 90 % interval). The held-back half sets no
number; ``tests/inference/test_calibration.py`` recomputes these constants from the calibration half and
checks the held-back half (docs/methodology.md lists every ratio).

Host, idle capacity and PUE (``scope="full"``) follow Google's Aug. 2025 measurement of Gemini Apps
prompts: 58 % of the energy in the accelerators, 25 % in the host CPUs and memory, 10 % in idle capacity
held for load spikes, 8 % data-centre overhead (Elsworth et al. 2025, Fig. 2).
"""

from __future__ import annotations

__all__ = [
    "ALLREDUCE_S",
    "DECODE_COMPUTE_EFFICIENCY",
    "DEFAULT_SECONDS_PER_OUTPUT_TOKEN",
    "FITTED",
    "HOST_FRACTION",
    "HOST_RELATIVE",
    "IDLE_FRACTION",
    "IDLE_RANGE",
    "LAYER_OVERHEAD_S",
    "MEMORY_EFFICIENCY",
    "POWER_FLOOR_FRACTION",
    "POWER_PEAK_FRACTION",
    "PREFILL_EFFICIENCY",
    "RESIDUAL_RANGE",
    "SEQUENCE_OVERHEAD_S",
    "SOURCES",
]

MEMORY_EFFICIENCY = 0.95
"""Achieved over peak memory bandwidth η_m [-] (fitted once)."""

PREFILL_EFFICIENCY = 0.757
"""Achieved over peak FLOP/s during prefill η_p [-] (fitted once)."""

DECODE_COMPUTE_EFFICIENCY = 0.80
"""Achieved over peak FLOP/s of the decode matmuls when compute-bound η_c [-] (fitted once)."""

LAYER_OVERHEAD_S = 70.6e-6
"""Fixed time per layer and decode step τ_k [s] (fitted once)."""

ALLREDUCE_S = 45.4e-6
"""Latency of one tensor-parallel all-reduce τ_ar [s] (fitted once)."""

SEQUENCE_OVERHEAD_S = 30.0e-6
"""Host time per sequence and decode step τ_s [s] (fitted once)."""

POWER_FLOOR_FRACTION = 0.689
"""Accelerator draw with the compute units idle while serving, fraction of TDP f_0 [-] (fitted once)."""

POWER_PEAK_FRACTION = 1.0
"""Accelerator draw at the compute roof, fraction of TDP f_1 [-] (fitted once)."""

RESIDUAL_RANGE = (0.71, 1.47)
"""Low and high multipliers of the accelerator time and energy [-]: the 5th and 95th percentiles of
measurement / estimate on the calibration half (0.716 and 1.464), rounded outward."""

FITTED: dict[str, float] = {
    "memory_efficiency": MEMORY_EFFICIENCY,
    "prefill_efficiency": PREFILL_EFFICIENCY,
    "decode_compute_efficiency": DECODE_COMPUTE_EFFICIENCY,
    "layer_overhead_s": LAYER_OVERHEAD_S,
    "allreduce_s": ALLREDUCE_S,
    "sequence_overhead_s": SEQUENCE_OVERHEAD_S,
    "power_floor_fraction": POWER_FLOOR_FRACTION,
    "power_peak_fraction": POWER_PEAK_FRACTION,
}
"""The fitted factors by the names :func:`fmfootprint.serving.power.accelerator_query` reads."""

HOST_FRACTION = 25.0 / 58.0
"""Host (CPU, memory) energy per unit of accelerator energy [-]: 25 % against 58 % (Elsworth et al. 2025)."""

HOST_RELATIVE = (0.5, 1.5)
"""Range of the host fraction as multipliers [-]: one fleet's figure, not a law."""

IDLE_FRACTION = 10.0 / 83.0
"""Idle capacity held for load spikes per unit of active IT energy [-]: 10 % against 83 % (Elsworth)."""

IDLE_RANGE = (0.0, 2 * 10.0 / 83.0)
"""Range of the idle fraction [-]: none (a fully used fleet) to twice Google's."""

DEFAULT_SECONDS_PER_OUTPUT_TOKEN = 0.1
"""Default latency target of ``batch="auto"`` per output token [s]: 10 tokens/s, faster than silent reading
(238 words/min ≈ 5.3 tokens/s at 0.75 words per token; Brysbaert 2019)."""

_GOOGLE = (
    "Elsworth, C. et al. (2025). Measuring the environmental impact of delivering AI at Google scale. "
    "arXiv:2508.15734, Fig. 2"
)
_CALIBRATED = (
    "fitted once on the calibration half of tests/data/inference/measured_inference.csv "
    "(ML.ENERGY v3 and other measured J/token and power; docs/methodology.md)"
)

SOURCES: dict[str, str] = {
    **{name: _CALIBRATED for name in FITTED},
    "residual": "5th-95th percentile of measurement/estimate on the calibration half (a 90 % interval)",
    "host_fraction": f"25 % host vs 58 % accelerators; range 0.5-1.5 x ({_GOOGLE})",
    "idle_fraction": f"10 % idle capacity vs 83 % active; range 0 to 2 x ({_GOOGLE})",
    "latency_target": "10 tokens/s per query, faster than silent reading (Brysbaert 2019, J. Mem. Lang.)",
}
"""Where each factor comes from, quoted in the assumptions of a result."""
