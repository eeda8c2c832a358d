"""The roofline functions: hand-checked values, broadcasting and the dense / MoE / precision behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from fmfootprint.serving import physics


def test_weights_and_accelerators_match_how_llama_is_served() -> None:
    h100 = 80e9
    assert physics.weight_bytes(8.03e9, 2.0) == pytest.approx(16.06e9)
    # ML.ENERGY v3 runs Llama 3.1 8B on 1 H100, 70B on 4, 405B FP8 on 8.
    for params, bytes_per, n in ((8.03e9, 2.0, 1), (70.6e9, 2.0, 4), (405.9e9, 1.0, 8)):
        assert physics.accelerators_to_hold(physics.weight_bytes(params, bytes_per), h100) == n


def test_kv_cache_is_exact_for_the_reference_and_close_for_405b() -> None:
    assert physics.kv_bytes_per_token(8.03e9, 2.0) == pytest.approx(131_072)
    assert physics.kv_bytes_per_token(405.9e9, 2.0) == pytest.approx(2 * 126 * 8 * 128 * 2, rel=0.01)
    assert physics.kv_bytes_per_token(8.03e9, 1.0) == pytest.approx(65_536)


def test_decode_step_by_hand_memory_bound_at_batch_one() -> None:
    # 16 GB of weights + 1 sequence x 1000 tokens x 131 kB over 3.35 TB/s x 0.9.
    step = physics.decode_step_s(16e9, 131_072, 1000, 8e9, 1, 1, 3.35e12, 989e12, 0.9, 0.44)
    assert step == pytest.approx((16e9 + 1000 * 131_072) / (3.35e12 * 0.9))


def test_decode_turns_compute_bound_at_large_batch() -> None:
    batch = np.array([1.0, 4096.0])
    step = physics.decode_step_s(16e9, 0.0, 0.0, 8e9, batch, 1, 3.35e12, 989e12, 0.9, 0.44)
    assert step[1] == pytest.approx(2 * 8e9 * 4096 / (989e12 * 0.44))
    assert step[1] > step[0]


def test_energy_per_token_falls_with_batch_and_broadcasts() -> None:
    batch = np.array([1.0, 8.0, 64.0, 512.0])
    weights = physics.weight_bytes_per_step(8e9, 8e9, batch, 2.0)
    step = physics.decode_step_s(weights, 131_072, 750, 8e9, batch, 1, 3.35e12, 989e12, 0.9, 0.44)
    energy = physics.query_energy_j(1, 700, 0.89, 0.0, step, 500, batch)
    assert energy.shape == (4,)
    assert np.all(np.diff(energy) < 0)


def test_moe_streams_fewer_weights_at_small_batch_and_all_at_large() -> None:
    small = physics.weight_bytes_per_step(46.7e9, 12.9e9, 1, 2.0)
    large = physics.weight_bytes_per_step(46.7e9, 12.9e9, 64, 2.0)
    assert small == pytest.approx(2 * 12.9e9)
    assert large == pytest.approx(2 * 46.7e9)


def test_prefill_and_max_batch_by_hand() -> None:
    assert physics.prefill_s(8e9, 1000, 1, 989e12, 0.5) == pytest.approx(2 * 8e9 * 1000 / (989e12 * 0.5))
    fit = physics.max_batch(16e9, 80e9, 1, 131_072, 1500)
    assert fit == np.floor((0.9 * 80e9 - 16e9) / (131_072 * 1500))
    assert physics.max_batch(79e9, 80e9, 1, 131_072, 1500) == 0
