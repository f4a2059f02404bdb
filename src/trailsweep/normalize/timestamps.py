"""ISO-8601 event times → the `@timestamp` text Elastic's `date` processor writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

# Elasticsearch's `ISO8601` parser is lenient about the parts after the date; CloudTrail itself
# always writes `YYYY-MM-DDTHH:MM:SSZ`, other shippers add fractions (up to nanoseconds) or
# offsets. A missing zone means UTC, as the processor's default timezone.
_ISO_8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?"
)


def parse_iso8601(text: str) -> datetime | None:
    """The instant `text` names, in UTC, or None when it is not an ISO-8601 date-time.

    >>> parse_iso8601("2024-11-01T14:43:10+01:00").isoformat()
    '2024-11-01T13:43:10+00:00'
    >>> parse_iso8601("yesterday") is None
    True
    """
    match = _ISO_8601.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    zone = UTC
    if sign is not None:
        offset = timedelta(hours=int(off_h), minutes=int(off_m or 0))
        zone = timezone(-offset if sign == "-" else offset)
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
    except (ValueError, OverflowError):
        return None
    return moment.astimezone(UTC) if zone is not UTC else moment


def format_es_timestamp(moment: datetime) -> str:
    """`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` in UTC, milliseconds truncated as Java's formatter does.

    >>> format_es_timestamp(parse_iso8601("2024-11-01T14:43:10.123987Z"))
    '2024-11-01T14:43:10.123Z'
    """
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


@lru_cache(maxsize=4096)
def es_timestamp(text: str) -> str | None:
    """`text` as Elastic stores a parsed date, or None when it does not parse.

    >>> es_timestamp("2024-11-01T14:43:10Z")
    '2024-11-01T14:43:10.000Z'
    """
    moment = parse_iso8601(text)
    return None if moment is None else format_es_timestamp(moment)
