"""S3 calls: the five bucket-posture reads the rule watches, and the S3 traffic around them."""

from __future__ import annotations

from trailsweep.simulate.identity import JsonObject
from trailsweep.simulate.inventory import Bucket
from trailsweep.simulate.record import AMZ_ID_2, S3, Call

POSTURE_APIS = (
    "GetBucketAcl",
    "GetBucketPublicAccessBlock",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
)
"""The rule's `event.action in (...)` list."""

# The query-string sub-resource each API sends, logged as an empty request parameter.
_SUBRESOURCE = {
    "GetBucketAcl": "acl",
    "GetBucketPublicAccessBlock": "publicAccessBlock",
    "GetBucketPolicy": "policy",
    "GetBucketPolicyStatus": "policyStatus",
    "GetBucketVersioning": "versioning",
    "GetBucketLocation": "location",
    "GetBucketEncryption": "encryption",
    "GetBucketLogging": "logging",
    "GetBucketTagging": "tagging",
    "PutBucketPolicy": "policy",
}
_BYTES_OUT = {
    "GetBucketAcl": 602,
    "GetBucketPublicAccessBlock": 318,
    "GetBucketPolicy": 1043,
    "GetBucketPolicyStatus": 192,
    "GetBucketVersioning": 137,
    "GetBucketLocation": 137,
    "GetBucketEncryption": 268,
    "GetBucketLogging": 276,
    "GetBucketTagging": 354,
    "PutBucketPolicy": 0,
}
ERROR_MESSAGES = {
    "AccessDenied": "Access Denied",
    "NoSuchBucketPolicy": "The bucket policy does not exist",
    "NoSuchPublicAccessBlockConfiguration": "The public access block configuration was not found",
}


def _additional_data(bytes_in: int, bytes_out: int) -> JsonObject:
    # x-amz-id-2 is per request; templates leave it blank and fill it at render time.
    return {
        "SignatureVersion": "SigV4",
        "CipherSuite": "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn": bytes_in,
        "AuthenticationMethod": "AuthHeader",
        AMZ_ID_2: "",
        "bytesTransferredOut": bytes_out,
    }


def bucket_resource(bucket: Bucket) -> JsonObject:
    """The `resources` element of a bucket-level call."""
    return {"accountId": bucket.account_id, "type": "AWS::S3::Bucket", "ARN": bucket.arn}


def bucket_call(
    bucket: Bucket,
    event_name: str,
    *,
    error_code: str | None = None,
    extra_parameters: JsonObject | None = None,
    read_only: bool = True,
) -> Call:
    """A bucket-level management call such as `GetBucketAcl` or `PutBucketPolicy`."""
    parameters: JsonObject = {"bucketName": bucket.name, "Host": bucket.host}
    if extra_parameters:
        parameters.update(extra_parameters)
    parameters[_SUBRESOURCE[event_name]] = ""
    bytes_out = 243 if error_code else _BYTES_OUT.get(event_name, 200)
    return Call(
        event_source=S3,
        event_name=event_name,
        request_parameters=parameters,
        additional_event_data=_additional_data(0, bytes_out),
        resources=(bucket_resource(bucket),),
        read_only=read_only,
        event_version="1.10",
        error_code=error_code,
        error_message=ERROR_MESSAGES.get(error_code, error_code) if error_code else None,
        host=bucket.host,
    )


def posture_call(bucket: Bucket, api: str, *, denied: bool = False) -> Call:
    """One of the five posture reads, failing the way S3 fails for this bucket's settings."""
    error: str | None = None
    if denied:
        error = "AccessDenied"
    elif api in ("GetBucketPolicy", "GetBucketPolicyStatus") and not bucket.has_policy:
        error = "NoSuchBucketPolicy"
    elif api == "GetBucketPublicAccessBlock" and not bucket.has_public_access_block:
        error = "NoSuchPublicAccessBlockConfiguration"
    return bucket_call(bucket, api, error_code=error)


def list_buckets(region: str) -> Call:
    """`ListBuckets`: account-level, no resources."""
    host = f"s3.{region}.amazonaws.com"
    return Call(
        event_source=S3,
        event_name="ListBuckets",
        request_parameters={"Host": host},
        additional_event_data=_additional_data(0, 8_734),
        event_version="1.10",
        host=host,
    )


def put_bucket_policy(bucket: Bucket, policy: JsonObject) -> Call:
    """`PutBucketPolicy` with the policy document as CloudTrail logs it."""
    return bucket_call(
        bucket,
        "PutBucketPolicy",
        extra_parameters={"bucketPolicy": policy},
        read_only=False,
    )


def object_call(bucket: Bucket, key: str, event_name: str = "GetObject", size: int = 0) -> Call:
    """An object-level data event (`GetObject`, `PutObject`): object and bucket resources."""
    reading = event_name in ("GetObject", "HeadObject")
    return Call(
        event_source=S3,
        event_name=event_name,
        request_parameters={"bucketName": bucket.name, "Host": bucket.host, "key": key},
        additional_event_data=_additional_data(0 if reading else size, size if reading else 0),
        resources=(
            {"type": "AWS::S3::Object", "ARN": f"{bucket.arn}/{key}"},
            bucket_resource(bucket),
        ),
        read_only=reading,
        data_event=True,
        event_version="1.10",
        host=bucket.host,
    )
