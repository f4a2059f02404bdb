"""STATS semantics: multivalued inputs and keys, null groups, aggregates, evidence, DATE_TRUNC."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from trailsweep.esql import FieldSpec

from .runner import EsqlRunner

ARN = FieldSpec("arn", "keyword", multivalued=True)
USER = FieldSpec("user", "keyword")
TS = FieldSpec("@timestamp", "date")
N = FieldSpec("n", "long")


def test_count_distinct_over_multivalued_across_rows(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {USER.name: "u", ARN.name: ["a", "b"]},
        {USER.name: "u", ARN.name: ["b", "c"]},
        {USER.name: "u", ARN.name: []},
        {USER.name: "u", ARN.name: None},
        {USER.name: "v", ARN.name: ["z"]},
    ]
    query = """FROM logs
    | STATS d = COUNT_DISTINCT(arn), v = VALUES(arn), c = COUNT(arn), r = COUNT(*) BY user"""
    result = esql.run(query, [USER, ARN], rows)
    assert result == [
        {"d": 3, "v": ["a", "b", "c"], "c": 4, "r": 4, "user": "u", "__evidence": [0, 1, 2, 3]},
        {"d": 1, "v": ["z"], "c": 1, "r": 1, "user": "v", "__evidence": [4]},
    ]


def test_values_sorted_distinct_and_null_when_empty(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {USER.name: "u", "action": "Put"},
        {USER.name: "u", "action": "Get"},
        {USER.name: "u", "action": "Put"},
        {USER.name: "u", "action": None},
        {USER.name: "w", "action": None},
    ]
    fields = [USER, FieldSpec("action", "keyword")]
    result = esql.run("FROM logs | STATS v = VALUES(action) BY user", fields, rows)
    assert [(row["user"], row["v"]) for row in result] == [("u", ["Get", "Put"]), ("w", None)]
    assert esql.compiled is not None
    assert esql.compiled.columns == (FieldSpec("v", "keyword", True), FieldSpec("user", "keyword"))


def test_by_multivalued_key_puts_the_row_in_each_group(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {ARN.name: ["a", "b", "a"], N.name: 1},
        {ARN.name: ["b"], N.name: 10},
        {ARN.name: [], N.name: 100},
        {ARN.name: None, N.name: 1000},
    ]
    result = esql.run("FROM logs | STATS c = COUNT(*), s = SUM(n) BY arn", [ARN, N], rows)
    by_key = {row["arn"]: (row["c"], row["s"], row["__evidence"]) for row in result}
    assert by_key == {
        "a": (1, 1, [0]),  # a value repeated in one row counts the row once
        "b": (2, 11, [0, 1]),
        None: (2, 1100, [2, 3]),  # an empty list is null: the null group
    }
    assert esql.compiled is not None
    assert esql.compiled.columns[-1] == FieldSpec("arn", "keyword")


def test_two_multivalued_keys_multiply(esql: EsqlRunner) -> None:
    other = FieldSpec("tag", "keyword", multivalued=True)
    rows: list[dict[str, Any]] = [{ARN.name: ["a", "b"], other.name: ["x", "y"]}]
    result = esql.run("FROM logs | STATS c = COUNT(*) BY arn, tag", [ARN, other], rows)
    assert sorted((row["arn"], row["tag"], row["c"]) for row in result) == [
        ("a", "x", 1),
        ("a", "y", 1),
        ("b", "x", 1),
        ("b", "y", 1),
    ]


def test_null_key_forms_a_group(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [{USER.name: "u"}, {USER.name: None}, {USER.name: None}]
    result = esql.run("FROM logs | STATS c = COUNT(*) BY user", [USER], rows)
    assert sorted((row["user"] or "", row["c"]) for row in result) == [("", 2), ("u", 1)]


def test_stats_without_by_gives_one_row_even_on_no_input(esql: EsqlRunner) -> None:
    query = "FROM logs | WHERE n > 100 | STATS c = COUNT(*), d = COUNT_DISTINCT(n), m = MAX(n)"
    result = esql.run(query, [N], [{N.name: 1}])
    assert result == [{"c": 0, "d": 0, "m": None, "__evidence": []}]


def test_aggregates_min_max_sum_and_filters(esql: EsqlRunner) -> None:
    fields = [USER, N, TS, FieldSpec("ok", "boolean"), FieldSpec("vals", "long", True)]
    t0 = datetime(2026, 1, 1)
    rows: list[dict[str, Any]] = [
        {USER.name: "u", N.name: 3, TS.name: t0, "ok": True, "vals": [5, 7]},
        {USER.name: "u", N.name: 4, TS.name: t0 + timedelta(hours=1), "ok": False, "vals": [1]},
        {USER.name: "u", N.name: None, TS.name: None, "ok": None, "vals": None},
    ]
    query = """FROM logs
    | STATS lo = MIN(@timestamp), hi = MAX(@timestamp), total = SUM(n), big = MAX(ok),
            okcount = COUNT(*) WHERE ok == true, vmax = MAX(vals), vsum = SUM(vals),
            cased = SUM(CASE(ok, 1, 0)), avg = AVG(n), expr = MAX(n) - MIN(n) BY user"""
    (row,) = esql.run(query, fields, rows)
    assert row == {
        "lo": t0,
        "hi": t0 + timedelta(hours=1),
        "total": 7,
        "big": True,
        "okcount": 1,
        "vmax": 7,
        "vsum": 13,
        "cased": 1,
        "avg": 3.5,
        "expr": 1,
        "user": "u",
        "__evidence": [0, 1, 2],
    }


def test_computed_by_key_and_output_order(esql: EsqlRunner) -> None:
    t0 = datetime(2026, 1, 1, 0, 3)
    rows: list[dict[str, Any]] = [
        {TS.name: t0},
        {TS.name: t0 + timedelta(minutes=1)},
        {TS.name: t0 + timedelta(minutes=3)},
    ]
    query = "FROM logs | STATS c = COUNT(*) BY bucket = DATE_TRUNC(5 minute, @timestamp)"
    result = esql.run(query, [TS], rows)
    assert [(row["bucket"], row["c"]) for row in result] == [
        (datetime(2026, 1, 1, 0, 0), 2),
        (datetime(2026, 1, 1, 0, 5), 1),
    ]
    unnamed = esql.run("FROM logs | STATS COUNT(*) BY DATE_TRUNC(1 hour, @timestamp)", [TS], rows)
    assert list(unnamed[0]) == ["COUNT(*)", "DATE_TRUNC(1 hour, @timestamp)", "__evidence"]


def test_after_stats_only_aggregates_and_keys_remain(esql: EsqlRunner) -> None:
    from trailsweep.esql import EsqlVerificationError

    with pytest.raises(EsqlVerificationError, match=r"Unknown column \[n\]"):
        esql.run("FROM logs | STATS c = COUNT(*) BY user | WHERE n > 1", [USER, N], [])
    with pytest.raises(EsqlVerificationError, match="must be a BY key"):
        esql.run("FROM logs | STATS c = n BY user", [USER, N], [])


def test_duplicate_names_keep_the_last_and_keys_win(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [{USER.name: "u", N.name: 2}]
    result = esql.run(
        "FROM logs | STATS x = COUNT(*), x = SUM(n), user = MAX(n) BY user", [USER, N], rows
    )
    assert result == [{"x": 2, "user": "u", "__evidence": [0]}]


def test_second_stats_merges_evidence(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [
        {USER.name: "u", N.name: 1},
        {USER.name: "v", N.name: 1},
        {USER.name: "w", N.name: 2},
    ]
    query = "FROM logs | STATS c = COUNT(*) BY user, n | STATS users = COUNT(*) BY n"
    result = esql.run(query, [USER, N], rows)
    assert [(row["n"], row["users"], row["__evidence"]) for row in result] == [
        (1, 2, [0, 1]),
        (2, 1, [2]),
    ]


@pytest.mark.parametrize(
    ("moment", "window"),
    [
        (datetime(2026, 4, 2, 10, 0, 9, 999000), datetime(2026, 4, 2, 10, 0, 0)),
        (datetime(2026, 4, 2, 10, 0, 10), datetime(2026, 4, 2, 10, 0, 10)),
        (datetime(2026, 4, 2, 10, 0, 19, 999000), datetime(2026, 4, 2, 10, 0, 10)),
        (datetime(1969, 12, 31, 23, 59, 59, 999000), datetime(1969, 12, 31, 23, 59, 50)),
        (datetime(1969, 12, 31, 23, 59, 50), datetime(1969, 12, 31, 23, 59, 50)),
    ],
)
def test_date_trunc_ten_seconds_is_epoch_aligned(
    esql: EsqlRunner, moment: datetime, window: datetime
) -> None:
    query = "FROM logs | EVAL w = DATE_TRUNC(10 seconds, @timestamp) | KEEP w"
    assert esql.run(query, [TS], [{TS.name: moment}])[0]["w"] == window


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("1 hour", datetime(2026, 4, 2, 13, 0)),
        ("30 minutes", datetime(2026, 4, 2, 13, 30)),
        ("1 day", datetime(2026, 4, 2)),
        ("7 days", datetime(2026, 3, 30)),  # ISO week, Monday
        ("1 week", datetime(2026, 3, 30)),
        ("1 month", datetime(2026, 4, 1)),
        ("1 quarter", datetime(2026, 4, 1)),
        ("3 months", datetime(2026, 4, 1)),
        ("1 year", datetime(2026, 1, 1)),
        ("2 days", datetime(2026, 4, 1)),  # fixed 48h intervals from the Unix epoch
    ],
)
def test_date_trunc_spans(esql: EsqlRunner, span: str, expected: datetime) -> None:
    query = "FROM logs | EVAL w = DATE_TRUNC(?span, @timestamp) | KEEP w"
    moment = datetime(2026, 4, 2, 13, 45, 12)
    rows = esql.run(query, [TS], [{TS.name: moment}], {"span": span})
    assert rows[0]["w"] == expected


def test_date_trunc_ignores_session_time_zone(esql: EsqlRunner) -> None:
    query = "FROM logs | EVAL w = DATE_TRUNC(1 day, @timestamp), v = DATE_TRUNC(1 week, @timestamp)"
    moment = datetime(2026, 4, 2, 23, 45, 12)
    esql.connection.execute("SET TimeZone = 'Asia/Kolkata'")
    (row,) = esql.run(query, [TS], [{TS.name: moment}])
    assert (row["w"], row["v"]) == (datetime(2026, 4, 2), datetime(2026, 3, 30))


def test_stats_by_only_lists_distinct_keys(esql: EsqlRunner) -> None:
    rows: list[dict[str, Any]] = [{USER.name: "u"}, {USER.name: "v"}, {USER.name: "u"}]
    result = esql.run("FROM logs | STATS BY user", [USER], rows)
    assert result == [{"user": "u", "__evidence": [0, 2]}, {"user": "v", "__evidence": [1]}]
