"""How a trail delivers: gzip files per region every few minutes, unordered, sometimes twice."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from isal import igzip

from trailsweep.simulate.clock import key_date_path, key_minute
from trailsweep.simulate.ids import IdSource
from trailsweep.simulate.inventory import Trail

GZIP_LEVEL = 1
"""isal's fast level: the generator's cost is dominated by compression above it."""


@dataclass(frozen=True)
class DeliveryOptions:
    """Delivery behaviour; the defaults are an ordinary, healthy trail."""

    late_files: float = 0.0
    """Fraction of log files delivered hours late (key timestamp hours after their events)."""
    late_hours: tuple[int, int] = (1, 6)
    """Range of the extra delay of a late file, in whole hours."""
    duplicate_every: int = 4_000
    """One record in this many is delivered a second time, in the next file of its region."""
    delay_seconds: tuple[int, int] = (150, 480)
    """Delay from a file's newest event to its delivery."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.late_files <= 1.0:
            raise ValueError("late_files must be a fraction between 0 and 1")
        if self.duplicate_every < 1:
            raise ValueError("duplicate_every must be at least 1")


@dataclass(frozen=True)
class LogFile:
    """One delivered log file and the facts a digest records about it."""

    key: str
    account_id: str
    region: str
    delivered: int
    oldest_event: int
    newest_event: int
    records: int
    sha256: str
    late: bool


class TrailWriter:
    """Writes log files under `out_dir` as a trail lays them out in its bucket."""

    def __init__(self, out_dir: Path, trail: Trail, rng: random.Random, options: DeliveryOptions):
        self.out_dir = out_dir
        self.trail = trail
        self.options = options
        self.files: list[LogFile] = []
        self.records_written = 0
        self.duplicated_event_ids: list[str] = []
        self._rng = rng
        self._ids = IdSource(rng)
        self._carried: dict[tuple[str, str], list[tuple[bytes, int]]] = {}
        self._since_duplicate = 0
        self._duplicated: set[str] = set()
        self._dirs: set[Path] = set()

    def deliver(
        self,
        account_id: str,
        region: str,
        payloads: list[bytes],
        times: list[int],
        extra: Sequence[tuple[bytes, int]] = (),
    ) -> None:
        """One delivery period of one region: write it as a file (nothing when it is empty).

        `payloads` (with their event `times`) must already be in no particular time order, as
        background records drawn at random times are; `extra` records (scenarios, jobs) and
        duplicates carried over from the previous file are slipped in at random positions.
        """
        carried = self._carried.pop((account_id, region), [])
        fresh = len(payloads) + len(extra)
        for payload, ts in (*extra, *carried):
            position = self._rng.randrange(len(payloads) + 1)
            payloads.insert(position, payload)
            times.insert(position, ts)
        if not payloads:
            return
        self._pick_duplicates(account_id, region, payloads, times, fresh)
        self._write(account_id, region, payloads, min(times), max(times))

    def _pick_duplicates(
        self, account_id: str, region: str, payloads: list[bytes], times: list[int], fresh: int
    ) -> None:
        # A running counter gives exactly one duplicate per `duplicate_every` new records.
        self._since_duplicate += fresh
        every = self.options.duplicate_every
        while self._since_duplicate >= every:
            self._since_duplicate -= every
            index = self._rng.randrange(len(payloads))
            event_id = str(orjson.loads(payloads[index])["eventID"])
            if event_id in self._duplicated:
                continue
            self._duplicated.add(event_id)
            self.duplicated_event_ids.append(event_id)
            self._carried.setdefault((account_id, region), []).append(
                (payloads[index], times[index])
            )

    def finish(self) -> None:
        """Deliver duplicates still waiting for a next file of their region."""
        for (account_id, region), carried in sorted(self._carried.items()):
            self._write(
                account_id,
                region,
                [payload for payload, _ in carried],
                min(ts for _, ts in carried),
                max(ts for _, ts in carried),
            )
        self._carried.clear()

    def _write(
        self, account_id: str, region: str, payloads: list[bytes], oldest: int, newest: int
    ) -> None:
        low, high = self.options.delay_seconds
        delivered = newest + self._rng.randrange(low, high + 1)
        late = self.options.late_files > 0 and self._rng.random() < self.options.late_files
        if late:
            first, last = self.options.late_hours
            delivered += self._rng.randint(first, last) * 3600 + self._rng.randrange(3600)
        key = (
            f"AWSLogs/{account_id}/CloudTrail/{region}/{key_date_path(delivered)}/"
            f"{account_id}_CloudTrail_{region}_{key_minute(delivered)}_{self._ids.alnum(16)}.json.gz"
        )
        body = b'{"Records":[' + b",".join(payloads) + b"]}"
        path = self.out_dir / key
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        # mtime=0: the gzip header must not carry the wall clock, or runs would differ.
        path.write_bytes(igzip.compress(body, GZIP_LEVEL, mtime=0))
        self.records_written += len(payloads)
        self.files.append(
            LogFile(
                key=key,
                account_id=account_id,
                region=region,
                delivered=delivered,
                oldest_event=oldest,
                newest_event=newest,
                records=len(payloads),
                sha256=hashlib.sha256(body).hexdigest(),
                late=late,
            )
        )
