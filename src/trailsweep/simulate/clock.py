"""Time arithmetic for the simulated day: epoch seconds, CloudTrail's formats, daily rhythms."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

SLOT_SECONDS = 300
"""CloudTrail writes one log file per region roughly every five minutes."""

WINDOW_SECONDS = 10
"""The rule's `date_trunc(10 seconds, @timestamp)`: epoch-aligned tumbling windows."""

DAY_SECONDS = 86_400
SLOTS_PER_DAY = DAY_SECONDS // SLOT_SECONDS

# Within-day clock strings are looked up, not formatted: background asks for one per record.
_CLOCK = tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(DAY_SECONDS))


def day_start(day: date) -> int:
    """Epoch seconds of midnight UTC at the start of `day`."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def iso_seconds(ts: int) -> str:
    """`eventTime` format: `YYYY-MM-DDTHH:MM:SSZ`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_millis(ts: int) -> str:
    """How Elastic renders a `date` (e.g. `Esql.time_window_date_trunc`): `...T12:00:10.000Z`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def key_minute(ts: int) -> str:
    """Log-file key timestamp `YYYYMMDDTHHmmZ`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%dT%H%MZ")


def key_second(ts: int) -> str:
    """Digest-file key timestamp `YYYYMMDDTHHmmssZ`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%dT%H%M%SZ")


def key_date_path(ts: int) -> str:
    """The `YYYY/MM/DD` folder of a key; CloudTrail files it under the delivery date."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y/%m/%d")


def window_start(ts: int) -> int:
    """Start of the epoch-aligned 10-second window holding `ts`."""
    return ts - ts % WINDOW_SECONDS


class DayClock:
    """Formats event times of one UTC day quickly (the hot path) and any other time correctly."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.start = day_start(day)
        self._prefix = f"{day.isoformat()}T"

    def event_time(self, ts: int) -> str:
        """`eventTime` string of `ts`."""
        offset = ts - self.start
        if 0 <= offset < DAY_SECONDS:
            return self._prefix + _CLOCK[offset]
        return iso_seconds(ts)


def office_hours_weight(hour: float) -> float:
    """Relative human activity by UTC hour: a team in Europe and US East, quiet at night."""
    europe = math.exp(-(((hour - 11.0) / 3.2) ** 2))
    us_east = 0.8 * math.exp(-(((hour - 17.5) / 3.0) ** 2))
    return 0.04 + europe + us_east


def nightly_weight(hour: float) -> float:
    """Relative activity of scheduled batch work, concentrated in the early UTC morning."""
    return 0.15 + math.exp(-(((hour - 2.5) / 1.5) ** 2))
