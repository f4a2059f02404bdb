"""request_parameters & co.: Java toString() text plus the flattened copy."""

from __future__ import annotations

from trailsweep.normalize.payloads import render_payload


def test_long_payloads_get_no_flattened_copy() -> None:
    value = {"policy": "x" * 40000}
    payload = render_payload("requestParameters", value, value, [])
    assert payload is not None
    assert payload.text == "{policy=" + "x" * 40000 + "}"
    assert payload.flattened is None


def test_emptied_payload_is_absent() -> None:
    assert render_payload("responseElements", {"a": ""}, None, []) is None


def test_numbers_and_booleans_render_as_java() -> None:
    value = {"bytesTransferredIn": 0, "ratio": 0.5, "big": 1e20, "ok": False}
    payload = render_payload("additionalEventData", value, value, [])
    assert payload is not None
    assert set(payload.text[1:-1].split(", ")) == {
        "bytesTransferredIn=0",
        "ratio=0.5",
        "big=1.0E20",
        "ok=false",
    }
