"""Casts of the compiled (DuckDB) SQL written for Spark, value for value or not at all.

A cast means the same in both engines only for some source kinds: DuckDB rounds a DOUBLE cast
to BIGINT where Spark truncates, prints doubles its own way, reads `'1_000'` or `'0x1f'` as
numbers... The operand's kind comes from `spark_kinds`; a cast from a kind whose result could
differ, or from a kind that cannot be told, is refused (CastError) rather than guessed.

A TRY_CAST of text is written so that it gives DuckDB's value on the text forms both engines
read alike (plain digits, plain decimals) and NULL on text DuckDB cannot read either; any other
text raises an error at run time, never a different value. The compiler only casts text it has
matched against a grammar first, so those errors are not reached in practice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from trailsweep.engine.spark_functions import once, quote, raise_error
from trailsweep.engine.spark_kinds import BOOL, FLOAT, INT, NULL, TEXT, TIME, Kind, type_kind

Render = Callable[[exp.Expression], str]
KindOf = Callable[[exp.Expression], Kind | None]

SPARK_TYPES: dict[exp.DType, str] = {
    exp.DataType.Type.TEXT: "STRING",
    exp.DataType.Type.VARCHAR: "STRING",
    exp.DataType.Type.BIGINT: "BIGINT",
    exp.DataType.Type.INT: "INT",
    exp.DataType.Type.DOUBLE: "DOUBLE",
    exp.DataType.Type.FLOAT: "FLOAT",
    exp.DataType.Type.BOOLEAN: "BOOLEAN",
    # DuckDB's TIMESTAMP is naive; the compiler's are UTC. With the session's time zone at UTC
    # (the engine sets it) Spark's TIMESTAMP is the same instants, which every date function
    # (unix_millis, date_trunc...) takes.
    exp.DataType.Type.TIMESTAMP: "TIMESTAMP",
    exp.DataType.Type.TIMESTAMPNTZ: "TIMESTAMP",
}
"""DuckDB types the compiler writes and their Spark names (lists: ARRAY<...> of these)."""

# What each target kind can be cast from without the engines disagreeing on a value. Text to
# an integer is allowed: Spark's ANSI cast reads only plain digits and fails on the rest, which
# DuckDB reads more leniently: an error, never another value.
_SAFE_SOURCES: dict[Kind, frozenset[Kind]] = {
    TEXT: frozenset({TEXT, INT, BOOL, NULL}),
    INT: frozenset({INT, BOOL, NULL, TEXT}),
    FLOAT: frozenset({INT, FLOAT, BOOL, NULL}),
    BOOL: frozenset({BOOL, INT, FLOAT, NULL}),
    TIME: frozenset({TIME, NULL}),
}
_TIMESTAMP_TEXT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?")
_PLAIN_INTEGER = "^[+-]?[0-9]+\\z"
_PLAIN_DECIMAL = "^[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\z"
_OCTET_TEXT = quote("^[0-9]+\\z")
_HEX_DIGITS = quote("^[0-9a-fA-F]{1,15}\\z")


class CastError(ValueError):
    """A cast that is not written for Spark (the message names it)."""


def spark_type(data_type: exp.DataType) -> str:
    """The Spark name of a DuckDB type, lists included."""
    if data_type.this == exp.DataType.Type.ARRAY and len(data_type.expressions) == 1:
        return f"ARRAY<{spark_type(data_type.expressions[0])}>"
    name = SPARK_TYPES.get(data_type.this)
    if name is None:
        raise CastError(f"the type {_duckdb(data_type)}")
    return name


def _duckdb(data_type: exp.DataType) -> str:
    text: str = data_type.sql(dialect="duckdb")
    return text


def cast_sql(cast: exp.Cast, render: Render, kind_of: KindOf) -> str:
    """`CAST(x AS T)` for Spark, refused when x's kind could cast to another value."""
    target = cast.to
    if target.this in (exp.DataType.Type.UBIGINT, exp.DataType.Type.UTINYINT):
        return _unsigned_cast(cast)
    operand = cast.this
    wanted = type_kind(target)
    if wanted is None:
        raise CastError(f"a cast to {_duckdb(target)}")
    if not _castable(operand, kind_of(operand), wanted):
        source = kind_of(operand)
        what = f"a {source} value" if source is not None else "a value of unknown type"
        raise CastError(f"a cast of {what} to {_duckdb(target)}")
    return f"CAST({render(operand)} AS {spark_type(target)})"


