"""Editing a model card's text in place: one front-matter key and one Markdown section, nothing else.

A Hugging Face model card is a ``README.md`` with YAML front matter between ``---`` lines, followed by
Markdown. :func:`replace_metadata_key` and :func:`replace_section` change only what they are asked to and
keep every other byte of the card (other keys' formatting and comments, the rest of the body, line
endings). The replaced key is written by PyYAML, never by hand, and every edit is checked by parsing the
front matter again: the result must equal the original mapping with only that key changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from fmfootprint._io import load_yaml
from fmfootprint.errors import FootprintInputError

__all__ = [
    "dump_yaml",
    "find_section",
    "read_front_matter",
    "replace_metadata_key",
    "replace_section",
    "split_front_matter",
]

# The same opening/closing rule as huggingface_hub's repocard (REGEX_YAML_BLOCK): a card starts with
# optional blank space, a `---` line, the YAML, and a closing `---` line.
_FRONT_MATTER = re.compile(r"\A(\s*---[ \t]*\r?\n)(.*?)(^---[ \t]*(?:\r?\n|\Z))", re.DOTALL | re.MULTILINE)
_EMPTY_FRONT_MATTER = re.compile(r"\A(\s*---[ \t]*\r?\n)(^---[ \t]*(?:\r?\n|\Z))", re.MULTILINE)
_FRONT_MATTER_NAME = "the model card's YAML front matter"
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def _newline(text: str) -> str:
    """The card's line ending (CRLF cards stay CRLF)."""
    return "\r\n" if "\r\n" in text else "\n"


def dump_yaml(mapping: Mapping[str, Any]) -> str:
    """``mapping`` as block-style YAML (PyYAML), keys in insertion order, Unicode kept as is."""
    return yaml.safe_dump(dict(mapping), sort_keys=False, allow_unicode=True, default_flow_style=False)


def split_front_matter(text: str) -> tuple[str, str, str, str]:
    """Split a card into (opening ``---`` line, YAML text, closing ``---`` line, body).

    A card without front matter gives ``("", "", "", text)``.
    """
    match = _EMPTY_FRONT_MATTER.match(text)
    if match:
        return match.group(1), "", match.group(2), text[match.end() :]
    match = _FRONT_MATTER.match(text)
    if not match:
        return "", "", "", text
    return match.group(1), match.group(2), match.group(3), text[match.end() :]


