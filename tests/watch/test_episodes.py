"""`--episodes`: consecutive windows of one principal and IP over the threshold are one alert,
extended in place by late windows; two episodes a late window joins are merged."""

from __future__ import annotations

from pathlib import Path

from tests.scenarios.builders import posture_record, sweep
from tests.schedule.deliveries import deliver
from tests.watch.test_watcher import Harness

BUCKETS = "Esql.aws_cloudtrail_resources_arn_values"


def _move_watermark(harness: Harness, minute: int, tag: str) -> None:
    later = posture_record(harness.ids, "other", second=minute * 60.0, source_ip="203.0.113.9")
    deliver(harness.inbox, [later], f"10{minute:02d}", tag)


def test_a_thirty_second_sweep_is_one_episode(tmp_path: Path) -> None:
    harness = Harness(tmp_path, episodes=True)
    # Every half second from 10:00:00.5 to 10:00:30: 19, 20 and 20 buckets in the first three
    # windows, then one in the fourth (under the threshold).
    deliver(harness.inbox, sweep(harness.ids, 60, start=0.5, step=0.5), "1005", "a")
    _move_watermark(harness, 20, "b")
    harness.run()
    (line,) = harness.lines()
    assert line["trailsweep.watch"]["action"] == "created"
    episode = line["trailsweep.episode"]
    assert episode["start"] == "2026-03-14T10:00:00Z"
    assert episode["end"] == "2026-03-14T10:00:30Z"
    assert episode["windows"] == 3
    assert episode["distinct"][BUCKETS] == 59
    assert len(line[BUCKETS]) == 59
    assert line["Esql.bucket_arn_count_distinct"] == 20  # the busiest window
    assert len(line["trailsweep.evidence.event_ids"]) == 59
    batch = harness.batch()
    assert len(batch) == 3
    assert sorted(episode["window_alert_uuids"]) == sorted(batch)


def test_a_late_window_that_joins_two_episodes_merges_them(tmp_path: Path) -> None:
    harness = Harness(tmp_path, episodes=True)
    first = sweep(harness.ids, 18, start=0.5, step=0.5)  # 10:00:00-10:00:09: 18 buckets
    gap = [posture_record(harness.ids, f"gap-{i}", second=10.5 + i) for i in range(9)]
    third = [posture_record(harness.ids, f"third-{i}", second=20.2 + i * 0.5) for i in range(17)]
    deliver(harness.inbox, first + gap + third, "1005", "a")
    _move_watermark(harness, 20, "b")
    harness.run()
    lines = harness.lines()
    assert [line["trailsweep.episode"]["windows"] for line in lines] == [1, 1]
    earlier, later = lines[0]["kibana.alert.uuid"], lines[1]["kibana.alert.uuid"]
    assert earlier != later
    # Hours later, the rest of the middle window arrives: 9 + 8 = 17 buckets, over 15.
    late = [posture_record(harness.ids, f"late-{i}", second=11.0 + i) for i in range(8)]
    deliver(harness.inbox, late, "1300", "c")
    harness.run()
    lines = harness.lines()
    assert len(lines) == 4
    updates = {line["kibana.alert.uuid"]: line for line in lines[2:]}
    grown = updates[earlier]
    assert grown["trailsweep.watch"]["action"] == "updated"
    assert grown["trailsweep.episode"]["windows"] == 3
    assert grown["trailsweep.episode"]["distinct"][BUCKETS] == 18 + 17 + 17
    closed = updates[later]
    assert closed["trailsweep.episode"]["merged_into"] == earlier
    assert closed["trailsweep.watch"]["revision"] == 2


def test_without_episodes_each_window_is_its_own_alert(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    deliver(harness.inbox, sweep(harness.ids, 60, start=0.5, step=0.5), "1005", "a")
    _move_watermark(harness, 20, "b")
    harness.run()
    assert len(harness.lines()) == 3
    assert harness.final() == harness.batch()
