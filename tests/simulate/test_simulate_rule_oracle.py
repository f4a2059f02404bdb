"""An independent reading of the written files agrees with the manifest's expected alerts."""

from __future__ import annotations

from .conftest import SimulatedDay
from .trail_files import all_records, iso_millis, posture_groups

RULE_ID = "a7577205-88a1-4a08-85d4-7b72a9a2e969"


def test_rule_over_the_files_raises_exactly_the_expected_alerts(day: SimulatedDay) -> None:
    groups = posture_groups(all_records(day.files))
    found = sorted(
        (arn, ip, iso_millis(window), len(group.buckets), sorted(group.event_ids))
        for (arn, ip, window), group in groups.items()
        if len(group.buckets) > 15
    )
    expected = sorted(
        (
            alert["aws.cloudtrail.user_identity.arn"],
            alert["source.ip"],
            alert["Esql.time_window_date_trunc"],
            alert["Esql.bucket_arn_count_distinct"],
            alert["event_ids"],
        )
        for alert in day.document["expected_alerts"]
    )
    assert found == expected
    assert len(expected) == day.document["expected_alert_count"] == 7
    assert {alert["rule_id"] for alert in day.document["expected_alerts"]} == {RULE_ID}


def test_background_stays_far_below_the_threshold(day: SimulatedDay) -> None:
    injected = {e for s in day.document["scenarios"] for e in s["event_ids"]}
    background = (r for r in all_records(day.files) if r["eventID"] not in injected)
    groups = posture_groups(background)
    assert groups, "background should include some counted posture calls"
    widest = max(len(group.buckets) for group in groups.values())
    print(f"widest background group: {widest} distinct buckets in one 10-s window")
    assert widest <= 15


def test_scenario_alerts_are_listed_per_scenario_and_in_total(day: SimulatedDay) -> None:
    per_scenario = [a for s in day.document["scenarios"] for a in s["expected_alerts"]]
    assert sorted(map(repr, per_scenario)) == sorted(map(repr, day.document["expected_alerts"]))
    for scenario in day.document["scenarios"]:
        assert scenario["expected_alert_count"] == len(scenario["expected_alerts"])
        assert all(a["scenario"] == scenario["name"] for a in scenario["expected_alerts"])
