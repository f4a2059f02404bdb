"""The trail key layout helpers and the S3 cursor's text form."""

from __future__ import annotations

import json
from datetime import date

import pytest

from trailsweep.sources.watch import SourceError
from trailsweep.sources.watch.trail_layout import (
    day_of,
    decode_cursor,
    encode_cursor,
    is_digest,
    is_layout_folder,
    is_year_folder,
)

PARENT = "logs/AWSLogs/111122223333/CloudTrail/us-east-1/"


def test_cursor_round_trips_and_is_stable() -> None:
    days = {
        PARENT: date(2026, 3, 14),
        "logs/AWSLogs/111122223333/CloudTrail/eu-west-1/": date(2026, 1, 2),
    }
    text = encode_cursor(days)
    assert json.loads(text) == {
        "version": 1,
        "days": {
            "logs/AWSLogs/111122223333/CloudTrail/eu-west-1/": "2026/01/02",
            PARENT: "2026/03/14",
        },
    }
    assert decode_cursor(text, "logs/", "s3://b/logs/") == days
    assert encode_cursor(dict(reversed(days.items()))) == text


def test_cursor_parents_outside_the_prefix_are_dropped() -> None:
    text = encode_cursor({PARENT: date(2026, 3, 14)})
    assert decode_cursor(text, "other/", "s3://b/other/") == {}
    assert decode_cursor(None, "", "s3://b/") == {}


@pytest.mark.parametrize(
    "cursor",
    [
        "not json",
        "[]",
        '{"version": 2, "days": {}}',
        '{"version": 1, "days": {"p/": "2026/13/01"}}',
    ],
)
def test_a_foreign_cursor_is_a_source_error(cursor: str) -> None:
    with pytest.raises(SourceError, match="s3://b/: the saved position is not an S3 cursor"):
        decode_cursor(cursor, "", "s3://b/")


def test_layout_names() -> None:
    assert day_of("2026/03/14/x.json.gz") == date(2026, 3, 14)
    assert day_of("2026/02/30/x.json.gz") is None
    assert day_of("2026/03/x.json.gz") is None
    assert is_year_folder(f"{PARENT}2026/")
    assert not is_year_folder(f"{PARENT}")
    assert is_digest("AWSLogs/1/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz")
    assert not is_digest("AWSLogs/1/CloudTrail/us-east-1/2026/03/14/CloudTrail-Digest.json.gz")
    for folder in ("AWSLogs/", "x/123456789012/", "o-abcdefghij/", "a/us-gov-west-1/"):
        assert is_layout_folder(folder)
    assert not is_layout_folder("exports/3f2a9c/")
