"""`--since/--until`: whole days pruned by partition, and exactly [since, until) by @timestamp."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.scenarios.builders import Counter, posture_record, sweep
from tests.store.conftest import documents, write_records
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules
from trailsweep.store import EventStore, IngestOptions, TimeRange, scan_store


def _at(ids: Counter, when: str, bucket: str = "lonely") -> dict[str, Any]:
    return posture_record(ids, bucket, eventTime=when)


def _moved(records: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [{**r, "eventTime": r["eventTime"].replace("2026-03-14", day)} for r in records]


def _time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["eventTime"].replace("Z", ""))


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    ids = Counter()
    return [
        _at(ids, "2026-03-13T23:59:59.999Z"),
        _at(ids, "2026-03-14T00:00:00Z"),
        *sweep(ids, 20),  # 2026-03-14T10:00:01 .. 10:00:05.75: one alert
        *_moved(sweep(ids, 20, source_ip="203.0.113.9"), "2026-03-15"),
        _at(ids, "2026-03-15T23:59:59Z"),
        _at(ids, "2026-03-16T00:00:00Z"),
    ]


@pytest.fixture(scope="module")
def store(records: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> EventStore:
    folder = tmp_path_factory.mktemp("range")
    write_records(folder / "in" / "first.json.gz", records[:25])
    write_records(folder / "in" / "second.json.gz", records[25:])
    store = EventStore(folder / "store")
    store.ingest([folder / "in"], IngestOptions(batch_rows=1))  # one batch per file
    return store


def test_days(store: EventStore) -> None:
    assert store.days() == [date(2026, 3, day) for day in (13, 14, 15, 16)]


WINDOWS = [
    (None, None),
    (datetime(2026, 3, 14), None),
    (None, datetime(2026, 3, 14)),
    (datetime(2026, 3, 14), datetime(2026, 3, 15)),
    (datetime(2026, 3, 14, 10, 0, 3), datetime(2026, 3, 15, 0, 0, 2)),
    (datetime(2026, 3, 13, 23, 59, 59, 999000), datetime(2026, 3, 14, 0, 0, 0, 1000)),
    (datetime(2026, 3, 15, 23, 59, 59), datetime(2026, 3, 16)),
    (datetime(2026, 3, 17), None),
]


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_relation_selects_exactly_the_range(
    store: EventStore,
    records: list[dict[str, Any]],
    since: datetime | None,
    until: datetime | None,
) -> None:
    expected = sorted(
        r["eventID"]
        for r in records
        if (since is None or _time(r) >= since) and (until is None or _time(r) < until)
    )
    connection = duckdb.connect()
    relation = store.relation(connection, since, until, fields=["event.id", "@timestamp"])
    assert sorted(row[0] for row in relation.project('"event.id"').fetchall()) == expected
    parts = store.snapshot().parts(TimeRange(since, until))
    assert all(TimeRange(since, until).meets_day(part.date) for part in parts)


@pytest.mark.parametrize(("since", "until"), WINDOWS)
@pytest.mark.parametrize("threshold", [15, 10])
def test_scan_of_a_range_equals_a_scan_of_its_records(
    store: EventStore,
    records: list[dict[str, Any]],
    tmp_path: Path,
    since: datetime | None,
    until: datetime | None,
    threshold: int,
) -> None:
    inside = [
        r
        for r in records
        if (since is None or _time(r) >= since) and (until is None or _time(r) < until)
    ]
    options = ScanOptions(parameters={"threshold": threshold})
    rules = bundled_rules()
    from_store = documents(scan_store(store.path, rules, options, since, until))
    direct = documents(scan([write_records(tmp_path / "inside.json", inside)], rules, options))
    locations = "trailsweep.evidence.records"
    # Same alerts; the evidence locations name the ingested files, not the test's copy.
    assert [{k: v for k, v in d.items() if k != locations} for d in from_store] == [
        {k: v for k, v in d.items() if k != locations} for d in direct
    ]
    for document in from_store:
        assert len(document[locations]) == len(document["trailsweep.evidence.event_ids"])
        assert all(" record " in location for location in document[locations])


def test_a_range_cuts_a_burst(store: EventStore) -> None:
    rules, options = bundled_rules(), ScanOptions(parameters={"threshold": 10})
    whole = scan_store(store.path, rules, options)
    cut = scan_store(store.path, rules, options, since=datetime(2026, 3, 14, 10, 0, 3))
    counts = [a.values["Esql.bucket_arn_count_distinct"] for a in whole.alerts]
    assert counts == [20, 20]
    # 8 of the first burst's calls fall before 10:00:03.
    assert [a.values["Esql.bucket_arn_count_distinct"] for a in cut.alerts] == [12, 20]
    assert cut.summary.records_evaluated == whole.summary.records_evaluated - 2 - 8


def test_time_range_tests() -> None:
    window = TimeRange(datetime(2026, 3, 14, 12), datetime(2026, 3, 15))
    assert not window.meets_day(date(2026, 3, 13))
    assert window.meets_day(date(2026, 3, 14))
    assert not window.meets_day(date(2026, 3, 15))  # until is exclusive
    assert not window.meets_day(None) and TimeRange().meets_day(None)
    assert TimeRange(None, datetime(2026, 3, 15, 0, 0, 1)).meets_day(date(2026, 3, 15))
