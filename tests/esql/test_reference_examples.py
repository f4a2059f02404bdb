"""Hand-written examples for the reference evaluator: each expected result is written out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import FieldSpec, parse_query
from trailsweep.esql.diagnostics import EsqlVerificationError
from trailsweep.esql.reference import evaluate

from .test_esql_seed import FIELDS as SEED_FIELDS
from .test_esql_seed import SEED_QUERY

USER = FieldSpec("user", "keyword")
TAGS = FieldSpec("tags", "keyword", multivalued=True)
N = FieldSpec("n", "long")
TS = FieldSpec("@timestamp", "date")
IP = FieldSpec("ip", "ip")
FIELDS = [USER, TAGS, N, TS, IP]


def run(
    query: str,
    rows: list[dict[str, Any]],
    fields: list[FieldSpec] = FIELDS,
    params: dict[str, object] | None = None,
) -> list[dict[str, Any]]:
    return evaluate(parse_query(query), rows, params, schema={f.name: f for f in fields})


def column(query: str, rows: list[dict[str, Any]], name: str = "r") -> list[Any]:
    return [row[name] for row in run(query, rows)]


def test_seed_rule_on_a_hand_built_burst() -> None:
    base = {
        "data_stream.dataset": "aws.cloudtrail",
        "data_stream.namespace": "default",
        "event.provider": "s3.amazonaws.com",
        "event.outcome": "success",
        "event.action": "GetBucketAcl",
        "aws.cloudtrail.user_identity.type": "IAMUser",
        "aws.cloudtrail.user_identity.arn": "arn:user/x",
        "source.ip": "10.0.0.9",
        "cloud.region": "us-east-1",
    }
    at = datetime(2026, 4, 2, 10, 0, 21)
    rows: list[dict[str, Any]] = [
        {**base, "@timestamp": at, "aws.cloudtrail.resources.arn": ["arn:b1", "arn:b2"]},
        {
            **base,
            "@timestamp": at,
            "aws.cloudtrail.resources.arn": ["arn:b2"],
            "event.action": "GetBucketPolicy",
        },  # fmt: skip
        {
            **base,
            "@timestamp": datetime(2026, 4, 2, 10, 0, 29, 999000),
            "aws.cloudtrail.resources.arn": ["arn:b3"],
            "cloud.region": None,
        },  # fmt: skip
        # Dropped: `!= "AWSService"` on a null type is null.
        {
            **base,
            "@timestamp": at,
            "aws.cloudtrail.resources.arn": ["arn:b4"],
            "aws.cloudtrail.user_identity.type": None,
        },  # fmt: skip
        # Another window (10:00:30 starts a new 10-second bucket): one ARN only.
        {
            **base,
            "@timestamp": datetime(2026, 4, 2, 10, 0, 30),
            "aws.cloudtrail.resources.arn": ["arn:b5"],
        },  # fmt: skip
    ]
    params = {"threshold": 2, "window": "10 seconds"}
    result = run(SEED_QUERY, rows, SEED_FIELDS, params)
    assert result == [
        {
            "Esql.bucket_arn_count_distinct": 3,
            "Esql.aws_cloudtrail_resources_arn_values": ["arn:b1", "arn:b2", "arn:b3"],
            "Esql.event_action_values": ["GetBucketAcl", "GetBucketPolicy"],
            "Esql.timestamp_values": [at, datetime(2026, 4, 2, 10, 0, 29, 999000)],
            "Esql.aws_cloudtrail_user_identity_type_values": ["IAMUser"],
            "Esql.aws_cloudtrail_user_identity_access_key_id_values": None,
            "Esql.cloud_account_id_values": None,
            "Esql.cloud_region_values": ["us-east-1"],
            "Esql.user_agent_original_values": None,
            "Esql.source_as_organization_name_values": None,
            "Esql.data_stream_namespace_values": ["default"],
            "Esql.time_window_date_trunc": datetime(2026, 4, 2, 10, 0, 20),
            "aws.cloudtrail.user_identity.arn": "arn:user/x",
            "source.ip": "10.0.0.9",
            "__evidence": [0, 1, 2],
        }
    ]


def test_three_valued_logic_tables() -> None:
    rows: list[dict[str, Any]] = [{"n": 1}]
    cases = {
        "true AND null": None, "false AND null": False, "null AND null": None,
        "true OR null": True, "false OR null": None, "null OR null": None, "NOT null": None,
        "null == null": None, "1 != null": None,
    }  # fmt: skip
    for expression, expected in cases.items():
        assert column(f"FROM logs | EVAL r = {expression}", rows) == [expected], expression


@pytest.mark.parametrize(
    ("target", "items", "expected"),
    [
        ("user", '"a", "b", "c"', [None]),  # 1. null target
        ("tags", '"x", "a"', [None]),  # 2. multivalued target
        ('"x"', "null, null", [None]),  # 3. every item null
        ('"x"', "tags", [None]),  # 4. every item multivalued
        ('"a"', 'tags, "a"', [True]),  # 4-5. the multivalued item is skipped, "a" matches
        ('"x"', '"a", null, "c"', [None]),  # 6. no match, a null item
        ('"x"', '"x", null, "c"', [True]),  # 5. match wins over a null item
        ('"x"', '"a", "c"', [False]),  # 7.
    ],
)
def test_in_decision_tree(target: str, items: str, expected: list[Any]) -> None:
    rows: list[dict[str, Any]] = [{"user": None, "tags": ["x", "y"]}]
    assert column(f"FROM logs | EVAL r = {target} IN ({items})", rows) == expected
    negated = [None if e is None else not e for e in expected]
    assert column(f"FROM logs | EVAL r = {target} NOT IN ({items})", rows) == negated


def test_multivalued_values_in_comparisons_functions_and_is_null() -> None:
    rows: list[dict[str, Any]] = [{"tags": ["a"]}, {"tags": ["a", "b"]}, {"tags": []}, {}]
    assert column('FROM logs | EVAL r = tags == "a"', rows) == [True, None, None, None]
    assert column("FROM logs | EVAL r = tags IS NULL", rows) == [False, False, True, True]
    assert column('FROM logs | EVAL r = CONCAT(tags, "!")', rows) == ["a!", None, None, None]
    assert column("FROM logs | EVAL r = MV_COUNT(tags)", rows) == [1, 2, None, None]
    # MV_FIRST/MV_LAST are the smallest/largest value: the compiler's (doc-values) reading.
    rows = [{"tags": ["b", "a", "c"]}]
    assert column("FROM logs | EVAL r = MV_FIRST(tags)", rows) == ["a"]
    assert column("FROM logs | EVAL r = MV_LAST(tags)", rows) == ["c"]


def test_like_and_rlike_match_the_whole_string() -> None:
    rows: list[dict[str, Any]] = [{"user": u} for u in ["abc", "a*c", "a%c", "ab", None]]
    assert column('FROM logs | EVAL r = user LIKE "a?c"', rows) == [True, True, True, False, None]
    assert column('FROM logs | EVAL r = user LIKE "a\\\\*c"', rows)[:2] == [False, True]
    assert column('FROM logs | EVAL r = user LIKE "a%c"', rows)[:3] == [False, False, True]
    assert column('FROM logs | EVAL r = user LIKE ("x*", "*b")', rows)[3] is True
    assert column('FROM logs | EVAL r = user RLIKE "a[b*]c?"', rows)[:4] == [
        True,
        True,
        False,
        True,
    ]
    assert column('FROM logs | EVAL r = user RLIKE "b"', rows)[:1] == [False]
    with pytest.raises(EsqlUnsupportedError):
        run('FROM logs | WHERE user RLIKE "a&b"', rows)


def test_stats_groups_nulls_multivalued_keys_and_filters() -> None:
    rows: list[dict[str, Any]] = [
        {"user": "u", "tags": ["a", "b"], "n": 1},
        {"user": "u", "tags": ["b"], "n": 2},
        {"user": None, "tags": [], "n": None},
        {"user": "v", "tags": None, "n": 5},
    ]
    query = """FROM logs | STATS c = COUNT(*), cn = COUNT(n), d = COUNT_DISTINCT(user),
        v = VALUES(user), s = SUM(n) WHERE n > 1, lo = MIN(n), a = AVG(n) BY tags"""
    assert run(query, rows) == [
        {"c": 1, "cn": 1, "d": 1, "v": ["u"], "s": None, "lo": 1, "a": 1.0, "tags": "a",
         "__evidence": [0]},
        {"c": 2, "cn": 2, "d": 1, "v": ["u"], "s": 2, "lo": 1, "a": 1.5, "tags": "b",
         "__evidence": [0, 1]},
        {"c": 2, "cn": 1, "d": 1, "v": ["v"], "s": 5, "lo": 5, "a": 5.0, "tags": None,
         "__evidence": [2, 3]},
    ]  # fmt: skip
    # COUNT counts values: a list of n values counts n. No BY over no rows: one row.
    assert run("FROM logs | STATS c = COUNT(tags), k = COUNT(*)", rows) == [
        {"c": 3, "k": 4, "__evidence": [0, 1, 2, 3]}
    ]
    assert run("FROM logs | STATS c = COUNT(*), m = MAX(n)", []) == [
        {"c": 0, "m": None, "__evidence": []}
    ]


def test_date_trunc_and_date_arithmetic() -> None:
    rows: list[dict[str, Any]] = [
        {"@timestamp": datetime(2024, 3, 31, 12, 34, 56, 789000)},
        {"@timestamp": datetime(1969, 12, 31, 23, 59, 55, 500000)},
    ]
    expected = {
        "10 seconds": [datetime(2024, 3, 31, 12, 34, 50), datetime(1969, 12, 31, 23, 59, 50)],
        "1 week": [datetime(2024, 3, 25), datetime(1969, 12, 29)],
        "1 month": [datetime(2024, 3, 1), datetime(1969, 12, 1)],
        "1 quarter": [datetime(2024, 1, 1), datetime(1969, 10, 1)],
    }
    for span, values in expected.items():
        assert column(f"FROM logs | EVAL r = DATE_TRUNC({span}, @timestamp)", rows) == values
    shifted = column("FROM logs | EVAL r = @timestamp - 1 month", rows)
    assert shifted[0] == datetime(2024, 2, 29, 12, 34, 56, 789000)
    now: dict[str, object] = {"__now__": datetime(2024, 4, 1)}
    assert run("FROM logs | WHERE @timestamp > NOW() - 1 day | KEEP @timestamp", rows, params=now)
    assert column("FROM logs | EVAL r = TO_STRING(@timestamp)", rows)[1] == (
        "1969-12-31T23:59:55.500Z"
    )


def test_keep_precedence_rename_drop_and_eval_order() -> None:
    rows: list[dict[str, Any]] = [{"user": "u", "n": 1}]
    result = run("FROM logs | EVAL n = 2, x = n + 1 | KEEP *, user, n* | RENAME x AS user", rows)
    assert list(result[0]) == ["tags", "@timestamp", "ip", "user", "n", "__evidence"]
    assert result[0]["user"] == 3 and result[0]["n"] == 2
    assert list(run("FROM logs | DROP t*, ip", rows)[0]) == [
        "user",
        "n",
        "@timestamp",
        "__evidence",
    ]
    with pytest.raises(EsqlVerificationError):
        run("FROM logs | KEEP user | KEEP z*", rows)


def test_sort_nulls_multivalued_keys_ips_and_limits() -> None:
    rows: list[dict[str, Any]] = [
        {"n": 2, "tags": ["b", "z"], "ip": "10.0.0.10"},
        {"n": None, "tags": ["c"], "ip": "::1"},
        {"n": 1, "tags": None, "ip": "10.0.0.9"},
        {"n": 2, "tags": ["a"], "ip": None},
    ]
    assert column("FROM logs | SORT n", rows, "__evidence") == [[2], [0], [3], [1]]
    assert column("FROM logs | SORT n DESC", rows, "__evidence") == [[1], [0], [3], [2]]
    assert column("FROM logs | SORT n NULLS FIRST", rows, "__evidence") == [[1], [2], [0], [3]]
    # A multivalued key sorts by its smallest value ascending, its largest descending.
    assert column("FROM logs | SORT tags", rows, "tags")[:2] == [["a"], ["b", "z"]]
    assert column("FROM logs | SORT tags DESC", rows, "tags")[:2] == [None, ["b", "z"]]
    # ES|QL orders ips as addresses (IPv4 mapped into IPv6), not as text.
    assert column("FROM logs | SORT ip", rows, "ip") == ["::1", "10.0.0.9", "10.0.0.10", None]
    assert len(run("FROM logs | SORT n | LIMIT 2", rows)) == 2


def test_implicit_limit() -> None:
    rows: list[dict[str, Any]] = [{"n": i} for i in range(10001)]
    assert len(run("FROM logs", rows)) == 1000
    assert len(run("FROM logs | LIMIT 20000", rows)) == 10000


def test_conversions_and_text_functions() -> None:
    rows: list[dict[str, Any]] = [{"user": "Ab", "n": -7}]
    assert run(
        """FROM logs | EVAL a = TO_LOWER(user), b = TO_UPPER(user), c = LENGTH("é"),
        d = TO_STRING(n), e = TO_DOUBLE(" 2.5 "), f = TO_DOUBLE("inf"), g = n / 2, h = n % 3,
        i = STARTS_WITH(user, "A"), j = COALESCE(null, tags, user), k = CASE(n > 0, "p")
        | KEEP a, b, c, d, e, f, g, h, i, j, k""",
        rows,
    ) == [
        {"a": "ab", "b": "AB", "c": 1, "d": "-7", "e": 2.5, "f": None, "g": -3, "h": -1,
         "i": True, "j": "Ab", "k": None, "__evidence": [0]}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        'FROM logs | DISSECT user "%{a}"',
        "FROM logs | EVAL r = FROM_BASE64(user)",
        "FROM logs | EVAL r = TO_STRING(1.5)",
        "FROM logs | EVAL r = DATE_TRUNC(2 months, @timestamp)",
        'FROM logs | WHERE user LIKE "\\\\a"',
    ],
)
def test_unsupported_constructs_raise(query: str) -> None:
    with pytest.raises(EsqlUnsupportedError):
        run(query, [{"user": "x", "@timestamp": datetime(2024, 1, 1)}])
