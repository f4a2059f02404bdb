"""Elasticsearch `_bulk` NDJSON: create actions paired with alert documents, ids = alert uuids."""

from __future__ import annotations

import io
from dataclasses import replace

import orjson

from trailsweep.alerts import Alert, alert_document
from trailsweep.sinks import DEFAULT_INDEX, write_bulk


def test_lines_pair_up_and_ids_are_the_alert_uuids(burst_alert: Alert) -> None:
    other = replace(burst_alert, uuid="00000000-0000-5000-8000-000000000001")
    stream = io.BytesIO()
    assert write_bulk([burst_alert, other], stream) == 2
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 4
    actions, documents = lines[0::2], lines[1::2]
    assert actions == [
        {"create": {"_index": ".alerts-security.alerts-trailsweep", "_id": burst_alert.uuid}},
        {"create": {"_index": DEFAULT_INDEX, "_id": "00000000-0000-5000-8000-000000000001"}},
    ]
    for action, document in zip(actions, documents, strict=True):
        assert action["create"]["_id"] == document["kibana.alert.uuid"]
    expected = alert_document(burst_alert)
    expected["@timestamp"] = "2026-03-14T10:00:00.000Z"
    assert documents[0] == expected


def test_index_is_configurable_and_output_is_stable(burst_alert: Alert) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_bulk([burst_alert], first, index="alerts-cloud")
    write_bulk([burst_alert], second, index="alerts-cloud")
    assert first.getvalue() == second.getvalue()
    action = orjson.loads(first.getvalue().splitlines()[0])
    assert action == {"create": {"_index": "alerts-cloud", "_id": burst_alert.uuid}}
    assert first.getvalue().endswith(b"\n")
