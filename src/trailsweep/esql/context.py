"""State shared while compiling one query: the query, parameter values, the clock, the CTEs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlglot import exp

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql.ast import Span
from trailsweep.esql.diagnostics import EsqlVerificationError, invalid, unsupported
from trailsweep.esql.query import Query

NOW_PARAMETER = "__now__"
"""The parameter that holds NOW() for a run (a datetime; naive means UTC)."""


@dataclass
class CompileContext:
    """Everything the command and expression compilers need besides the relation."""

    query: Query
    params: Mapping[str, object]
    now: datetime
    ctes: list[tuple[str, exp.Select]] = field(default_factory=list)
    materialized: set[str] = field(default_factory=set)

    def emit(self, select: exp.Select, *, materialized: bool = False) -> str:
        """Add a CTE and return its name. `materialized`: computed once, never inlined into the
        CTEs that read it (for an expensive column read several times, such as a regex match)."""
        name = f"s{len(self.ctes) + 1}"
        self.ctes.append((name, select))
        if materialized:
            self.materialized.add(name)
        return name

    def unsupported(self, span: Span, message: str) -> EsqlUnsupportedError:
        """An unsupported-construct error at a span of this query."""
        return unsupported(self.query, span, message)

    def invalid(self, span: Span, message: str) -> EsqlVerificationError:
        """An error for a query ES|QL itself rejects, at a span of this query."""
        return invalid(self.query, span, message)
