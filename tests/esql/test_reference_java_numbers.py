"""TO_DOUBLE of a keyword as ES|QL does it: Java's Double.parseDouble, non-finite results null.

(EsqlDataTypeConverter.stringToDouble -> StringUtils.parseDouble.) The SQL (esql/java_numbers.py)
and the reference (`java_parse_double`) are checked against values Java gives, then against each
other on generated text: decimals, hex floats with long mantissas, ties and subnormal results,
and near misses of the grammar.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from trailsweep.esql import FieldSpec
from trailsweep.esql.dialect import PinnedDuckDB
from trailsweep.esql.java_numbers import java_double
from trailsweep.esql.reference.functions import java_parse_double

from .runner import EsqlRunner

PARSE_SQL = (
    exp.select(java_double(exp.column("t", quoted=True)).as_("d"))
    .from_("texts")
    .sql(dialect=PinnedDuckDB)
)

SMALLEST = 5e-324  # 2^-1074
JAVA: list[tuple[str, float | None]] = [
    ("1.5", 1.5),
    (" 1.5 ", 1.5),
    ("\t\n 2 \x00\x1f", 2.0),  # String.trim drops everything up to U+0020
    ("\u00a02", None),  # ... and nothing above it
    ("1d", 1.0),
    ("1F", 1.0),
    ("1e5f", 100000.0),
    ("+.5", 0.5),
    ("5.", 5.0),
    ("-1.e2", -100.0),
    ("007", 7.0),
    ("-0", -0.0),
    (".", None),
    ("", None),
    ("  ", None),
    ("1e", None),
    ("e5", None),
    ("1e5 f", None),
    ("1dd", None),
    ("1_000", None),
    ("1,5", None),
    ("١", None),  # an Arabic-Indic digit: Java reads ASCII digits only
    ("inf", None),
    ("NaN", None),  # parsed by Java, not finite: null in ES|QL
    ("Infinity", None),
    ("-Infinity", None),
    ("Infinityd", None),
    ("1e999", None),  # Infinity in Java
    ("1e-999", 0.0),
    ("0x1p3", 8.0),
    ("0x1.8p1", 3.0),
    ("-0x.8p1d", -1.0),
    ("0X1P-1", 0.5),
    ("0x1.P+1", 2.0),
    ("-0x0p0", -0.0),
    ("0x1", None),  # the binary exponent is not optional
    ("0x1p", None),
    ("0x.p1", None),
    ("0xp1", None),
    ("0x1.8e1", None),
    ("0x1p1024", None),
    ("0x1.fffffffffffffp1023", sys.float_info.max),
    ("0x1.fffffffffffff8p1023", None),  # rounds up to 2^1024: Infinity
    ("0x1p-1022", 2.0**-1022),
    ("0x1p-1074", SMALLEST),
    ("0x1p-1075", 0.0),  # half the smallest subnormal: a tie, to even (0)
    ("0x1.0000000000001p-1075", SMALLEST),  # just above the tie
    ("0x3p-1076", SMALLEST),  # 0.75 of the smallest subnormal
    ("0x0.0000000000001p-1022", SMALLEST),
    ("0x1.00000000000008p0", 1.0),  # 1 + 2^-53: a tie, to even
    ("0x1.00000000000018p0", 1.0 + 2.0**-51),  # 1 + 3 * 2^-53: a tie, to even (up)
    ("0x1.000000000000080000000000000000001p0", 1.0 + 2.0**-52),  # past the tie: up
    ("0x0000000000000000000001.8p1", 3.0),
    ("0x1.800000000000000000000000000000000000p1", 3.0),
    ("0x1p99999999999999999999", None),
    ("0x1p-99999999999999999999", 0.0),
    ("0x0p99999999999999999999", 0.0),
]


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def sql_parse(connection: duckdb.DuckDBPyConnection, texts: Sequence[str]) -> list[Any]:
    """`java_double` of each text, computed by DuckDB (in input order)."""
    table = connection.sql("SELECT unnest($texts::VARCHAR[]) AS t", params={"texts": texts})
    connection.register("texts", table.to_arrow_table())
    return [row[0] for row in connection.sql(PARSE_SQL).fetchall()]


def same(actual: float | None, expected: float | None) -> bool:
    """Equal doubles with equal signs (0.0 and -0.0 differ), or both null."""
    if actual is None or expected is None:
        return actual is expected
    return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)


def test_the_reference_parses_as_java_does() -> None:
    wrong = [(text, java_parse_double(text)) for text, value in JAVA]
    assert [(text, value) for text, value in wrong if not same(value, dict(JAVA)[text])] == []


def test_the_sql_parses_as_java_does(connection: duckdb.DuckDBPyConnection) -> None:
    parsed = sql_parse(connection, [text for text, _ in JAVA])
    wrong = [
        (text, actual)
        for (text, expected), actual in zip(JAVA, parsed, strict=True)
        if not same(actual, expected)
    ]
    assert wrong == []


def test_to_double_of_a_keyword_column(esql: EsqlRunner) -> None:
    fields = [FieldSpec("s", "keyword")]
    rows = [{"s": text} for text, _ in JAVA]
    result = esql.run("FROM logs | EVAL d = TO_DOUBLE(s) | KEEP d", fields, rows)
    assert all(same(row["d"], value) for row, (_, value) in zip(result, JAVA, strict=True))


def test_to_double_of_a_literal(esql: EsqlRunner) -> None:
    # A constant folds in DuckDB's optimizer: the same SQL must hold there too.
    fields = [FieldSpec("s", "keyword")]
    query = (
        'FROM logs | EVAL a = TO_DOUBLE("0x1.8p1"), b = TO_DOUBLE("0x1p-1075"), c = "1d"::double'
    )
    assert esql.run(query, fields, [{"s": None}]) == [
        {"s": None, "a": 3.0, "b": 0.0, "c": 1.0, "__evidence": [0]}
    ]


HEX_DIGITS = "0123456789abcdefABCDEF"


@st.composite
def hex_floats(draw: st.DrawFn) -> str:
    """Hex floats of every shape: long mantissas, zero padding, exponents around the limits."""
    whole = draw(st.text(HEX_DIGITS, max_size=20))
    fraction = draw(st.text(HEX_DIGITS, max_size=20))
    zeros = draw(st.sampled_from(["", "0", "0000"]))
    exponent = draw(
        st.one_of(
            st.integers(-1200, 1100),
            st.integers(-1140, -1015),
            st.integers(1000, 1030),
            st.integers(-12, 12),
        )
    )
    sign = draw(st.sampled_from(["", "-", "+"]))
    point = draw(st.sampled_from([".", ""]))
    suffix = draw(st.sampled_from(["", "d", "F"]))
    x, p = draw(st.sampled_from("xX")), draw(st.sampled_from("pP"))
    digits = f"{zeros}{whole}{point}{fraction}{zeros}"
    return f"{sign}0{x}{digits}{p}{exponent:+d}{suffix}"


@st.composite
def near_ties(draw: st.DrawFn) -> str:
    """A 54+ bit mantissa whose extra bits are a tie or next to one, at any exponent."""
    mantissa = (1 << 53) | draw(st.integers(0, 2**53 - 1))
    mantissa = (mantissa << draw(st.integers(0, 8))) | draw(st.integers(0, 1))
    exponent = draw(
        st.one_of(st.integers(-1140, -1000), st.integers(-60, 60), st.integers(960, 975))
    )
    return f"0x{mantissa:x}p{exponent}"


DECIMALS = st.from_regex(
    r"\A[ \t]?[+-]?(?:[0-9]{1,25}\.?[0-9]{0,25}|\.[0-9]{1,25})(?:[eE][+-]?[0-9]{1,3})?[fFdD]?[ ]?\Z"
)
ODD = st.text(st.sampled_from("0123456789.+-eEpPxXfFdDaAnNiI_ \t"), max_size=12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(texts=st.lists(st.one_of(hex_floats(), near_ties(), DECIMALS, ODD), min_size=1, max_size=60))
def test_the_sql_and_the_reference_agree(
    connection: duckdb.DuckDBPyConnection, texts: list[str]
) -> None:
    parsed = sql_parse(connection, texts)
    wrong = [
        (text, actual, java_parse_double(text))
        for text, actual in zip(texts, parsed, strict=True)
        if not same(actual, java_parse_double(text))
    ]
    assert wrong == []
