"""The table between two commands: its visible columns in ES|QL order and its hidden columns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlglot import exp

from trailsweep.esql.typed import Typed, alias, column
from trailsweep.esql.types import EsqlType, FieldSpec

ROW = "__row"
EVIDENCE = "__evidence"


@dataclass(frozen=True)
class Column:
    """A visible column: its ES|QL name, type and multivaluedness."""

    name: str
    type: EsqlType
    multivalued: bool = False

    def spec(self) -> FieldSpec:
        """The column as a FieldSpec."""
        return FieldSpec(self.name, self.type, self.multivalued)

    def typed(self) -> Typed:
        """A reference to the column as a compiled expression."""
        return Typed(column(self.name), self.type, self.multivalued)


@dataclass(frozen=True)
class SortKey:
    """A SORT key, materialised as a hidden column so it survives KEEP, DROP and RENAME."""

    name: str
    descending: bool
    nulls_first: bool


@dataclass(frozen=True)
class Relation:
    """The rows after some commands, held in a CTE (or the events table).

    Hidden columns travel with every row and are never visible to the query: the evidence
    (`__row` before any STATS, the `__evidence` list after) and the current SORT keys.
    `open` is true until KEEP or STATS: until then a KEEP pattern matching nothing is fine (the
    field simply never occurs in this data), as it is for a mapped-but-unset field in Elastic.
    """

    source: str
    columns: tuple[Column, ...]
    aggregated: bool = False
    sort: tuple[SortKey, ...] = ()
    open: bool = True

    def lookup(self, name: str) -> Column | None:
        """The visible column with that name, if any."""
        for candidate in self.columns:
            if candidate.name == name:
                return candidate
        return None

    @property
    def evidence(self) -> str:
        """Name of the hidden evidence column."""
        return EVIDENCE if self.aggregated else ROW

    def hidden(self) -> list[str]:
        """Names of the hidden columns, in a fixed order."""
        return [self.evidence, *(key.name for key in self.sort)]

    def with_columns(self, columns: Sequence[Column], source: str) -> Relation:
        """The same rows with other visible columns, now held in `source`."""
        return replace(self, columns=tuple(columns), source=source)

    def table(self) -> exp.Table:
        """The FROM target for reading this relation."""
        return exp.to_table(self.source)


def project(
    relation: Relation,
    outputs: Sequence[tuple[Column, exp.Expression]],
    extra: Sequence[tuple[str, exp.Expression]] = (),
    *,
    hidden: Sequence[str] | None = None,
) -> exp.Select:
    """SELECT the given visible columns, then the hidden ones (and any extra hidden columns)."""
    items: list[exp.Expression] = [alias(sql, col.name) for col, sql in outputs]
    items.extend(column(name) for name in (relation.hidden() if hidden is None else hidden))
    items.extend(alias(sql, name) for name, sql in extra)
    return exp.select(*items).from_(relation.table())


def passthrough(relation: Relation) -> list[tuple[Column, exp.Expression]]:
    """Every visible column, unchanged."""
    return [(col, column(col.name)) for col in relation.columns]


def wildcard(pattern: str) -> re.Pattern[str]:
    """A KEEP/DROP pattern (`*` matches any run of characters) as a regular expression."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)
