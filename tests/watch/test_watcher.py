"""The watcher over a folder: windows close under the watermark, late events update alerts in
place, nothing is read or emitted twice across restarts, and the end result is a batch scan's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.scenarios.builders import Counter, posture_record, sweep
from tests.schedule.deliveries import deliver
from trailsweep.alerts import alert_document
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.sinks.alert_file import AlertFileSink
from trailsweep.sources.watch.folder import FolderSource
from trailsweep.watch import StateError, Watcher, WatchOptions, WatchState

Messages = list[tuple[str, str]]


class Harness:
    """A folder that files are delivered into, a watcher's state, and its NDJSON sink."""

    def __init__(self, root: Path, **options: Any) -> None:
        self.inbox = root / "inbox"
        self.inbox.mkdir()
        self.state_dir = root / "state"
        self.alerts_path = root / "alerts.ndjson"
        self.options = WatchOptions(**options)
        self.messages: Messages = []
        self.ids = Counter()

    def watcher(self) -> Watcher:
        report = lambda level, message: self.messages.append((level, message))  # noqa: E731
        state = WatchState(self.state_dir)
        sink = AlertFileSink(self.alerts_path, report)
        source = FolderSource(self.inbox, settle_seconds=0)
        return Watcher(source, state, bundled_rules(), [sink], self.options, report)

    def run(self) -> None:
        """Process everything new, as `watch --once` does, then let go of the state."""
        drain(self.watcher())

    def lines(self) -> list[dict[str, Any]]:
        if not self.alerts_path.exists():
            return []
        return [orjson.loads(line) for line in self.alerts_path.read_bytes().splitlines()]

    def final(self) -> dict[str, dict[str, Any]]:
        """The last revision of each alert, its watch bookkeeping left out."""
        latest: dict[str, dict[str, Any]] = {}
        for line in self.lines():
            latest[line["kibana.alert.uuid"]] = {
                k: v for k, v in line.items() if k != "trailsweep.watch"
            }
        return latest

    def batch(self) -> dict[str, dict[str, Any]]:
        """What one batch scan of everything delivered gives."""
        report = scan([self.inbox], bundled_rules())
        return {alert.uuid: alert_document(alert) for alert in report.alerts}


def drain(watcher: Watcher) -> None:
    """Step until nothing is new, then close the watcher and its state."""
    try:
        while watcher.step():
            pass
    finally:
        watcher.close()
        watcher.state.close()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    yield Harness(tmp_path)


def _later_event(ids: Counter, minute: int) -> dict[str, Any]:
    """One unrelated posture call `minute` minutes after 10:00: it moves the watermark."""
    return posture_record(ids, "other-bucket", second=minute * 60.0, source_ip="203.0.113.9")


def test_an_alert_waits_until_the_watermark_passes_its_window(harness: Harness) -> None:
    deliver(harness.inbox, sweep(harness.ids, 16), "1005", "a")
    harness.run()
    assert harness.lines() == []  # 10:00:10 is not yet 15 minutes behind the latest event
    deliver(harness.inbox, [_later_event(harness.ids, 16)], "1021", "b")
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.watch"]["action"] for line in lines] == ["created"]
    assert lines[0]["Esql.bucket_arn_count_distinct"] == 16
    assert lines[0]["trailsweep.watch"]["window"] == {
        "start": "2026-03-14T10:00:00Z",
        "end": "2026-03-14T10:00:10Z",
    }
    assert harness.final() == harness.batch()


def test_a_late_event_updates_the_alert_under_the_same_id(harness: Harness) -> None:
    deliver(harness.inbox, sweep(harness.ids, 16, step=0.5), "1005", "a")
    deliver(harness.inbox, [_later_event(harness.ids, 40)], "1045", "b")
    harness.run()
    late = [posture_record(harness.ids, f"late-{i}", second=2.0 + i) for i in range(2)]
    deliver(harness.inbox, late, "1300", "c")  # three hours late
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.watch"]["action"] for line in lines] == ["created", "updated"]
    assert [line["trailsweep.watch"]["revision"] for line in lines] == [1, 2]
    assert lines[0]["kibana.alert.uuid"] == lines[1]["kibana.alert.uuid"]
    assert [line["Esql.bucket_arn_count_distinct"] for line in lines] == [16, 18]
    assert harness.final() == harness.batch()
    watcher = harness.watcher()
    try:
        assert watcher.health().late_events == 2
    finally:
        watcher.close()
        watcher.state.close()


def test_a_late_file_that_completes_a_group_creates_its_alert(harness: Harness) -> None:
    deliver(harness.inbox, sweep(harness.ids, 15), "1005", "a")
    deliver(harness.inbox, [_later_event(harness.ids, 30)], "1035", "b")
    harness.run()
    assert harness.lines() == []
    deliver(harness.inbox, [posture_record(harness.ids, "straggler", second=5.0)], "1400", "c")
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.watch"]["action"] for line in lines] == ["created"]
    assert lines[0]["Esql.bucket_arn_count_distinct"] == 16
    assert harness.final() == harness.batch()


