"""Elastic's early remove-nulls script."""

from __future__ import annotations

from trailsweep.normalize.empty_values import is_empty_scalar, strip_empty


def test_placeholders_vanish_at_any_depth() -> None:
    record: dict[str, object] = {
        "sourceIPAddress": "-",
        "userIdentity": {"arn": "", "accessKeyId": "", "type": "IdentityCenterUser"},
        "requestParameters": {"a": {"b": {"c": "none", "d": None}}, "list": ["", None, "x"]},
        "responseElements": None,
        "additionalEventData": {},
        "resources": [],
        "count": 0,
        "readOnly": False,
        "note": "None",
    }
    assert strip_empty(record) == {
        "userIdentity": {"type": "IdentityCenterUser"},
        "requestParameters": {"list": ["x"]},
        "count": 0,
        "readOnly": False,
        "note": "None",
    }


def test_lists_emptied_by_the_script_disappear() -> None:
    assert strip_empty({"resources": [{"ARN": ""}, None, "-"]}) is None


def test_input_is_not_modified() -> None:
    record = {"a": {"b": ""}, "c": ["-", "x"]}
    strip_empty(record)
    assert record == {"a": {"b": ""}, "c": ["-", "x"]}


def test_empty_scalars() -> None:
    assert all(map(is_empty_scalar, (None, "", "-", "none")))
    assert not any(map(is_empty_scalar, ("None", " ", 0, False, "--")))