def _load_mapping(yaml_text: str) -> dict[str, Any]:
    try:
        loaded = load_yaml(yaml_text, what=_FRONT_MATTER_NAME, first_line=2) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise FootprintInputError(f"{_FRONT_MATTER_NAME} does not parse{where}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise FootprintInputError(f"{_FRONT_MATTER_NAME} must be a mapping, got a {type(loaded).__name__}")
    return loaded


def read_front_matter(text: str) -> dict[str, Any]:
    """The card's front matter as a dict (empty when the card has none)."""
    return _load_mapping(split_front_matter(text)[1])


def _key_block(lines: Sequence[str], key: str) -> tuple[int, int] | None:
    """Line span [start, end) of the top-level ``key`` in block-style YAML lines, or None.

    A top-level entry runs from its ``key:`` line to the next line at column 0 that is neither a sequence
    item (``- ``, which YAML allows at the parent's indentation) nor blank; trailing blank lines and
    column-0 comments are left to what follows.
    """
    key_line = re.compile(rf"^(?:{re.escape(key)}|'{re.escape(key)}'|\"{re.escape(key)}\")[ \t]*:(?:\s|$)")
    start = next((i for i, line in enumerate(lines) if key_line.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.rstrip("\r\n")
        if stripped and not stripped[0].isspace() and not stripped.startswith("-"):
            break
        end += 1
    # Hand trailing blank lines back to what follows.
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def replace_metadata_key(text: str, key: str, value: Any) -> str:
    """Set the top-level front-matter ``key`` to ``value``, keeping every other byte of the card.

    The entry is replaced in place where it exists and appended to the front matter otherwise; a card
    without front matter gets one. The new entry is written by PyYAML.

    Raises
    ------
    FootprintInputError
        If the front matter does not parse, is not a mapping, or is written in a style (flow mapping,
        duplicate keys) where the entry cannot be replaced without touching the others.
    """
    newline = _newline(text)
    entry = dump_yaml({key: value}).replace("\n", newline)
    opening, yaml_text, closing, body = split_front_matter(text)
    if not opening:
        return f"---{newline}{entry}---{newline}{text}"
    before = _load_mapping(yaml_text)
    lines = yaml_text.splitlines(keepends=True)
    span = _key_block(lines, key)
    if span is None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        new_yaml = "".join(lines) + entry
    else:
        start, end = span
        new_yaml = "".join(lines[:start]) + entry + "".join(lines[end:])
    after = _load_mapping(new_yaml)
    expected = {**before, key: _load_mapping(entry)[key]}
    if after != expected or list(after) != list(expected):
        raise FootprintInputError(
            f"cannot replace {key!r} in this model card's front matter without changing other keys "
            "(flow-style or duplicate keys?); edit it by hand"
        )
    return opening + new_yaml + closing + body


def _headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every ATX heading outside fenced code blocks."""
    return _scan(lines)[0]


def _scan(lines: Sequence[str]) -> tuple[list[tuple[int, int, str]], bool]:
    """The headings outside fenced code blocks, and whether the text ends inside an unclosed fence."""
    found = []
    fence: str | None = None
    for index, line in enumerate(lines):
        stripped = line.rstrip("\r\n")
        fence_match = _FENCE.match(stripped)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        heading = _heading(stripped)
        if heading is not None:
            found.append((index, *heading))
    return found, fence is not None


def _heading(line: str) -> tuple[int, str] | None:
    r"""(level, title) of an ATX heading line (``## Title ##``), else None.

    String operations only, each one pass over the line: a backtracking pattern such as
    ``^(#{1,6})[ \t]+(.*?)[ \t#]*$`` takes quadratic time on a long run of blanks or ``#``.
    """
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or line[level : level + 1] not in (" ", "\t"):
        return None
    # The closing sequence of blanks and '#' goes, then surrounding white space.
    return level, line[level:].lstrip(" \t").rstrip(" \t#").strip()


def _drop_bracketed(title: str) -> str:
    r"""``title`` without its bracketed notes (``[optional]``): each ``[`` up to the next ``]`` goes.

    One pass with ``str.find``; the pattern ``\[[^\]]*\]`` rescans to the end from every unclosed ``[``.
    """
    kept: list[str] = []
    position = 0
    while (start := title.find("[", position)) != -1:
        end = title.find("]", start + 1)
        if end == -1:
            break  # no ']' after this '[', so none after any later '[' either
        kept.append(title[position:start])
        position = end + 1
    kept.append(title[position:])
    return "".join(kept)


def _normalise_title(title: str) -> str:
    return " ".join(_drop_bracketed(title).split()).lower()


def find_section(body: str, title: str) -> tuple[int, int, int] | None:
    """Where the section headed ``title`` lies in ``body``, as (heading line, first line after, level).

    The title matches case-insensitively, ignoring bracketed notes such as ``[optional]``. The section
    runs to the next heading of the same or a higher level (for a level-1 title: level 1 or 2), or to the
    end.
    """
    lines = body.splitlines(keepends=True)
    headings = _headings(lines)
    wanted = _normalise_title(title)
    for position, (index, level, text) in enumerate(headings):
        if _normalise_title(text) == wanted:
            # A level-1 title ends at the next level-2 heading too: cards put their sections at level 2,
            # and they must not be swallowed as "subsections" of the replaced one.
            end_level = max(level, 2)
            end = next((i for i, lvl, _ in headings[position + 1 :] if lvl <= end_level), len(lines))
            return index, end, level
    return None


def replace_section(
    text: str, title: str, content: str, *, level: int = 2, insert_before: Sequence[str] = ()
) -> str:
    """Replace the body of the Markdown section ``title`` with ``content``, or insert the section.

    The heading line itself and everything outside the section stay byte-identical. When the card has no
    such section, ``#``×``level`` ``title`` and ``content`` go before the first heading (of any level ≤
    ``level``) whose title is in ``insert_before``, or at the end of the card.

    Parameters
    ----------
    text : str
        The whole card, front matter included (the front matter is never searched).
    title : str
        The section's heading text, e.g. ``"Environmental Impact"``.
    content : str
        The section body, without the heading; written with the card's line endings.
    level : int
        Heading level for an inserted section.
    insert_before : sequence of str
        Titles of sections the inserted one should precede, in order of preference.
    """
    newline = _newline(text)
    opening, yaml_text, closing, body = split_front_matter(text)
    head = opening + yaml_text + closing
    content = content.strip("\n").replace("\r\n", "\n").replace("\n", newline)
    lines = body.splitlines(keepends=True)
    found = find_section(body, title)
    if found is not None:
        start, end, _ = found
        heading_line = lines[start]
        if not heading_line.endswith(("\n", "\r")):
            heading_line += newline
        tail = newline + newline if end < len(lines) else newline
        section = heading_line + newline + content + tail
        return head + "".join(lines[:start]) + section + "".join(lines[end:])
    section = f"{'#' * level} {title}{newline}{newline}{content}{newline}"
    headings = _headings(lines)
    wanted = [_normalise_title(t) for t in insert_before]
    for candidate in wanted:
        target = next(
            (i for i, lvl, t in headings if lvl <= level and _normalise_title(t) == candidate), None
        )
        if target is not None:
            return head + "".join(lines[:target]) + section + newline + "".join(lines[target:])
    if _scan(lines)[1]:
        raise FootprintInputError(
            f"the model card ends inside an unclosed code block (```); close it to add {title!r}"
        )
    stripped_body = "".join(lines)
    if not stripped_body:
        return head + (newline if head else "") + section
    separator = (
        ""
        if stripped_body.endswith(newline + newline)
        else (newline if stripped_body.endswith(("\n", "\r")) else newline + newline)
    )
    return head + stripped_body + separator + section
