"""Markdown escaping of what a person typed (or a run file said) in the card's section."""

from __future__ import annotations

import yaml

from fmfootprint.footprint.stages import StageFootprint
from fmfootprint.report.modelcard import model_card
from fmfootprint.report.render import escape_markdown

EVIL = "![x](http://evil.example/pixel.png)"


def test_escape_markdown_keeps_text_literal() -> None:
    assert escape_markdown(EVIL) == r"\!\[x\](http://evil.example/pixel.png)"
    assert escape_markdown("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert (
        escape_markdown("a_b *c* `d` $e$ | f # g ~h~ & i")
        == r"a\_b \*c\* \`d\` \$e\$ \| f \# g \~h\~ &amp; i"
    )
    assert escape_markdown("two\nlines\n- item") == "two lines - item"
    assert escape_markdown("8 H100 SXM GPUs") == "8 H100 SXM GPUs"  # plain text unchanged


def test_typed_fields_are_escaped_in_the_section(bloom_record: StageFootprint) -> None:
    report = model_card(bloom_record, location=EVIL, hardware=EVIL)
    assert "![x](" not in report.markdown
    assert "<img" not in model_card(bloom_record, hardware="<img src=x>").markdown
    assert f"- **Hardware Type:** {escape_markdown(EVIL)}" in report.markdown
    # The metadata keeps the text as typed; PyYAML quotes it, so it reads back the same.
    front = yaml.safe_load(report.card.split("---")[1])
    assert front["co2_eq_emissions"]["hardware_used"] == EVIL
    assert front["co2_eq_emissions"]["geographical_location"] == EVIL
