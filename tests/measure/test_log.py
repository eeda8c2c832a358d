"""Reading logs: truncated or corrupt lines, killed sessions, combining without double counting."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fake_nvml import FakeHost, FakeNvml, gpus

from conftest import SITE
from fmfootprint.errors import FootprintInputError
from fmfootprint.measure import Tracker, load_run, merge_runs, summarize
from fmfootprint.measure.combine import combine
from fmfootprint.measure.log import LogWarning, find_sessions, read_records


def _run(out: Path, seconds: float = 0.25, node: int = 0, **kwargs: object) -> Tracker:
    tracker = Tracker(
        out, interval_s=0.1, nvml=FakeNvml(gpus(2, node=node)), host=FakeHost(), **SITE, **kwargs
    )
    with tracker:
        time.sleep(seconds)
        deadline = time.monotonic() + 10
        while tracker.log_path.read_text().count('"type": "sample"') < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # a loaded CI machine may be late: wait for two periodic samples
    return tracker


def _as_killed(tracker: Tracker, keep_samples: int | None = None, partial_tail: bool = True) -> None:
    """Turn a finished session into what a kill -9 leaves: no summary, no stop record, a torn last line."""
    tracker.summary_path.unlink()
    lines = tracker.log_path.read_text().splitlines()
    lines = [line for line in lines if json.loads(line)["type"] != "stop"]
    if keep_samples is not None:  # the start and ready records, then that many samples
        head = [line for line in lines if json.loads(line)["type"] != "sample"]
        lines = head + [line for line in lines if json.loads(line)["type"] == "sample"][:keep_samples]
    text = "\n".join(lines) + "\n"
    if partial_tail:
        text += '{"schema": 1, "type": "sample", "seq": 99, "gpus": [{"ind'
    tracker.log_path.write_text(text)


def test_truncated_last_line_is_tolerated(tmp_path: Path) -> None:
    tracker = _run(tmp_path)
    samples = [r for r in read_records(tracker.log_path) if r["type"] == "sample"]
    _as_killed(tracker, keep_samples=2)
    summary = summarize(tmp_path)
    assert not summary.complete
    assert summary.exit_code is None
    assert summary.gpu_energy_kwh == pytest.approx(samples[1]["gpu_energy_kwh"])
    assert summary.duration_s == pytest.approx(samples[1]["elapsed_s"])
    assert any("no stop record" in flag for flag in summary.flags)
    assert load_run(tmp_path).to_dict() == summary.to_dict()  # no summary.json: rebuilt


def test_corrupt_line_in_the_middle_is_skipped(tmp_path: Path) -> None:
    tracker = _run(tmp_path)
    lines = tracker.log_path.read_text().splitlines()
    lines.insert(2, "this is not json")
    lines.insert(4, "[1, 2]")  # JSON, but not a record
    tracker.log_path.write_text("\n".join(lines) + "\n" + '{"type": "sample", "elapsed')  # and torn
    with pytest.warns(LogWarning, match="2 corrupt line.*line 3, 5.*1 torn last line"):
        rebuilt = summarize(tmp_path)
    assert rebuilt.corrupt_lines == 3  # counted, in the summary and a flag
    assert any("2 corrupt line(s) (line 3, 5) and 1 torn last line" in flag for flag in rebuilt.flags)
    expected = {**tracker.summary.to_dict(), "corrupt_lines": 3, "flags": list(rebuilt.flags)}
    assert rebuilt.to_dict() == expected  # nothing else changes
    assert tracker.summary.corrupt_lines == 0


def test_killed_before_first_sample(tmp_path: Path) -> None:
    tracker = _run(tmp_path)
    _as_killed(tracker, keep_samples=0)
    summary = summarize(tmp_path)
    assert summary.duration_s == 0
    assert summary.gpu_energy_kwh is None  # no reading yet: unknown, not zero
    assert summary.energy_kwh is None
    assert summary.co2e_kg is None
    assert summary.cpu_energy_kwh is None


def test_load_run_prefers_the_summary_file(tmp_path: Path) -> None:
    tracker = _run(tmp_path)
    stored = json.loads(tracker.summary_path.read_text())
    stored["co2e_operational_kg"] = 123.0  # a summary.json is taken as written
    tracker.summary_path.write_text(json.dumps(stored))
    assert load_run(tmp_path).co2e_operational_kg == 123.0
    assert summarize(tmp_path).co2e_operational_kg != 123.0  # summarize always rebuilds from the log


def test_missing_or_empty_run_dir_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(FootprintInputError, match="does not exist"):
        summarize(tmp_path / "nope")
    with pytest.raises(FootprintInputError, match="no fmfootprint log"):
        load_run(tmp_path)
    (tmp_path / "x.jsonl").write_text('{"type": "sample", "elapsed_s": 1.0}\n')
    with pytest.raises(FootprintInputError, match="no start record"):
        summarize(tmp_path)
    (tmp_path / "x.jsonl").write_text('{"type": "sample"}\n')
    with pytest.raises(FootprintInputError, match=r"x\.jsonl', line 1: the record has no field 'elapsed_s'$"):
        summarize(tmp_path)


def test_merge_adds_nodes_and_counts_each_session_once(tmp_path: Path) -> None:
    a = _run(tmp_path / "node0", node=0).summary
    b = _run(tmp_path / "node1", node=1).summary
    merged = merge_runs([tmp_path / "node0", tmp_path / "node1", tmp_path / "node0"])  # node0 named twice
    assert len(merged.sessions) == 2
    for key in (
        "gpu_energy_kwh",
        "cpu_energy_kwh",
        "energy_it_kwh",
        "energy_kwh",
        "co2e_kg",
        "water_l",
        "gpu_hours",
    ):
        assert getattr(merged, key) == pytest.approx(getattr(a, key) + getattr(b, key), rel=1e-12), key
    assert merged.n_gpus == 4
    assert merged.pue == pytest.approx(1.2)
    assert merged.grid_intensity_g_per_kwh == pytest.approx(100.0)
    # the two nodes ran one after the other here: duration is the time covered by either
    assert merged.duration_s == pytest.approx(a.duration_s + b.duration_s, abs=1e-5)
    assert combine([a, a]).to_dict() == a.to_dict()


def test_combine_overlapping_sessions_and_exit_codes(tmp_path: Path) -> None:
    a = _run(tmp_path, seconds=0.2).summary
    from dataclasses import replace

    b = replace(
        a, sessions=("other",), start_unix_s=a.start_unix_s + 0.1, end_unix_s=a.end_unix_s + 0.1, exit_code=3
    )
    merged = combine([a, b])
    assert merged.duration_s == pytest.approx(a.duration_s + 0.1)  # overlap counted once
    assert merged.exit_code == 3
    assert combine([a, replace(b, exit_code=None)]).exit_code is None


def test_sessions_of_a_folder_are_paired_by_name(tmp_path: Path) -> None:
    _run(tmp_path)
    _run(tmp_path)
    sessions = find_sessions(tmp_path)
    assert len(sessions) == 2
    assert all(s.log_path and s.summary_path for s in sessions)
    assert len(find_sessions(sessions[0].log_path)) == 1  # a single file works too


# --------------------------------------------------------------------------------------------------
# files read back are bounded and every error names the file (and the field)

EVAL = Path(__file__).resolve().parents[1] / "data" / "report" / "runs" / "eval"


def _summary_only(tmp_path: Path, change: dict) -> Path:
    data = json.loads((EVAL / "eval.summary.json").read_text())
    path = tmp_path / "eval.summary.json"
    path.write_text(json.dumps({**data, **change}))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"flags": "abc"}, "field 'flags' must be a list of strings, got 'abc'"),
        ({"energy_kwh": "12"}, "field 'energy_kwh' must be a number or null, got '12'"),
        ({"n_gpus": 1.5}, "field 'n_gpus' must be an integer, got 1.5"),
        ({"region": 3}, "field 'region' must be a string or null, got 3"),
        ({"complete": "yes"}, "field 'complete' must be true or false"),
        ({"gpus": [1, 2]}, "field 'gpus' must be a list of objects"),
    ],
)
def test_a_summary_with_a_mistyped_field_names_the_file_and_the_field(tmp_path, change, message) -> None:
    path = _summary_only(tmp_path, change)
    with pytest.raises(FootprintInputError, match=f"^run summary '{path}': .*{message}") as caught:
        load_run(tmp_path)
    assert "\n" not in str(caught.value)


def test_a_deep_or_undecodable_summary_is_named(tmp_path: Path) -> None:
    path = tmp_path / "eval.summary.json"
    path.write_text("[" * 100_000)
    with pytest.raises(FootprintInputError, match=f"run summary '{path}' nests arrays or objects deeper"):
        load_run(tmp_path)
    path.write_bytes(b'{"project": "caf\xe9"}')
    with pytest.raises(FootprintInputError, match=f"run summary '{path}' is not UTF-8 text"):
        load_run(tmp_path)
    path.write_text("[1, 2]")
    with pytest.raises(FootprintInputError, match="must hold a JSON object"):
        load_run(tmp_path)


def test_a_hostile_log_line_is_skipped_like_a_corrupt_one(tmp_path: Path) -> None:
    lines = (EVAL / "eval.jsonl").read_text().splitlines(keepends=True)
    log = tmp_path / "eval.jsonl"
    log.write_text("".join([lines[0], "[" * 100_000 + "\n", b"\xff\xfe\n".decode("latin-1"), *lines[1:]]))
    assert list(read_records(log)) == list(read_records(EVAL / "eval.jsonl"))


def test_a_log_with_a_missing_or_mistyped_field_names_the_file(tmp_path: Path) -> None:
    records = [json.loads(line) for line in (EVAL / "eval.jsonl").read_text().splitlines()]
    start = next(r for r in records if r["type"] == "start")
    log = tmp_path / "eval.jsonl"
    no_site = {k: v for k, v in start.items() if k != "site"}
    cases = [(no_site, "the record has no field 'site'")]
    cases.append(({**start, "site": "FR"}, "field 'site' must be an object, got 'FR'"))
    for broken, fragment in cases:
        log.write_text("".join(json.dumps(r if r is not start else broken) + "\n" for r in records))
        with pytest.raises(FootprintInputError, match=f"^log '{re.escape(str(log))}', line 1: {fragment}$"):
            summarize(tmp_path)


def test_a_summary_that_cannot_be_written_leaves_the_old_one_whole(tmp_path: Path, monkeypatch) -> None:
    import errno
    import os

    from fmfootprint import _io
    from fmfootprint.measure.log import write_summary

    summary = load_run(EVAL)
    path = tmp_path / "eval.summary.json"
    assert write_summary(path, summary) is None
    before = path.read_bytes()

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_io.os, "write", full)
    error = write_summary(path, summary)
    monkeypatch.undo()
    assert error == f"could not write {path}: No space left on device; the file is unchanged"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["eval.summary.json"]
