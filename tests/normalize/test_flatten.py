"""The flat field names ES|QL reads."""

from __future__ import annotations

import json
from pathlib import Path

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
    # A keyword's values come back from doc values: sorted, each once.
    assert flat["aws.cloudtrail.resources.type"] == ["AWS::S3::Bucket", "AWS::S3::Object"]


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


def test_geo_location_is_one_geo_point_in_wkt() -> None:
    # `source.geo.location` is mapped as a geo_point: ES|QL returns one WKT value (longitude
    # first, Java's Double.toString digits), not `.lat`/`.lon` columns.
    doc = {
        "source": {
            "geo": {"location": {"lat": 51.5142, "lon": -0.0931}, "country_iso_code": "GB"},
        },
        "client": {"geo": {"location": {"lat": 58, "lon": 15.0}}},
    }
    assert flatten_document(doc) == {
        "source.geo.location": "POINT (-0.0931 51.5142)",
        "source.geo.country_iso_code": "GB",
        "client.geo.location": "POINT (15.0 58.0)",
    }


def test_other_location_objects_still_flatten() -> None:
    doc = {"geo": {"location": {"lat": 1.5, "lon": 2.5, "alt": 3}}, "x": {"location": {"lat": 1}}}
    assert flatten_document(doc) == {
        "geo.location.lat": 1.5,
        "geo.location.lon": 2.5,
        "geo.location.alt": 3,
        "x.location.lat": 1,
    }


def test_multivalues_come_in_doc_values_order() -> None:
    # ES|QL reads fields from doc values: keywords and ips as sorted sets, numbers sorted with
    # repeats. Elastic's resources script leaves HashMap order in _source (object before bucket
    # here); ES|QL still returns the ARNs sorted.
    doc = {
        "aws": {
            "cloudtrail": {
                "resources": [
                    {"arn": "arn:aws:s3:::b/k.csv", "type": "AWS::S3::Object"},
                    {"arn": "arn:aws:s3:::b", "type": "AWS::S3::Bucket", "account_id": "1"},
                ]
            }
        },
        "event": {"type": ["user", "change"], "category": ["iam"]},
        "related": {"ip": ["2001:db8::7", "89.160.20.156", "10.0.0.9"]},
        "numbers": [5, 1, 5],
    }
    flat = flatten_document(doc)
    assert flat["aws.cloudtrail.resources.arn"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/k.csv"]
    assert flat["aws.cloudtrail.resources.type"] == ["AWS::S3::Bucket", "AWS::S3::Object"]
    assert flat["aws.cloudtrail.resources.account_id"] == ["1"]
    assert flat["event.type"] == ["change", "user"]
    assert flat["event.category"] == ["iam"]
    assert flat["related.ip"] == ["10.0.0.9", "89.160.20.156", "2001:db8::7"]
    assert flat["numbers"] == [1, 5, 5]


def test_mixed_multivalues_keep_their_order() -> None:
    assert flatten_document({"x": ["b", 1, "a"]}) == {"x": ["b", 1, "a"]}


def test_field_selection_keeps_exactly_the_wanted_fields(shared_dir: Path) -> None:
    from trailsweep.normalize import FieldSelection, normalize_record

    folder = shared_dir / "fixtures" / "elastic-cloudtrail-pipeline"
    selections = [
        (["event.action", "aws.cloudtrail.resources.arn", "source.ip", "user.name"], []),
        (["@timestamp"], ["aws.cloudtrail.user_identity.*", "user_agent.*"]),
        ([], ["*"]),
        (["related.user", "source.geo.location"], ["tls.*"]),
    ]
    for log in sorted(folder.glob("test-*.log")):
        for line in log.read_text().splitlines():
            if not line.strip():
                continue
            full = flatten_document(normalize_record(json.loads(line)).document)
            for fields, patterns in selections:
                selection = FieldSelection(fields, patterns)
                expected = {k: v for k, v in full.items() if selection.keeps(k)}
                assert (
                    flatten_document(normalize_record(json.loads(line)).document, selection)
                    == expected
                ), (log.name, fields, patterns)
