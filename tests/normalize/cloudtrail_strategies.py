"""Hypothesis strategies for raw CloudTrail records: the usual shapes, and every oddity the
normalizer rejects or warns about (wrong types, placeholders, nulls, huge payloads)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# MaxMind's test databases: AS and city, city only, AS only; then addresses without GeoIP data.
ADDRESSES = [
    "89.160.20.156",
    "81.2.69.142",
    "1.0.0.1",
    "198.51.100.23",
    "2001:DB8::1",
    "::ffff:89.160.20.156",
    "fe80::1%eth0",
    "s3.amazonaws.com",
    "AWS Internal",
]
USER_AGENTS = [
    "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/command#s3api.get-bucket-acl]",
    "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109 lang/python#3.12.6",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36",
    "signin.amazonaws.com",
    "S3Console/0.4",
]
NAMES = ["GetBucketAcl", "ConsoleLogin", "CreateUser", "AddUserToGroup", "AssumeRole", "PutObject"]
SOURCES = ["s3.amazonaws.com", "signin.amazonaws.com", "iam.amazonaws.com", "sts.amazonaws.com"]
TIMES = [
    "2026-03-14T10:00:01Z",
    "2026-03-14T10:00:01.250Z",
    "2026-03-14T10:00:01+02:00",
    "2026-03-14 10:00:01",
    "2026-02-30T10:00:01Z",
    "redacted",
]
ACCOUNTS = ["111122223333", "444455556666"]
PLACEHOLDERS = ["", "-", "none", "None"]
# A payload whose Java text is past the flattened field's limit: no copies are made from it.
HUGE = "x" * 33_000

scalars = st.one_of(
    st.none(),
    st.sampled_from(PLACEHOLDERS),
    st.text(max_size=6),
    st.integers(-3, 3),
    st.booleans(),
    st.sampled_from([0.5, 1e7, -0.0, 2.5e-05]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "a.b", "Host", ""]), inner, max_size=3)
    ),
    max_leaves=8,
)


def sometimes(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly `good`, sometimes any JSON value (a wrong type, a placeholder, a null)."""
    return st.one_of(good, good, good, json_values)


