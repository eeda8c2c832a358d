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


def test_cli_laws_shows_citation_names_links_data_and_ranges(capsys) -> None:
    code, out, _ = _run(capsys, "laws")
    assert code == 0
    assert "besiroglu2024 (default): Besiroglu et al. 2024 (Epoch) — Chinchilla replication" in out
    for law in PRESETS.values():
        assert law.title in out
        assert law.url in out
        assert law.data in out
        assert law.fitted_range is not None
        assert f"fitted range: {law.fitted_range.summary()}" in out
    assert "params 70M–16B, tokens 5B–500B" in out  # Hoffmann et al. 2022, abstract
    code, out, _ = _run(capsys, "laws", "--json")
    payload = json.loads(out)
    assert payload["besiroglu2024"]["default"] is True
    assert payload["hoffmann2022"]["default"] is False
    assert payload["besiroglu2024"]["title"] == "Besiroglu et al. 2024 (Epoch) — Chinchilla replication"
    assert payload["hoffmann2022"]["fitted_range"]["params_max"] == 1.6e10
    assert payload["kaplan2020"]["url"] == "https://arxiv.org/abs/2001.08361"
