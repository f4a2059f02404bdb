"""Errors about a place in a query: unsupported constructs and queries ES|QL itself rejects."""

from __future__ import annotations

from trailsweep.errors import EsqlError, EsqlUnsupportedError
from trailsweep.esql.ast import Span
from trailsweep.esql.query import Query


class EsqlVerificationError(EsqlError):
    """The query parses, but ES|QL would reject it too (unknown column, wrong argument type...)."""


def unsupported(query: Query, span: Span, message: str) -> EsqlUnsupportedError:
    """An EsqlUnsupportedError at a span, with the offending line and a caret."""
    return EsqlUnsupportedError(f"{message}\n{query.snippet(span)}", query.location(span))


def invalid(query: Query, span: Span, message: str) -> EsqlVerificationError:
    """An EsqlVerificationError at a span, with the offending line and a caret."""
    return EsqlVerificationError(f"{message}\n{query.snippet(span)}", query.location(span))
