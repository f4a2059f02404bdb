"""Stable alert ids and ES|QL-style JSON values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from trailsweep.alerts import alert_uuid, format_timestamp, json_value


def test_alert_uuid_is_stable_and_depends_on_every_part() -> None:
    base = alert_uuid("rule", "1", ["2026-03-14T10:00:00.000Z", "arn", "1.2.3.4"])
    assert base == alert_uuid("rule", "1", ["2026-03-14T10:00:00.000Z", "arn", "1.2.3.4"])
    assert base != alert_uuid("rule", "2", ["2026-03-14T10:00:00.000Z", "arn", "1.2.3.4"])
    assert base != alert_uuid("other", "1", ["2026-03-14T10:00:00.000Z", "arn", "1.2.3.4"])
    assert base != alert_uuid("rule", "1", ["2026-03-14T10:00:10.000Z", "arn", "1.2.3.4"])
    assert base != alert_uuid("rule", "1", ["2026-03-14T10:00:00.000Z", "arn", "1.2.3.5"])
    # Pinned: the id is a published contract, it must not drift between releases.
    assert base == "4b4eda94-e533-57c3-9b3b-d8fffac75e76"


def test_format_timestamp_is_utc_with_milliseconds() -> None:
    assert format_timestamp(datetime(2026, 3, 14, 10, 0, 1, 999_999)) == "2026-03-14T10:00:01.999Z"
    plus_two = timezone(timedelta(hours=2))
    assert (
        format_timestamp(datetime(2026, 3, 14, 12, 0, tzinfo=plus_two))
        == "2026-03-14T10:00:00.000Z"
    )
    assert format_timestamp(datetime(2026, 3, 14, tzinfo=UTC)) == "2026-03-14T00:00:00.000Z"


def test_json_value_collapses_single_value_lists_like_esql() -> None:
    assert json_value(["a"]) == "a"
    assert json_value(["a", "b"]) == ["a", "b"]
    assert json_value([]) is None
    assert json_value([None]) is None
    assert json_value([datetime(2026, 1, 1)]) == "2026-01-01T00:00:00.000Z"
    assert json_value(16) == 16
