"""The public surface of trailsweep.esql is pinned."""

from __future__ import annotations

import trailsweep.esql


def test_public_names() -> None:
    assert sorted(trailsweep.esql.__all__) == [
        "CompiledQuery",
        "EsqlType",
        "EsqlVerificationError",
        "FieldSpec",
        "Query",
        "TimeSpan",
        "compile_query",
        "parse_query",
        "parse_timespan",
    ]
    for name in trailsweep.esql.__all__:
        assert hasattr(trailsweep.esql, name)


def test_verification_errors_are_esql_errors() -> None:
    from trailsweep.errors import EsqlError

    assert issubclass(trailsweep.esql.EsqlVerificationError, EsqlError)
