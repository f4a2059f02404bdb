"""The alert file sink: NDJSON appended and fsync'd, torn tails repaired, the held sequence read
back from the file's tail."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from tests.sinks.alert_builders import Reports, posture_document, posture_event
from trailsweep.sinks import AlertEvent, AlertFileSink, AlertSink
from trailsweep.sinks import alert_file as alert_file_module


def _sequences(path: Path) -> list[int]:
    return [orjson.loads(line)["trailsweep.watch"]["sequence"] for line in path.open("rb")]


def test_lines_are_appended_across_sink_instances(tmp_path: Path) -> None:
    path = tmp_path / "out" / "deeper" / "alerts.ndjson"
    reports = Reports()
    first = AlertFileSink(path, reports)
    assert isinstance(first, AlertSink)
    assert first.name == f"file:{path}"
    assert first.recovered_through() is None
    assert not path.exists()
    assert first.deliver([posture_event(1), posture_event(2)]) == 2
    first.close()
    before = path.read_bytes()

    second = AlertFileSink(path, reports)
    assert second.recovered_through() == 2
    assert second.deliver([posture_event(3)]) == 1
    assert second.deliver([]) == 0
    second.close()
    assert path.read_bytes().startswith(before)
    assert _sequences(path) == [1, 2, 3]
    assert reports.seen == []


def test_each_line_is_the_document_and_the_batch_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    path = tmp_path / "alerts.ndjson"
    sink = AlertFileSink(path, Reports())
    events = [posture_event(1), posture_event(2, action="updated", revision=2)]
    assert sink.deliver(events) == 2
    assert synced, "the batch was not fsync'd"
    # Another reader sees the whole batch before the sink is closed.
    lines = path.read_bytes().splitlines(keepends=True)
    assert [orjson.loads(line) for line in lines] == [event.document for event in events]
    assert all(line.endswith(b"\n") for line in lines)
    sink.close()


def test_the_events_sequence_is_stamped_when_the_document_lacks_it(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    sink = AlertFileSink(path, Reports())
    document = posture_document(None)
    assert sink.deliver([AlertEvent(41, document)]) == 1
    sink.close()
    assert orjson.loads(path.read_bytes())["trailsweep.watch"] == {
        "action": "created",
        "revision": 1,
        "sequence": 41,
    }
    assert "sequence" not in document["trailsweep.watch"], "the outbox's document was changed"
    assert AlertFileSink(path, Reports()).recovered_through() == 41


def test_a_torn_last_line_is_cut_back_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    sink = AlertFileSink(path, Reports())
    sink.deliver([posture_event(1), posture_event(2)])
    sink.close()
    whole = path.read_bytes()
    torn = orjson.dumps(posture_document(3))[:57]
    with path.open("ab") as handle:
        handle.write(torn)

    reports = Reports()
    recovering = AlertFileSink(path, reports)
    assert recovering.recovered_through() == 2
    assert path.read_bytes() == whole
    (warning,) = reports.of("warning")
    assert f"cut {len(torn)} byte(s)" in warning
    assert str(path) in warning
    assert recovering.deliver([posture_event(3)]) == 1
    recovering.close()
    assert _sequences(path) == [1, 2, 3]


def test_the_first_append_repairs_a_torn_tail_even_unasked(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    path.write_bytes(orjson.dumps(posture_document(1)) + b"\n" + b'{"kibana.alert.uu')
    reports = Reports()
    sink = AlertFileSink(path, reports)
    assert sink.deliver([posture_event(2)]) == 1
    sink.close()
    assert _sequences(path) == [1, 2]
    assert "cut 17 byte(s)" in reports.of("warning")[0]


def test_a_torn_line_spanning_many_blocks_is_cut_whole(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    whole = orjson.dumps(posture_document(5)) + b"\n"
    torn = b'{"padding": "' + b"x" * (3 * alert_file_module.BLOCK + 123)
    path.write_bytes(whole + torn)
    reports = Reports()
    assert AlertFileSink(path, reports).recovered_through() == 5
    assert path.read_bytes() == whole
    assert f"cut {len(torn)} byte(s)" in reports.of("warning")[0]


def test_a_whole_object_missing_only_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    first, second = orjson.dumps(posture_document(1)), orjson.dumps(posture_document(2))
    path.write_bytes(first + b"\n" + second)
    reports = Reports()
    assert AlertFileSink(path, reports).recovered_through() == 2
    assert path.read_bytes() == first + b"\n" + second + b"\n"
    assert "added it" in reports.of("warning")[0]


def test_a_torn_first_line_leaves_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    path.write_bytes(b'{"trailsweep.watch": {"sequ')
    assert AlertFileSink(path, Reports()).recovered_through() is None
    assert path.read_bytes() == b""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, None),
        (b"", None),
        (b"\n\n  \n", None),
        (b'{"kibana.alert.uuid": "a"}\n', None),
        (b'{"trailsweep.watch": {"sequence": "7"}}\n', None),
        (b'{"trailsweep.watch": {"sequence": true}}\n', None),
        (b"[1, 2]\n", None),
        (b'{"trailsweep.watch": {"sequence": 3}}\n{"trailsweep.watch": {"sequence": 4}}\n', 4),
        (b'{"trailsweep.watch": {"sequence": 9}}\r\n\n\n', 9),
    ],
)
def test_what_an_untorn_file_holds_through(
    tmp_path: Path, content: bytes | None, expected: int | None
) -> None:
    path = tmp_path / "alerts.ndjson"
    if content is not None:
        path.write_bytes(content)
    reports = Reports()
    assert AlertFileSink(path, reports).recovered_through() == expected
    assert reports.seen == []
    assert path.exists() == (content is not None)
    if content is not None:
        assert path.read_bytes() == content, "complete lines were changed"


def test_a_complete_last_line_that_is_not_json_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    content = orjson.dumps(posture_document(1)) + b"\nnot json at all\n"
    path.write_bytes(content)
    reports = Reports()
    assert AlertFileSink(path, reports).recovered_through() is None
    assert path.read_bytes() == content
    assert "not JSON" in reports.of("warning")[0]


def test_the_tail_of_a_big_file_is_read_not_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    with path.open("wb") as handle:
        for sequence in range(1, 50_001):
            handle.write(orjson.dumps(posture_document(sequence)) + b"\n")
        handle.write(b'{"torn": "')
    size = path.stat().st_size
    reports = Reports()
    before = _bytes_read()
    assert AlertFileSink(path, reports).recovered_through() == 50_000
    after = _bytes_read()
    assert path.stat().st_size == size - len(b'{"torn": "')
    if before is not None and after is not None:
        assert after - before < size // 10, "recovery read far more than the file's tail"


def test_a_last_line_longer_than_a_block_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    big = posture_document(8, columns={"padding": "y" * (2 * alert_file_module.BLOCK + 5)})
    path.write_bytes(orjson.dumps(posture_document(7)) + b"\n" + orjson.dumps(big) + b"\n")
    assert AlertFileSink(path, Reports()).recovered_through() == 8


def test_a_document_that_is_not_json_stops_the_batch_before_it(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    reports = Reports()
    sink = AlertFileSink(path, reports)
    bad = AlertEvent(2, {**posture_document(2), "oops": object()})
    assert sink.deliver([posture_event(1), bad, posture_event(3)]) == 1
    sink.close()
    assert _sequences(path) == [1]
    (error,) = reports.of("error")
    assert "sequence 2" in error


def test_an_unwritable_path_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file")
    reports = Reports()
    sink = AlertFileSink(blocker / "alerts.ndjson", reports)
    assert sink.deliver([posture_event(1)]) == 0
    assert "cannot append" in reports.of("error")[0]
    sink.close()


def test_writing_a_held_sequence_again_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "alerts.ndjson"
    first = AlertFileSink(path, Reports())
    first.deliver([posture_event(1), posture_event(2)])
    first.close()
    reports = Reports()
    again = AlertFileSink(path, reports)
    assert again.deliver([posture_event(2), posture_event(3)]) == 2
    again.close()
    assert _sequences(path) == [1, 2, 2, 3]
    assert "writing sequence 2 again" in reports.of("warning")[0]


def test_the_name_is_the_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sink = AlertFileSink(Path("sub/../alerts.ndjson"), Reports())
    assert sink.name == f"file:{tmp_path / 'alerts.ndjson'}"


def _bytes_read() -> int | None:
    """Bytes this process has read so far (Linux), or None where that cannot be told."""
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a full disk)")
def test_a_full_disk_is_reported_not_raised() -> None:
    reports = Reports()
    sink = AlertFileSink(Path("/dev/full"), reports)
    assert sink.deliver([posture_event(1), posture_event(2)]) == 0
    assert "write failed after 0 of 2 alert(s)" in reports.of("error")[0]
    sink.close()
