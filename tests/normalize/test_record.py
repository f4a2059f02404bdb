"""normalize_record end to end: rejections, outcomes, fallbacks and warnings."""

from __future__ import annotations

from typing import Any

import pytest

from trailsweep.normalize import (
    GeoIpDatabase,
    NormalizeOptions,
    RecordRejected,
    flatten_document,
    normalize_record,
)


def _record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "accessKeyId": "AKIAEXAMPLE",
            "userName": "alice",
        },
        "eventTime": "2024-11-01T14:43:10Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetBucketAcl",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "89.160.20.156",
        "userAgent": "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0]",
        "requestParameters": {"bucketName": "b", "Host": "b.s3.amazonaws.com", "acl": ""},
        "responseElements": None,
        "requestID": "REQ",
        "eventID": "EVT",
        "readOnly": True,
        "resources": [
            {"accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::b"}
        ],
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "999988887777",
        "eventCategory": "Management",
    }
    record.update(overrides)
    return {key: value for key, value in record.items() if value is not ...}


def _flat(record: dict[str, Any], options: NormalizeOptions | None = None) -> dict[str, Any]:
    normalized = normalize_record(record, options or NormalizeOptions())
    return flatten_document(normalized.document)


def test_a_posture_call_has_what_the_rule_reads() -> None:
    flat = _flat(_record())
    assert flat["@timestamp"] == "2024-11-01T14:43:10.000Z"
    assert flat["data_stream.dataset"] == "aws.cloudtrail"
    assert flat["data_stream.namespace"] == "default"
    assert flat["event.provider"] == "s3.amazonaws.com"
    assert flat["event.action"] == "GetBucketAcl"
    assert flat["event.outcome"] == "success"
    assert flat["event.type"] == ["info"]
    assert "event.category" not in flat
    assert flat["aws.cloudtrail.user_identity.type"] == "IAMUser"
    assert flat["aws.cloudtrail.user_identity.arn"] == "arn:aws:iam::111122223333:user/alice"
    assert flat["source.ip"] == "89.160.20.156"
    assert flat["aws.cloudtrail.resources.arn"] == ["arn:aws:s3:::b"]
    assert flat["aws.cloudtrail.request_parameters"] == "{bucketName=b, Host=b.s3.amazonaws.com}"
    assert flat["aws.cloudtrail.management_event"] == "true"
    assert flat["aws.cloudtrail.read_only"] is True
    assert flat["user_agent.name"] == "aws-cli"
    assert "aws.cloudtrail.session_credential_from_console" not in flat
    assert not any(name.startswith("aws.cloudtrail.flattened") for name in flat)


def test_namespace_option() -> None:
    document = normalize_record(_record(), NormalizeOptions(namespace="prod")).document
    assert document["data_stream"]["namespace"] == "prod"


def test_any_error_code_is_failure() -> None:
    assert _flat(_record(errorCode="NoSuchBucketPolicy"))["event.outcome"] == "failure"
    assert _flat(_record(errorCode="200"))["event.outcome"] == "failure"


def test_error_message_alone_is_failure() -> None:
    flat = _flat(_record(errorMessage="Access Denied"))
    assert flat["event.outcome"] == "failure"
    assert flat["aws.cloudtrail.error_message"] == "Access Denied"


def test_placeholder_error_is_no_error() -> None:
    assert _flat(_record(errorCode="", errorMessage="-"))["event.outcome"] == "success"


def test_console_login_outcome_comes_from_its_response() -> None:
    record = _record(
        eventSource="signin.amazonaws.com",
        eventName="ConsoleLogin",
        errorMessage="Failed authentication",
        responseElements={"ConsoleLogin": "Failure"},
        additionalEventData={"MFAUsed": "No", "LoginTo": "https://console", "MobileVersion": "No"},
    )
    flat = _flat(record)
    assert flat["event.outcome"] == "failure"
    assert flat["event.category"] == ["authentication"]
    assert flat["aws.cloudtrail.console_login.additional_eventdata.mfa_used"] is False
    flat = _flat({**record, "responseElements": {"ConsoleLogin": "Success"}})
    assert flat["event.outcome"] == "success"


