"""The watcher's state: one embedded DuckDB file, changed only in whole-batch transactions.

What it holds: which source files were processed (and the source's position), the candidate
events of every rule still inside the retention horizon, the latest event time (the watermark's
base), every alert emitted (id, revision, digest), the outbox of alert emissions with their
sequence numbers, and how far each sink has delivered them. A batch's files, events, alerts,
outbox entries and position are committed in one transaction, so a watcher killed at any moment
restarts from the last whole batch: every record processed once, every alert emitted once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import orjson
import pyarrow as pa

from trailsweep.errors import Location, TrailsweepError
from trailsweep.watch.windows import aware_utc, naive_utc

STATE_FILE = "state.duckdb"
LOCK_FILE = "watch.lock"
SCHEMA_VERSION = "1"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS files (key VARCHAR, version VARCHAR, size BIGINT, "
    "display VARCHAR, records BIGINT, rejected BIGINT, processed_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS events (rule_id VARCHAR, period_start TIMESTAMP, "
    "order_key VARCHAR, record BIGINT, line BIGINT, col BIGINT, path VARCHAR, body VARCHAR)",
    "CREATE TABLE IF NOT EXISTS alerts (uuid VARCHAR, rule_id VARCHAR, revision INTEGER, "
    "digest VARCHAR, window_end TIMESTAMP, body VARCHAR)",
    "CREATE TABLE IF NOT EXISTS outbox (sequence BIGINT, uuid VARCHAR, revision INTEGER, "
    "action VARCHAR, body VARCHAR)",
    "CREATE TABLE IF NOT EXISTS deliveries (sink VARCHAR, delivered BIGINT)",
    "CREATE TABLE IF NOT EXISTS counters (name VARCHAR, value BIGINT)",
    "CREATE TABLE IF NOT EXISTS episode_windows (rule_id VARCHAR, group_id VARCHAR, "
    "window_start TIMESTAMP, window_end TIMESTAMP, body VARCHAR, episode VARCHAR)",
    "CREATE TABLE IF NOT EXISTS episodes (uuid VARCHAR, rule_id VARCHAR, group_id VARCHAR, "
    "first_start TIMESTAMP, last_end TIMESTAMP, revision INTEGER, digest VARCHAR, body VARCHAR)",
)

_EVENT_SCHEMA = pa.schema(
    [
        ("rule_id", pa.string()),
        ("period_start", pa.timestamp("us")),
        ("order_key", pa.string()),
        ("record", pa.int64()),
        ("line", pa.int64()),
        ("col", pa.int64()),
        ("path", pa.string()),
        ("body", pa.string()),
    ]
)


class StateError(TrailsweepError):
    """The state folder cannot be used (locked by another watcher, unreadable, too new)."""


@dataclass(frozen=True)
class StoredEvent:
    """One candidate event of a rule, as the state keeps it until it leaves retention."""

    rule_id: str
    period_start: datetime
    order_key: str
    location: Location
    fields: dict[str, Any]


@dataclass(frozen=True)
class EmittedAlert:
    """What the state remembers of an alert it emitted."""

    uuid: str
    rule_id: str
    revision: int
    digest: str
    window_end: datetime


@dataclass(frozen=True)
class OutboxEntry:
    """One alert emission waiting for (or past) delivery."""

    sequence: int
    uuid: str
    revision: int
    action: str
    document: dict[str, Any]


class WatchState:
    """The state folder of one watcher (exclusive: a second watcher on it is refused)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._lock: IO[bytes] | None = _lock(folder / LOCK_FILE)
        try:
            self._db = duckdb.connect(str(folder / STATE_FILE))
        except duckdb.Error as exc:
            self._release()
            raise StateError(f"{folder / STATE_FILE}: cannot open the state: {exc}") from exc
        for statement in _SCHEMA:
            self._db.execute(statement)
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            self.close()
            raise StateError(
                f"{folder / STATE_FILE}: state schema {version} is not {SCHEMA_VERSION} "
                "(made by another trailsweep version)"
            )
        self.known_files: set[str] = {
            key for (key,) in self._db.execute("SELECT key FROM files").fetchall()
        }

    def close(self) -> None:
        """Close the database and release the folder."""
        self._db.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together, or not at all."""
        self._db.begin()
        try:
            yield
        except BaseException:
            self._db.rollback()
            raise
        self._db.commit()

    # -- meta and counters ---------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A stored setting or position, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Store (or, with None, forget) a setting or position."""
        self._db.execute("DELETE FROM meta WHERE key = ?", [key])
        if value is not None:
            self._db.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    def latest_event(self) -> datetime | None:
        """The latest event time processed so far (the watermark's base)."""
        text = self.meta("latest_event")
        return None if text is None else datetime.fromisoformat(text)

    def set_latest_event(self, moment: datetime) -> None:
        """Advance the latest event time."""
        self.set_meta("latest_event", aware_utc(moment).isoformat())

    def counters(self) -> dict[str, int]:
        """Running totals (records, late events, alerts created and updated ...)."""
        rows = self._db.execute("SELECT name, value FROM counters").fetchall()
        return {str(name): int(value) for name, value in rows}

    def add_counts(self, counts: dict[str, int]) -> None:
        """Add to the running totals."""
        current = self.counters()
        for name, value in counts.items():
            if not value:
                continue
            self._db.execute("DELETE FROM counters WHERE name = ?", [name])
            self._db.execute(
                "INSERT INTO counters VALUES (?, ?)", [name, current.get(name, 0) + value]
            )

    # -- files -----------------------------------------------------------------------------

    def add_file(self, key: str, version: str, size: int, display: str, records: int,
                 rejected: int) -> None:  # fmt: skip
        """Record a source file as processed (in the batch's transaction)."""
        self._db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [key, version, size, display, records, rejected, naive_utc(datetime.now(UTC))],
        )
        self.known_files.add(key)

    def forget_pending_files(self, keys: Sequence[str]) -> None:
        """Undo `add_file` in memory after a rolled-back batch."""
        self.known_files.difference_update(keys)

    # -- events ----------------------------------------------------------------------------

    def add_events(self, events: Sequence[StoredEvent]) -> None:
        """Keep candidate events (one Arrow insert for the batch)."""
        if not events:
            return
        columns: dict[str, list[Any]] = {name: [] for name in _EVENT_SCHEMA.names}
        for event in events:
            columns["rule_id"].append(event.rule_id)
            columns["period_start"].append(naive_utc(event.period_start))
            columns["order_key"].append(event.order_key)
            columns["record"].append(event.location.record)
            columns["line"].append(event.location.line)
            columns["col"].append(event.location.column)
            columns["path"].append(event.location.path)
            columns["body"].append(orjson.dumps(event.fields).decode())
        batch = pa.Table.from_pydict(columns, schema=_EVENT_SCHEMA)
        self._db.register("new_events", batch)
        try:
            self._db.execute("INSERT INTO events SELECT * FROM new_events")
        finally:
            self._db.unregister("new_events")

    def event_periods(self, rule_id: str, start: datetime, end: datetime) -> list[datetime]:
        """The periods of a rule holding events, from `start` (inclusive) to `end` (exclusive)."""
        rows = self._db.execute(
            "SELECT DISTINCT period_start FROM events WHERE rule_id = ? AND period_start >= ? "
            "AND period_start < ? ORDER BY 1",
            [rule_id, naive_utc(start), naive_utc(end)],
        ).fetchall()
        return [aware_utc(row[0]) for row in rows]

    def events_in(
        self, rule_id: str, periods: Sequence[datetime]
    ) -> Iterator[tuple[dict[str, Any], Location]]:
        """A rule's kept events in these periods, in the order a batch scan reads them (file by
        file in path order, then record by record)."""
        if not periods:
            return
        cursor = self._db.execute(
            "SELECT body, path, line, col, record FROM events WHERE rule_id = ? "
            "AND list_contains(?, period_start) "
            "ORDER BY order_key, record NULLS FIRST, line NULLS FIRST, col NULLS FIRST",
            [rule_id, [naive_utc(p) for p in periods]],
        )
        while rows := cursor.fetchmany(4096):
            for body, path, line, col, record in rows:
                yield orjson.loads(body), Location(path, line, col, record)

    def prune_events(self, before: datetime) -> int:
        """Forget events whose period ended before `before` (out of retention)."""
        row = self._db.execute(
            "SELECT count(*) FROM events WHERE period_start < ?", [naive_utc(before)]
        ).fetchone()
        count = int(row[0]) if row else 0
        if count:
            self._db.execute("DELETE FROM events WHERE period_start < ?", [naive_utc(before)])
            self._db.execute(
                "DELETE FROM episode_windows WHERE window_end < ?", [naive_utc(before)]
            )
        return count

    def event_count(self) -> int:
        """How many candidate events the state keeps."""
        row = self._db.execute("SELECT count(*) FROM events").fetchone()
        return int(row[0]) if row else 0

    # -- alerts and the outbox -------------------------------------------------------------

    def emitted(self, uuids: Sequence[str]) -> dict[str, EmittedAlert]:
        """What was emitted under these ids."""
        if not uuids:
            return {}
        rows = self._db.execute(
            "SELECT uuid, rule_id, revision, digest, window_end FROM alerts "
            "WHERE list_contains(?, uuid)",
            [list(uuids)],
        ).fetchall()
        return {
            str(row[0]): EmittedAlert(
                str(row[0]), str(row[1]), int(row[2]), str(row[3]), aware_utc(row[4])
            )  # fmt: skip
            for row in rows
        }

    def sql(self, query: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a statement on the state (for the watcher's companions, in its transaction)."""
        return self._db.execute(query, list(parameters)).fetchall()

    def remember_alert(self, alert: EmittedAlert, document: dict[str, Any]) -> None:
        """Remember an alert's latest revision without emitting it (episodes emit instead)."""
        self._db.execute("DELETE FROM alerts WHERE uuid = ?", [alert.uuid])
        self._db.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?)",
            [alert.uuid, alert.rule_id, alert.revision, alert.digest,
             naive_utc(alert.window_end), orjson.dumps(document).decode()],
        )  # fmt: skip

    def record_emission(
        self, alert: EmittedAlert, action: str, document: dict[str, Any]
    ) -> OutboxEntry:
        """Remember an alert's latest revision and queue its emission (next sequence)."""
        sequence = self.last_sequence() + 1
        self.set_meta("next_sequence", str(sequence + 1))
        watch = dict(document.get("trailsweep.watch") or {})
        watch["sequence"] = sequence
        document = {**document, "trailsweep.watch": watch}
        self.remember_alert(alert, document)
        self._db.execute(
            "INSERT INTO outbox VALUES (?, ?, ?, ?, ?)",
            [sequence, alert.uuid, alert.revision, action, orjson.dumps(document).decode()],
        )
        return OutboxEntry(sequence, alert.uuid, alert.revision, action, document)

    def last_sequence(self) -> int:
        """The sequence of the latest emission (0: none yet)."""
        return int(self.meta("next_sequence") or "1") - 1

    def outbox_after(self, sequence: int) -> list[OutboxEntry]:
        """Emissions past `sequence`, in order."""
        rows = self._db.execute(
            "SELECT sequence, uuid, revision, action, body FROM outbox WHERE sequence > ? "
            "ORDER BY sequence",
            [sequence],
        ).fetchall()
        return [
            OutboxEntry(int(s), str(u), int(r), str(a), orjson.loads(b)) for s, u, r, a, b in rows
        ]

    def delivered(self, sink: str) -> int:
        """The last sequence `sink` is known to have delivered (0: none)."""
        row = self._db.execute("SELECT delivered FROM deliveries WHERE sink = ?", [sink]).fetchone()
        return int(row[0]) if row else 0

    def set_delivered(self, sink: str, sequence: int) -> None:
        """Record how far `sink` delivered, and drop outbox entries every sink has delivered."""
        with self.transaction():
            self._db.execute("DELETE FROM deliveries WHERE sink = ?", [sink])
            self._db.execute("INSERT INTO deliveries VALUES (?, ?)", [sink, sequence])

    def prune_outbox(self, sinks: Sequence[str]) -> None:
        """Drop emissions that every one of `sinks` delivered (the alerts table keeps the
        latest revision of each)."""
        if not sinks:
            return
        low = min(self.delivered(sink) for sink in sinks)
        with self.transaction():
            self._db.execute("DELETE FROM outbox WHERE sequence <= ?", [low])

    def pending_outbox(self) -> int:
        """How many emissions the outbox holds."""
        row = self._db.execute("SELECT count(*) FROM outbox").fetchone()
        return int(row[0]) if row else 0


def _lock(path: Path) -> IO[bytes]:
    handle = open(path, "a+b")  # noqa: SIM115 - held open for the watcher's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        raise StateError(
            f"{path.parent}: another watcher is using this state folder (lock {path.name})"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()).encode())
    handle.flush()
    return handle
