"""The watch alert event model: the document a sink sends, and the sinks' shared protocol."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.sinks.alert_builders import Reports, posture_document
from trailsweep.sinks import (
    AlertEvent,
    AlertFileSink,
    AlertSink,
    AlertStdoutSink,
    WebhookSink,
)
from trailsweep.sinks.alert_events import event_document, watch_integer


def test_the_sent_document_carries_the_events_sequence() -> None:
    outbox = posture_document(None)
    sent = event_document(AlertEvent(3, outbox))
    assert sent["trailsweep.watch"] == {"action": "created", "revision": 1, "sequence": 3}
    assert "sequence" not in outbox["trailsweep.watch"]
    assert event_document(AlertEvent(4, {}))["trailsweep.watch"] == {"sequence": 4}
    already = posture_document(5)
    assert event_document(AlertEvent(5, already)) == already


@pytest.mark.parametrize(
    ("watch", "expected"),
    [({"revision": 2}, 2), ({"revision": True}, None), ({"revision": "2"}, None), ({}, None)],
)
def test_watch_integers_are_true_integers(watch: dict[str, object], expected: int | None) -> None:
    assert watch_integer({"trailsweep.watch": watch}, "revision") == expected


def test_events_are_frozen_values() -> None:
    event = AlertEvent(1, {})
    with pytest.raises(AttributeError):
        event.sequence = 2  # type: ignore[misc]
    assert event == AlertEvent(1, {})


def test_every_alert_sink_follows_the_protocol(tmp_path: Path) -> None:
    sinks: list[AlertSink] = [
        AlertFileSink(tmp_path / "a.ndjson", Reports()),
        AlertStdoutSink(io.BytesIO()),
        WebhookSink("https://hooks.example.com/in", Reports()),
    ]
    names = [sink.name for sink in sinks]
    assert names[:2] == [f"file:{tmp_path / 'a.ndjson'}", "stdout"]
    assert names[2].startswith("webhook:https://hooks.example.com/#")
    for sink in sinks:
        assert isinstance(sink, AlertSink)
        sink.close()
