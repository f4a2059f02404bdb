"""The standard output alert sink: NDJSON lines, flushed per batch."""

from __future__ import annotations

import io

import orjson
import pytest

from tests.sinks.alert_builders import Reports, posture_document, posture_event
from trailsweep.sinks import AlertEvent, AlertSink, AlertStdoutSink


class FlushCounting(io.BytesIO):
    """A byte stream that counts its flushes."""

    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_each_event_is_one_line_and_the_batch_is_flushed() -> None:
    stream = FlushCounting()
    sink = AlertStdoutSink(stream)
    assert isinstance(sink, AlertSink)
    assert sink.name == "stdout"
    assert sink.recovered_through() is None
    events = [posture_event(1), posture_event(2, action="updated", revision=2)]
    assert sink.deliver(events) == 2
    assert stream.flushes == 1
    lines = stream.getvalue().splitlines(keepends=True)
    assert [orjson.loads(line) for line in lines] == [event.document for event in events]
    assert all(line.endswith(b"\n") for line in lines)
    assert sink.deliver([]) == 0
    sink.close()
    assert not stream.closed


def test_the_sequence_is_stamped_when_the_document_lacks_it() -> None:
    stream = io.BytesIO()
    AlertStdoutSink(stream).deliver([AlertEvent(12, posture_document(None))])
    assert orjson.loads(stream.getvalue())["trailsweep.watch"]["sequence"] == 12


def test_standard_output_is_the_default(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert AlertStdoutSink().deliver([posture_event(1)]) == 1
    out = capsysbinary.readouterr().out
    assert orjson.loads(out)["kibana.alert.uuid"] == posture_event(1).document["kibana.alert.uuid"]


def test_a_failed_write_is_reported_not_raised() -> None:
    stream = io.BytesIO()
    stream.close()
    reports = Reports()
    sink = AlertStdoutSink(stream, report=reports)
    assert sink.deliver([posture_event(1)]) == 0
    assert "write failed" in reports.of("error")[0]
    sink.close()


def test_a_document_that_is_not_json_stops_the_batch_before_it() -> None:
    stream = io.BytesIO()
    reports = Reports()
    bad = AlertEvent(2, {"oops": object()})
    assert AlertStdoutSink(stream, report=reports).deliver([posture_event(1), bad]) == 1
    assert len(stream.getvalue().splitlines()) == 1
    assert "sequence 2" in reports.of("error")[0]
