"""A rule's investigation guide (`note`, markdown) as safe HTML or as nested markdown.

The note comes from a rule file, which a user may pass in: raw HTML in it is shown as text
(markdown-it with `html` off), never passed through; link targets like `javascript:` are refused
by markdown-it's link validation.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

HEADING_SHIFT = 2
"""The note's `##` headings sit below the report's alert heading."""

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_HEADING = re.compile(r"^(\s{0,3})(#{1,6})(?=\s|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def note_html(note: str) -> Markup:
    """The note rendered to HTML, headings shifted down; any HTML in it comes out as text."""
    tokens = _MARKDOWN.parse(note)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1:]) + HEADING_SHIFT)
            token.tag = f"h{level}"
    # Safe by construction: markdown-it escapes all text and, with html off, all raw HTML.
    return Markup(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))


def note_markdown(note: str) -> str:
    """The note as markdown to embed: headings shifted down, and `<` outside code written as
    `&lt;` so that no HTML in the note reaches a markdown viewer as markup."""
    lines: list[str] = []
    fenced = False
    for line in note.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            lines.append(line)
            continue
        if fenced:
            lines.append(line)
            continue
        line = _HEADING.sub(lambda m: m[1] + m[2] + "#" * HEADING_SHIFT, line)
        lines.append(_outside_code(line))
    return "\n".join(lines)


def _outside_code(line: str) -> str:
    parts: list[str] = []
    end = 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(line[end : match.start()].replace("<", "&lt;"))
        parts.append(match[0])
        end = match.end()
    parts.append(line[end:].replace("<", "&lt;"))
    return "".join(parts)