def _castable(operand: exp.Expression | None, source: Kind | None, wanted: Kind) -> bool:
    if source == NULL:
        return True
    if source is None:
        return False
    if wanted.name == "list":
        if source.name != "list" or wanted.element is None:
            return False
        # An empty list literal's elements are NULL: nothing to convert.
        return _castable(None, source.element, wanted.element)
    if wanted == TIME and source == TEXT and operand is not None:
        return isinstance(operand, exp.Literal) and bool(_TIMESTAMP_TEXT.fullmatch(operand.this))
    return source in _SAFE_SOURCES.get(wanted, frozenset())


def try_cast_sql(cast: exp.TryCast, render: Render, kind_of: KindOf) -> str:
    """`TRY_CAST(x AS T)` for Spark: DuckDB's value, or an error (see the module docs)."""
    target = cast.to
    operand = cast.this
    source = kind_of(operand)
    if target.this == exp.DataType.Type.UBIGINT:
        return _hex_cast(operand, render)
    if target.this == exp.DataType.Type.UTINYINT:
        if source != TEXT:
            raise CastError(f"TRY_CAST to UTINYINT of a {source or 'value of unknown type'}")
        return _octet_cast(render(operand))
    name = SPARK_TYPES.get(target.this)
    wanted = type_kind(target)
    if name is None or wanted not in (INT, FLOAT):
        raise CastError(f"TRY_CAST to {_duckdb(target)}")
    if source in (INT, NULL) or (wanted == FLOAT and source == FLOAT):
        return f"TRY_CAST({render(operand)} AS {name})"
    if source != TEXT:
        raise CastError(f"TRY_CAST of a {source or 'value of unknown type'} to {_duckdb(target)}")
    failure = raise_error(f"TRY_CAST to {name} of text that DuckDB may read otherwise")

    def checked(value: str) -> str:
        parsed = f"TRY_CAST({value} AS {name})"
        if wanted == INT:
            # Text without any digit is no integer to either engine.
            return (
                f"CASE WHEN {value} RLIKE {quote(_PLAIN_INTEGER)} THEN {parsed} "
                f"WHEN {value} RLIKE '[0-9]' THEN {failure} END"
            )
        return (
            f"CASE WHEN {value} RLIKE {quote(_PLAIN_DECIMAL)} THEN {parsed} "
            f"WHEN {value} IS NOT NULL THEN {failure} END"
        )

    return once(render(operand), checked)


def _octet_cast(text: str) -> str:
    """TRY_CAST(text AS UTINYINT), as the ip ordering key reads an IPv4 part."""
    failure = raise_error("TRY_CAST to UTINYINT of text that DuckDB may read otherwise")

    def checked(value: str) -> str:
        # Digits beyond INT are NULL, as are numbers beyond 255.
        number = f"nullif(least(coalesce(TRY_CAST({value} AS INT), 256), 256), 256)"
        return (
            f"CASE WHEN {value} RLIKE {_OCTET_TEXT} THEN {number} "
            f"WHEN {value} RLIKE '[0-9]' THEN {failure} END"
        )

    return once(text, checked)


def _hex_cast(operand: exp.Expression, render: Render) -> str:
    """TRY_CAST('0x' || digits AS UBIGINT), as hex floats are read: a BIGINT below 2^60."""
    if not (
        isinstance(operand, exp.DPipe)
        and isinstance(operand.this, exp.Literal)
        and operand.this.is_string
        and operand.this.this.lower() == "0x"
    ):
        raise CastError("TRY_CAST to UBIGINT of anything but '0x' || hex digits")
    failure = raise_error("TRY_CAST to UBIGINT of more than 15 hex digits or of non-hex text")

    def checked(digits: str) -> str:
        return (
            f"CASE WHEN {digits} = '' THEN CAST(NULL AS BIGINT) "
            f"WHEN {digits} RLIKE {_HEX_DIGITS} "
            f"THEN CAST(conv({digits}, 16, 10) AS BIGINT) "
            f"WHEN {digits} IS NOT NULL THEN {failure} END"
        )

    return once(render(operand.expression), checked)


def _unsigned_cast(cast: exp.Cast) -> str:
    """CAST(n AS UBIGINT) of a literal: a BIGINT (every unsigned value written stays below
    2^63; the one shift that reaches it is rewritten, see `spark_sql`)."""
    operand = cast.this
    if cast.to.this == exp.DataType.Type.UBIGINT and isinstance(operand, exp.Literal):
        if operand.is_int and 0 <= int(operand.this) < 2**63:
            return f"CAST({operand.this} AS BIGINT)"
    raise CastError(f"a cast to {_duckdb(cast.to)} of {operand.sql('duckdb')}")
