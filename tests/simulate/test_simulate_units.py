"""Small pieces: seeded ids, aws-cli command names, sweep timing, rule-filter knowledge."""

from __future__ import annotations

import random
import re
import uuid
from datetime import date

import orjson
import pytest

from trailsweep.simulate.calls_s3 import posture_call
from trailsweep.simulate.clock import DayClock, iso_millis, key_minute, window_start
from trailsweep.simulate.identity import Client, aws_service, iam_user
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Bucket
from trailsweep.simulate.record import RecordTemplate
from trailsweep.simulate.sweeps import (
    burst_times,
    canonical_ip,
    counted_by_rule,
    windowed_times,
)
from trailsweep.simulate.user_agents import cli_command

BUCKET = Bucket("kestrel-prod-reports", "us-east-1", "123456789012", False, True)
USER = iam_user("123456789012", "alice", "AIDAEXAMPLEEXAMPLE12", "AKIAEXAMPLEEXAMPLE12")


def test_ids_are_seeded_and_well_formed() -> None:
    a, b = IdSource(random.Random(9)), IdSource(random.Random(9))
    ids = [a.uuid4() for _ in range(200)]
    assert ids == [b.uuid4() for _ in range(200)]
    assert all(uuid.UUID(i).version == 4 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert len(set(ids)) == 200
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", a.access_key_id("AKIA"))
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", a.unique_id("AROA"))
    assert re.fullmatch(r"[0-9A-F]{16}", a.s3_request_id())
    assert re.fullmatch(r"[0-9a-f]{12}", a.hex(12))


def test_cli_commands() -> None:
    assert cli_command("s3.amazonaws.com", "GetBucketAcl") == "s3api.get-bucket-acl"
    assert cli_command("ec2.amazonaws.com", "DescribeInstances") == "ec2.describe-instances"
    assert cli_command("lambda.amazonaws.com", "ListFunctions20150331") == "lambda.list-functions"
    assert cli_command("monitoring.amazonaws.com", "GetMetricData") == "cloudwatch.get-metric-data"


def test_clock_formats() -> None:
    clock = DayClock(date(2026, 3, 14))
    assert clock.event_time(clock.start + 3_723) == "2026-03-14T01:02:03Z"
    assert clock.event_time(clock.start - 1) == "2026-03-13T23:59:59Z"
    assert iso_millis(clock.start + 10) == "2026-03-14T00:00:10.000Z"
    assert key_minute(clock.start + 59) == "20260314T0000Z"
    assert window_start(clock.start + 19) == clock.start + 10


def test_sweep_timing_stays_inside_windows() -> None:
    assert burst_times(100, 5, 4) == [100, 101, 102, 103, 104]
    assert burst_times(100, 1, 4) == [100]
    times = windowed_times(1000, 40, per_window=18, span=7)
    assert [sum(1 for t in times if w <= t < w + 10) for w in (1000, 1010, 1020)] == [18, 18, 4]
    with pytest.raises(ValueError):
        windowed_times(1000, 40, per_window=18, span=10)


def test_canonical_ip() -> None:
    assert canonical_ip("2003:00e1:0:0::1") == "2003:e1::1"
    assert canonical_ip("10.0.0.1") == "10.0.0.1"
    assert canonical_ip("config.amazonaws.com") is None
    assert canonical_ip("AWS Internal") is None


def test_counted_by_rule_mirrors_the_filters() -> None:
    office = Client("31.224.18.20", "aws-cli/2")
    ok = posture_call(BUCKET, "GetBucketAcl")
    assert counted_by_rule(USER, office, ok)
    assert not counted_by_rule(USER, office, posture_call(BUCKET, "GetBucketPolicy"))  # no policy
    assert not counted_by_rule(USER, office, posture_call(BUCKET, "GetBucketAcl", denied=True))
    assert not counted_by_rule(USER, Client("31.224.18.20", "x", console=True), ok)
    assert not counted_by_rule(USER, Client("config.amazonaws.com", "x"), ok)
    service = aws_service("cloudtrail.amazonaws.com")
    assert not counted_by_rule(service, Client("52.1.2.3", "x"), ok)


def test_template_rendering_refreshes_every_variable_field() -> None:
    template = RecordTemplate.of(
        USER, Client("31.224.18.20", "aws-cli/2"), posture_call(BUCKET, "GetBucketAcl"),
        "us-east-1", "123456789012",
    )  # fmt: skip
    ids = IdSource(random.Random(1))
    first = template.render("2026-03-14T00:00:01Z", ids.uuid4, ids.s3_request_id, ids.amz_id_2)
    second = template.render("2026-03-14T00:00:02Z", ids.uuid4, ids.s3_request_id, ids.amz_id_2)

    a, b = orjson.loads(first), orjson.loads(second)
    variable = ("eventTime", "eventID", "requestID", "additionalEventData")
    assert all(a[k] != b[k] for k in ("eventTime", "eventID", "requestID"))
    assert a["additionalEventData"]["x-amz-id-2"] != b["additionalEventData"]["x-amz-id-2"]
    assert a["userAgent"] == "[aws-cli/2]"
    assert {k: v for k, v in a.items() if k not in variable} == {
        k: v for k, v in b.items() if k not in variable
    }
