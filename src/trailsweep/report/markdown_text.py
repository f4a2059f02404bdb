"""Data as markdown text: every character that could start markup is backslash-escaped.

CommonMark lets any ASCII punctuation be escaped with a backslash, and an escaped `<` can never
open an HTML tag, so escaped data renders as the same characters, as text, in any viewer.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#])")


class MarkdownSafe(str):
    """Markdown the report wrote itself (not data): templates emit it unescaped."""

    __slots__ = ()


def escape_markdown(value: object) -> str:
    """A value as one line of markdown text that renders as exactly its characters."""
    if isinstance(value, MarkdownSafe):
        return value
    if value is None:
        return ""
    # One line: a newline in data could start a heading, a list or a table row.
    flat = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", flat)
