"""Report fixtures: hostile strings, hand-made alert documents, and hostile CloudTrail on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.builders import FORMAT_WRITERS, Counter, posture_record, sweep
from trailsweep.report import ReportAlert
from trailsweep.rules import bundled_rules

HOSTILE_UA = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
HOSTILE_BUCKET = "evil<b>&amp;\"'`*_[x](javascript:alert(1))|#"
"""A bucket name no S3 allows, as a forged log file can still carry it: HTML, an entity,
quotes and markdown syntax."""
HOSTILE_IP = "198.51.100.66"
PLAIN_IP = "203.0.113.9"


def hostile_records() -> list[dict[str, Any]]:
    """Two sweeps in one window: one with the hostile user agent and bucket names (20
    buckets), and a plain one from another address (18 buckets): two alerts."""
    ids = Counter()
    hostile = [
        posture_record(
            ids,
            f"{HOSTILE_BUCKET}{i:02d}",
            second=1 + i * 0.4,
            source_ip=HOSTILE_IP,
            userAgent=HOSTILE_UA,
        )
        for i in range(20)
    ]
    return hostile + sweep(ids, 18, start=2.0, source_ip=PLAIN_IP)


@pytest.fixture()
def hostile_trail(tmp_path: Path) -> Path:
    """The two sweeps as an S3 delivery file under a fresh folder."""
    folder = tmp_path / "trail"
    folder.mkdir()
    FORMAT_WRITERS["s3-delivery"](hostile_records(), folder)
    return folder


def hostile_document(**context: Any) -> dict[str, Any]:
    """An alert document with hostile strings in every attacker-controlled place, and the
    given triage context (none when empty)."""
    document: dict[str, Any] = {
        "Esql.bucket_arn_count_distinct": 2,
        "Esql.aws_cloudtrail_resources_arn_values": [
            f"arn:aws:s3:::{HOSTILE_BUCKET}1",
            f"arn:aws:s3:::{HOSTILE_BUCKET}2",
        ],
        "Esql.event_action_values": ["GetBucketAcl", "<i>GetBucketPolicy</i>"],
        "Esql.timestamp_values": ["2026-03-14T10:00:01.000Z", "2026-03-14T10:00:03.000Z"],
        "Esql.aws_cloudtrail_user_identity_access_key_id_values": "AKIA<u>KEY</u>",
        "Esql.user_agent_original_values": HOSTILE_UA,
        "Esql.source_as_organization_name_values": "Evil & <Co>",
        "Esql.time_window_date_trunc": "2026-03-14T10:00:00.000Z",
        "aws.cloudtrail.user_identity.arn": "arn:aws:iam::111122223333:user/<svg onload=alert(1)>",
        "source.ip": HOSTILE_IP,
        "kibana.alert.uuid": 'uuid-"><script>alert(1)</script>',
        "kibana.alert.rule.rule_id": "a7577205-88a1-4a08-85d4-7b72a9a2e969",
        "kibana.alert.rule.name": "AWS S3 Rapid Bucket Posture API Calls from a Single Principal",
        "kibana.alert.severity": 'low" onmouseover="alert(1)',
        "kibana.alert.risk_score": 21,
        "trailsweep.evidence.event_ids": ["id-<1>", "id-2"],
        "trailsweep.evidence.records": ["trail/<x>.json record 0", "trail/x.json record 1"],
    }
    if context:
        document["trailsweep.context"] = context
    return document


def hostile_context() -> dict[str, Any]:
    """A full triage context whose every string is hostile."""
    return {
        "window": {"start": "<w>", "end": "2026-03-14T10:30:00.000Z", "minutes": 30},
        "actor": {
            "principal_arns": ["arn:<p>"],
            "source_ips": [HOSTILE_IP],
            "access_keys": [{"id": "AKIA<k>", "kind": "long-term"}],
        },
        "first_event": "2026-03-14T10:00:01.000Z",
        "last_event": None,
        "activity": [
            {"action": "<script>x</script>", "provider": "s3", "count": 1, "failed": 0},
            {"action": "GetObject", "provider": "s3.amazonaws.com", "count": 12, "notable": True},
        ],
        "bucket_changes": [
            {
                "timestamp": "2026-03-14T10:05:00.000Z",
                "action": "PutBucketPolicy",
                "bucket_arn": f"arn:aws:s3:::{HOSTILE_BUCKET}",
                "event_id": "<e>",
                "source_ip": HOSTILE_IP,
            }
        ],
        "other_source_ips": ["<ip>"],
        "first_seen": {"principal": True, "source_ip": False, "history_days": 14},
        "user_agents": [{"original": HOSTILE_UA, "family": "<f>", "known_cspm": False}],
        "asn_organization": "<asn>&",
        "baseline": {"days": 14, "previous_max_buckets": 3, "windows": 120, "summary": "<s>"},
        "risk": {"score": 71, "base": 21, "reasons": ["<r> & more"]},
        "burst": {
            "per_second": [
                {"second": "2026-03-14T10:00:01.000Z", "buckets": 2, "by_action": {"<a>": 2}},
            ]
        },
    }


def seed_rule_alert(document: dict[str, Any]) -> ReportAlert:
    """The document with the bundled seed rule (for its triage guide)."""
    rule = next(r for r in bundled_rules() if r.rule_id == document["kibana.alert.rule.rule_id"])
    return ReportAlert(document, rule, (("id-<1>", "trail/<x>.json record 0"),))
