"""Hypothesis strategy for random ES|QL pipelines over the events of test_reference_strategies.

(A strategy, not tests; see that module.) Each command is typed against the columns the compiler
reports for the query so far. A LIMIT is only added where the compiled SQL's row order is
deterministic (see `Pipeline.ties`), since ES|QL leaves it open and both sides pick by evidence.
"""

from __future__ import annotations

from hypothesis import strategies as st

from trailsweep.esql import compile_query, parse_query

from .test_reference_strategies import PARAMS, SCHEMA, SORT_BY_IP, SPANS, Expressions, Pipeline

SPANS_OR_PARAM = [*SPANS, "?window"]


def _command(draw: st.DrawFn, pipeline: Pipeline) -> str | None:
    """One random command for the pipeline's current columns (None: nothing sensible to add)."""
    exprs = Expressions(draw, pipeline)
    names = list(pipeline.columns)
    # SORT is frequent: with evidence as the tiebreak it pins the row order the test compares.
    kinds = ["where", "where", "eval", "stats", "keep", "drop", "rename", "sort", "sort", "limit",
             "mv_expand"]  # fmt: skip
    kind = draw(st.sampled_from(kinds))
    multivalued = [name for name in names if pipeline.columns[name][1]]
    if kind == "mv_expand" and multivalued:
        # Expanded rows share their evidence: SQL's order among them is open.
        pipeline.ties = True
        return f"MV_EXPAND {exprs.quoted(draw(st.sampled_from(multivalued)))}"
    if kind == "where":
        return f"WHERE {exprs.boolean(draw(st.integers(1, 2)))}"
    if kind == "eval":
        parts = []
        count = draw(st.integers(1, 2))
        for index in range(count):
            # Only the last assignment may reuse a name: a later one would see its new type.
            reuse = names and index == count - 1 and draw(st.integers(0, 4)) == 0
            name = draw(st.sampled_from(names)) if reuse else pipeline.fresh("e")
            parts.append(f"{exprs.quoted(name)} = {_value(draw, exprs)}")
        return "EVAL " + ", ".join(parts)
    if kind == "stats":
        return _stats(draw, pipeline, exprs)
    if kind in ("keep", "drop") and names:
        chosen = draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
        )
        if kind == "drop" and len(chosen) == len(names):
            chosen = chosen[1:]
        patterns = [_pattern(draw, name) for name in chosen]
        return f"{kind.upper()} " + ", ".join(patterns) if patterns else None
    if kind == "rename" and names:
        old = draw(st.sampled_from(names))
        new = draw(st.sampled_from([pipeline.fresh("r"), *names]))
        return f"RENAME {exprs.quoted(old)} AS {exprs.quoted(new)}"
    if kind == "sort":
        keys = []
        for _ in range(draw(st.integers(1, 2))):
            target = draw(st.sampled_from(["column", "long", "keyword"]))
            sortable = [n for n in names if SORT_BY_IP or pipeline.columns[n][0] != "ip"]
            if target == "column" and sortable:
                key = exprs.quoted(draw(st.sampled_from(sortable)))
            else:
                key = exprs.long(1)[0] if target == "long" else exprs.keyword(1)[0]
            direction = draw(st.sampled_from(["", " ASC", " DESC"]))
            nulls = draw(st.sampled_from(["", "", " NULLS FIRST", " NULLS LAST"]))
            keys.append(key + direction + nulls)
        text = "SORT " + ", ".join(keys)
        if not pipeline.ties and draw(st.booleans()):
            text += f"\n| LIMIT {draw(st.integers(0, 4))}"
        return text
    if kind == "limit" and not pipeline.ties:
        return f"LIMIT {draw(st.integers(0, 6))}"
    return None


