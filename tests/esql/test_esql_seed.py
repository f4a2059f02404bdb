"""The seed rule (S3 bucket-posture sweep) end to end: ES|QL text -> SQL -> DuckDB -> one row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from trailsweep.esql import FieldSpec, TimeSpan, compile_query, parse_query

from .runner import EsqlRunner

# The seed query, with its threshold (15) and window (10 seconds) as parameters.
SEED_QUERY = """from logs-aws.cloudtrail-* metadata _id, _version, _index
| eval Esql.time_window_date_trunc = date_trunc(?window, @timestamp)

| where
    data_stream.dataset == "aws.cloudtrail"
    and event.provider == "s3.amazonaws.com"
    and event.outcome == "success"
    and event.action in (
      "GetBucketAcl",
      "GetBucketPublicAccessBlock",
      "GetBucketPolicy",
      "GetBucketPolicyStatus",
      "GetBucketVersioning"
    )
    and aws.cloudtrail.user_identity.type != "AWSService"
    and source.ip IS NOT NULL
    and aws.cloudtrail.resources.arn IS NOT NULL
    and aws.cloudtrail.user_identity.arn IS NOT NULL
    and aws.cloudtrail.session_credential_from_console IS NULL

| keep
    @timestamp,
    Esql.time_window_date_trunc,
    event.action,
    aws.cloudtrail.user_identity.arn,
    aws.cloudtrail.user_identity.type,
    aws.cloudtrail.user_identity.access_key_id,
    source.ip,
    aws.cloudtrail.resources.arn,
    cloud.account.id,
    cloud.region,
    user_agent.original,
    source.as.organization.name,
    data_stream.namespace

| stats
    Esql.bucket_arn_count_distinct = count_distinct(aws.cloudtrail.resources.arn),
    Esql.aws_cloudtrail_resources_arn_values = VALUES(aws.cloudtrail.resources.arn),
    Esql.event_action_values = VALUES(event.action),
    Esql.timestamp_values = VALUES(@timestamp),
    Esql.aws_cloudtrail_user_identity_type_values = VALUES(aws.cloudtrail.user_identity.type),
    Esql.aws_cloudtrail_user_identity_access_key_id_values = VALUES(aws.cloudtrail.user_identity.access_key_id),
    Esql.cloud_account_id_values = VALUES(cloud.account.id),
    Esql.cloud_region_values = VALUES(cloud.region),
    Esql.user_agent_original_values = VALUES(user_agent.original),
    Esql.source_as_organization_name_values = VALUES(source.as.organization.name),
    Esql.data_stream_namespace_values = VALUES(data_stream.namespace)
  by Esql.time_window_date_trunc, aws.cloudtrail.user_identity.arn, source.ip

