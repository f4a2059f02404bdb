"""What an engine returns for a compiled query: rows by ES|QL column name, with their evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trailsweep.esql.types import FieldSpec

EVIDENCE_COLUMN = "__evidence"
TABLE_NAME = "events"


@dataclass(frozen=True)
class ResultRow:
    """One row of a query result: its columns by ES|QL name, and the event rows behind it."""

    values: dict[str, Any]
    evidence: tuple[int, ...]


@dataclass(frozen=True)
class QueryResult:
    """The rows a compiled query returned, with its column specs in ES|QL order."""

    columns: tuple[FieldSpec, ...]
    rows: tuple[ResultRow, ...]
