"""Each labelled scenario has the shape its description promises."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import Any

from trailsweep.simulate import SCENARIOS

from .conftest import SimulatedDay
from .trail_files import POSTURE_APIS, epoch

LABELS = {
    "intruder_sweep": "malicious",
    "intruder_sweep_ipv6": "malicious",
    "cspm_scanner": "benign_true_positive",
    "s3_console_page_load": "false_positive",
    "aws_config": "true_negative",
    "aws_service_principal": "true_negative",
    "failures": "true_negative",
    "console_session": "true_negative",
    "window_edge": "known_false_negative",
    "threshold_edge": "boundary",
}
ALERTS = {
    "intruder_sweep": 1,
    "intruder_sweep_ipv6": 1,
    "cspm_scanner": 3,
    "s3_console_page_load": 1,
    "aws_config": 0,
    "aws_service_principal": 0,
    "failures": 0,
    "console_session": 0,
    "window_edge": 0,
    "threshold_edge": 1,
}


def _posture(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["eventName"] in POSTURE_APIS]


def _buckets(records: list[dict[str, Any]]) -> set[str]:
    return {res["ARN"] for r in records for res in r.get("resources", [])}


def _windows(records: list[dict[str, Any]]) -> dict[int, set[str]]:
    windows: dict[int, set[str]] = defaultdict(set)
    for record in records:
        ts = epoch(record["eventTime"])
        windows[ts - ts % 10] |= _buckets([record])
    return dict(windows)


def test_every_scenario_is_injected_once_with_label_and_description(day: SimulatedDay) -> None:
    scenarios = day.document["scenarios"]
    assert [s["name"] for s in scenarios] == list(SCENARIOS) == list(LABELS)
    for scenario in scenarios:
        assert scenario["label"] == LABELS[scenario["name"]]
        assert scenario["expected_alert_count"] == ALERTS[scenario["name"]], scenario["name"]
        assert len(scenario["description"]) > 60
        assert len(day.records_of(scenario["name"])) == len(scenario["event_ids"])


def test_intruder_sweeps_in_one_window_then_follows_on(day: SimulatedDay) -> None:
    records = day.records_of("intruder_sweep")
    sweep = _posture(records)
    assert {r["userIdentity"]["arn"] for r in records} == {sweep[0]["userIdentity"]["arn"]}
    assert {r["sourceIPAddress"] for r in records} == {sweep[0]["sourceIPAddress"]}
    assert sweep[0]["userIdentity"]["type"] == "IAMUser"
    assert sweep[0]["userIdentity"]["accessKeyId"].startswith("AKIA")
    assert not ipaddress.ip_address(sweep[0]["sourceIPAddress"]).is_private
    assert "Boto3/" in sweep[0]["userAgent"] or "aws-cli/" in sweep[0]["userAgent"]
    assert {r["eventName"] for r in sweep} == POSTURE_APIS
    windows = _windows(sweep)
    assert len(windows) == 1 and 24 <= len(next(iter(windows.values()))) <= 40
    assert (
        max(epoch(r["eventTime"]) for r in sweep) - min(epoch(r["eventTime"]) for r in sweep) <= 6
    )

    follow_on_ids = day.scenario("intruder_sweep")["follow_on_event_ids"]
    follow_on = [r for r in records if r["eventID"] in set(follow_on_ids)]
    assert len(follow_on) == len(follow_on_ids) >= 6
    assert (
        min(epoch(r["eventTime"]) for r in follow_on)
        >= max(epoch(r["eventTime"]) for r in sweep) + 60
    )
    names = [r["eventName"] for r in sorted(follow_on, key=lambda r: r["eventTime"])]
    assert names[0] == "ListBuckets" and names[1] == "PutBucketPolicy"
    assert set(names[2:]) == {"GetObject"}
    policy_bucket = _buckets([r for r in follow_on if r["eventName"] == "PutBucketPolicy"])
    assert policy_bucket <= _buckets(sweep)
    for record in follow_on:
        if record["eventName"] == "GetObject":
            assert record["eventCategory"] == "Data" and record["managementEvent"] is False
            types = sorted(res["type"] for res in record["resources"])
            assert types == ["AWS::S3::Bucket", "AWS::S3::Object"]


def test_ipv6_variant_reports_the_canonical_address(day: SimulatedDay) -> None:
    records = day.records_of("intruder_sweep_ipv6")
    address = records[0]["sourceIPAddress"]
    assert ipaddress.ip_address(address).version == 6
    (alert,) = day.scenario("intruder_sweep_ipv6")["expected_alerts"]
    assert alert["source.ip"] == str(ipaddress.ip_address(address))


def test_cspm_scanners_look_like_prowler_and_scoutsuite(day: SimulatedDay) -> None:
    records = day.records_of("cspm_scanner")
    by_arn: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_arn[record["userIdentity"]["arn"]].append(record)
    assert len(by_arn) == 2
    prowler = next(v for k, v in by_arn.items() if "/ProwlerScanRole/prowler-" in k)
    scout = next(v for k, v in by_arn.items() if k.endswith("/scoutsuite"))
    assert all("APN_1826889" in r["userAgent"] for r in prowler)
    assert all("ScoutSuite/5." in r["userAgent"] for r in scout)
    alerting = sorted(w for w, b in _windows(prowler).items() if len(b) > 15)
    assert len(alerting) >= 2 and alerting[1] - alerting[0] == 10  # consecutive windows
    assert any(len(b) <= 15 for b in _windows(prowler).values())  # a partial last window


def test_s3_console_page_load_has_the_console_agent_but_no_flag(day: SimulatedDay) -> None:
    records = _posture(day.records_of("s3_console_page_load"))
    assert all(
        r["userAgent"].startswith("[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.")
        for r in records
    )
    assert all("sessionCredentialFromConsole" not in r for r in records)
    assert all(r["userIdentity"]["type"] == "IAMUser" for r in records)
    assert len(_buckets(records)) > 15


def test_aws_config_sweeps_from_a_hostname(day: SimulatedDay) -> None:
    records = day.records_of("aws_config")
    assert {r["sourceIPAddress"] for r in records} == {"config.amazonaws.com"}
    assert all("AWSServiceRoleForConfig" in r["userIdentity"]["arn"] for r in records)
    assert max(len(b) for b in _windows(records).values()) > 15


def test_aws_service_principal_has_no_identity_arn(day: SimulatedDay) -> None:
    records = day.records_of("aws_service_principal")
    for record in records:
        assert record["userIdentity"] == {
            "type": "AWSService",
            "invokedBy": "cloudtrail.amazonaws.com",
        }
        assert record["eventName"] == "GetBucketAcl"
    assert max(len(b) for b in _windows(records).values()) > 15


def test_failures_carry_error_code_and_message(day: SimulatedDay) -> None:
    records = day.records_of("failures")
    failed = [r for r in records if "errorCode" in r]
    assert all(r["errorMessage"] for r in failed)
    by_code: dict[str, set[str]] = defaultdict(set)
    for record in failed:
        by_code[record["errorCode"]] |= _buckets([record])
    assert len(by_code["AccessDenied"]) > 15
    assert len(by_code["NoSuchBucketPolicy"]) > 15
    assert by_code["NoSuchPublicAccessBlockConfiguration"]
    mixed = [r for r in records if r["userIdentity"]["arn"].endswith("/inventory-reporter")]
    successes = _buckets([r for r in mixed if "errorCode" not in r])
    assert len(successes) == 15
    assert len(_buckets(mixed)) > 15 and len(_windows(mixed)) == 1


def test_console_session_sweep_is_flagged(day: SimulatedDay) -> None:
    records = day.records_of("console_session")
    assert all(r["sessionCredentialFromConsole"] == "true" for r in records)
    assert max(len(b) for b in _windows(records).values()) > 15


def test_window_edge_straddles_a_boundary_ten_and_ten(day: SimulatedDay) -> None:
    records = day.records_of("window_edge")
    times = [epoch(r["eventTime"]) for r in records]
    assert max(times) - min(times) < 4 and len(_buckets(records)) == 20
    assert sorted(len(b) for b in _windows(records).values()) == [10, 10]
    assert "tumbling" in day.scenario("window_edge")["description"]


def test_threshold_edge_has_fifteen_and_sixteen(day: SimulatedDay) -> None:
    records = day.records_of("threshold_edge")
    by_arn: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_arn[record["userIdentity"]["arn"]].append(record)
    sizes = sorted(max(len(b) for b in _windows(v).values()) for v in by_arn.values())
    assert sizes == [15, 16]
    (alert,) = day.scenario("threshold_edge")["expected_alerts"]
    assert alert["Esql.bucket_arn_count_distinct"] == 16