def _object(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """An object with a subset of `fields`, or (sometimes) any JSON value instead."""
    optional = {key: st.one_of(st.just(_ABSENT), value) for key, value in fields.items()}
    built = st.fixed_dictionaries(optional).map(
        lambda drawn: {key: value for key, value in drawn.items() if value is not _ABSENT}
    )
    return sometimes(built)


_ABSENT = object()


_text = st.sampled_from(["alice", "bob", "ops-admins", "AIDAEXAMPLE", HUGE[:40]])
_identity = _object(
    {
        "type": sometimes(st.sampled_from(["IAMUser", "AssumedRole", "FederatedUser", "Root"])),
        "principalId": sometimes(_text),
        "arn": sometimes(st.sampled_from([f"arn:aws:iam::{a}:user/alice" for a in ACCOUNTS])),
        "accountId": sometimes(st.sampled_from(ACCOUNTS)),
        "accessKeyId": sometimes(st.sampled_from(["AKIAEXAMPLE", "ASIAEXAMPLE"])),
        "userName": sometimes(_text),
        "invokedBy": sometimes(st.sampled_from(["config.amazonaws.com"])),
        "sessionContext": _object(
            {
                "attributes": _object(
                    {
                        "mfaAuthenticated": sometimes(st.sampled_from(["true", "false"])),
                        "creationDate": sometimes(st.sampled_from(TIMES)),
                    }
                ),
                "sessionIssuer": _object(
                    {
                        "type": sometimes(st.just("Role")),
                        "principalId": sometimes(_text),
                        "arn": sometimes(st.just("arn:aws:iam::111122223333:role/scanner")),
                        "accountId": sometimes(st.sampled_from(ACCOUNTS)),
                        "userName": sometimes(st.sampled_from(["scanner", "admin"])),
                    }
                ),
            }
        ),
    }
)
_request = _object(
    {
        "userName": sometimes(_text),
        "newUserName": sometimes(_text),
        "groupName": sometimes(_text),
        "bucketName": sometimes(st.sampled_from(["logs", "backups"])),
        "policy": sometimes(st.sampled_from([HUGE, "{}"])),
        "Host": json_values,
    }
)
_response = _object(
    {
        "ConsoleLogin": sometimes(st.sampled_from(["Success", "Failure"])),
        "group": _object({"groupId": sometimes(_text), "groupName": sometimes(_text)}),
        "user": _object({"userId": sometimes(_text), "userName": sometimes(_text)}),
        "credentials": json_values,
    }
)
_additional = _object(
    {
        "MobileVersion": sometimes(st.sampled_from(["No", "Yes"])),
        "LoginTo": sometimes(st.just("https://console.aws.amazon.com/")),
        "MFAUsed": sometimes(st.sampled_from(["No", "Yes"])),
        "UserName": sometimes(_text),
        "bytesTransferredIn": sometimes(st.integers(0, 9)),
        "blob": sometimes(st.just(HUGE)),
    }
)
_resource = _object(
    {
        "ARN": sometimes(st.sampled_from(["arn:aws:s3:::logs", "arn:aws:s3:::backups"])),
        "accountId": sometimes(st.sampled_from(ACCOUNTS)),
        "type": sometimes(st.sampled_from(["AWS::S3::Bucket", "AWS::S3::Object"])),
        "x.y": json_values,
    }
)
_tls = _object(
    {
        "tlsVersion": sometimes(st.sampled_from(["TLSv1.2", "TLSv1.3", "1.3", "tlsVersion"])),
        "cipherSuite": sometimes(st.just("TLS_AES_128_GCM_SHA256")),
        "clientProvidedHostHeader": sometimes(st.just("logs.s3.amazonaws.com")),
    }
)

RECORD_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "eventVersion": sometimes(st.just("1.10")),
    "userIdentity": _identity,
    "eventTime": sometimes(st.sampled_from(TIMES)),
    "@timestamp": sometimes(st.just("2026-03-14T10:00:02.000Z")),
    "eventSource": sometimes(st.sampled_from(SOURCES)),
    "eventName": sometimes(st.sampled_from(NAMES)),
    "awsRegion": sometimes(st.sampled_from(["eu-west-1", "us-east-1"])),
    "sourceIPAddress": sometimes(st.sampled_from(ADDRESSES)),
    "userAgent": sometimes(st.sampled_from(USER_AGENTS)),
    "errorCode": sometimes(st.sampled_from(["AccessDenied", "200"])),
    "errorMessage": sometimes(st.just("Access Denied")),
    "requestParameters": _request,
    "responseElements": _response,
    "additionalEventData": _additional,
    "serviceEventDetails": _object({"detail": json_values}),
    "requestID": sometimes(st.just("E78FE92CDBCBA113")),
    "eventID": sometimes(st.sampled_from(["1a73d955-d15f-488a", "2b84"])),
    "readOnly": sometimes(st.sampled_from([True, False, "true", "FALSE", "maybe"])),
    "resources": sometimes(st.lists(_resource, max_size=4)),
    "eventType": sometimes(st.just("AwsApiCall")),
    "managementEvent": sometimes(st.booleans()),
    "recipientAccountId": sometimes(st.sampled_from(ACCOUNTS)),
    "sharedEventID": sometimes(st.just("shared-1")),
    "vpcEndpointId": sometimes(st.just("vpce-1")),
    "eventCategory": sometimes(st.just("Management")),
    "sessionCredentialFromConsole": sometimes(st.sampled_from(["true", True])),
    "tlsDetails": _tls,
    "insightDetails": json_values,
    "edgeDeviceDetails": json_values,
}


@st.composite
def raw_records(draw: st.DrawFn) -> Any:
    """A raw CloudTrail record; now and then not a record at all."""
    if draw(st.integers(0, 29)) == 0:
        return draw(json_values)
    # Most records have the keys every CloudTrail record has, so most normalize.
    record: dict[str, Any] = {}
    if draw(st.integers(0, 4)):
        record["eventTime"] = draw(st.sampled_from(TIMES[:3]))
        record["eventName"] = draw(st.sampled_from(NAMES))
        record["eventSource"] = draw(st.sampled_from(SOURCES))
    for key, strategy in RECORD_FIELDS.items():
        if draw(st.integers(0, 3)):
            record[key] = draw(strategy)
    return record
