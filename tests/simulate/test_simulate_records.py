"""Records look like real CloudTrail: full envelope, identities, mixed services, daily rhythm."""

from __future__ import annotations

import re
import uuid
from collections import Counter

from .conftest import SimulatedDay
from .trail_files import all_records, epoch

ENVELOPE = (
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID",
    "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory",
)  # fmt: skip
EVENT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def test_every_record_has_the_full_envelope_in_cloudtrail_order(day: SimulatedDay) -> None:
    for record in all_records(day.files):
        assert all(field in record for field in ENVELOPE), record
        keys = [key for key in record if key in ENVELOPE]
        assert keys == list(ENVELOPE), keys
        assert record["eventVersion"] in ("1.08", "1.09", "1.10", "1.11")
        assert EVENT_TIME.match(record["eventTime"])
        assert record["eventTime"].startswith("2026-03-14T")
        assert uuid.UUID(record["eventID"]).version == 4
        assert record["eventCategory"] in ("Management", "Data")
        assert record["managementEvent"] is (record["eventCategory"] == "Management")
        assert isinstance(record["readOnly"], bool)


def test_identities_are_shaped_by_type(day: SimulatedDay) -> None:
    kinds: Counter[str] = Counter()
    for record in all_records(day.files):
        identity = record["userIdentity"]
        kinds[identity["type"]] += 1
        if identity["type"] == "AWSService":
            assert set(identity) == {"type", "invokedBy"}
            continue
        assert {"principalId", "arn", "accountId"} <= set(identity)
        key = identity.get("accessKeyId")
        if identity["type"] == "AssumedRole":
            assert identity["arn"].startswith(f"arn:aws:sts::{identity['accountId']}:assumed-role/")
            issuer = identity["sessionContext"]["sessionIssuer"]
            assert issuer["type"] == "Role" and issuer["arn"].startswith("arn:aws:iam::")
            assert key.startswith("ASIA")
        if identity["type"] == "IAMUser":
            assert (
                identity["arn"]
                == f"arn:aws:iam::{identity['accountId']}:user/{identity['userName']}"
            )
            # Long-term keys carry no session; console-issued session keys do.
            assert (key is None) or (key.startswith("AKIA") != ("sessionContext" in identity))
        if "sessionContext" in identity:
            attributes = identity["sessionContext"]["attributes"]
            assert EVENT_TIME.match(attributes["creationDate"])
            assert attributes["mfaAuthenticated"] in ("true", "false")
    assert {"IAMUser", "AssumedRole", "AWSService"} <= set(kinds)


def test_console_flag_is_the_string_true_and_only_on_console_sessions(day: SimulatedDay) -> None:
    flagged = [r for r in all_records(day.files) if "sessionCredentialFromConsole" in r]
    assert flagged
    for record in flagged:
        assert record["sessionCredentialFromConsole"] == "true"
        assert "Mozilla/5.0" in record["userAgent"]


def test_s3_records_carry_s3_details(day: SimulatedDay) -> None:
    for record in all_records(day.files):
        if record["eventSource"] != "s3.amazonaws.com":
            continue
        assert re.fullmatch(r"[0-9A-Z]{16}", record["requestID"])
        assert record["additionalEventData"]["x-amz-id-2"]
        service = record["userIdentity"].get("invokedBy") == record["sourceIPAddress"]
        assert service or record["userAgent"].startswith("["), record["userAgent"]


def test_tls_details_except_for_aws_services_and_sign_in(day: SimulatedDay) -> None:
    for record in all_records(day.files):
        from_service = record["sourceIPAddress"].endswith(".amazonaws.com")
        sign_in = record["eventType"] == "AwsConsoleSignIn"
        assert ("tlsDetails" in record) is not (from_service or sign_in), record["eventName"]


def test_background_mixes_services_and_principals(day: SimulatedDay) -> None:
    records = list(all_records(day.files))
    sources = Counter(r["eventSource"] for r in records)
    for service in ("ec2", "iam", "sts", "s3", "lambda", "kms", "monitoring", "ssm", "logs"):
        assert sources[f"{service}.amazonaws.com"] > 0, service
    assert max(sources.values()) < 0.4 * len(records)
    principals = {r["userIdentity"].get("arn") for r in records}
    assert len(principals) > 50
    names = {r["eventName"] for r in records}
    assert {"ListBuckets", "GetBucketLocation", "GetBucketAcl", "AssumeRole", "Decrypt"} <= names
    assert {"GetCallerIdentity", "DescribeInstances", "ConsoleLogin", "GetObject"} <= names


def test_daily_rhythm_busier_in_working_hours(day: SimulatedDay) -> None:
    hours = Counter(epoch(r["eventTime"]) // 3600 % 24 for r in all_records(day.files))
    night = hours[0] + hours[1] + hours[2]
    office = hours[11] + hours[12] + hours[13]
    assert office > 1.3 * night, hours
