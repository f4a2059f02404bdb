"""A parsed ES|QL query: its source command, processing commands and original text."""

from __future__ import annotations

from dataclasses import dataclass

from trailsweep.errors import Location
from trailsweep.esql.ast import Command, From, Span
from trailsweep.esql.fields import analyse


@dataclass(frozen=True)
class Query:
    """A parsed query; positions map back to the rule file through the line/column offsets."""

    source: From
    commands: tuple[Command, ...]
    text: str
    origin: str = "<query>"
    line_offset: int = 0
    column_offset: int = 0

    def source_fields(self) -> frozenset[str]:
        """Source (ECS or metadata) fields the query reads; names made by EVAL/STATS/... are not.

        Wildcard KEEP patterns are not expanded here: see `source_patterns`.
        """
        return analyse(self).fields

    def source_patterns(self) -> frozenset[str]:
        """Wildcard patterns (`aws.*`) that select source fields, as written in KEEP."""
        return analyse(self).patterns

    def parameters(self) -> frozenset[str]:
        """Names of the `?parameters` the query uses."""
        return analyse(self).parameters

    def location(self, span: Span) -> Location:
        """The file location of a span, with the origin and offsets applied."""
        column = span.column + (self.column_offset if span.line == 1 else 0)
        return Location(self.origin, span.line + self.line_offset, column)

    def snippet(self, span: Span) -> str:
        """The source line of a span with a caret under its start."""
        lines = self.text.splitlines() or [""]
        line = lines[min(span.line, len(lines)) - 1]
        return f"{line}\n{' ' * (span.column - 1)}^"

    def source_text(self, span: Span) -> str:
        """The exact query text a span covers."""
        return self.text[span.start : span.end]
