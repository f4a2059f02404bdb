"""The manifest's counts, ids and time range match the files on disk."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime

from trailsweep.simulate import read_manifest

from .conftest import SimulatedDay
from .trail_files import all_records, digest_files, epoch

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
MILLIS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$")


def test_manifest_on_disk_is_the_returned_manifest(day: SimulatedDay) -> None:
    assert read_manifest(day.root / "manifest.json") == day.manifest.to_json() == day.document
    assert day.manifest.records_written == day.document["records_written"]
    assert day.manifest.files_written == day.document["files_written"]
    assert day.manifest.expected_alert_count == len(day.manifest.expected_alerts)


def test_generator_arguments_are_recorded(day: SimulatedDay) -> None:
    args = day.document["args"]
    assert args["events"] == 20_000 and args["seed"] == 1 and args["day"] == "2026-03-14"
    assert len(args["account_ids"]) == 2 and len(args["regions"]) == 3
    assert args["late_files"] == 0.0


def test_counts_match_the_files(day: SimulatedDay) -> None:
    records = list(all_records(day.files))
    ids = Counter(r["eventID"] for r in records)
    doc = day.document
    assert doc["records_written"] == len(records)
    assert abs(doc["records_written"] - 20_000) <= 200
    assert doc["distinct_events"] == len(ids)
    assert doc["duplicate_records"] == len(records) - len(ids) == len(doc["duplicated_event_ids"])
    assert doc["files_written"] == len(day.files)
    assert doc["digest_files_written"] == len(digest_files(day.root))
    assert doc["scenario_records"] == sum(len(s["event_ids"]) for s in doc["scenarios"])
    assert (
        doc["background_records"] + doc["scheduled_job_records"] + doc["scenario_records"]
        == doc["distinct_events"]
    )


def test_duplicates_are_delivered_in_two_files(day: SimulatedDay) -> None:
    files_of: dict[str, list[str]] = defaultdict(list)
    for key, records in day.files.items():
        for record in records:
            files_of[record["eventID"]].append(key)
    twice = sorted(e for e, keys in files_of.items() if len(keys) > 1)
    assert 3 <= len(twice) <= 10
    assert twice == sorted(day.document["duplicated_event_ids"])
    assert all(len(set(files_of[e])) == 2 for e in twice)


def test_time_range_covers_events_and_deliveries(day: SimulatedDay) -> None:
    times = [epoch(r["eventTime"]) for r in all_records(day.files)]
    span = day.document["time_range"]
    assert all(ISO.match(v) for v in span.values())
    assert epoch(span["first_event"]) == min(times)
    assert epoch(span["last_event"]) == max(times)
    stamps = [
        int(datetime.strptime(k.rsplit("_", 2)[1], "%Y%m%dT%H%MZ").replace(tzinfo=UTC).timestamp())
        for k in day.files
    ]
    assert epoch(span["first_delivery"]) // 60 * 60 == min(stamps)
    assert epoch(span["last_delivery"]) // 60 * 60 == max(stamps)


def test_expected_alerts_have_the_rule_output_fields(day: SimulatedDay) -> None:
    for alert in day.document["expected_alerts"]:
        assert set(alert) == {
            "rule_id", "scenario", "aws.cloudtrail.user_identity.arn", "source.ip",
            "Esql.time_window_date_trunc", "Esql.bucket_arn_count_distinct", "event_ids",
        }  # fmt: skip
        assert MILLIS.match(alert["Esql.time_window_date_trunc"])
        assert alert["Esql.time_window_date_trunc"][18] == "0"  # a multiple of 10 seconds
        assert alert["event_ids"] == sorted(set(alert["event_ids"]))
        assert alert["Esql.bucket_arn_count_distinct"] > 15
    for scenario in day.document["scenarios"]:
        assert ISO.match(scenario["start"]) and ISO.match(scenario["end"])
        assert scenario["record_count"] == len(scenario["event_ids"])
        assert set(scenario["follow_on_event_ids"]) <= set(scenario["event_ids"])