def _value(draw: st.DrawFn, exprs: Expressions) -> str:
    kind = draw(st.sampled_from(["keyword", "long", "date", "boolean", "column", "null"]))
    if kind == "null":
        return "null"
    if kind == "date" and (date := exprs.date(2)) is not None:
        return date[0]
    if kind == "boolean":
        return exprs.boolean(2)
    if kind == "column" and exprs.pipeline.columns:
        return exprs.quoted(draw(st.sampled_from(list(exprs.pipeline.columns))))
    return exprs.long(2)[0] if kind == "long" else exprs.keyword(2)[0]


def _pattern(draw: st.DrawFn, name: str) -> str:
    """The name itself, or a wildcard pattern that matches it (and maybe others)."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return "*"
    if choice == 1 and "`" not in name:
        return name[: draw(st.integers(0, len(name)))] + "*"
    return f"`{name}`" if "." in name else name


def _stats(draw: st.DrawFn, pipeline: Pipeline, exprs: Expressions) -> str:
    names = list(pipeline.columns)
    aggregates = []
    for _ in range(draw(st.integers(1, 3))):
        aggregate = _aggregate(draw, pipeline, exprs, names)
        if draw(st.integers(0, 3)) == 0:
            aggregate += f" WHERE {exprs.boolean(1)}"
        aggregates.append(f"{pipeline.fresh('s')} = {aggregate}")
    keys: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["column", "column", "multivalued", "trunc", "concat"]))
        multivalued = [name for name in names if pipeline.columns[name][1]]
        candidates = multivalued if kind == "multivalued" and multivalued else names
        if kind in ("column", "multivalued") and candidates:
            name = draw(st.sampled_from(candidates))
            if exprs.quoted(name) in keys:
                continue
            pipeline.ties |= pipeline.columns[name][1]
            keys.append(exprs.quoted(name))
        elif kind == "trunc" and (date := exprs.date(0)) is not None:
            span = draw(st.sampled_from(SPANS_OR_PARAM))
            keys.append(f"{pipeline.fresh('k')} = DATE_TRUNC({span}, {date[0]})")
        else:
            keys.append(f'{pipeline.fresh("k")} = CONCAT({exprs.keyword(1)[0]}, "-")')
    return "STATS " + ", ".join(aggregates) + (" BY " + ", ".join(keys) if keys else "")


def _aggregate(draw: st.DrawFn, pipeline: Pipeline, exprs: Expressions, names: list[str]) -> str:
    kind = draw(st.sampled_from(["count", "count", "distinct", "values", "extreme", "sum", "avg",
                                 "expression"]))  # fmt: skip
    column = exprs.quoted(draw(st.sampled_from(names))) if names else "1"
    if kind == "count":
        return draw(st.sampled_from(["COUNT(*)", "COUNT()", f"COUNT({column})"]))
    if kind == "distinct":
        precision = draw(st.sampled_from(["", ", 15", ", ?precision"]))
        return f"COUNT_DISTINCT({column}{precision})"
    if kind == "values":
        return f"VALUES({column})"
    if kind == "extreme":
        orderable = [n for n in names if SORT_BY_IP or pipeline.columns[n][0] != "ip"]
        target = exprs.quoted(draw(st.sampled_from(orderable))) if orderable else "1"
        return f"{draw(st.sampled_from(['MIN', 'MAX']))}({target})"
    if kind == "sum":
        return f"SUM({exprs.long(1)[0]})"
    if kind == "avg":
        return f"AVG({exprs.long(1, single=True)[0]})"
    if pipeline.columns.get("n", ("",))[0] == "long" and draw(st.booleans()):
        return "MAX(n) - MIN(n)"
    return "COUNT(*) + 1"


@st.composite
def pipelines(draw: st.DrawFn) -> Pipeline:
    """A random query: 1-5 commands, each typed against the columns the compiler reports."""
    pipeline = Pipeline()
    for _ in range(draw(st.integers(1, 6))):
        command = _command(draw, pipeline)
        if command is None:
            continue
        pipeline.commands.append(command)
        compiled = compile_query(parse_query(pipeline.text), SCHEMA, PARAMS)
        pipeline.columns = {c.name: (c.type, c.multivalued) for c in compiled.columns}
    return pipeline
