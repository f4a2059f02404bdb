"""`compare_schedule` and `replay_schedule` on hand-built deliveries with exact expectations.

Every burst is 20 posture calls on 20 buckets at 10:00:01-10:00:05.75 (one 10-s window, one
principal and IP), so event time raises exactly one alert for it. Runs start at :x0:30/:x5:30.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from tests.scenarios.builders import Counter, sweep
from tests.schedule.deliveries import deliver
from trailsweep.rules import bundled_rules
from trailsweep.schedule import ScheduleSettings, compare_schedule, replay_schedule, run_alert_id

RULE = bundled_rules()[0]
COUNT = "Esql.bucket_arn_count_distinct"


def _burst() -> list[dict[str, object]]:
    return sweep(Counter(), 20)


def test_a_window_split_across_two_runs_is_missed(tmp_path: Path) -> None:
    records = _burst()
    deliver(tmp_path, records[:10], "1004", "a")  # run 10:05:30 only
    deliver(tmp_path, records[10:], "1006", "b")  # run 10:10:30 only
    comparison = compare_schedule([tmp_path], [RULE])
    (entry,) = comparison.alerts
    assert entry.status == "missed" and entry.runs == ()
    assert entry.alert.values[COUNT] == 20
    assert entry.reason == (
        "window split across runs: "
        f"run 2026-03-14T10:05:30Z saw 10 of 20 events ({COUNT}=10), "
        f"run 2026-03-14T10:10:30Z saw 10 of 20 events ({COUNT}=10) "
        "(ingested 2026-03-14T10:04:00Z to 2026-03-14T10:06:00Z, up to 5m 59s after the events) "
        f"(event time: {COUNT}=20)"
    )
    assert comparison.count("missed") == 1 and comparison.count("duplicate") == 0


def test_a_window_in_the_overlap_of_two_runs_is_a_duplicate(tmp_path: Path) -> None:
    deliver(tmp_path, _burst(), "1005", "a")  # in [09:59:30, 10:05:30] and [10:04:30, 10:10:30]
    comparison = compare_schedule([tmp_path], [RULE])
    (entry,) = comparison.alerts
    assert entry.status == "duplicate"
    assert [run.label for run in entry.runs] == ["2026-03-14T10:05:30Z", "2026-03-14T10:10:30Z"]
    assert entry.reason == (
        "raised by runs 2026-03-14T10:05:30Z and 2026-03-14T10:10:30Z, whose ranges overlap by "
        "1m (ingested 2026-03-14T10:05:00Z, up to 4m 59s after the events); an aggregating "
        "rule's alert gets a new id in every run"
    )


def test_each_run_of_a_duplicate_gives_its_own_elastic_id(tmp_path: Path) -> None:
    deliver(tmp_path, _burst(), "1005", "a")
    (replay,) = replay_schedule([tmp_path], [RULE]).rules
    assert replay.aggregating
    assert [(r.run.label, r.events, len(r.alerts)) for r in replay.runs] == [
        ("2026-03-14T10:05:30Z", 20, 1),
        ("2026-03-14T10:10:30Z", 20, 1),
    ]
    first, second = (result.alerts[0] for result in replay.runs)
    assert first.uuid == second.uuid  # trailsweep's id: the same group
    ids = {run_alert_id(RULE, result.run, 0) for result in replay.runs}
    assert len(ids) == 2  # Elastic's: one per run


def test_a_burst_in_one_late_file_is_found_hours_later(tmp_path: Path) -> None:
    # Selection by ingest time: a file delivered 3h42m late is searched by the run after it.
    deliver(tmp_path, _burst(), "1342", "a")
    (entry,) = compare_schedule([tmp_path], [RULE]).alerts
    assert entry.status == "matched"
    assert [run.label for run in entry.runs] == ["2026-03-14T13:45:30Z"]
    assert entry.reason == "raised by run 2026-03-14T13:45:30Z, 3h 45m after its last event"


def test_a_burst_half_in_a_late_file_is_missed(tmp_path: Path) -> None:
    records = _burst()
    deliver(tmp_path, records[:12], "1004", "a")
    deliver(tmp_path, records[12:], "1342", "b")
    (entry,) = compare_schedule([tmp_path], [RULE]).alerts
    assert entry.status == "missed"
    assert entry.reason.startswith(
        "window split across runs: "
        f"run 2026-03-14T10:05:30Z saw 12 of 20 events ({COUNT}=12), "
        f"run 2026-03-14T13:45:30Z saw 8 of 20 events ({COUNT}=8) "
        "(ingested 2026-03-14T10:04:00Z to 2026-03-14T13:42:00Z, up to 3h 41m after the events)"
    )


def test_selecting_by_timestamp_never_sees_a_late_file(tmp_path: Path) -> None:
    # Without timestamp_override, runs search @timestamp, and the runs covering 10:00 all
    # started before the file was ingested.
    deliver(tmp_path, _burst(), "1342", "a")
    rule = replace(RULE, timestamp_override=None)
    (entry,) = compare_schedule([tmp_path], [rule]).alerts
    assert entry.status == "missed"
    assert entry.reason.startswith(
        "20 of 20 events were ingested after every run whose range covered their @timestamp "
        "(ingested 2026-03-14T13:42:00Z"
    )


def test_an_on_time_burst_matches_one_run(tmp_path: Path) -> None:
    records = _burst()
    deliver(tmp_path, records[:10], "1003", "a")
    deliver(tmp_path, records[10:], "1004", "b")
    (entry,) = compare_schedule([tmp_path], [RULE]).alerts
    assert entry.status == "matched"
    assert [run.label for run in entry.runs] == ["2026-03-14T10:05:30Z"]


def test_first_run_on_a_minute_makes_the_edge_minute_count_twice(tmp_path: Path) -> None:
    deliver(tmp_path, _burst(), "1004", "a")
    settings = ScheduleSettings(first_run=datetime(2026, 3, 14, 10, 5, tzinfo=UTC))
    (entry,) = compare_schedule([tmp_path], [RULE], settings=settings).alerts
    assert entry.status == "duplicate"
    assert [run.label for run in entry.runs] == ["2026-03-14T10:05:00Z", "2026-03-14T10:10:00Z"]


def test_a_file_without_a_stamp_uses_its_mtime_and_says_so(tmp_path: Path) -> None:
    path = deliver(tmp_path, _burst(), "1004", "a")
    renamed = path.with_name("export.json.gz")
    path.rename(renamed)
    os.utime(renamed, (1_773_484_920, 1_773_484_920))  # 10:42:00Z
    messages: list[tuple[str, str]] = []
    comparison = compare_schedule(
        [tmp_path], [RULE], on_diagnostic=lambda level, text: messages.append((level, text))
    )
    (entry,) = comparison.alerts
    assert [run.label for run in entry.runs] == ["2026-03-14T10:45:30Z"]
    assert [f.ingest.source for f in comparison.files] == ["mtime"]
    assert any(
        level == "warning" and "modification time stands in for event.ingested" in text
        for level, text in messages
    )


def test_no_alert_no_entry(tmp_path: Path) -> None:
    deliver(tmp_path, sweep(Counter(), 15), "1004", "a")
    comparison = compare_schedule([tmp_path], [RULE])
    assert comparison.alerts == ()
    assert len(comparison.rules[0].runs) == 1
