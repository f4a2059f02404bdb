"""Row commands: KEEP (order, wildcards, precedence), DROP, RENAME, EVAL, SORT, LIMIT, MV_EXPAND."""

from __future__ import annotations

from datetime import datetime

import pytest

from trailsweep.esql import EsqlVerificationError, FieldSpec

from .runner import EsqlRunner

FIELDS = [
    FieldSpec("aws.a", "keyword"),
    FieldSpec("aws.b", "long"),
    FieldSpec("cloud.region", "keyword"),
    FieldSpec("@timestamp", "date"),
]
ROW = {"aws.a": "x", "aws.b": 1, "cloud.region": "r", "@timestamp": datetime(2026, 1, 1)}


def _columns(esql: EsqlRunner, query: str) -> list[str]:
    return [spec.name for spec in esql.compile(query, FIELDS).columns]


def test_keep_order_is_the_keep_list_order(esql: EsqlRunner) -> None:
    result = esql.run("FROM logs | KEEP cloud.region, @timestamp, aws.a", FIELDS, [ROW])
    assert list(result[0]) == ["cloud.region", "@timestamp", "aws.a", "__evidence"]
    assert result[0]["__evidence"] == [0]


@pytest.mark.parametrize(
    ("keep", "columns"),
    [
        ("aws.*", ["aws.a", "aws.b"]),
        ("cloud.region, aws.*", ["cloud.region", "aws.a", "aws.b"]),
        ("aws.*, aws.a", ["aws.b", "aws.a"]),  # an exact name beats a wildcard
        ("*, aws.*", ["cloud.region", "@timestamp", "aws.a", "aws.b"]),  # partial beats `*`
        ("aws.*, aws.b*", ["aws.a", "aws.b"]),  # same precedence: the rightmost wins
        ("aws.b*, aws.*", ["aws.a", "aws.b"]),
        ("*", ["aws.a", "aws.b", "cloud.region", "@timestamp"]),
    ],
)
def test_keep_wildcards_and_precedence(esql: EsqlRunner, keep: str, columns: list[str]) -> None:
    assert _columns(esql, f"FROM logs | KEEP {keep}") == columns


def test_keep_pattern_without_match(esql: EsqlRunner) -> None:
    # Before STATS/KEEP a pattern may match nothing: those fields just never occur in this data.
    assert _columns(esql, "FROM logs | KEEP source.geo.*, aws.a") == ["aws.a"]
    with pytest.raises(EsqlVerificationError, match=r"No matches found for pattern \[x\.\*\]"):
        esql.compile("FROM logs | STATS c = COUNT(*) BY aws.a | KEEP x.*", FIELDS)


def test_hidden_columns_survive_keep_and_drop(esql: EsqlRunner) -> None:
    query = "FROM logs | SORT aws.b DESC | KEEP aws.a | DROP aws.a"
    rows = [dict(ROW, **{"aws.b": b}) for b in (1, 3, 2)]
    result = esql.run(query, FIELDS, rows)
    assert [row["__evidence"] for row in result] == [[1], [2], [0]]


def test_drop_and_rename(esql: EsqlRunner) -> None:
    assert _columns(esql, "FROM logs | DROP aws.*") == ["cloud.region", "@timestamp"]
    assert _columns(esql, "FROM logs | RENAME aws.a AS first, cloud.region AS aws.b") == [
        "first",
        "aws.b",
        "@timestamp",
    ]
    result = esql.run("FROM logs | RENAME aws.b AS n | KEEP n", FIELDS, [ROW])
    assert result == [{"n": 1, "__evidence": [0]}]
    with pytest.raises(EsqlVerificationError, match=r"Unknown column \[nope\]"):
        esql.compile("FROM logs | KEEP aws.a | RENAME nope AS x", FIELDS)


def test_eval_assignments_see_earlier_ones_and_replace_columns(esql: EsqlRunner) -> None:
    query = """FROM logs
    | EVAL aws.a = "y", twice = aws.b * 2, more = twice + 1, ok = aws.b == 1, plain = null,
           aws.b + 10"""
    result = esql.run(query, FIELDS, [ROW])
    assert list(result[0]) == [
        "aws.b",
        "cloud.region",
        "@timestamp",
        "aws.a",
        "twice",
        "more",
        "ok",
        "plain",
        "aws.b + 10",
        "__evidence",
    ]
    assert result[0]["aws.a"] == "y"
    assert (result[0]["more"], result[0]["ok"], result[0]["plain"]) == (3, True, None)
    assert result[0]["aws.b + 10"] == 11


