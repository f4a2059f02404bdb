"""Where a rule's alerts sit in event time: its time bucket, its periods, or neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import trailsweep
from trailsweep.engine.plan import plan_rule
from trailsweep.rules import bundled_rules, load_rule_file
from trailsweep.watch import WindowError, window_shape
from trailsweep.watch.windows import floor_time

SHARED_RULES = Path(__file__).resolve().parents[3] / "shared" / "rules" / "elastic-aws-esql"


def test_the_seed_rule_groups_by_a_ten_second_bucket() -> None:
    shape = window_shape(plan_rule(bundled_rules()[0]))
    assert shape.aggregating and not shape.per_period
    assert shape.bucket_column == "Esql.time_window_date_trunc"
    assert shape.span == timedelta(seconds=10)
    assert shape.period == timedelta(minutes=5)
    start = datetime(2026, 3, 14, 10, 0, 0, tzinfo=UTC)
    assert shape.window_end("2026-03-14T10:00:00.000Z") == start + timedelta(seconds=10)


def test_the_window_parameter_changes_the_span_and_keeps_periods_whole() -> None:
    shape = window_shape(plan_rule(bundled_rules()[0], {"window": "7 seconds"}))
    assert shape.span == timedelta(seconds=7)
    assert shape.period == timedelta(seconds=301)  # 43 windows: at least five minutes
    assert shape.period % timedelta(seconds=7) == timedelta(0)


def test_floor_time_is_epoch_aligned() -> None:
    moment = datetime(2026, 3, 14, 10, 4, 59, tzinfo=UTC)
    assert floor_time(moment, timedelta(minutes=5)) == datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
    assert floor_time(moment, timedelta(seconds=7)).timestamp() % 7 == 0


@pytest.mark.skipif(not SHARED_RULES.is_dir(), reason="../shared/rules is not beside the project")
def test_elastic_rules_without_a_bucket_are_evaluated_per_period() -> None:
    shapes = {
        path.stem: window_shape(plan_rule(load_rule_file(path)))
        for path in sorted(SHARED_RULES.glob("*.toml"))
    }
    quotas = shapes["discovery_servicequotas_multi_region_service_quota_requests"]
    assert quotas.span == timedelta(seconds=30)
    user_data = shapes["execution_ec2_stop_start_with_user_data_modification"]
    assert user_data.span == timedelta(minutes=5)
    asn = shapes["initial_access_aws_api_unusual_asn"]
    assert asn.per_period and asn.period == timedelta(hours=1)  # its interval
    row_rule = shapes["impact_s3_object_encryption_with_external_key"]
    assert not row_rule.aggregating


def test_a_calendar_bucket_is_refused(tmp_path: Path) -> None:
    bundled = (
        Path(trailsweep.__file__).parent / "rules/bundled/s3_rapid_bucket_posture_api_calls.toml"
    )
    text = bundled.read_text().replace("date_trunc(?window", "date_trunc(1 month")
    path = tmp_path / "monthly.toml"
    path.write_text(text)
    with pytest.raises(WindowError, match="calendar bucket"):
        window_shape(plan_rule(load_rule_file(path)))
