"""Properties of combining sessions: sums are sums, overlaps count once, order does not matter."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmfootprint.footprint.convert import convert
from fmfootprint.measure.combine import _covered_s, combine
from fmfootprint.measure.summary import RunSummary


def _session(
    i: int, start: float, duration: float, gpu_kwh: float, cpu_kwh: float | None, pue: float, intensity: float
) -> RunSummary:
    energy_it = gpu_kwh + (cpu_kwh or 0.0)
    fp = convert(
        energy_it, pue=pue, grid_intensity_g_per_kwh=intensity, wue_l_per_kwh=0.3, ewif_l_per_kwh=1.5
    )
    return RunSummary(
        duration_s=duration, energy_it_kwh=energy_it, energy_kwh=fp.energy_kwh, gpu_energy_kwh=gpu_kwh,
        cpu_energy_kwh=cpu_kwh, ram_energy_kwh=cpu_kwh, co2e_operational_kg=fp.co2e_operational_kg,
        co2e_embodied_kg=0.003 * 4 * duration / 3600, water_l=fp.water_l,
        water_onsite_l=fp.water_onsite_l, water_offsite_l=fp.water_offsite_l, region="FR",
        grid_intensity_g_per_kwh=intensity, pue=pue, wue_l_per_kwh=0.3, ewif_l_per_kwh=1.5,
        gpu_energy_method="energy_counter", exit_code=0, stage="final", gpu_hours=4 * duration / 3600,
        n_gpus=4,
        project="p", start_unix_s=start, end_unix_s=start + duration, complete=True, interval_s=1.0,
        sessions=(f"s{i}",),
    )  # fmt: skip


sessions = st.lists(
    st.tuples(
        st.floats(0, 1e5),
        st.floats(0, 1e4),
        st.floats(0, 1e3),
        st.one_of(st.none(), st.floats(0, 10)),
        st.floats(1.0, 2.0),
        st.floats(0, 900),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(sessions)
def test_combine_sums_and_is_order_free(specs: list) -> None:
    items = [_session(i, *spec) for i, spec in enumerate(specs)]
    merged = combine(items)
    summed = ("gpu_energy_kwh", "energy_it_kwh", "energy_kwh", "co2e_operational_kg", "co2e_embodied_kg",
              "co2e_kg", "water_l", "gpu_hours")  # fmt: skip
    for key in summed:
        assert getattr(merged, key) == pytest.approx(sum(getattr(s, key) for s in items), rel=1e-9, abs=1e-12)
    assert merged.n_gpus == 4 * len(items)
    assert merged.duration_s <= sum(s.duration_s for s in items) + 1e-6
    assert merged.duration_s >= max(s.duration_s for s in items) - 1e-6
    known_cpu = [s.cpu_energy_kwh for s in items if s.cpu_energy_kwh is not None]
    assert merged.cpu_energy_kwh == (pytest.approx(sum(known_cpu)) if known_cpu else None)
    if merged.energy_kwh > 0:  # effective factors reproduce the totals
        operational = merged.energy_kwh * merged.grid_intensity_g_per_kwh / 1000
        assert merged.co2e_operational_kg == pytest.approx(operational)
    assert merged.co2e_kg == pytest.approx(merged.co2e_operational_kg + merged.co2e_embodied_kg)
    reordered = combine(list(reversed(items)))
    assert reordered.energy_kwh == pytest.approx(merged.energy_kwh)
    assert reordered.duration_s == pytest.approx(merged.duration_s)
    assert combine([*items, *items]).energy_kwh == pytest.approx(merged.energy_kwh)  # each session once


def test_covered_time_of_overlapping_spans() -> None:
    assert _covered_s([(0, 10), (5, 15), (20, 25)]) == 20
    assert _covered_s([(0, 10), (2, 3)]) == 10
    assert _covered_s([]) == 0


def test_identical_session_ids_count_once() -> None:
    a = _session(0, 0.0, 10.0, 1.0, 0.1, 1.2, 50.0)
    assert combine([a, replace(a)]).energy_kwh == a.energy_kwh
