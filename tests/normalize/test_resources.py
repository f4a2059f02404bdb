"""aws.cloudtrail.resources: Elastic's dedupe script."""

from __future__ import annotations

from trailsweep.normalize.resources import dedupe_resources

_BUCKET = {
    "accountId": "000000000",
    "type": "AWS::S3::Bucket",
    "ARN": "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket",
}


def _object(key: str) -> dict[str, str]:
    return {
        "type": "AWS::S3::Object",
        "ARN": f"arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket/{key}",
    }


def test_every_resource_is_kept_in_hashmap_order() -> None:
    # test-copy-object-json-minimal: [README-copy.md, bucket, README.md] comes out reordered.
    resources = [
        _object("test-copy-object/README-copy.md"),
        _BUCKET,
        _object("test-copy-object/README.md"),
    ]
    arns = [resource["arn"] for resource in dedupe_resources(resources, []) or []]
    assert arns == [
        "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket/test-copy-object/README.md",
        "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket/test-copy-object/README-copy.md",
        "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket",
    ]


def test_keys_are_renamed() -> None:
    assert dedupe_resources([_BUCKET], []) == [
        {
            "type": "AWS::S3::Bucket",
            "arn": "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket",
            "account_id": "000000000",
        }
    ]


def test_exact_duplicates_collapse_and_near_duplicates_stay() -> None:
    other_account = {**_BUCKET, "accountId": "111111111"}
    result = dedupe_resources([_BUCKET, dict(_BUCKET), other_account], []) or []
    assert len(result) == 2
    assert {resource["account_id"] for resource in result} == {"000000000", "111111111"}


def test_non_objects_are_dropped_with_a_warning() -> None:
    warnings: list[str] = []
    assert dedupe_resources(["arn:aws:s3:::x", _BUCKET, 7], warnings) == [
        {
            "type": "AWS::S3::Bucket",
            "arn": "arn:aws:s3:::elastic-cspm-cloudtrail-test-bucket",
            "account_id": "000000000",
        }
    ]
    assert warnings == [
        "resources[0] is a str, not an object: dropped as Elastic does",
        "resources[2] is a number, not an object: dropped as Elastic does",
    ]


def test_a_non_list_is_ignored_with_a_warning() -> None:
    warnings: list[str] = []
    assert dedupe_resources(_BUCKET, warnings) is None
    assert warnings == ["resources is an object, not a list: ignored as Elastic does"]


def test_resources_without_arn_are_kept() -> None:
    assert dedupe_resources([{"type": "AWS::S3::Object"}], []) == [{"type": "AWS::S3::Object"}]
