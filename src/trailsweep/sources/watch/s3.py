"""The S3 source: a bucket prefix that a trail (or anything else) keeps writing log files to.

Listing a whole trail every poll costs O(history). Instead each poll:

1. walks the folders above the day folders with Delimiter listings (cheap: one request per
   account, `CloudTrail/` and region folder), which finds new accounts and regions, and returns
   the loose objects that sit outside any day layout;
2. lists each known day-folder parent (see `trail_layout`) from its cursor day minus
   `lookback_days` onward (`StartAfter`), catching files delivered late into an earlier day;
3. lists a newly found parent whole, once.

Folders deeper than `MAX_WALK_DEPTH` below the prefix, and folders with more than
`MAX_FOLDER_FANOUT` subfolders none of which looks like a trail level, are listed plainly:
an arbitrary layout costs a full listing of itself each poll, as a plain listing would.
Under a parent with a cursor, keys sorting before the listing's start day are not seen again
(a trail never writes there after the fact). Digest files and zero-byte folder keys are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from trailsweep.sources.watch.aws import source_errors
from trailsweep.sources.watch.download import Downloads
from trailsweep.sources.watch.model import DeliveredObject, KnownCheck, Poll
from trailsweep.sources.watch.trail_layout import (
    day_of,
    day_text,
    decode_cursor,
    encode_cursor,
    is_digest,
    is_layout_folder,
    is_year_folder,
)

MAX_WALK_DEPTH = 10
MAX_FOLDER_FANOUT = 100
DEFAULT_LOOKBACK_DAYS = 2


@dataclass(frozen=True)
class _Listed:
    key: str
    size: int
    etag: str
    modified: datetime
    parent: str | None = None
    day: date | None = None


class S3Source:
    """Watches `s3://bucket/prefix` through ListObjectsV2, keeping a per-region day cursor."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str = "",
        *,
        lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    ) -> None:
        self.client = client
        self.bucket = bucket
        # The prefix is a folder: `logs` must not match `logs-old/`.
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.lookback_days = lookback_days
        self.description = f"s3://{bucket}/{self.prefix}"
        self._downloads = Downloads()

    def poll(self, cursor: str | None, is_known: KnownCheck, limit: int) -> Poll:
        """The objects not known yet, oldest LastModified first, and the advanced cursor."""
        days = decode_cursor(cursor, self.prefix, self.description)
        listed: dict[str, _Listed] = {}
        with source_errors(self.description, "listing the bucket"):
            new_parents = self._walk(set(days), listed)
            for parent, day in days.items():
                start = parent + day_text(day - timedelta(days=self.lookback_days))
                self._list_parent(parent, start, listed)
            for parent in new_parents:
                self._list_parent(parent, None, listed)
        fresh = sorted(
            (item for item in listed.values() if not is_known(self._url(item.key))),
            key=lambda item: (item.modified, item.key),
        )
        taken = fresh[: max(limit, 0)]
        waiting = fresh[len(taken) :]
        objects = tuple(self._object(item) for item in taken)
        advanced = _advance(days, listed.values(), waiting)
        return Poll(objects, encode_cursor(advanced), len(waiting))

    def fetch(self, obj: DeliveredObject, scratch: Path) -> Path:
        """Download the object into `scratch` under a hashed name."""
        return self._downloads.fetch(self.client, obj.key, scratch, self.description)

    def discard(self, path: Path) -> None:
        """Delete a downloaded file."""
        self._downloads.discard(path)

    def acknowledge(self, objects: Sequence[DeliveredObject]) -> None:
        """Nothing to do: the cursor and the watcher's state are the position."""

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()

    def _url(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def _object(self, item: _Listed) -> DeliveredObject:
        url = self._url(item.key)
        return DeliveredObject(url, item.etag, item.size, url)

    def _walk(self, known_parents: set[str], listed: dict[str, _Listed]) -> list[str]:
        """Delimiter-walk the folders outside known parents; returns the new parents."""
        new_parents: list[str] = []
        pending = [(self.prefix, 0)]
        while pending:
            folder, depth = pending.pop()
            if folder in known_parents:
                continue  # the prefix itself is a day-folder parent
            objects, subfolders = self._list(folder, delimiter=True)
            if any(is_year_folder(sub) for sub in subfolders):
                new_parents.append(folder)  # its whole subtree is listed as a parent
                continue
            _keep(objects, listed)
            unknown = [sub for sub in subfolders if sub not in known_parents and not is_digest(sub)]
            if _plain_layout(subfolders, unknown):
                # One paginated listing beats a request per folder of an arbitrary layout.
                _keep(self._list(folder, delimiter=False)[0], listed)
                continue
            for sub in unknown:
                if depth + 1 >= MAX_WALK_DEPTH:
                    _keep(self._list(sub, delimiter=False)[0], listed)
                else:
                    pending.append((sub, depth + 1))
        return new_parents

    def _list_parent(self, parent: str, start_after: str | None, into: dict[str, _Listed]) -> None:
        objects, _ = self._list(parent, delimiter=False, start_after=start_after)
        for item in objects:
            day = day_of(item.key[len(parent) :])
            into[item.key] = _Listed(item.key, item.size, item.etag, item.modified, parent, day)

    def _list(
        self, prefix: str, *, delimiter: bool, start_after: str | None = None
    ) -> tuple[list[_Listed], list[str]]:
        arguments: dict[str, str] = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter:
            arguments["Delimiter"] = "/"
        if start_after:
            arguments["StartAfter"] = start_after
        objects: list[_Listed] = []
        folders: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(**arguments):
            folders.extend(entry["Prefix"] for entry in page.get("CommonPrefixes", ()))
            for entry in page.get("Contents", ()):
                key = entry["Key"]
                if key.endswith("/") or is_digest(key):
                    continue  # console "folder" markers, integrity digests
                etag = str(entry.get("ETag", "")).strip('"')
                objects.append(_Listed(key, int(entry["Size"]), etag, entry["LastModified"]))
        return objects, folders


def _plain_layout(subfolders: list[str], unknown: list[str]) -> bool:
    """True when a folder's subfolders are many, none known and none named like a trail."""
    return (
        len(unknown) > MAX_FOLDER_FANOUT
        and len(unknown) == len(subfolders)
        and not any(map(is_layout_folder, unknown))
    )


def _keep(objects: list[_Listed], listed: dict[str, _Listed]) -> None:
    for item in objects:
        listed.setdefault(item.key, item)


def _advance(
    days: dict[str, date], listed: Iterable[_Listed], waiting: list[_Listed]
) -> dict[str, date]:
    """Each parent's next cursor day: the newest day listed there (up to tomorrow), or, while
    objects of the parent still wait beyond the limit, the oldest day among them (so they are
    listed again)."""
    # A key dated in the future (a typo, a hostile writer) must not move the cursor past
    # every real day to come: CloudTrail names the UTC day of delivery, never a later one.
    latest = datetime.now(UTC).date() + timedelta(days=1)
    newest: dict[str, date] = dict(days)
    for item in listed:
        if item.parent is not None and item.day is not None and item.day <= latest:
            if item.parent not in newest or item.day > newest[item.parent]:
                newest[item.parent] = item.day
    oldest_waiting: dict[str, date] = {}
    for item in waiting:
        if item.parent is not None and item.day is not None:
            current = oldest_waiting.get(item.parent)
            if current is None or item.day < current:
                oldest_waiting[item.parent] = item.day
    return {**newest, **oldest_waiting}