def test_placeholders_in_the_record_vanish_before_mapping() -> None:
    identity = {"type": "IdentityCenterUser", "arn": "", "accessKeyId": "", "accountId": "-"}
    flat = _flat(_record(sourceIPAddress="-", userIdentity=identity))
    assert "source.address" not in flat
    assert "source.ip" not in flat
    assert "aws.cloudtrail.user_identity.arn" not in flat
    assert "aws.cloudtrail.user_identity.access_key_id" not in flat
    assert flat["cloud.account.id"] == "999988887777"


def test_hostname_source_has_address_but_no_ip() -> None:
    flat = _flat(_record(sourceIPAddress="config.amazonaws.com"))
    assert flat["source.address"] == "config.amazonaws.com"
    assert "source.ip" not in flat


def test_ipv6_spellings_give_one_source_ip() -> None:
    one = _flat(_record(sourceIPAddress="2001:DB8::0:1"))
    other = _flat(_record(sourceIPAddress="2001:db8:0:0:0:0:0:1"))
    assert one["source.ip"] == other["source.ip"] == "2001:db8::1"
    assert one["source.address"] == "2001:DB8::0:1"
    assert _flat(_record(sourceIPAddress="::ffff:10.1.2.3"))["source.ip"] == "10.1.2.3"


def test_account_is_the_callers_then_the_recipients() -> None:
    assert _flat(_record())["cloud.account.id"] == "111122223333"
    service = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}
    flat = _flat(_record(userIdentity=service))
    assert flat["cloud.account.id"] == "999988887777"
    assert flat["aws.cloudtrail.recipient_account_id"] == "999988887777"


def test_console_flag_is_the_string_value() -> None:
    flat = _flat(_record(sessionCredentialFromConsole="true"))
    assert flat["aws.cloudtrail.session_credential_from_console"] == "true"
    flat = _flat(_record(sessionCredentialFromConsole=True))
    assert flat["aws.cloudtrail.session_credential_from_console"] == "true"


def test_asn_with_the_test_database(asn_db: GeoIpDatabase) -> None:
    flat = _flat(_record(), NormalizeOptions(asn_db=asn_db))
    assert flat["source.as.number"] == 29518
    assert flat["source.as.organization.name"] == "Bredband2 AB"
    assert "source.geo.city_name" not in flat


def test_no_asn_without_a_database() -> None:
    assert not any(name.startswith("source.as") for name in _flat(_record()))


def test_geo_with_the_city_database(city_db: GeoIpDatabase) -> None:
    flat = _flat(_record(), NormalizeOptions(city_db=city_db))
    assert flat["source.geo.city_name"] == "Linköping"
    assert flat["source.geo.region_iso_code"] == "SE-E"


def test_assumed_role_user_name_is_the_role() -> None:
    identity = {
        "type": "AssumedRole",
        "principalId": "AROA:session",
        "arn": "arn:aws:sts::1:assumed-role/Role/session",
        "userName": "ignored-for-assumed-roles",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "userName": "Role",
                "arn": "arn:aws:iam::1:role/Role",
            },
            "attributes": {"creationDate": "2024-01-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
    }
    flat = _flat(_record(userIdentity=identity))
    assert flat["user.name"] == "Role"
    assert flat["user.id"] == "AROA:session"
    assert flat["aws.cloudtrail.user_identity.session_context.session_issuer.type"] == "Role"
    assert flat["aws.cloudtrail.user_identity.session_context.creation_date"] == (
        "2024-01-01T00:00:00.000Z"
    )


@pytest.mark.parametrize(
    ("record", "category"),
    [
        ([], "not a JSON object"),
        ("text", "not a JSON object"),
        (42, "not a JSON object"),
        ({"eventTime": "2024-01-01T00:00:00Z"}, "not CloudTrail"),
        (
            {"eventSource": "", "eventName": "-", "eventTime": "2024-01-01T00:00:00Z"},
            "not CloudTrail",
        ),
        ({"eventSource": "s3.amazonaws.com", "eventName": "GetBucketAcl"}, "no eventTime"),
        ({"eventSource": "s3.amazonaws.com", "eventTime": "yesterday"}, "unparseable eventTime"),
        ({"eventName": "GetBucketAcl", "eventTime": 1730472190}, "unparseable eventTime"),
    ],
)
def test_rejections_say_why(record: Any, category: str) -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_record(record)
    assert caught.value.reason.split(":", 1)[0] == category