def test_sort_nulls_and_limit(esql: EsqlRunner) -> None:
    rows = [dict(ROW, **{"aws.b": value}) for value in (2, None, 1, 3)]
    ascending = esql.run("FROM logs | SORT aws.b | KEEP aws.b", FIELDS, rows)
    assert [row["aws.b"] for row in ascending] == [1, 2, 3, None]
    descending = esql.run("FROM logs | SORT aws.b DESC | KEEP aws.b", FIELDS, rows)
    assert [row["aws.b"] for row in descending] == [None, 3, 2, 1]
    explicit = esql.run("FROM logs | SORT aws.b ASC NULLS FIRST | LIMIT 2", FIELDS, rows)
    assert [row["aws.b"] for row in explicit] == [None, 1]
    assert esql.compiled is not None
    assert esql.compiled.implicit_limit == 10000


def test_sort_survives_later_commands(esql: EsqlRunner) -> None:
    rows = [dict(ROW, **{"aws.b": value, "aws.a": str(value)}) for value in (2, 1, 3)]
    query = "FROM logs | SORT aws.b DESC | EVAL z = 1 | WHERE aws.b > 0 | KEEP aws.a"
    assert [row["aws.a"] for row in esql.run(query, FIELDS, rows)] == ["3", "2", "1"]


def test_sort_multivalued_uses_min_ascending_and_max_descending(esql: EsqlRunner) -> None:
    fields = [FieldSpec("v", "long", multivalued=True)]
    rows = [{"v": [1, 9]}, {"v": [5]}, {"v": [3, 4]}]
    ascending = esql.run("FROM logs | SORT v", fields, rows)
    assert [row["__evidence"] for row in ascending] == [[0], [2], [1]]
    descending = esql.run("FROM logs | SORT v DESC", fields, rows)
    assert [row["__evidence"] for row in descending] == [[0], [1], [2]]


def test_implicit_limit_fetches_one_extra_row(esql: EsqlRunner) -> None:
    rows = [dict(ROW, **{"aws.b": index}) for index in range(1005)]
    result = esql.run("FROM logs | KEEP aws.b", FIELDS, rows)
    assert esql.compiled is not None
    assert esql.compiled.implicit_limit == 1000
    assert len(result) == 1001  # the caller sees that Elastic would have truncated at 1000
    assert [row["aws.b"] for row in result[:3]] == [0, 1, 2]


def test_mv_expand(esql: EsqlRunner) -> None:
    fields = [FieldSpec("v", "keyword", multivalued=True), FieldSpec("k", "long")]
    rows = [{"v": ["a", "b"], "k": 1}, {"v": [], "k": 2}]
    result = esql.run("FROM logs | MV_EXPAND v", fields, rows)
    assert [(row["v"], row["k"], row["__evidence"]) for row in result] == [
        ("a", 1, [0]),
        ("b", 1, [0]),
        (None, 2, [1]),
    ]


def test_metadata_columns(esql: EsqlRunner) -> None:
    fields = [*FIELDS, FieldSpec("_id", "keyword")]
    rows = [dict(ROW, _id="doc-1")]
    result = esql.run("FROM logs METADATA _id, _version | KEEP _id, _version, aws.a", fields, rows)
    assert result == [{"_id": "doc-1", "_version": None, "aws.a": "x", "__evidence": [0]}]
    assert esql.compiled is not None
    assert esql.compiled.columns[1] == FieldSpec("_version", "long")


def test_results_ignore_duckdb_ordering_settings(esql: EsqlRunner) -> None:
    rows = [dict(ROW, **{"aws.b": value, "aws.a": name}) for value, name in ((2, "q"), (None, "p"))]
    query = "FROM logs | STATS v = VALUES(aws.a), c = COUNT(*) BY r = cloud.region | EVAL one = 1"
    sort_query = "FROM logs | SORT aws.b | KEEP aws.b"
    expected = (esql.run(query, FIELDS, rows), esql.run(sort_query, FIELDS, rows))
    esql.connection.execute("SET default_order = 'DESCENDING'")
    esql.connection.execute("SET default_null_order = 'NULLS_FIRST'")
    assert (esql.run(query, FIELDS, rows), esql.run(sort_query, FIELDS, rows)) == expected
    assert expected[0][0]["v"] == ["p", "q"]
    assert [row["aws.b"] for row in expected[1]] == [2, None]
