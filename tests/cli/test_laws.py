"""``fmfootprint laws``: every preset with its citation."""

from __future__ import annotations

import json

from fmfootprint.cli.main import main
from fmfootprint.scaling.laws import PRESETS


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_laws_lists_presets_with_citations(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    for name, law in PRESETS.items():
        assert name in out
        assert law.citation in out
    assert "kaplan2020" in out
    code, out, _ = _run(capsys, "laws", "--json")
    assert set(json.loads(out)) == {*PRESETS, "kaplan2020"}
