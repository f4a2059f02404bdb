"""Value types of ES|QL columns as trailsweep stores them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EsqlType = Literal["keyword", "ip", "date", "long", "double", "boolean", "null"]
"""The ES|QL types trailsweep's events table uses.

keyword/ip are VARCHAR (ip canonical text), date is a naive UTC TIMESTAMP with millisecond
precision, long BIGINT, double DOUBLE, boolean BOOLEAN; `null` is a column that is never set.
"""


@dataclass(frozen=True)
class FieldSpec:
    """One column of the events table (or of a query result): name, type, multi-valuedness.

    A multi-valued column is stored as a DuckDB LIST of its type; ES|QL treats a list of one value
    as that value, and an empty list as null.
    """

    name: str
    type: EsqlType
    multivalued: bool = False


SQL_TYPES: dict[EsqlType, str] = {
    "keyword": "VARCHAR",
    "ip": "VARCHAR",
    "date": "TIMESTAMP",
    "long": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "null": "VARCHAR",
}
"""The SQL type a column of each ES|QL type has in the events table (lists: `type[]`)."""
