"""Context from files: each item of `trailsweep.context` on a hand-built sweep, exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.builders import FORMAT_WRITERS, USER_ARN, Counter, posture_record, sweep
from tests.triage.records import follow_on
from trailsweep.alerts import alert_document
from trailsweep.normalize import NormalizeOptions, open_geoip
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.triage import CONTEXT_KEY, TriageOptions, file_contexts, with_contexts

AWS_CLI = "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.1 md/arch#x86_64]"
SWEEP_SECONDS = [
    (
        "2026-03-14T10:00:01.000Z",
        ["GetBucketAcl", "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock"],
    ),
    (
        "2026-03-14T10:00:02.000Z",
        ["GetBucketAcl", "GetBucketPolicy", "GetBucketPublicAccessBlock", "GetBucketVersioning"],
    ),
    (
        "2026-03-14T10:00:03.000Z",
        [
            "GetBucketAcl",
            "GetBucketPolicyStatus",
            "GetBucketPublicAccessBlock",
            "GetBucketVersioning",
        ],
    ),
    (
        "2026-03-14T10:00:04.000Z",
        ["GetBucketAcl", "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketVersioning"],
    ),
]


def _context(folder: Path, records: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    FORMAT_WRITERS["ndjson"](records, folder)
    normalize = options.pop("normalize", NormalizeOptions())
    report = scan([folder], bundled_rules())
    assert len(report.alerts) == 1
    contexts = file_contexts(report.alerts, [folder], normalize, TriageOptions(**options))
    document = alert_document(with_contexts(report, contexts).alerts[0])
    context: dict[str, Any] = document[CONTEXT_KEY]
    return context


def _scenario(history: bool) -> list[dict[str, Any]]:
    ids = Counter()
    records = sweep(ids, 16)
    records.append(dict(records[0]))  # a duplicate delivery: one call
    records += follow_on(ids)
    if history:
        records.append(posture_record(ids, "old", second=-3600))
    return records


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _context(tmp_path_factory.mktemp("sweep"), _scenario(history=True))


def test_window_actor_and_first_last_event(context: dict[str, Any]) -> None:
    assert context["window"] == {
        "start": "2026-03-14T09:30:00.000Z",
        "end": "2026-03-14T10:30:10.000Z",
        "minutes": 30,
    }
    assert context["actor"] == {
        "principal_arns": [USER_ARN],
        "source_ips": ["198.51.100.7"],
        "access_keys": [{"id": "AKIAEXAMPLEMALLORY01", "kind": "long-term"}],
    }
    # The 09:00 call is before the window, the 10:31:40 one after it.
    assert context["first_event"] == "2026-03-14T10:00:01.000Z"
    assert context["last_event"] == "2026-03-14T10:06:40.000Z"
    assert context["evidence_events"] == 16


def test_activity_counts_by_api_with_the_guides_list(context: dict[str, Any]) -> None:
    rows = [
        (a["action"], a["provider"], a["count"], a["failed"], a["notable"], a["category"])
        for a in context["activity"]
    ]
    assert rows == [
        ("GetObject", "s3.amazonaws.com", 3, 1, True, "object read"),
        ("AssumeRole", "sts.amazonaws.com", 1, 0, True, "role assumption"),
        ("CreateAccessKey", "iam.amazonaws.com", 1, 0, True, "new access key"),
        ("DeleteBucket", "s3.amazonaws.com", 1, 0, True, "bucket deletion"),
        ("GetBucketAcl", "s3.amazonaws.com", 1, 0, False, None),
        ("GetUser", "iam.amazonaws.com", 1, 0, False, None),
        ("ListBuckets", "s3.amazonaws.com", 1, 0, True, "bucket listing"),
        ("PutBucketAcl", "s3.amazonaws.com", 1, 0, True, "bucket policy change"),
        ("PutBucketPolicy", "s3.amazonaws.com", 1, 0, True, "bucket policy change"),
    ]
    notable = [(e["timestamp"], e["action"], e["outcome"]) for e in context["notable_events"]]
    assert notable == [
        ("2026-03-14T10:01:00.000Z", "ListBuckets", "success"),
        ("2026-03-14T10:02:00.000Z", "GetObject", "success"),
        ("2026-03-14T10:02:01.000Z", "GetObject", "success"),
        ("2026-03-14T10:02:02.000Z", "GetObject", "failure"),
        ("2026-03-14T10:03:00.000Z", "PutBucketPolicy", "success"),
        ("2026-03-14T10:03:20.000Z", "PutBucketAcl", "success"),
        ("2026-03-14T10:04:00.000Z", "AssumeRole", "success"),
        ("2026-03-14T10:05:00.000Z", "CreateAccessKey", "success"),
        ("2026-03-14T10:05:20.000Z", "DeleteBucket", "success"),
    ]
    assert context["notable_events_omitted"] == 0


def test_bucket_changes_only_on_swept_buckets(context: dict[str, Any]) -> None:
    changes = [
        (c["timestamp"], c["action"], c["bucket_arn"], c["source_ip"])
        for c in context["bucket_changes"]
    ]
    # PutBucketAcl on other-bucket is notable but that bucket was not swept.
    assert changes == [
        ("2026-03-14T10:03:00.000Z", "PutBucketPolicy", "arn:aws:s3:::bucket-001", "198.51.100.7"),
        ("2026-03-14T10:05:20.000Z", "DeleteBucket", "arn:aws:s3:::bucket-002", "198.51.100.7"),
    ]
    assert all(c["event_id"] for c in context["bucket_changes"])


def test_other_ips_user_agents_first_seen(context: dict[str, Any]) -> None:
    assert context["other_source_ips"] == ["203.0.113.9"]
    assert context["user_agents"] == [
        {"original": AWS_CLI, "family": "aws-cli", "known_cspm": False, "offensive": False}
    ]
    assert context["first_seen"] == {
        "principal": False,
        "source_ip": False,
        "user_agent": False,
        "history_days": 0,
    }
    assert context["asn_organization"] is None


def test_baseline_is_null_without_a_store(context: dict[str, Any]) -> None:
    assert context["baseline"] is None
    assert context["baseline_note"] == (
        "no baseline: it needs the history of an event store (trailsweep ingest, store-scan)"
    )


def test_risk_moves_from_the_rules_score(context: dict[str, Any]) -> None:
    assert context["risk"] == {
        "score": 66,
        "base": 21,
        "reasons": [
            "+10 long-term access key (AKIA)",
            "+15 notable follow-on activity (bucket deletion, bucket listing, bucket policy "
            "change, new access key, object read, role assumption)",
            "+20 2 write(s) or policy change(s) on swept buckets",
        ],
    }


def test_burst_counts_the_alerts_own_events_per_second(context: dict[str, Any]) -> None:
    expected = [
        {"second": second, "buckets": 4, "by_action": dict.fromkeys(actions, 1)}
        for second, actions in SWEEP_SECONDS
    ]
    assert context["burst"] == {"per_second": expected}


def test_first_seen_without_earlier_input(tmp_path: Path) -> None:
    context = _context(tmp_path, _scenario(history=False))
    assert context["first_seen"] == {
        "principal": True,
        "source_ip": True,
        "user_agent": True,
        "history_days": 0,
    }
    # Less than a day of history: the flags do not move the score.
    assert context["risk"]["score"] == 66


def test_window_minutes_are_configurable(tmp_path: Path) -> None:
    context = _context(tmp_path, _scenario(history=True), minutes=2)
    assert context["window"] == {
        "start": "2026-03-14T09:58:00.000Z",
        "end": "2026-03-14T10:02:10.000Z",
        "minutes": 2,
    }
    assert [a["action"] for a in context["activity"]] == ["GetObject", "ListBuckets"]
    assert context["bucket_changes"] == []
    assert context["other_source_ips"] == []


def test_asn_organisation_from_the_database(tmp_path: Path, shared_dir: Path) -> None:
    database = open_geoip(shared_dir / "fixtures/maxmind-test-db/GeoLite2-ASN-Test.mmdb")
    ids = Counter()
    records = sweep(ids, 16, source_ip="89.160.20.112")
    context = _context(tmp_path, records, asn_db=database)
    assert context["asn_organization"] == "Bredband2 AB"


def test_asn_organisation_from_enriched_events(tmp_path: Path, shared_dir: Path) -> None:
    database = open_geoip(shared_dir / "fixtures/maxmind-test-db/GeoLite2-ASN-Test.mmdb")
    ids = Counter()
    records = sweep(ids, 16, source_ip="1.128.0.1")
    context = _context(tmp_path, records, normalize=NormalizeOptions(asn_db=database))
    assert context["asn_organization"] == "Telstra Pty Ltd"
