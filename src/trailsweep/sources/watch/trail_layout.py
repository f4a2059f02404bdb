"""The key layout CloudTrail delivers to S3, and the S3 source's cursor over it.

A trail writes `<prefix>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz`
(organization trails add `<org-id>/` after `AWSLogs/`). The folder that holds the `YYYY/`
folders is a *day-folder parent*; the cursor records, for each of them, the newest day folder
processed there, so a poll lists only the last few days of each parent instead of its history.

Cursor text: `{"version": 1, "days": {"<parent>/": "YYYY/MM/DD", ...}}` (parents are key
prefixes ending in "/", or "" for a bucket whose top level holds the year folders).
"""

from __future__ import annotations

import json
import re
from datetime import date

from trailsweep.sources.files import DIGEST_DIR
from trailsweep.sources.watch.model import SourceError

CURSOR_VERSION = 1
_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"(\d{4})/(\d{2})/(\d{2})/")
_LAYOUT_NAME = re.compile(
    r"AWSLogs|CloudTrail|CloudTrail-Insight|\d{12}|o-[a-z0-9]{10,32}|[a-z]{2}(-[a-z]+)+-\d"
)


def folder_name(folder: str) -> str:
    """The last name of a folder prefix: `a/b/` -> `b`."""
    return folder.rstrip("/").rpartition("/")[2]


def is_year_folder(folder: str) -> bool:
    """True for a folder prefix whose last name is a four-digit year (`.../2026/`)."""
    return _YEAR.fullmatch(folder_name(folder)) is not None


def is_layout_folder(folder: str) -> bool:
    """True for a folder named like a trail layout level: AWSLogs, an account or organization
    id, CloudTrail, or a region."""
    return _LAYOUT_NAME.fullmatch(folder_name(folder)) is not None


def is_digest(key: str) -> bool:
    """True for a key inside a `CloudTrail-Digest` folder (integrity digests, not logs)."""
    return DIGEST_DIR in key.split("/")


def day_of(rest: str) -> date | None:
    """The day of a key below its day-folder parent (`2026/03/14/x.json.gz`), else None.

    >>> day_of("2026/03/14/x.json.gz")
    datetime.date(2026, 3, 14)
    >>> day_of("2026/13/14/x.json.gz") is None
    True
    """
    match = _DAY.match(rest)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def day_text(day: date) -> str:
    """A day as its folder path: `2026/03/14`."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def decode_cursor(cursor: str | None, prefix: str, description: str) -> dict[str, date]:
    """Each known day-folder parent under `prefix` and its newest processed day.

    Parents outside `prefix` (state kept from another prefix) are dropped; a cursor that is
    not this source's is a SourceError."""
    if cursor is None:
        return {}
    try:
        document = json.loads(cursor)
        if document.get("version") != CURSOR_VERSION:
            raise ValueError(f"unknown cursor version {document.get('version')!r}")
        days: dict[str, date] = {}
        for parent, text in document["days"].items():
            day = day_of(f"{text}/")
            if not isinstance(parent, str) or day is None:
                raise ValueError(f"bad entry {parent!r}: {text!r}")
            if parent.startswith(prefix):
                days[parent] = day
        return days
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SourceError(f"{description}: the saved position is not an S3 cursor: {exc}") from exc


def encode_cursor(days: dict[str, date]) -> str:
    """The cursor text for the given parents' days (stable: sorted, compact)."""
    entries = {parent: day_text(days[parent]) for parent in sorted(days)}
    return json.dumps({"version": CURSOR_VERSION, "days": entries}, separators=(",", ":"))
