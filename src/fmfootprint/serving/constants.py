"""The efficiency factors of the per-query model, their stated ranges and where each comes from.

Calibration, done once
----------------------
Two factors are set by assumption and two are fitted on the calibration half of the measured comparisons
in ``tests/data/inference/measured_inference.csv`` (accelerator energy per output token, measured):

=============================  =========  ============================================================
factor                         value      basis
=============================  =========  ============================================================
memory efficiency η_m          0.90       assumption: memory-bound kernels reach about 90 % of peak HBM
                                          bandwidth; not fitted
prefill efficiency η_p         0.50       assumption: prefill MFU of a serving engine; not fitted
decode compute efficiency η_c  fitted     the value in 0.05–0.80 (step 0.01) that minimises the spread
                                          of log(estimate / measurement) on the calibration half
serving power fraction f       fitted     the geometric mean of measurement / estimate at f = 1
=============================  =========  ============================================================

The residual range of the model is 0.8 × the lowest and 1.25 × the highest measurement / estimate ratio of
the calibration half (the margins of :mod:`fmfootprint.footprint.power`'s calibration). The held-back half
sets no number; ``tests/inference/test_calibration.py`` recomputes these constants from the calibration
half and checks the held-back half (docs/methodology.md lists every ratio).

Host, idle capacity and PUE (``scope="full"``) follow Google's Aug. 2025 measurement of Gemini Apps
prompts: 58 % of the energy in the accelerators, 25 % in the host CPUs and memory, 10 % in idle capacity
held for load spikes, 8 % data-centre overhead (Elsworth et al. 2025, Fig. 2).
"""

from __future__ import annotations

__all__ = [
    "DECODE_COMPUTE_EFFICIENCY",
    "DEFAULT_SECONDS_PER_OUTPUT_TOKEN",
    "HOST_FRACTION",
    "HOST_RELATIVE",
    "IDLE_FRACTION",
    "IDLE_RANGE",
    "MEMORY_EFFICIENCY",
    "POWER_FRACTION",
    "PREFILL_EFFICIENCY",
    "RESIDUAL_RANGE",
    "SOURCES",
]

MEMORY_EFFICIENCY = 0.90
"""Achieved over peak memory bandwidth η_m [-] (assumption, not fitted)."""

PREFILL_EFFICIENCY = 0.50
"""Achieved over peak FLOP/s during prefill η_p [-] (assumption, not fitted)."""

DECODE_COMPUTE_EFFICIENCY = 0.44
"""Achieved over peak FLOP/s of the decode matmuls when compute-bound η_c [-] (fitted once)."""

POWER_FRACTION = 0.89
"""Average accelerator draw while serving as a fraction of TDP f [-] (fitted once)."""

RESIDUAL_RANGE = (0.70, 1.40)
"""Low and high multipliers of the accelerator time and energy [-]: 0.8 × the lowest and 1.25 × the highest
measurement / estimate ratio of the calibration half."""

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
_CALIBRATED = "calibrated once on half of tests/data/inference/measured_inference.csv (docs/methodology.md)"

SOURCES: dict[str, str] = {
    "memory_efficiency": "assumption: memory-bound kernels reach about 90 % of peak bandwidth (not fitted)",
    "prefill_efficiency": "assumption: prefill model FLOP utilisation of a serving engine (not fitted)",
    "decode_compute_efficiency": _CALIBRATED,
    "power_fraction": _CALIBRATED,
    "residual": "range 0.8 x lowest to 1.25 x highest measurement/estimate ratio of the calibration half",
    "host_fraction": f"25 % host vs 58 % accelerators; range 0.5-1.5 x ({_GOOGLE})",
    "idle_fraction": f"10 % idle capacity vs 83 % active; range 0 to 2 x ({_GOOGLE})",
    "latency_target": "10 tokens/s per query, faster than silent reading (Brysbaert 2019, J. Mem. Lang.)",
}
"""Where each factor comes from, quoted in the assumptions of a result."""
