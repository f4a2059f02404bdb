"""Null and multivalue semantics: three-valued logic, IN, IS NULL, comparisons on lists."""

from __future__ import annotations

from typing import Any

import pytest

from trailsweep.esql import FieldSpec

from .runner import EsqlRunner

TYPE = FieldSpec("aws.cloudtrail.user_identity.type", "keyword")
ARN = FieldSpec("aws.cloudtrail.resources.arn", "keyword", multivalued=True)
ACTION = FieldSpec("event.action", "keyword")
COUNT = FieldSpec("n", "long")


def _rows(
    esql: EsqlRunner, where: str, fields: list[FieldSpec], rows: list[dict[str, Any]]
) -> list[int]:
    result = esql.run(f"FROM logs | WHERE {where} | KEEP {fields[0].name}", fields, rows)
    return [row["__evidence"][0] for row in result]


def test_not_equal_drops_null(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {TYPE.name: "IAMUser"},
        {TYPE.name: None},
        {TYPE.name: "AWSService"},
    ]
    assert _rows(esql, f'{TYPE.name} != "AWSService"', [TYPE], rows) == [0]
    explicit = f'{TYPE.name} IS NULL OR {TYPE.name} != "AWSService"'
    assert _rows(esql, explicit, [TYPE], rows) == [0, 1]
    assert _rows(esql, f'NOT {TYPE.name} == "AWSService"', [TYPE], rows) == [0]


@pytest.mark.parametrize(
    ("condition", "kept"),
    [
        ('event.action IN ("a", "b")', [0, 1]),
        ('event.action IN ("a", null)', [0]),  # 'b' IN ('a', null) is null, not false
        ('event.action NOT IN ("a", null)', []),
        ('event.action NOT IN ("a", "c")', [1]),
        ("event.action IN (null, null)", []),
        ('NOT event.action IN ("b")', [0]),
        ('(event.action IN ("a", null)) IS NULL', [1, 2]),
    ],
)
def test_in_with_null_items(esql: EsqlRunner, condition: str, kept: list[int]) -> None:
    rows: list[dict[str, Any]] = [{ACTION.name: "a"}, {ACTION.name: "b"}, {ACTION.name: None}]
    assert _rows(esql, condition, [ACTION], rows) == kept


def test_in_with_a_multivalued_item_skips_it(esql: EsqlRunner) -> None:
    fields = [ACTION, ARN]
    rows: list[dict[str, Any]] = [
        {ACTION.name: "x", ARN.name: ["a", "b"]},
        {ACTION.name: "a", ARN.name: ["a", "b"]},
        {ACTION.name: "a", ARN.name: ["a"]},
    ]
    # 'x' IN ('x', ['a','b']) is true; 'a' IN (['a','b'], 'c') is false (not null); a
    # one-element list is a single value.
    assert _rows(esql, f'event.action IN ("x", {ARN.name})', fields, rows) == [0, 2]
    assert _rows(esql, f'event.action NOT IN ({ARN.name}, "c")', fields, rows) == [0, 1]
    # Every item multivalued: null.
    assert _rows(esql, f"(event.action IN ({ARN.name})) IS NULL", fields, rows) == [0, 1]


def test_comparison_on_multivalued_is_null(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {ARN.name: ["a"]},
        {ARN.name: ["a", "b"]},
        {ARN.name: []},
        {ARN.name: None},
    ]
    assert _rows(esql, f'{ARN.name} == "a"', [ARN], rows) == [0]
    assert _rows(esql, f'{ARN.name} != "z"', [ARN], rows) == [0]
    assert _rows(esql, f'({ARN.name} == "a") IS NULL', [ARN], rows) == [1, 2, 3]
    assert _rows(esql, f'{ARN.name} IN ("a", "b")', [ARN], rows) == [0]
    assert _rows(esql, f'{ARN.name} LIKE "a*"', [ARN], rows) == [0]


def test_is_null_on_lists(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {ARN.name: ["a"]},
        {ARN.name: ["a", "b"]},
        {ARN.name: []},
        {ARN.name: None},
    ]
    assert _rows(esql, f"{ARN.name} IS NULL", [ARN], rows) == [2, 3]
    assert _rows(esql, f"{ARN.name} IS NOT NULL", [ARN], rows) == [0, 1]
    assert _rows(esql, f"NOT {ARN.name} IS NULL", [ARN], rows) == [0, 1]


@pytest.mark.parametrize(
    ("condition", "kept"),
    [
        ("a OR b", [0, 1, 2, 3, 6]),  # true OR null = true
        ("a AND b", [0]),  # false AND null = false, true AND null = null
        ("NOT a", [3, 4, 5]),  # NOT null = null
        ("(a AND b) IS NULL", [2, 6, 8]),
        ("(a OR b) IS NULL", [5, 7, 8]),
    ],
)
def test_three_valued_logic(esql: EsqlRunner, condition: str, kept: list[int]) -> None:
    fields = [FieldSpec("a", "boolean"), FieldSpec("b", "boolean")]
    values = [True, False, None]
    rows: list[dict[str, Any]] = [{"a": a, "b": b} for a in values for b in values]
    assert _rows(esql, condition, fields, rows) == kept


def test_strict_greater_than(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [{COUNT.name: 15}, {COUNT.name: 16}, {COUNT.name: None}]
    assert _rows(esql, "n > 15", [COUNT], rows) == [1]
    assert _rows(esql, "n >= 15", [COUNT], rows) == [0, 1]
    assert _rows(esql, "n < 16", [COUNT], rows) == [0]
    assert _rows(esql, "n <= 16 AND n != 15", [COUNT], rows) == [1]


def test_unknown_field_is_always_null_of_type_null(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [{ACTION.name: "a"}, {ACTION.name: "b"}]
    query = "FROM logs | WHERE not.in.schema IS NULL | KEEP event.action, not.in.schema"
    result = esql.run(query, [ACTION], rows)
    assert [row["not.in.schema"] for row in result] == [None, None]
    assert esql.compiled is not None
    assert esql.compiled.columns[1] == FieldSpec("not.in.schema", "null")
    assert _rows(esql, 'not.in.schema != "x"', [ACTION], rows) == []
    # ES|QL's null type fits every function: an unset @timestamp is no type error.
    query = "FROM logs | EVAL t = DATE_TRUNC(1 hour, @timestamp) | KEEP t"
    result = esql.run(query, [ACTION], rows)
    assert result == [{"t": None, "__evidence": [0]}, {"t": None, "__evidence": [1]}]


def test_and_binds_tighter_than_or(esql: EsqlRunner) -> None:
    fields = [FieldSpec("a", "boolean"), FieldSpec("b", "boolean"), FieldSpec("c", "boolean")]
    rows: list[dict[str, Any]] = [{"a": True, "b": False, "c": False}]
    assert _rows(esql, "a OR b AND c", fields, rows) == [0]
    assert _rows(esql, "(a OR b) AND c", fields, rows) == []
    assert _rows(esql, "NOT (a OR b) OR NOT c AND a", fields, rows) == [0]
    assert _rows(esql, "NOT (a AND NOT b)", fields, rows) == []