def test_rejection_names_and_truncates_the_bad_time() -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_record({"eventName": "X", "eventTime": "x" * 500})
    assert "'xxxx" in caught.value.reason
    assert len(caught.value.reason) < 150


def test_logstash_timestamp_is_a_documented_fallback() -> None:
    record = _record(eventTime=..., **{"@timestamp": "2020-09-14T00:44:23.000Z", "@version": "1"})
    normalized = normalize_record(record)
    assert normalized.document["@timestamp"] == "2020-09-14T00:44:23.000Z"
    assert normalized.warnings == ("eventTime missing: used @timestamp added by the shipper",)
    assert "@version" not in flatten_document(normalized.document)


def test_unknown_top_level_keys_vanish() -> None:
    record = _record(_provenance={"file": "x.yml"}, p_log_type="AWS.CloudTrail")
    normalized = normalize_record(record)
    assert normalized.warnings == ()
    flat = flatten_document(normalized.document)
    assert not any("provenance" in name or "p_log_type" in name for name in flat)


def test_wrong_types_are_warnings_not_rejections() -> None:
    normalized = normalize_record(
        _record(resources="arn:aws:s3:::b", userIdentity="someone", tlsDetails=["x"])
    )
    flat = flatten_document(normalized.document)
    assert "aws.cloudtrail.resources.arn" not in flat
    assert "aws.cloudtrail.user_identity.type" not in flat
    assert "resources is a str, not a list: ignored as Elastic does" in normalized.warnings
    assert "userIdentity is a str, not an object: ignored as Elastic does" in normalized.warnings
    assert any(warning.startswith("tlsDetails is a list") for warning in normalized.warnings)


def test_null_identity_is_dropped_with_a_warning() -> None:
    normalized = normalize_record(_record(userIdentity=None))
    assert "userIdentity is null: dropped" in normalized.warnings
    assert "user" not in normalized.document


def test_string_request_parameters_are_kept_as_text() -> None:
    normalized = normalize_record(_record(requestParameters="bucketName=b"))
    assert normalized.document["aws"]["cloudtrail"]["request_parameters"] == "bucketName=b"
    assert "flattened" not in normalized.document["aws"]["cloudtrail"]
    assert any("requestParameters is a str" in warning for warning in normalized.warnings)


def test_keep_original() -> None:
    document = normalize_record(_record(), NormalizeOptions(keep_original=True)).document
    assert '"eventName":"GetBucketAcl"' in document["event"]["original"]
    assert "original" not in normalize_record(_record()).document["event"]


def test_the_record_is_not_modified() -> None:
    record = _record(resources=[{"ARN": "a"}, {"ARN": "a"}])
    before = repr(record)
    normalize_record(record)
    assert repr(record) == before


def test_tls_details() -> None:
    details = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"}
    flat = _flat(_record(tlsDetails=details))
    assert (flat["tls.version_protocol"], flat["tls.version"]) == ("tls", "1.3")
    assert flat["tls.cipher"] == "TLS_AES_128_GCM_SHA256"


def test_screen_record_rejects_exactly_what_normalize_record_rejects() -> None:
    from trailsweep.normalize import screen_record

    base = {"eventSource": "s3.amazonaws.com", "eventName": "GetBucketAcl"}
    cases: list[object] = [
        [1],
        {"eventTime": "2026-03-14T10:00:01Z"},
        {**base},
        {**base, "eventTime": "2026-02-30T10:00:01Z"},
        {**base, "eventTime": "soon"},
        {**base, "eventTime": "2026-03-14T10:00:01Z"},
        {**base, "eventTime": "2026-03-14T10:00:01.250+02:00"},
        {"eventSource": "-", "eventName": "", "eventTime": "2026-03-14T10:00:01Z"},
        {"eventSource": {"x": 1}, "eventTime": "2026-03-14T10:00:01Z"},
        {**base, "@timestamp": "2026-03-14T10:00:01.000Z"},
    ]
    for case in cases:
        try:
            normalize_record(case)
            expected = None
        except RecordRejected as exc:
            expected = exc.reason
        try:
            screen_record(case)
            screened = None
        except RecordRejected as exc:
            screened = exc.reason
        assert screened == expected, case