def test_a_restart_reads_and_emits_nothing_twice(harness: Harness) -> None:
    deliver(harness.inbox, sweep(harness.ids, 20), "1005", "a")
    deliver(harness.inbox, [_later_event(harness.ids, 20)], "1025", "b")
    harness.run()
    harness.run()
    assert len(harness.lines()) == 1
    watcher = harness.watcher()
    try:
        assert watcher.step() == 0
        assert watcher.health().files_processed == 2
        assert watcher.health().records_read == 21
    finally:
        watcher.close()
        watcher.state.close()


def test_the_sink_file_proves_what_it_holds_after_a_crash(harness: Harness) -> None:
    """Killed after writing the alert but before recording the delivery: the restart reads
    the file's last sequence and does not write the alert again."""
    deliver(harness.inbox, sweep(harness.ids, 17), "1005", "a")
    deliver(harness.inbox, [_later_event(harness.ids, 20)], "1025", "b")
    harness.run()
    state = WatchState(harness.state_dir)
    sink_name = f"file:{harness.alerts_path.resolve()}"
    assert state.delivered(sink_name) == 1
    state.set_delivered(sink_name, 0)  # as if the process died before this commit
    state.close()
    harness.run()
    assert len(harness.lines()) == 1


def test_flush_closes_every_open_window(tmp_path: Path) -> None:
    harness = Harness(tmp_path, flush=True)
    deliver(harness.inbox, sweep(harness.ids, 16), "1005", "a")
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.watch"]["action"] for line in lines] == ["created"]
    assert lines[0]["trailsweep.watch"]["flushed"] is True
    assert harness.final() == harness.batch()


def test_a_flush_after_late_input_closes_the_late_windows_too(tmp_path: Path) -> None:
    """Two `--once --flush` runs: the second brings a late file for a window the first flush
    closed; it is flushed again, and the alert updated."""
    harness = Harness(tmp_path, flush=True)
    deliver(harness.inbox, sweep(harness.ids, 16), "1005", "a")
    harness.run()
    late = [posture_record(harness.ids, "late-bucket", second=2.0)]
    deliver(harness.inbox, late, "1200", "b")
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.watch"]["action"] for line in lines] == ["created", "updated"]
    assert lines[1]["Esql.bucket_arn_count_distinct"] == 17
    assert harness.final() == harness.batch()


def test_events_beyond_retention_are_counted_and_reported(tmp_path: Path) -> None:
    harness = Harness(tmp_path, retention=timedelta(hours=1))
    deliver(harness.inbox, [_later_event(harness.ids, 180)], "1305", "a")
    harness.run()
    deliver(harness.inbox, sweep(harness.ids, 16), "1310", "b")
    harness.run()
    assert harness.lines() == []
    warnings = [message for level, message in harness.messages if level == "warning"]
    assert any("16 event(s) older than the retention horizon" in m for m in warnings)
    assert any("_bxxxxxxxxxxxxxxx.json.gz record 0" in m for m in warnings)
    watcher = harness.watcher()
    try:
        assert watcher.health().expired_events == 16
    finally:
        watcher.close()
        watcher.state.close()


def test_a_second_watcher_on_one_state_is_refused(tmp_path: Path) -> None:
    first = WatchState(tmp_path / "state")
    try:
        with pytest.raises(StateError, match="another watcher"):
            WatchState(tmp_path / "state")
    finally:
        first.close()
    WatchState(tmp_path / "state").close()


def test_a_file_that_vanishes_before_it_is_read_is_reported(harness: Harness) -> None:
    path = deliver(harness.inbox, sweep(harness.ids, 3), "1005", "a")
    watcher = harness.watcher()
    try:
        poll = watcher.source.poll(None, lambda key: False, 10)
        path.unlink()
        shutil.rmtree(harness.inbox / "AWSLogs")
        batch = watcher._read(poll.objects)
        assert batch.outcomes[0].counters.files_rejected == 1
    finally:
        watcher.close()
        watcher.state.close()
    assert any("vanished" in message for _, message in harness.messages)


def test_a_batch_that_fails_midway_leaves_the_state_as_it_was(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the batch's transaction (here: evaluation fails after the files and
    events were written) commits nothing: the restart reads the same files and emits once."""
    deliver(harness.inbox, sweep(harness.ids, 16), "1005", "a")
    deliver(harness.inbox, [_later_event(harness.ids, 20)], "1025", "b")
    import trailsweep.watch.watcher as watcher_module

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(watcher_module, "evaluate_periods", failing)
    watcher = harness.watcher()
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            watcher.step()
        assert watcher.state.known_files == set()
        assert watcher.state.event_count() == 0
        assert watcher.state.latest_event() is None
    finally:
        watcher.close()
        watcher.state.close()
    monkeypatch.undo()
    harness.run()
    (line,) = harness.lines()
    assert line["trailsweep.watch"]["sequence"] == 1
    assert harness.final() == harness.batch()
