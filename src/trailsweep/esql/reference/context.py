"""What every part of one reference evaluation shares: the query, parameters, clock, errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql.ast import Span
from trailsweep.esql.diagnostics import EsqlVerificationError, invalid, unsupported
from trailsweep.esql.query import Query
from trailsweep.esql.reference.values import as_date

NOW_PARAMETER = "__now__"


@dataclass(frozen=True)
class Context:
    """One evaluation: the query (for error positions), `?parameter` values and NOW()."""

    query: Query
    params: Mapping[str, object]
    now: datetime

    @classmethod
    def create(cls, query: Query, params: Mapping[str, object] | None) -> Context:
        """The context for a query run; `params["__now__"]` fixes NOW() as the compiler does."""
        values = dict(params or {})
        clock = values.get(NOW_PARAMETER)
        if clock is None:
            clock = datetime.now(UTC)
        elif isinstance(clock, str):
            clock = datetime.fromisoformat(clock.replace("Z", "+00:00"))
        if not isinstance(clock, datetime):
            raise TypeError(f"parameter {NOW_PARAMETER} must be a datetime, not {clock!r}")
        # The compiler writes NOW() as a millisecond timestamp literal.
        return cls(query, values, as_date(clock))

    def unsupported(self, span: Span, message: str) -> EsqlUnsupportedError:
        """Something the reference evaluator does not implement."""
        return unsupported(self.query, span, f"reference evaluator: {message}")

    def invalid(self, span: Span, message: str) -> EsqlVerificationError:
        """Something ES|QL itself rejects (unknown column, wrong type...)."""
        return invalid(self.query, span, message)
