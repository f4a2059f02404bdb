"""eventTime parsing and Elastic's @timestamp format."""

from __future__ import annotations

import pytest

from trailsweep.normalize.timestamps import es_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-01T14:43:10Z", "2024-11-01T14:43:10.000Z"),
        ("2024-11-01T14:43:10.5Z", "2024-11-01T14:43:10.500Z"),
        ("2025-03-28T09:23:59.013285128Z", "2025-03-28T09:23:59.013Z"),
        ("2024-11-01T14:43:10+02:00", "2024-11-01T12:43:10.000Z"),
        ("2024-11-01T00:30:00-0130", "2024-11-01T02:00:00.000Z"),
        ("2024-11-01T14:43:10", "2024-11-01T14:43:10.000Z"),
        ("2024-11-01", "2024-11-01T00:00:00.000Z"),
    ],
)
def test_iso8601_variants(text: str, expected: str) -> None:
    assert es_timestamp(text) == expected


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2024-13-01T00:00:00Z", "2024-11-01T14:43:10Zjunk", "1730472190"]
)
def test_not_a_time(text: str) -> None:
    assert es_timestamp(text) is None
