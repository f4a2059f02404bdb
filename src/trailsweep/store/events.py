"""Reading the store's events back: the parts of a time range, their columns, and the SQL.

A scan reads one committed catalogue (a snapshot): the parts whose day and time range meet the
requested range (pruning by partition), then, in SQL, only the columns asked for and only the
rows in range (`@timestamp` filter, pushed down into the Parquet scan). Parts written with
different column types are read in groups of the same types and converted to one spec per
field (see `columns`), so every rule sees the types a direct scan of those events would give.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trailsweep.engine.table import ROW_COLUMN
from trailsweep.esql.types import FieldSpec
from trailsweep.store.catalogue import Catalogue, Part
from trailsweep.store.columns import merged_spec, quote_identifier, sql_conversion, sql_type
from trailsweep.store.reader import LINE_COLUMN, ORIGIN_COLUMN, RECORD_COLUMN
from trailsweep.store.writer import TIMESTAMP

PROVENANCE_COLUMNS = (ORIGIN_COLUMN, LINE_COLUMN, RECORD_COLUMN)
_EXTRA_TYPES = {ORIGIN_COLUMN: "VARCHAR", LINE_COLUMN: "BIGINT", RECORD_COLUMN: "BIGINT"}


@dataclass(frozen=True)
class TimeRange:
    """[since, until) in naive UTC; None leaves that side open."""

    since: datetime | None = None
    until: datetime | None = None

    @property
    def bounded(self) -> bool:
        """True when either side is set."""
        return self.since is not None or self.until is not None

    def meets_day(self, day: date | None) -> bool:
        """Whether any instant of that UTC day is in range (the partition test by name)."""
        if day is None:
            return not self.bounded
        if self.since is not None and day < self.since.date():
            return False
        return self.until is None or datetime(day.year, day.month, day.day) < self.until

    def meets_part(self, part: Part) -> bool:
        """Whether any event of the part can be in range."""
        if not self.meets_day(part.date):
            return False
        if part.time_min is None or part.time_max is None:
            return not self.bounded
        if self.since is not None and part.time_max < self.since:
            return False
        return self.until is None or part.time_min < self.until

    def covers(self, part: Part) -> bool:
        """Whether every event of the part is in range (no row filter needed)."""
        if not self.bounded:
            return True
        if part.time_min is None or part.time_max is None:
            return False
        after = self.since is None or part.time_min >= self.since
        return after and (self.until is None or part.time_max < self.until)


@dataclass(frozen=True)
class Snapshot:
    """One committed state of a store, for reading."""

    folder: Path
    catalogue: Catalogue

    def days(self) -> list[date]:
        """The days that hold events (UTC), in order."""
        return sorted({part.date for part in self.catalogue.parts if part.date is not None})

    def parts(self, window: TimeRange) -> list[Part]:
        """The parts that can hold events in range, in commit order."""
        return [part for part in self.catalogue.parts if window.meets_part(part)]

    def schema(
        self,
        parts: Sequence[Part],
        fields: Iterable[str] | None = None,
        patterns: Iterable[str] = (),
    ) -> dict[str, FieldSpec]:
        """One spec per field over these parts: the named fields (stored or not, as a direct
        scan has every field a rule reads), then stored fields matching a pattern; all stored
        fields when `fields` is None."""
        stored: dict[str, list[FieldSpec]] = {}
        for part in parts:
            for name, spec in part.columns.items():
                stored.setdefault(name, []).append(spec)
        if fields is None:
            names = list(stored)
        else:
            names = list(dict.fromkeys(fields))
            pattern_list = tuple(patterns)
            names += sorted(
                name
                for name in stored
                if name not in names
                and any(fnmatch.fnmatchcase(name, pattern) for pattern in pattern_list)
            )
        return {name: merged_spec(name, stored.get(name, [])) for name in names}

    def select_sql(
        self,
        parts: Sequence[Part],
        schema: Mapping[str, FieldSpec],
        window: TimeRange,
        extra: Sequence[str] = (ROW_COLUMN,),
    ) -> str:
        """A SELECT of the schema's columns (each converted to its spec) and the `extra` store
        columns (`__row`, provenance) of the events of these parts that are in range."""
        groups: dict[tuple[tuple[FieldSpec | None, ...], bool], list[Part]] = {}
        for part in parts:
            signature = (
                tuple(part.columns.get(name) for name in schema),
                window.covers(part),
            )
            groups.setdefault(signature, []).append(part)
        selects = []
        for (stored, covered), members in groups.items():
            items = [
                f"{sql_conversion(name, spec, schema[name])} AS {quote_identifier(name)}"
                for name, spec in zip(schema, stored, strict=True)
            ]
            items += [quote_identifier(name) for name in extra]
            source = self._read_parquet(members)
            select = f"SELECT {', '.join(items)} FROM {source}"
            if not covered:
                select += f" WHERE {_time_filter(window)}"
            selects.append(select)
        if not selects:
            return _empty_select(schema, extra)
        return "\nUNION ALL\n".join(selects)

    def _read_parquet(self, parts: Sequence[Part]) -> str:
        files = ", ".join(_string_literal(str(self.folder / part.path)) for part in parts)
        # The file list comes from the catalogue, never from a glob: a part that no committed
        # catalogue lists is not part of the store. The parts of a group hold every column read
        # with the same type, and DuckDB matches columns by name: `union_by_name` (which reads
        # every footer before planning, 2 ms a part) is not needed.
        return f"read_parquet([{files}], union_by_name = false, hive_partitioning = false)"


def _time_filter(window: TimeRange) -> str:
    column = quote_identifier(TIMESTAMP)
    conditions = [f"{column} IS NOT NULL"]
    if window.since is not None:
        conditions.append(f"{column} >= {_timestamp_literal(window.since)}")
    if window.until is not None:
        conditions.append(f"{column} < {_timestamp_literal(window.until)}")
    return " AND ".join(conditions)


def _empty_select(schema: Mapping[str, FieldSpec], extra: Sequence[str]) -> str:
    items = [
        f"CAST(NULL AS {sql_type(spec)}) AS {quote_identifier(n)}" for n, spec in schema.items()
    ]
    items += [
        f"CAST(NULL AS {_EXTRA_TYPES.get(name, 'BIGINT')}) AS {quote_identifier(name)}"
        for name in extra
    ]
    return f"SELECT {', '.join(items)} WHERE false"


def _timestamp_literal(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='microseconds')}'"


def _string_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