| where Esql.bucket_arn_count_distinct > ?threshold
"""  # noqa: E501

FIELDS = [
    FieldSpec("@timestamp", "date"),
    FieldSpec("data_stream.dataset", "keyword"),
    FieldSpec("data_stream.namespace", "keyword"),
    FieldSpec("event.provider", "keyword"),
    FieldSpec("event.outcome", "keyword"),
    FieldSpec("event.action", "keyword"),
    FieldSpec("aws.cloudtrail.user_identity.type", "keyword"),
    FieldSpec("aws.cloudtrail.user_identity.arn", "keyword"),
    FieldSpec("aws.cloudtrail.user_identity.access_key_id", "keyword"),
    FieldSpec("aws.cloudtrail.resources.arn", "keyword", multivalued=True),
    FieldSpec("aws.cloudtrail.session_credential_from_console", "keyword"),
    FieldSpec("source.ip", "ip"),
    FieldSpec("source.as.organization.name", "keyword"),
    FieldSpec("cloud.account.id", "keyword"),
    FieldSpec("cloud.region", "keyword"),
    FieldSpec("user_agent.original", "keyword"),
]

ARN = "arn:aws:iam::123456789012:user/scanner"
BASE = datetime(2026, 4, 2, 10, 0, 20)
ACTIONS = ["GetBucketAcl", "GetBucketPolicy", "GetBucketVersioning"]


def _event(index: int, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "@timestamp": BASE + timedelta(milliseconds=500 * index),
        "data_stream.dataset": "aws.cloudtrail",
        "data_stream.namespace": "default",
        "event.provider": "s3.amazonaws.com",
        "event.outcome": "success",
        "event.action": ACTIONS[index % 3],
        "aws.cloudtrail.user_identity.type": "IAMUser",
        "aws.cloudtrail.user_identity.arn": ARN,
        "aws.cloudtrail.user_identity.access_key_id": "AKIAEXAMPLE",
        "aws.cloudtrail.resources.arn": [f"arn:aws:s3:::bucket-{index:02d}"],
        "source.ip": "198.51.100.7",
        "source.as.organization.name": "Example ISP",
        "cloud.account.id": "123456789012",
        "cloud.region": "us-east-1",
        "user_agent.original": "aws-cli/2.15",
    }
    event.update(overrides)
    return event


def _rows() -> list[dict[str, Any]]:
    # 16 distinct buckets in [10:00:20, 10:00:30) from one principal and IP: one alert.
    rows = [_event(i) for i in range(16)]
    # Row 16 repeats a bucket (not counted twice) with a second region.
    rows.append(
        _event(
            16,
            **{
                "aws.cloudtrail.resources.arn": ["arn:aws:s3:::bucket-00"],
                "cloud.region": "eu-west-1",
                "@timestamp": BASE + timedelta(seconds=9, milliseconds=999),
            },
        )
    )
    # Excluded rows, each for one reason, all inside the same window.
    excluded: list[dict[str, Any]] = [
        {"aws.cloudtrail.user_identity.type": "AWSService"},
        {"aws.cloudtrail.user_identity.type": None},  # `!=` on null is null: dropped
        {"aws.cloudtrail.session_credential_from_console": "true"},
        {"event.action": "ListBuckets"},
        {"event.outcome": "failure"},
        {"source.ip": None},
        {"aws.cloudtrail.resources.arn": []},
        {"aws.cloudtrail.resources.arn": None},
        {"event.provider": "iam.amazonaws.com"},
    ]
    for offset, change in enumerate(excluded):
        arn = {"aws.cloudtrail.resources.arn": [f"arn:aws:s3:::other-{offset}"]}
        rows.append(_event(17 + offset, **{**arn, **change, "@timestamp": BASE}))
    # The next window holds only 15 distinct buckets from the same principal: no alert
    # (a strict `>`), and the event exactly at :30.000 belongs to it.
    for i in range(15):
        rows.append(_event(i, **{"@timestamp": BASE + timedelta(seconds=10, milliseconds=i)}))
    return rows


def test_seed_query_yields_exactly_the_expected_alert(esql: EsqlRunner) -> None:
    rows = _rows()
    result = esql.run(SEED_QUERY, FIELDS, rows, {"threshold": 15, "window": "10 seconds"})
    assert len(result) == 1
    alert = result[0]
    buckets = [f"arn:aws:s3:::bucket-{i:02d}" for i in range(16)]
    expected_times = sorted(
        {BASE + timedelta(milliseconds=500 * i) for i in range(16)}
        | {BASE + timedelta(seconds=9, milliseconds=999)}
    )
    assert alert == {
        "Esql.bucket_arn_count_distinct": 16,
        "Esql.aws_cloudtrail_resources_arn_values": buckets,
        "Esql.event_action_values": sorted(ACTIONS),
        "Esql.timestamp_values": expected_times,
        "Esql.aws_cloudtrail_user_identity_type_values": ["IAMUser"],
        "Esql.aws_cloudtrail_user_identity_access_key_id_values": ["AKIAEXAMPLE"],
        "Esql.cloud_account_id_values": ["123456789012"],
        "Esql.cloud_region_values": ["eu-west-1", "us-east-1"],
        "Esql.user_agent_original_values": ["aws-cli/2.15"],
        "Esql.source_as_organization_name_values": ["Example ISP"],
        "Esql.data_stream_namespace_values": ["default"],
        "Esql.time_window_date_trunc": datetime(2026, 4, 2, 10, 0, 20),
        "aws.cloudtrail.user_identity.arn": ARN,
        "source.ip": "198.51.100.7",
        "__evidence": list(range(17)),
    }


def test_seed_query_result_shape() -> None:
    schema = {spec.name: spec for spec in FIELDS}
    compiled = compile_query(
        parse_query(SEED_QUERY), schema, {"threshold": 15, "window": "10 seconds"}
    )
    assert compiled.aggregating
    assert compiled.group_by == (
        "Esql.time_window_date_trunc",
        "aws.cloudtrail.user_identity.arn",
        "source.ip",
    )
    assert compiled.columns[0] == FieldSpec("Esql.bucket_arn_count_distinct", "long")
    assert compiled.columns[1] == FieldSpec(
        "Esql.aws_cloudtrail_resources_arn_values", "keyword", multivalued=True
    )
    assert compiled.columns[3] == FieldSpec("Esql.timestamp_values", "date", multivalued=True)
    assert compiled.columns[-3:] == (
        FieldSpec("Esql.time_window_date_trunc", "date"),
        FieldSpec("aws.cloudtrail.user_identity.arn", "keyword"),
        FieldSpec("source.ip", "ip"),
    )
    assert compiled.implicit_limit == 1000
    assert "LIMIT 1001" in compiled.sql


@pytest.mark.parametrize("window", ["10 seconds", TimeSpan(10, "second"), "10 sec"])
def test_seed_window_parameter_forms(esql: EsqlRunner, window: object) -> None:
    result = esql.run(SEED_QUERY, FIELDS, _rows(), {"threshold": 15, "window": window})
    assert [row["Esql.bucket_arn_count_distinct"] for row in result] == [16]


def test_seed_threshold_parameter_is_strict(esql: EsqlRunner) -> None:
    rows = _rows()
    assert len(esql.run(SEED_QUERY, FIELDS, rows, {"threshold": 16, "window": "10 seconds"})) == 0
    counts = sorted(
        row["Esql.bucket_arn_count_distinct"]
        for row in esql.run(SEED_QUERY, FIELDS, rows, {"threshold": 14, "window": "10 seconds"})
    )
    assert counts == [15, 16]


def test_seed_windows_ignore_the_session_time_zone(esql: EsqlRunner) -> None:
    params = {"threshold": 14, "window": "10 seconds"}
    utc = esql.run(SEED_QUERY, FIELDS, _rows(), params)
    esql.connection.execute("SET TimeZone = 'Asia/Kolkata'")
    kolkata = esql.run(SEED_QUERY, FIELDS, _rows(), params)
    assert kolkata == utc
    assert {row["Esql.time_window_date_trunc"] for row in kolkata} == {
        datetime(2026, 4, 2, 10, 0, 20),
        datetime(2026, 4, 2, 10, 0, 30),
    }


def test_seed_with_the_shared_rule_file(esql: EsqlRunner, shared_dir: Any) -> None:
    import tomllib

    path = shared_dir / "rules/elastic-aws-esql/discovery_s3_rapid_bucket_posture_api_calls.toml"
    query = tomllib.loads(path.read_text())["rule"]["query"]
    result = esql.run(query, FIELDS, _rows())
    assert len(result) == 1
    assert result[0]["Esql.aws_cloudtrail_resources_arn_count_distinct"] == 16
    assert list(result[0])[:3] == [
        "aws.cloudtrail.user_identity.arn",
        "source.ip",
        "Esql.time_window_date_trunc",
    ]
