"""Elastic's schedule: run times, inclusive ranges, overlap, and the rule's own settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trailsweep.rules import bundled_rules
from trailsweep.schedule import (
    ScheduleError,
    format_span,
    parse_from,
    parse_span,
    schedule_for,
)

RULE = bundled_rules()[0]


def _at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 14, hour, minute, second, tzinfo=UTC)


def test_the_seed_rule_runs_every_5m_over_6m_by_event_ingested() -> None:
    schedule = schedule_for(RULE)
    assert schedule.interval == timedelta(minutes=5)
    assert schedule.lookback == timedelta(minutes=6)
    assert schedule.overlap == timedelta(minutes=1)
    assert schedule.selected_by == "event.ingested"
    assert schedule.describe() == "every 5m over now-6m (1m overlap), selecting by event.ingested"


def test_default_runs_start_30s_past_the_interval_boundaries() -> None:
    schedule = schedule_for(RULE)
    runs = [schedule.run(k) for k in schedule.run_indexes(_at(10, 4), _at(10, 4))]
    assert [run.label for run in runs] == ["2026-03-14T10:05:30Z"]
    assert runs[0].start == _at(9, 59, 30)
    both = [schedule.run(k).label for k in schedule.run_indexes(_at(10, 5), _at(10, 5))]
    assert both == ["2026-03-14T10:05:30Z", "2026-03-14T10:10:30Z"]


def test_both_ends_of_a_range_are_inclusive() -> None:
    # Kibana's time-range filter is gte/lte: a document on a run's edge is in both runs.
    schedule = schedule_for(RULE, first_run=_at(10, 5))
    labels = [schedule.run(k).label for k in schedule.run_indexes(_at(10, 4), _at(10, 4))]
    assert labels == ["2026-03-14T10:05:00Z", "2026-03-14T10:10:00Z"]
    labels = [schedule.run(k).label for k in schedule.run_indexes(_at(10, 5), _at(10, 5))]
    assert labels == ["2026-03-14T10:05:00Z", "2026-03-14T10:10:00Z"]
    run = schedule.run(0)
    assert run.selects(_at(9, 59), _at(9, 59)) and run.selects(_at(10, 5), _at(10, 5))
    assert not run.selects(_at(9, 58, 59), _at(9, 58, 59))


def test_a_run_only_sees_what_was_ingested_before_it_starts() -> None:
    schedule = schedule_for(replace(RULE, timestamp_override=None))
    assert schedule.selected_by == "@timestamp"
    # @timestamp 10:00 but ingested at 13:42: every run covering 10:00 started before 13:42.
    assert list(schedule.run_indexes(_at(10, 0), _at(13, 42))) == []
    assert len(schedule.run_indexes(_at(10, 0), _at(10, 3))) == 1


def test_a_lookback_shorter_than_the_interval_leaves_gaps() -> None:
    schedule = schedule_for(RULE, interval=timedelta(minutes=5), lookback=timedelta(minutes=4))
    assert schedule.overlap == timedelta(0)
    assert list(schedule.run_indexes(_at(10, 1), _at(10, 1))) == []


def test_spans_and_from() -> None:
    assert parse_from("now-6m") == timedelta(minutes=6)
    assert parse_from("now-1h") == timedelta(hours=1)
    assert parse_span("90s") == timedelta(seconds=90)
    assert format_span(timedelta(hours=3, minutes=45, seconds=24)) == "3h 45m"
    with pytest.raises(ScheduleError, match="not a time span"):
        parse_span("5 fortnights")
    with pytest.raises(ScheduleError, match="interval"):
        schedule_for(replace(RULE, interval="soon"))
    with pytest.raises(ScheduleError, match="timestamp_override 'event.created'"):
        schedule_for(replace(RULE, timestamp_override="event.created"))
