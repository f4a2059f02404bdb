"""Hypothesis strategies for the reference-vs-compiler property tests: events and expressions.

(Strategies, not tests: the module is named `test_reference_*` only because that is where new
test code goes in this directory. It collects no tests.) Commands: test_reference_pipelines.py.

Values come from small alphabets so that equalities, duplicate groups and nulls are common, and
expressions are typed so that they stay inside what both the compiler and the reference run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from trailsweep.esql import FieldSpec

FIELDS = [
    FieldSpec("user", "keyword"),
    FieldSpec("tags", "keyword", multivalued=True),
    FieldSpec("n", "long"),
    FieldSpec("codes", "long", multivalued=True),
    FieldSpec("@timestamp", "date"),
    FieldSpec("ip", "ip"),
    FieldSpec("ok", "boolean"),
]
SCHEMA = {spec.name: spec for spec in FIELDS}
PARAMS: dict[str, object] = {
    "__now__": datetime(2024, 1, 1, 0, 5),
    "threshold": 2,
    "window": "10 seconds",
    "precision": 100,
}

# Compiler bugs, each pinned by a test in test_reference_properties.py (a strict xfail while
# open). The generator stays off an open bug so the property keeps finding new ones; once the
# compiler is fixed (the xfail test then fails as XPASS), the flag is set to True.
SORT_BY_IP = True
"""Fixed: SORT (and MIN/MAX, MV_MIN..., ordering comparisons) order ips as addresses."""
JAVA_NUMBER_SYNTAX = True
"""Fixed: TO_DOUBLE(keyword) parses as Java's Double.parseDouble (ES|QL's), not as DuckDB."""

WORDS = ["a", "b", "ab", "a_b", "a%", "B", "é", "", "1", "2.5"]
if JAVA_NUMBER_SYNTAX:
    WORDS += ["inf", "NaN", "1_000", "1d", " 3 ", "0x1.8p1", "-.5e1f", "1e999", "١"]
TAGS = ["a", "b", "c", "ab"]
NUMBERS = [-7, -2, 0, 1, 2, 3, 10]
IPS = ["10.0.0.9", "10.0.0.10", "192.168.1.1", "::1", "2001:db8::1", "0.0.0.1", "fe80::a"]
TIMES = [
    datetime(2024, 1, 1, 0, 0, 0),
    datetime(2024, 1, 1, 0, 0, 9, 999000),
    datetime(2024, 1, 1, 0, 0, 10),
    datetime(2024, 1, 1, 0, 4, 59, 999000),
    datetime(2024, 2, 29, 23, 59, 59, 500000),
    datetime(2024, 3, 31, 12, 0, 0),
    datetime(1969, 12, 31, 23, 59, 55, 500000),
]
SPANS = ["1 second", "10 seconds", "5 minutes", "1 hour", "1 day", "3 days", "1 week",
         "7 days", "1 month", "1 quarter", "1 year"]  # fmt: skip
LIKE_PATTERNS = ["a*", "*b", "a?b", "?", "*", "a%", "a_b", "a\\*", "*\\?", "", "é", "A*"]
RLIKE_PATTERNS = ["a.*", "[ab]+", "a|b", "(ab)?", ".", "a_b", "a%", "[^a]*", "\\w+", "a{1,2}b?"]


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # Null about a quarter of the time: often enough for null semantics, rare enough for rows
    # to survive a few WHERE clauses.
    return st.one_of(st.none(), values, values, values)


EVENTS = st.lists(
    st.fixed_dictionaries(
        {
            "user": _maybe(st.sampled_from(WORDS)),
            "tags": _maybe(st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
            "n": _maybe(st.sampled_from(NUMBERS)),
            # Elastic keeps repeated long values in a multivalued field.
            "codes": _maybe(st.lists(st.sampled_from([0, 1, 2, 5]), max_size=3)),
            "@timestamp": _maybe(st.sampled_from(TIMES)),
            "ip": _maybe(st.sampled_from(IPS)),
            "ok": _maybe(st.booleans()),
        }
    ),
    max_size=12,
)


def quote(text: str) -> str:
    """An ES|QL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Pipeline:
    """The query being built: its commands and the visible columns (name -> (type, multivalued)).

    `ties` is set once a STATS groups by a multivalued key: one input row then backs several
    output rows with the same evidence, so SQL's order (evidence) no longer decides a LIMIT.
    """

    columns: dict[str, tuple[str, bool]] = field(
        default_factory=lambda: {f.name: (f.type, f.multivalued) for f in FIELDS}
    )
    commands: list[str] = field(default_factory=list)
    ties: bool = False
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def named(self, kind: str, single: bool = False) -> list[str]:
        return [
            name
            for name, (col_type, multi) in self.columns.items()
            if col_type == kind and not (single and multi)
        ]

    @property
    def text(self) -> str:
        return "\n| ".join(["FROM logs", *self.commands])


