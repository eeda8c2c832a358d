"""Ledgers are bounded YAML: alias bombs, deep nesting, bad bytes are one-line errors naming the file."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from fmfootprint.errors import FootprintInputError, FootprintIOError
from fmfootprint.report.ledger import load_ledger

ESTIMATE = "{gpu: A100 SXM4 80GB, gpu_hours: 100, region: FR}"


def _bomb(levels: int = 9) -> str:
    names = "abcdefghij"[:levels]
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]" for p, k in itertools.pairwise(names)]
    return (
        "card:\n"
        + "\n".join("  " + line for line in lines)
        + f"\nstages: {{final: {{estimate: {ESTIMATE}}}}}\n"
    )


def test_an_alias_bomb_is_refused_naming_the_file(tmp_path) -> None:
    path = tmp_path / "footprint.yaml"
    path.write_text(_bomb())
    with pytest.raises(FootprintInputError, match=rf"^ledger '{path}' expands to more than 100,000 values"):
        load_ledger(path)


def test_an_alias_bomb_is_refused_quickly_by_the_cli(tmp_path) -> None:
    path = tmp_path / "footprint.yaml"
    path.write_text(_bomb(10))  # 10^10 values once expanded
    done = subprocess.run(
        [sys.executable, "-m", "fmfootprint", "card", "--ledger", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert str(path) in done.stderr
    assert "Traceback" not in done.stderr


def test_deep_nesting_is_refused_with_the_line(tmp_path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("stages:\n  final: " + "[" * 50_000 + "\n")
    with pytest.raises(FootprintInputError, match=rf"ledger '{path}' nests deeper than 64 levels at line 2"):
        load_ledger(path)


def test_unreadable_ledgers_are_named(tmp_path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"card: {location: Orl\xe9ans}\nstages: {}\n")
    with pytest.raises(FootprintIOError, match=rf"ledger '{path}' is not UTF-8 text"):
        load_ledger(path)
    with pytest.raises(FootprintIOError, match=r"cannot read ledger '.*absent.yaml': No such file"):
        load_ledger(tmp_path / "absent.yaml")


def test_a_few_anchors_still_work(tmp_path) -> None:
    path = tmp_path / "footprint.yaml"
    path.write_text(f"stages:\n  experiments: {{estimate: &site {ESTIMATE}}}\n  final: {{estimate: *site}}\n")
    ledger = load_ledger(path)
    assert list(ledger.stages) == ["experiments", "final"]
    assert ledger.stages["experiments"][0].energy_kwh == ledger.stages["final"][0].energy_kwh
