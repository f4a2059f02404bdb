"""Scalar functions, operators, LIKE/RLIKE and time arithmetic, executed on DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from trailsweep.esql import FieldSpec

from .runner import EsqlRunner

FIELDS = [
    FieldSpec("s", "keyword"),
    FieldSpec("t", "keyword"),
    FieldSpec("n", "long"),
    FieldSpec("d", "double"),
    FieldSpec("b", "boolean"),
    FieldSpec("ip", "ip"),
    FieldSpec("@timestamp", "date"),
    FieldSpec("mv", "keyword", multivalued=True),
]
NOW = datetime(2026, 4, 2, 12, 0, 0)
ROW: dict[str, Any] = {
    "s": "Hello",
    "t": None,
    "n": 7,
    "d": 2.5,
    "b": True,
    "ip": "10.0.0.1",
    "@timestamp": datetime(2026, 4, 2, 11, 30, 0),
    "mv": ["b", "a"],
}


def _eval(esql: EsqlRunner, expression: str, row: dict[str, Any] | None = None) -> Any:
    query = f"FROM logs | EVAL x = {expression} | KEEP x"
    result = esql.run(query, FIELDS, [row or ROW], {"__now__": NOW})
    return result[0]["x"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('CASE(n > 5, "big", "small")', "big"),
        ('CASE(n > 50, "big")', None),
        ('CASE(t == "x", 1, n == 7, 2, 3)', 2),  # a null condition is not taken
        ("COALESCE(t, s)", "Hello"),
        ("COALESCE(t, null)", None),
        ('CONCAT(s, ":", ip)', "Hello:10.0.0.1"),
        ("CONCAT(s, t)", None),
        ("TO_LOWER(s)", "hello"),
        ("TO_UPPER(s)", "HELLO"),
        ("TO_STRING(ip)", "10.0.0.1"),
        ("TO_STRING(n)", "7"),
        ("TO_STRING(b)", "true"),
        ("TO_STRING(@timestamp)", "2026-04-02T11:30:00.000Z"),
        ('STARTS_WITH(s, "He")', True),
        ('ENDS_WITH(s, "lo")', True),
        ('STARTS_WITH(t, "He")', None),
        ("MV_COUNT(mv)", 2),
        ("MV_COUNT(s)", 1),
        ("MV_COUNT(t)", None),
        ("MV_FIRST(mv)", "a"),
        ("MV_MIN(mv)", "a"),
        ("MV_MAX(mv)", "b"),
        ("TO_DOUBLE(n) / TO_DOUBLE(2)", 3.5),
        ("n / 2", 3),
        ("-n / 2", -3),  # integer division truncates toward zero
        ("n % 4", 3),
        ("n / 0", None),
        ("d / 0", None),
        ("n * d", 17.5),
        ("LENGTH(s)", 5),
        ('TO_DOUBLE("1.5")', 1.5),
        ('TO_DOUBLE("nope")', None),
        ("TO_INTEGER(b)", 1),
        ("n::double", 7.0),
        ("TO_UPPER(mv)", "unsupported"),
    ],
)
def test_scalar_functions(esql: EsqlRunner, expression: str, expected: Any) -> None:
    if expected == "unsupported":
        from trailsweep.errors import EsqlUnsupportedError

        with pytest.raises(EsqlUnsupportedError):
            _eval(esql, expression)
        return
    assert _eval(esql, expression) == expected


def test_functions_on_multivalued_are_null(esql: EsqlRunner) -> None:
    assert _eval(esql, 'CONCAT(mv, "x")') is None
    assert _eval(esql, 'STARTS_WITH(mv, "a")') is None
    assert _eval(esql, "DATE_TRUNC(1 hour, @timestamp)", dict(ROW)) == datetime(2026, 4, 2, 11)


def test_case_and_coalesce_keep_multivalues(esql: EsqlRunner) -> None:
    assert _eval(esql, "COALESCE(t, mv)") == ["b", "a"]
    assert _eval(esql, 'CASE(b, mv, "z")') == ["b", "a"]
    assert _eval(esql, 'CASE(NOT b, mv, "z")') == ["z"]
    assert _eval(esql, "COALESCE(mv, s)", dict(ROW, mv=[])) == ["Hello"]


def test_now_and_time_arithmetic(esql: EsqlRunner) -> None:
    assert _eval(esql, "NOW()") == NOW
    assert _eval(esql, "NOW() - 1 hour") == NOW - timedelta(hours=1)
    assert _eval(esql, "@timestamp + 7 days") == datetime(2026, 4, 9, 11, 30)
    assert _eval(esql, "1 hour + @timestamp") == datetime(2026, 4, 2, 12, 30)
    assert _eval(esql, "@timestamp >= NOW() - 1 hour") is True
    assert _eval(esql, "@timestamp >= NOW() - 10 minutes") is False
    assert _eval(esql, "@timestamp - 1 month") == datetime(2026, 3, 2, 11, 30)
    assert _eval(esql, '@timestamp > "2026-04-02T11:00:00Z"') is True


def test_now_from_an_aware_datetime(esql: EsqlRunner) -> None:
    aware = datetime(2026, 4, 2, 17, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    query = "FROM logs | EVAL x = NOW() | KEEP x"
    result = esql.run(query, FIELDS, [ROW], {"__now__": aware})
    assert result[0]["x"] == datetime(2026, 4, 2, 12, 0)
    assert aware.astimezone(UTC).replace(tzinfo=None) == NOW


@pytest.mark.parametrize(
    ("unit", "start", "end", "expected"),
    [
        ("minutes", "2026-04-02T00:00:59Z", "2026-04-02T00:01:00Z", 0),  # whole units only
        ("minutes", "2026-04-02T00:00:00Z", "2026-04-02T00:05:00Z", 5),
        ("seconds", "2026-04-02T00:00:10Z", "2026-04-02T00:00:00Z", -10),
        ("seconds", "2026-04-02T00:00:00.900Z", "2026-04-02T00:00:00Z", 0),  # toward zero
        ("hours", "2026-04-02T00:00:00Z", "2026-04-03T01:00:00Z", 25),
        ("ms", "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", None),  # int overflow is null
    ],
)
def test_date_diff(esql: EsqlRunner, unit: str, start: str, end: str, expected: int | None) -> None:
    fields = [FieldSpec("a", "date"), FieldSpec("z", "date")]

    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)

    query = f'FROM logs | EVAL x = DATE_DIFF("{unit}", a, z) | KEEP x'
    result = esql.run(query, fields, [{"a": parse(start), "z": parse(end)}])
    assert result[0]["x"] == expected


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ('s LIKE "Invoke*"', "InvokeModel", True),
        ('s LIKE "Invoke*"', "invokeModel", False),  # case-sensitive
        ('s LIKE "a?c"', "abc", True),
        ('s LIKE "a?c"', "abbc", False),
        ('s LIKE "*b*"', "abc", True),
        ('s LIKE "b"', "abc", False),  # whole-string
        ('s LIKE "%/x/%"', "%/x/%", True),  # `%` is a literal in ES|QL
        ('s LIKE "%/x/%"', "a/x/b", False),
        ('s LIKE "a_c"', "abc", False),
        ('s LIKE "a\\\\*"', "a*", True),
        ('s LIKE "a\\\\*"', "ab", False),
        ('s LIKE ("x*", "a*")', "abc", True),
        ('s NOT LIKE "a*"', "abc", False),
        ('s RLIKE "a.c"', "abc", True),
        ('s RLIKE "b"', "abc", False),
        ('s RLIKE """.*\\"Effect\\": *\\"Allow\\".*"""', '{"Effect": "Allow"}', True),
        ('s RLIKE """.*\\"Effect\\": *\\"Allow\\".*"""', '{"Effect":"Deny"}', False),
        ('s RLIKE "a.c"', "a\nc", True),  # Lucene `.` matches a newline
        ('s RLIKE "[^b]+"', "a\nc", True),
        ('s RLIKE "a{2,3}"', "aaa", True),
        ('s RLIKE "a{2,3}"', "aaaa", False),
        ('s RLIKE "(ab)+|x"', "abab", True),
        ('s RLIKE "\\\\d+"', "123", True),
        ('s RLIKE "\\\\s"', "\f", False),  # Lucene's \\s has no form feed
        ('s RLIKE "[-a-z_]+"', "a-b_c", True),
        ('s RLIKE "\\"a.b\\""', "a.b", True),  # a quoted literal string
        ('s RLIKE "\\"a.b\\""', "axb", False),
        ('s RLIKE "a*+"', "aaa", True),
        ('s RLIKE "169\\\\.254"', "169.254", True),
        ('s RLIKE "169\\\\.254"', "169x254", False),
    ],
)
def test_like_and_rlike(esql: EsqlRunner, condition: str, value: str, expected: bool) -> None:
    assert _eval(esql, condition, dict(ROW, s=value)) is expected


@pytest.mark.parametrize(
    "pattern",
    ['"a&b"', '"~a"', '"a@"', '"<1-5>"', '"#"', '"a{1001}"'],
)
def test_rlike_constructs_without_exact_translation(esql: EsqlRunner, pattern: str) -> None:
    from trailsweep.errors import EsqlUnsupportedError

    with pytest.raises(EsqlUnsupportedError) as caught:
        esql.compile(f"FROM logs | WHERE s RLIKE {pattern}", FIELDS)
    assert caught.value.location is not None
    assert caught.value.location.column == 27


def test_like_escape_of_other_characters_is_unsupported(esql: EsqlRunner) -> None:
    from trailsweep.errors import EsqlUnsupportedError

    with pytest.raises(EsqlUnsupportedError, match="escape"):
        esql.compile('FROM logs | WHERE s LIKE "C:\\\\Windows*"', FIELDS)


def test_decimal_literals_are_doubles(esql: EsqlRunner) -> None:
    value = _eval(esql, "n * 0.5")
    assert value == 3.5 and isinstance(value, float)
    assert esql.compiled is not None
    assert esql.compiled.columns == (FieldSpec("x", "double"),)


def test_parameters(esql: EsqlRunner) -> None:
    from trailsweep.esql import EsqlVerificationError

    query = "FROM logs | WHERE n > ?low AND s == ?name AND b == ?flag | KEEP n"
    params = {"low": 6, "name": "Hello", "flag": True}
    assert esql.run(query, FIELDS, [ROW], params) == [{"n": 7, "__evidence": [0]}]
    assert esql.run(query, FIELDS, [ROW], dict(params, low=7.5)) == []
    with pytest.raises(EsqlVerificationError, match=r"no value given for parameter \?flag"):
        esql.compile(query, FIELDS, {"low": 1, "name": "x"})
    with pytest.raises(EsqlVerificationError, match="unsupported value"):
        esql.compile(query, FIELDS, dict(params, low=[1]))


def test_without_keep_every_column_is_returned(esql: EsqlRunner) -> None:
    result = esql.run("FROM logs | WHERE n == 7", FIELDS, [ROW, dict(ROW, n=8)])
    assert len(result) == 1
    assert list(result[0]) == [*(spec.name for spec in FIELDS), "__evidence"]
    assert result[0]["mv"] == ["b", "a"]
    assert result[0]["__evidence"] == [0]


def test_type_errors_are_verification_errors(esql: EsqlRunner) -> None:
    from trailsweep.esql import EsqlVerificationError

    for condition in ["s > 1", "n + s > 1", "s AND b", "NOT s", "COUNT(*) > 1", "1 hour > 1"]:
        with pytest.raises(EsqlVerificationError):
            esql.compile(f"FROM logs | WHERE {condition}", FIELDS)


def test_now_parameter_as_iso_text(esql: EsqlRunner) -> None:
    query = "FROM logs | EVAL x = NOW() | KEEP x"
    result = esql.run(query, FIELDS, [ROW], {"__now__": "2026-04-02T12:00:00Z"})
    assert result[0]["x"] == NOW
