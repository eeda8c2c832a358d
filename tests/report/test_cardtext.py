"""In-place editing of a model card: one front-matter key and one section change, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fmfootprint.errors import FootprintInputError
from fmfootprint.report import cardtext

CARD = Path(__file__).resolve().parents[1] / "data" / "report" / "model_card.md"
VALUE = {"emissions": 1234, "source": "test", "training_type": "fine-tuning"}


def _front_matter(text: str) -> str:
    assert text.startswith("---\n")
    return text[4 : text.index("\n---\n", 4) + 1]


def test_replacing_a_key_keeps_every_other_front_matter_line() -> None:
    text = CARD.read_text(encoding="utf-8")
    new = cardtext.replace_metadata_key(text, "co2_eq_emissions", VALUE)
    old_lines = _front_matter(text).splitlines()
    new_lines = _front_matter(new).splitlines()
    # The old scalar line is gone; the new block sits where it was; everything else is the same line.
    position = old_lines.index("co2_eq_emissions: 3.5")
    block = yaml.safe_dump({"co2_eq_emissions": VALUE}, sort_keys=False).splitlines()
    assert new_lines == [*old_lines[:position], *block, *old_lines[position + 1 :]]
    assert new[len(_front_matter(new)) + 4 :] == text[len(_front_matter(text)) + 4 :]
    assert yaml.safe_load(_front_matter(new))["co2_eq_emissions"] == VALUE


def test_replacing_a_nested_block_removes_all_of_it() -> None:
    text = "---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1\n  source: old\n\ntags:\n- a\n---\nbody\n"
    new = cardtext.replace_metadata_key(text, "co2_eq_emissions", VALUE)
    assert new == (
        "---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1234\n  source: test\n"
        "  training_type: fine-tuning\n\ntags:\n- a\n---\nbody\n"
    )


def test_a_missing_key_is_appended_and_a_card_without_front_matter_gets_one() -> None:
    text = "---\nlicense: mit  # keep this comment\n---\n# Title\n"
    new = cardtext.replace_metadata_key(text, "co2_eq_emissions", {"emissions": 5})
    assert new == "---\nlicense: mit  # keep this comment\nco2_eq_emissions:\n  emissions: 5\n---\n# Title\n"
    bare = cardtext.replace_metadata_key("# Title\n", "co2_eq_emissions", {"emissions": 5})
    assert bare == "---\nco2_eq_emissions:\n  emissions: 5\n---\n# Title\n"
    empty = cardtext.replace_metadata_key("---\n---\nbody", "co2_eq_emissions", {"emissions": 5})
    assert empty == "---\nco2_eq_emissions:\n  emissions: 5\n---\nbody"


def test_crlf_cards_stay_crlf() -> None:
    text = "---\r\nlicense: mit\r\n---\r\n# Title\r\n\r\n## Citation\r\n\r\nx\r\n"
    new = cardtext.replace_metadata_key(text, "co2_eq_emissions", {"emissions": 5})
    new = cardtext.replace_section(new, "Environmental Impact", "a\nb", insert_before=["Citation"])
    assert "\n" not in new.replace("\r\n", "")
    assert new.endswith("## Environmental Impact\r\n\r\na\r\nb\r\n\r\n## Citation\r\n\r\nx\r\n")


@pytest.mark.parametrize(
    ("front_matter", "match"),
    [
        ("co2_eq_emissions: 1\nlicense: mit\nco2_eq_emissions: 2\n", "without changing other keys"),
        ("- a\n- b\n", "must be a mapping"),
        ("license: [mit\n", "does not parse"),
    ],
)
def test_front_matter_that_cannot_be_edited_safely_is_refused(front_matter: str, match: str) -> None:
    with pytest.raises(FootprintInputError, match=match):
        cardtext.replace_metadata_key(f"---\n{front_matter}---\nbody\n", "co2_eq_emissions", VALUE)


def test_section_is_found_outside_code_blocks_only() -> None:
    body = "# T\n\n```\n## Environmental Impact\n```\n\n## Other\n\ntext\n"
    assert cardtext.find_section(body, "Environmental Impact") is None
    body += "\n## Environmental impact [optional]\n\nold\n\n### Sub\n\nmore\n\n## Next\n"
    start, end, level = cardtext.find_section(body, "Environmental Impact")
    lines = body.splitlines()
    assert (lines[start], lines[end], level) == ("## Environmental impact [optional]", "## Next", 2)


def test_a_level_one_section_does_not_swallow_the_next_level_two_sections() -> None:
    text = "# Environmental Impact\n\nold\n\n## Citation\n\nc\n"
    new = cardtext.replace_section(text, "Environmental Impact", "new")
    assert new == "# Environmental Impact\n\nnew\n\n## Citation\n\nc\n"


def test_replacing_a_section_keeps_its_heading_and_the_rest() -> None:
    text = "# T\n\n## Environmental Impact [optional]\n\nold\n\n## Next\nx\n"
    new = cardtext.replace_section(text, "Environmental Impact", "new")
    assert new == "# T\n\n## Environmental Impact [optional]\n\nnew\n\n## Next\nx\n"
    assert cardtext.replace_section(new, "Environmental Impact", "new") == new
    at_end = cardtext.replace_section("# T\n\n## Environmental Impact\nold", "Environmental Impact", "new")
    assert at_end == "# T\n\n## Environmental Impact\n\nnew\n"


def test_inserting_a_section_goes_before_the_first_following_section_or_at_the_end() -> None:
    text = "# T\n\n## Citation\n\nc\n\n## Model Card Contact\n\nm\n"
    new = cardtext.replace_section(text, "Env", "e", insert_before=["Glossary", "Model Card Contact"])
    assert new == "# T\n\n## Citation\n\nc\n\n## Env\n\ne\n\n## Model Card Contact\n\nm\n"
    assert cardtext.replace_section(new, "Env", "e") == new
    assert cardtext.replace_section("# T\nno newline", "Env", "e") == "# T\nno newline\n\n## Env\n\ne\n"
    assert cardtext.replace_section("# T\n", "Env", "e") == "# T\n\n## Env\n\ne\n"
    assert cardtext.replace_section("", "Env", "e") == "## Env\n\ne\n"


def test_a_card_ending_in_an_open_code_block_is_refused() -> None:
    with pytest.raises(FootprintInputError, match="unclosed code block"):
        cardtext.replace_section("# T\n```python\nx = 1\n", "Environmental Impact", "e")


# --- property: any card of headings, text and code blocks keeps everything outside the edited parts ---

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINES = st.sampled_from(
    [
        "# Title",
        "## Uses",
        "### Direct Use",
        "## Environmental Impact",
        "### Environmental Impact",
        "## Citation",
        "## Technical Specifications [optional]",
        "text with **bold**",
        "- a bullet",
        "",
        "```",
        "## inside a fence?",
        "---",
    ]
)
_KEYS = st.dictionaries(
    st.sampled_from(["license", "tags", "datasets", "co2_eq_emissions", "library_name", "base_model"]),
    st.one_of(
        st.integers(0, 10**6), st.text("abc -", max_size=8), st.lists(st.text("xyz", max_size=4), max_size=3)
    ),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(front=_KEYS, body=st.lists(_LINES, max_size=25), crlf=st.booleans())
def test_updates_touch_nothing_else(front: dict, body: list[str], crlf: bool) -> None:
    newline = "\r\n" if crlf else "\n"
    text = (f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n" if front else "") + "\n".join(body) + "\n"
    text = text.replace("\n", newline)
    # A card that starts with `---` has front matter by the Hub's rule; an unclosed fence is refused.
    assume(front or not text.lstrip().startswith("---"))
    assume(body.count("```") % 2 == 0)
    value = {"emissions": 42, "source": "t"}
    new = cardtext.replace_metadata_key(text, "co2_eq_emissions", value)
    assert cardtext.read_front_matter(new) == {**front, "co2_eq_emissions": value}
    new = cardtext.replace_section(new, "Environmental Impact", "gen\n\nbody", insert_before=["Citation"])
    again = cardtext.replace_section(
        cardtext.replace_metadata_key(new, "co2_eq_emissions", value),
        "Environmental Impact",
        "gen\n\nbody",
        insert_before=["Citation"],
    )
    assert again == new
    # Every body line outside the old section is still there, in order.
    old_body = cardtext.split_front_matter(text)[3]
    new_body = cardtext.split_front_matter(new)[3]
    old_lines = old_body.splitlines()
    found = cardtext.find_section(old_body, "Environmental Impact")
    kept = old_lines if found is None else old_lines[: found[0]] + old_lines[found[1] :]
    new_lines = iter(new_body.splitlines())
    assert all(any(line == candidate for candidate in new_lines) for line in kept)
    assert "\n" not in new.replace("\r\n", "") or not crlf


# --------------------------------------------------------------------------------------------------
# bounded work: the heading scan is linear, so hostile cards parse in bounded time

_HEADING_PATTERN = r"^(#{1,6})[ \t]+(.*?)[ \t#]*$"  # the pattern the scan replaced, for equivalence


@pytest.mark.parametrize(
    "line",
    ["# Title", "## Title ##", "###   spaced  title  # #  ", "#\tTab", "#", "#no space", "####### seven",
     "# C#", "# #tag", "#  ", "# a #\x0c", "   # indented", "## [optional] Notes"],
)  # fmt: skip
def test_the_heading_scan_reads_headings_as_the_pattern_did(line: str) -> None:
    import re

    match = re.match(_HEADING_PATTERN, line)
    expected = (len(match.group(1)), match.group(2).strip()) if match else None
    assert cardtext._heading(line) == expected


@pytest.mark.parametrize("title", ["Notes [optional]", "a [b [c] d] e", "[[[x", "a ] b [", "[]", "x[1]y[2]z"])
def test_bracketed_notes_go_as_the_pattern_removed_them(title: str) -> None:
    import re

    assert cardtext._drop_bracketed(title) == re.sub(r"\[[^\]]*\]", "", title)


_SCRIPT = """
import sys
from fmfootprint.report import cardtext
n = 1_000_000
for line in ("# a" + " " * n + "b", "# a" + " #" * (n // 2) + "b", "## " + "[" * n, "# " + "x" * n):
    card = "---\\nlicense: mit\\n---\\n" + line + "\\n\\nSome text.\\n"
    new = cardtext.replace_section(card, "Environmental Impact", "figures")
    assert new.startswith(card), "the card must stay byte-identical before the new section"
    assert cardtext.find_section(new, "Environmental Impact") is not None
print("ok")
"""


def test_a_one_megabyte_heading_line_parses_in_bounded_time() -> None:
    # A backtracking heading pattern took minutes on such lines (20 KB of blanks: 8 s, growing as n²).
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_front_matter_aliases_are_bounded() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]" for p, k in zip("abcdefg", "bcdefgh", strict=True)]
    card = "---\n" + "\n".join(levels) + "\n---\n# Model\n"
    with pytest.raises(FootprintInputError, match="front matter expands to more than"):
        cardtext.read_front_matter(card)
