"""The flat field names ES|QL reads."""

from __future__ import annotations

from trailsweep.normalize import flatten_document


def test_resources_arn_is_multivalued() -> None:
    doc = {
        "aws": {
            "cloudtrail": {
                "resources": [
                    {"arn": "arn:aws:s3:::a", "type": "AWS::S3::Bucket"},
                    {"type": "AWS::S3::Object"},
                    {"arn": "arn:aws:s3:::a/k", "type": "AWS::S3::Object"},
                ]
            }
        }
    }
    flat = flatten_document(doc)
    assert flat["aws.cloudtrail.resources.arn"] == ["arn:aws:s3:::a", "arn:aws:s3:::a/k"]
    assert flat["aws.cloudtrail.resources.type"] == [
        "AWS::S3::Bucket",
        "AWS::S3::Object",
        "AWS::S3::Object",
    ]


def test_single_resource_stays_a_list() -> None:
    flat = flatten_document({"aws": {"cloudtrail": {"resources": [{"arn": "x"}]}}})
    assert flat == {"aws.cloudtrail.resources.arn": ["x"]}


def test_scalars_arrays_and_nulls() -> None:
    doc = {"event": {"type": ["info"], "category": None, "kind": "event"}, "empty": {}}
    assert flatten_document(doc) == {"event.type": ["info"], "event.kind": "event"}


def test_dotted_keys_join_naturally() -> None:
    doc = {"event.action": "A", "aws": {"cloudtrail.user_identity": {"arn": "x"}}}
    assert flatten_document(doc) == {
        "event.action": "A",
        "aws.cloudtrail.user_identity.arn": "x",
    }


def test_flattened_fields_are_left_out() -> None:
    doc = {
        "aws": {"cloudtrail": {"request_parameters": "{a=b}", "flattened": {"rp": {"a": "b"}}}},
        "aws.cloudtrail.flattened.x": 1,
    }
    assert flatten_document(doc) == {"aws.cloudtrail.request_parameters": "{a=b}"}


def test_the_input_is_not_modified() -> None:
    doc = {"a": {"b": ["x"]}, "a.b": "y"}
    flat = flatten_document(doc)
    assert flat == {"a.b": ["x", "y"]}
    assert doc == {"a": {"b": ["x"]}, "a.b": "y"}
