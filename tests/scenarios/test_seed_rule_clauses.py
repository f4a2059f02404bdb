"""Every clause of the seed query, flipped by one case, in every input format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.builders import (
    ACCOUNT,
    FORMAT_WRITERS,
    POSTURE_APIS,
    USER_ARN,
    Counter,
    posture_record,
    sweep,
)
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules

Records = list[dict[str, Any]]


def _sixteen(ids: Counter) -> Records:
    return sweep(ids, 16)


def _fifteen(ids: Counter) -> Records:
    return sweep(ids, 15)


def _straddles_window_edge(ids: Counter) -> Records:
    # 16 distinct buckets within 4 s, but 8 fall in [10:00:00, 10:00:10) and 8 in the next window.
    return sweep(ids, 8, start=6.0) + [
        posture_record(ids, f"late-{i}", second=10.0 + i * 0.25) for i in range(8)
    ]


def _inside_one_window(ids: Counter) -> Records:
    return sweep(ids, 8, start=1.0) + [
        posture_record(ids, f"late-{i}", second=5.0 + i * 0.25) for i in range(8)
    ]


def _one_bucket_many_apis(ids: Counter) -> Records:
    return [
        posture_record(ids, "only-bucket", second=1 + i * 0.1, action=POSTURE_APIS[i % 5])
        for i in range(40)
    ]


def _two_source_ips(ids: Counter) -> Records:
    return sweep(ids, 8, source_ip="198.51.100.7") + [
        posture_record(ids, f"other-{i}", second=3 + i * 0.1, source_ip="198.51.100.8")
        for i in range(8)
    ]


def _console_flag(ids: Counter) -> Records:
    return sweep(ids, 16, sessionCredentialFromConsole="true")


def _aws_service(ids: Counter) -> Records:
    return sweep(ids, 16, identity_type="AWSService")


def _missing_identity_type(ids: Counter) -> Records:
    return sweep(ids, 16, identity_type=None)


def _error_code(ids: Counter) -> Records:
    return sweep(ids, 16, errorCode="AccessDenied", errorMessage="Access Denied")


def _error_message_only(ids: Counter) -> Records:
    return sweep(ids, 16, errorMessage="Access Denied")


def _hostname_source(ids: Counter) -> Records:
    return sweep(ids, 16, source_ip="config.amazonaws.com")


def _blank_arn(ids: Counter) -> Records:
    return sweep(ids, 16, arn="")


def _ipv6_two_spellings(ids: Counter) -> Records:
    return sweep(ids, 8, source_ip="2001:db8::7") + [
        posture_record(ids, f"v6-{i}", second=4 + i * 0.1, source_ip="2001:0DB8:0000:0000::0007")
        for i in range(8)
    ]


def _two_resources_per_record(ids: Counter) -> Records:
    records = []
    for i in range(8):
        resources = [
            {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::pair-{i}-a"},
            {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::pair-{i}-b"},
        ]
        records.append(posture_record(ids, f"pair-{i}-a", second=1 + i * 0.5, resources=resources))
    return records


def _fifteen_duplicated(ids: Counter) -> Records:
    records = sweep(ids, 15)
    return records + [dict(r) for r in records]


def _sixteen_duplicated(ids: Counter) -> Records:
    records = sweep(ids, 16)
    return records + [dict(r) for r in records]


def _other_api(ids: Counter) -> Records:
    return [
        posture_record(ids, f"b-{i}", second=1 + i * 0.2, action="GetBucketLocation")
        for i in range(16)
    ]


def _other_provider(ids: Counter) -> Records:
    return sweep(ids, 16, eventSource="s3express.amazonaws.com")


# (case, builder, expected distinct-bucket counts of the alerts it must raise)
CASES: list[tuple[str, Callable[[Counter], Records], list[int]]] = [
    ("16 buckets", _sixteen, [16]),
    ("15 buckets", _fifteen, []),
    ("burst inside one window", _inside_one_window, [16]),
    ("burst across a window edge", _straddles_window_edge, []),
    ("one bucket through many APIs", _one_bucket_many_apis, []),
    ("two source IPs", _two_source_ips, []),
    ("console flag", _console_flag, []),
    ("AWSService principal", _aws_service, []),
    ("missing identity type", _missing_identity_type, []),
    ("errorCode", _error_code, []),
    ("errorMessage alone", _error_message_only, []),
    ("hostname source", _hostname_source, []),
    ("blank ARN", _blank_arn, []),
    ("two spellings of one IPv6 address", _ipv6_two_spellings, [16]),
    ("several resources in one record", _two_resources_per_record, [16]),
    ("15 buckets, each delivered twice", _fifteen_duplicated, []),
    ("16 buckets, each delivered twice", _sixteen_duplicated, [16]),
    ("another S3 API", _other_api, []),
    ("another provider", _other_provider, []),
]


@pytest.mark.parametrize("input_format", sorted(FORMAT_WRITERS))
@pytest.mark.parametrize(("case", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_clause(
    tmp_path: Path,
    input_format: str,
    case: str,
    build: Callable[[Counter], Records],
    expected: list[int],
) -> None:
    records = build(Counter())
    FORMAT_WRITERS[input_format](records, tmp_path)
    report = scan([tmp_path], bundled_rules())
    assert report.summary.records_read == len(records)
    assert report.summary.records_evaluated == len(records)
    assert [a.values["Esql.bucket_arn_count_distinct"] for a in report.alerts] == expected, case
    for alert in report.alerts:
        assert alert.values["aws.cloudtrail.user_identity.arn"] == USER_ARN
        ids = {r["eventID"] for r in records}
        assert set(alert.event_ids) <= ids and alert.event_ids


def test_ipv6_group_uses_the_canonical_address(tmp_path: Path) -> None:
    FORMAT_WRITERS["ndjson"](_ipv6_two_spellings(Counter()), tmp_path)
    (alert,) = scan([tmp_path], bundled_rules()).alerts
    assert alert.values["source.ip"] == "2001:db8::7"
    assert alert.values["Esql.time_window_date_trunc"] == "2026-03-14T10:00:00.000Z"
