"""Context from the event store: the actors' events, their history and baselines, in SQL.

Reads go through the store's own `Snapshot.select_sql` (the parts of a time range, each column
converted to one type), so the events are those a scan of the store sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb

from trailsweep.store.columns import quote_identifier
from trailsweep.store.events import Snapshot, TimeRange
from trailsweep.triage.events import (
    ACCESS_KEY,
    CONTEXT_FIELDS,
    PRINCIPAL,
    SOURCE_IP,
    TIMESTAMP,
    USER_AGENT,
    ContextEvent,
    as_time,
    event_from_fields,
)
from trailsweep.triage.from_files import ActorFilter
from trailsweep.triage.history import History


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that reads dates as the engine does (UTC)."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def relation_sql(
    snapshot: Snapshot, fields: Sequence[str], since: datetime | None, until: datetime | None
) -> tuple[str, dict[str, bool]]:
    """A SELECT of these fields over the store's events in [since, until), and which of the
    fields are lists."""
    window = TimeRange(since, until)
    parts = snapshot.parts(window)
    schema = snapshot.schema(parts, fields)
    lists = {name: spec.multivalued for name, spec in schema.items()}
    return snapshot.select_sql(parts, schema, window, extra=()), lists


def matching(column: str, values: Iterable[str], multivalued: bool) -> str:
    """A SQL condition: the column (a list, or not) holds one of the values."""
    listed = ", ".join(string_literal(value) for value in sorted(values))
    if not listed:
        return "false"
    name = quote_identifier(column)
    if multivalued:
        return f"list_has_any({name}, [{listed}])"
    return f"{name} IN ({listed})"


def store_events(
    connection: duckdb.DuckDBPyConnection, snapshot: Snapshot, actors: ActorFilter
) -> list[ContextEvent]:
    """The actors' events in the filter's range."""
    select, lists = relation_sql(snapshot, CONTEXT_FIELDS, actors.since, actors.until)
    condition = " OR ".join(
        matching(column, values, lists[column])
        for column, values in (
            (PRINCIPAL, actors.principals),
            (SOURCE_IP, actors.source_ips),
            (ACCESS_KEY, actors.access_keys),
        )
    )
    cursor = connection.execute(f"SELECT * FROM ({select}) WHERE {condition}")
    names = [column[0] for column in cursor.description]
    events = (event_from_fields(dict(zip(names, row, strict=True))) for row in cursor.fetchall())
    return [event for event in events if event is not None]


def store_history(
    connection: duckdb.DuckDBPyConnection, snapshot: Snapshot, principals: Iterable[str]
) -> History:
    """Earliest sightings of the principals (and their IPs and agents) over the whole store."""
    wanted = sorted(set(principals))
    times = [part.time_min for part in snapshot.catalogue.parts if part.time_min is not None]
    earliest = as_time(min(times)) if times else None
    if not wanted:
        return History(earliest_event=earliest)
    select, lists = relation_sql(
        snapshot, (TIMESTAMP, PRINCIPAL, SOURCE_IP, USER_AGENT), None, None
    )
    if any(lists.values()):
        # These fields hold one value per event in CloudTrail; a list here would mean input
        # shaped unlike CloudTrail, which the history does not try to read.
        return History(earliest_event=earliest)
    source = (
        f"(SELECT * FROM ({select}) WHERE {matching(PRINCIPAL, wanted, False)} "
        f"AND {quote_identifier(TIMESTAMP)} IS NOT NULL)"
    )
    return History(
        earliest_event=earliest,
        principals={key[0]: moment for key, moment in _firsts(connection, source, ())},
        principal_ips={
            (key[0], key[1]): moment for key, moment in _firsts(connection, source, (SOURCE_IP,))
        },
        principal_agents={
            (key[0], key[1]): moment for key, moment in _firsts(connection, source, (USER_AGENT,))
        },
    )


def _firsts(
    connection: duckdb.DuckDBPyConnection, source: str, extra: Sequence[str]
) -> list[tuple[tuple[str, ...], datetime]]:
    columns = [quote_identifier(name) for name in (PRINCIPAL, *extra)]
    keys = ", ".join(f"CAST({column} AS VARCHAR)" for column in columns)
    present = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    rows = connection.execute(
        f"SELECT {keys}, min({quote_identifier(TIMESTAMP)}) FROM {source} "
        f"WHERE {present} GROUP BY ALL"
    ).fetchall()
    found: list[tuple[tuple[str, ...], datetime]] = []
    for row in rows:
        moment = as_time(row[-1])
        if moment is not None:
            found.append((tuple(str(value) for value in row[:-1]), moment))
    return found


def string_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