class Expressions:
    """Typed random expressions over a pipeline's current columns; each returns (text, multi)."""

    def __init__(self, draw: st.DrawFn, pipeline: Pipeline) -> None:
        self.draw = draw
        self.pipeline = pipeline

    def pick(self, options: list[str]) -> str:
        return self.draw(st.sampled_from(options))

    def column(self, kind: str, single: bool = False) -> tuple[str, bool] | None:
        names = self.pipeline.named(kind, single)
        if not names:
            return None
        name = self.pick(names)
        return self.quoted(name), self.pipeline.columns[name][1]

    def choose(self, depth: int, kinds: list[str]) -> str:
        return self.pick(kinds if depth > 0 else kinds[:1])

    def keyword(self, depth: int, single: bool = False) -> tuple[str, bool]:
        column = self.column("keyword", single)
        kind = self.choose(depth, ["leaf", "concat", "lower", "case", "coalesce", "string", "mv"])
        if kind == "leaf" or kind == "mv" and single:
            if column is not None and self.draw(st.integers(0, 2)):
                return column
            return self.draw(st.one_of(st.sampled_from(WORDS).map(quote))), False
        if kind == "concat":
            left, right = self.keyword(depth - 1)[0], self.keyword(depth - 1)[0]
            return f"CONCAT({left}, {right})", False
        if kind == "lower":
            function = self.pick(["TO_LOWER", "TO_UPPER"])
            return f"{function}({self.keyword(depth - 1, single=True)[0]})", False
        if kind in ("case", "coalesce"):
            a, b = self.keyword(depth - 1, single), self.keyword(depth - 1, single)
            if kind == "coalesce":
                return f"COALESCE({a[0]}, {b[0]})", a[1] or b[1]
            return self.case(depth, a, b)
        if kind == "string":
            options = [
                self.column("ip"),
                self.column("date", single=True),
                self.column("boolean", single=True),
                self.long(depth - 1, single=True),
            ]
            source = self.draw(st.sampled_from([o for o in options if o is not None]))
            return f"TO_STRING({source[0]})", source[1]
        tags = self.column("keyword")
        function = self.pick(["MV_FIRST", "MV_LAST"])
        return (f"{function}({tags[0]})", False) if tags else ('"ab"', False)

    def long(self, depth: int, single: bool = False) -> tuple[str, bool]:
        kinds = ["leaf", "arith", "length", "count", "case", "coalesce", "convert", "diff"]
        kind = self.choose(depth, kinds)
        if kind == "leaf":
            column = self.column("long", single)
            if column is not None and self.draw(st.integers(0, 2)):
                return column
            return self.pick(["-3", "0", "1", "2", "5", "?threshold"]), False
        if kind == "arith":
            operator = self.pick(["+", "-", "*", "/", "%"])
            return f"({self.long(depth - 1)[0]} {operator} {self.long(depth - 1)[0]})", False
        if kind == "count" and self.pipeline.columns:
            name = self.pick(list(self.pipeline.columns))
            return f"MV_COUNT({self.quoted(name)})", False
        if kind in ("count", "length"):
            return f"LENGTH({self.keyword(depth - 1)[0]})", False
        if kind == "convert":
            source = self.column("date", single=True) or self.column("boolean", single=True)
            inner = source[0] if source else self.long(depth - 1, single=True)[0]
            return f"TO_INTEGER({inner})", False
        if kind == "diff" and (start := self.date(depth - 1)) and (end := self.date(depth - 1)):
            unit = self.pick(['"seconds"', '"minutes"', '"hours"', '"ms"', '"days"'])
            return f"DATE_DIFF({unit}, {start[0]}, {end[0]})", False
        a, b = self.long(depth - 1, single), self.long(depth - 1, single)
        if kind == "coalesce":
            return f"COALESCE({a[0]}, {b[0]})", a[1] or b[1]
        return self.case(depth, a, b)

    def case(self, depth: int, a: tuple[str, bool], b: tuple[str, bool]) -> tuple[str, bool]:
        """CASE with a default (odd arity) or without one (even arity: null when nothing holds)."""
        arguments = [self.boolean(depth - 1), a[0]]
        if self.draw(st.booleans()):
            arguments += [self.boolean(depth - 1), b[0]]
        if self.draw(st.booleans()):
            arguments.append(b[0])
        return f"CASE({', '.join(arguments)})", a[1] or b[1]

    def double(self, depth: int) -> str:
        kind = self.pick(["column", "keyword", "long"])
        if kind == "column" and (column := self.column("double")) is not None:
            return column[0]
        if kind == "keyword":
            return f"TO_DOUBLE({self.keyword(depth - 1, single=True)[0]})"
        return f"TO_DOUBLE({self.long(depth - 1, single=True)[0]})"

    def quoted(self, name: str) -> str:
        return f"`{name}`" if "." in name or " " in name else name

    def date(self, depth: int) -> tuple[str, bool] | None:
        column = self.column("date")
        if column is None:
            return None
        kind = self.choose(depth, ["leaf", "trunc", "shift", "now"])
        if kind == "now":
            return f"NOW() - {self.pick(['1 hour', '5 minutes', '1 day'])}", False
        if kind == "trunc":
            inner = self.date(depth - 1) or column
            return f"DATE_TRUNC({self.pick(SPANS)}, {inner[0]})", False
        if kind == "shift":
            inner = self.date(depth - 1) or column
            sign = self.pick(["+", "-"])
            return f"{inner[0]} {sign} {self.pick(['1 hour', '30 minutes', '1 month'])}", False
        return column

    def boolean(self, depth: int) -> str:
        kinds = ["compare", "column", "in", "null", "like", "affix", "not", "and", "or"]
        kind = self.choose(depth, kinds)
        if kind == "column":
            column = self.column("boolean")
            return column[0] if column else self.pick(["true", "false", "null"])
        if kind == "compare":
            return self.comparison(depth)
        if kind == "in":
            return self.in_list(depth)
        if kind == "null":
            target = self.any_value(depth - 1)
            return f"{target} IS {self.pick(['', 'NOT '])}NULL"
        if kind == "like":
            target = self.keyword(depth - 1)[0]
            negated = self.pick(["", "NOT "])
            if self.draw(st.booleans()):
                return f"{target} {negated}RLIKE {quote(self.pick(RLIKE_PATTERNS))}"
            patterns = self.draw(st.lists(st.sampled_from(LIKE_PATTERNS), min_size=1, max_size=2))
            written = ", ".join(quote(p) for p in patterns)
            return f"{target} {negated}LIKE " + (written if len(patterns) == 1 else f"({written})")
        if kind == "affix":
            function = self.pick(["STARTS_WITH", "ENDS_WITH"])
            return f"{function}({self.keyword(depth - 1)[0]}, {quote(self.pick(WORDS))})"
        if kind == "not":
            return f"NOT ({self.boolean(depth - 1)})"
        operator = kind.upper()
        return f"({self.boolean(depth - 1)} {operator} {self.boolean(depth - 1)})"

    def comparison(self, depth: int) -> str:
        operator = self.pick(["==", "!=", "<", "<=", ">", ">="])
        kind = self.pick(["keyword", "long", "date", "ip", "boolean", "double"])
        if kind == "date" and (left := self.date(depth - 1)) is not None:
            right = self.date(depth - 1) if self.draw(st.booleans()) else None
            literal = quote(
                self.draw(st.sampled_from(TIMES)).isoformat(timespec="milliseconds") + "Z"
            )
            return f"{left[0]} {operator} {right[0] if right else literal}"
        if kind == "ip" and (ip := self.column("ip")) is not None:
            operators = [operator] if SORT_BY_IP else ["==", "!="]
            return f"{ip[0]} {self.pick(operators)} {quote(self.pick(IPS))}"
        if kind == "boolean" and (flag := self.column("boolean")) is not None:
            return f"{flag[0]} {self.pick(['==', '!='])} {self.pick(['true', 'false'])}"
        if kind == "double":
            return f"{self.double(depth)} {operator} {self.pick(['1.5', '2', '-0.5', '0.0'])}"
        if kind == "long":
            return f"{self.long(depth - 1)[0]} {operator} {self.long(depth - 1)[0]}"
        return f"{self.keyword(depth - 1)[0]} {operator} {self.keyword(depth - 1)[0]}"

    def in_list(self, depth: int) -> str:
        negated = self.pick(["", "NOT "])
        kind = self.pick(["keyword", "long", "ip"])
        items: list[str] = []
        if kind == "ip" and (ip := self.column("ip")) is not None:
            target = ip[0]
            items = self.draw(st.lists(st.sampled_from([*map(quote, IPS), "null"]), min_size=1))
        elif kind == "long":
            target = self.long(depth - 1)[0]
            # "col" is a column item, possibly multivalued (`codes`): In.java skips those.
            pool = st.sampled_from(["null", "1", "2", "-7", "col"])
            drawn = self.draw(st.lists(pool, min_size=1, max_size=3))
            items = [self.long(0)[0] if i == "col" else i for i in drawn]
        else:
            target = self.keyword(depth - 1)[0]
            pool = st.sampled_from([*map(quote, WORDS), "null", "col"])
            drawn = self.draw(st.lists(pool, min_size=1, max_size=3))
            items = [self.keyword(0)[0] if i == "col" else i for i in drawn]
        return f"{target} {negated}IN ({', '.join(items)})"

    def any_value(self, depth: int) -> str:
        kind = self.pick(["keyword", "long", "date", "boolean", "column"])
        if kind == "long":
            return self.long(depth)[0]
        if kind == "date" and (date := self.date(depth)) is not None:
            return date[0]
        if kind == "boolean" and depth > 0:
            return f"({self.boolean(depth)})"
        if kind == "column" and self.pipeline.columns:
            return self.quoted(self.pick(list(self.pipeline.columns)))
        return self.keyword(depth)[0]
