"""OCSF Detection Finding (class 2004): structure, types and exact values for one alert."""

from __future__ import annotations

import io
from typing import Any

import orjson

from tests.scenarios.builders import ACCOUNT, USER_ARN
from trailsweep.alerts import Alert
from trailsweep.sinks import ocsf_finding, write_ocsf

FIRST = 1773482401000  # 2026-03-14T10:00:01Z
LAST = 1773482405000  # 2026-03-14T10:00:05Z

# Required attributes of Detection Finding (OCSF 1.x) and their JSON types.
REQUIRED: dict[str, type] = {
    "activity_id": int,
    "category_uid": int,
    "class_uid": int,
    "finding_info": dict,
    "metadata": dict,
    "severity_id": int,
    "time": int,
    "type_uid": int,
}


def _check_structure(finding: dict[str, Any]) -> None:
    for name, kind in REQUIRED.items():
        assert isinstance(finding[name], kind), name
    assert finding["class_uid"] == 2004 and finding["category_uid"] == 2
    assert finding["type_uid"] == finding["class_uid"] * 100 + finding["activity_id"]
    assert finding["severity_id"] in (0, 1, 2, 3, 4, 5, 6, 99)
    info = finding["finding_info"]
    assert isinstance(info["uid"], str) and isinstance(info["title"], str)
    assert all(isinstance(kind, str) for kind in info["types"])
    assert isinstance(info["analytic"]["type_id"], int)
    for attack in info["attacks"]:
        assert {"uid", "name"} <= set(attack["tactic"])
    metadata = finding["metadata"]
    assert isinstance(metadata["version"], str)
    assert isinstance(metadata["product"]["name"], str)
    assert isinstance(metadata["product"]["vendor_name"], str)
    for observable in finding["observables"]:
        assert isinstance(observable["name"], str) and isinstance(observable["type_id"], int)
    assert all(isinstance(evidence, dict) and evidence for evidence in finding["evidences"])


def test_finding_is_a_valid_detection_finding(burst_alert: Alert) -> None:
    _check_structure(ocsf_finding(burst_alert))


def test_finding_values(burst_alert: Alert) -> None:
    finding = ocsf_finding(burst_alert)
    assert {key: finding[key] for key in REQUIRED if key not in ("finding_info", "metadata")} == {
        "activity_id": 1,
        "category_uid": 2,
        "class_uid": 2004,
        "severity_id": 2,
        "time": LAST,
        "type_uid": 200401,
    }
    assert (finding["severity"], finding["status_id"], finding["risk_score"]) == ("Low", 1, 21)
    info = finding["finding_info"]
    assert info["uid"] == burst_alert.uuid
    assert info["title"] == "AWS S3 Rapid Bucket Posture API Calls from a Single Principal"
    assert info["types"] == ["TTPs/Collection", "TTPs/Discovery"]
    assert info["analytic"] == {
        "uid": "a7577205-88a1-4a08-85d4-7b72a9a2e969",
        "name": "AWS S3 Rapid Bucket Posture API Calls from a Single Principal",
        "type": "Rule",
        "type_id": 1,
        "version": "1",
    }
    assert [(a["tactic"]["uid"], a["technique"]["uid"]) for a in info["attacks"]] == [
        ("TA0007", "T1526"),
        ("TA0007", "T1580"),
        ("TA0007", "T1619"),
        ("TA0009", "T1530"),
    ]
    assert (info["first_seen_time"], info["last_seen_time"]) == (FIRST, LAST)
    assert [event["uid"] for event in info["related_events"]] == list(burst_alert.event_ids)
    assert finding["metadata"]["uid"] == burst_alert.uuid
    assert finding["metadata"]["product"] == {
        "name": "trailsweep",
        "vendor_name": "trailsweep",
        "version": "0.1.0",
    }
    assert finding["cloud"] == {
        "provider": "AWS",
        "account": {"uid": ACCOUNT, "type": "AWS Account", "type_id": 10},
        "region": "us-east-1",
    }
    (evidence,) = finding["evidences"]
    assert evidence["actor"] == {"user": {"uid": USER_ARN, "type": "IAMUser"}}
    assert evidence["src_endpoint"] == {"ip": "198.51.100.7"}
    assert len(evidence["data"]["bucket_arns"]) == 20
    assert finding["resources"][0] == {
        "uid": "arn:aws:s3:::bucket-000",
        "type": "AWS::S3::Bucket",
        "cloud_partition": "aws",
    }
    kinds = [(o["name"], o["type_id"]) for o in finding["observables"]][:3]
    assert kinds == [
        ("evidences[0].actor.user.uid", 10),
        ("evidences[0].src_endpoint.ip", 2),
        ("evidences[0].data.user_agents", 16),
    ]
    assert len(finding["observables"]) == 23
    assert finding["unmapped"]["Esql.bucket_arn_count_distinct"] == 20


def test_write_ocsf_is_one_finding_per_line_and_stable(burst_alert: Alert) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    assert write_ocsf([burst_alert, burst_alert], first) == 2
    write_ocsf([burst_alert, burst_alert], second)
    assert first.getvalue() == second.getvalue()
    lines = first.getvalue().splitlines()
    assert [orjson.loads(line)["finding_info"]["uid"] for line in lines] == [burst_alert.uuid] * 2
