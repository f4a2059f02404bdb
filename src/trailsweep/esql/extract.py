"""DISSECT and GROK: columns extracted from a string, in two CTEs (match, then fields).

Both follow ES|QL's `RegexExtract`: the new columns are appended after the existing ones and a
column with the same name as a new one is dropped (`mergeOutputAttributes`). The input must be a
string. On no match every new column is null.

Multivalued input (ES|QL's StringExtractOperator and GrokEvaluatorExtracter): every value is
matched on its own; each new column collects, in value order, the values its key took in the
values that matched; a column with no value is null, one with a single value is that value.
The columns of a multivalued input are therefore multivalued (lists here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.commands import row_compiler
from trailsweep.esql.context import CompileContext
from trailsweep.esql.dissect import DissectPatternError, parse_dissect
from trailsweep.esql.grok import GrokPattern, GrokPatternError, parse_grok
from trailsweep.esql.relation import Column, Relation, project
from trailsweep.esql.typed import Typed, column, sql_type, typed_null

_MATCH = "__extract"
_VALUE, _ITEM, _KEPT = "__extract_value", "__extract_item", "__extract_kept"
FieldSql = Callable[[exp.Expression], exp.Expression]


def compile_dissect(ctx: CompileContext, relation: Relation, command: ast.Dissect) -> Relation:
    """DISSECT input "pattern" [APPEND_SEPARATOR="sep"]."""
    separator = ""
    for name, value in command.options:
        if name != "append_separator":
            raise ctx.invalid(command.span, f"Invalid option for dissect: [{name}]")
        if not isinstance(value, ast.Literal) or not isinstance(value.value, str):
            raise ctx.invalid(value.span, "Invalid value for dissect append_separator")
        separator = value.value
    try:
        pattern = parse_dissect(command.pattern, separator)
    except DissectPatternError as error:
        span = command.pattern_span
        if error.unsupported:
            raise ctx.unsupported(span, f"DISSECT: {error}") from None
        raise ctx.invalid(span, str(error)) from None
    source = _source(ctx, relation, command.source, "DISSECT")
    fields = [
        (Column(name, "keyword", source.multivalued), _dissect_field(pattern.field, name))
        for name in pattern.output_keys
    ]
    return _extract(ctx, relation, source, pattern.match, fields, None)


def _dissect_field(field: Callable[[exp.Expression, str], exp.Expression], name: str) -> FieldSql:
    return lambda values: field(values, name)


def compile_grok(ctx: CompileContext, relation: Relation, command: ast.Grok) -> Relation:
    """GROK input "pattern"."""
    if len(command.patterns) != 1:
        raise ctx.unsupported(command.span, "GROK with several patterns")
    try:
        pattern = parse_grok(command.patterns[0])
    except GrokPatternError as error:
        span = command.pattern_spans[0] if command.pattern_spans else command.span
        if error.unsupported:
            raise ctx.unsupported(span, f"GROK: {error}") from None
        raise ctx.invalid(span, f"Invalid pattern for grok: {error}") from None
    source = _source(ctx, relation, command.source, "GROK")
    fields = [
        (Column(f.name, f.type, source.multivalued), _grok_field(pattern, f.name))
        for f in pattern.fields
    ]
    return _extract(ctx, relation, source, pattern.match, fields, pattern.failed)


def _grok_field(pattern: GrokPattern, name: str) -> FieldSql:
    grok_field = next(f for f in pattern.fields if f.name == name)
    return lambda match: pattern.value(match, grok_field)


def _source(ctx: CompileContext, relation: Relation, expr: ast.Expr, command: str) -> Typed:
    value = row_compiler(ctx, relation).value(expr)
    if value.type not in ("keyword", "null"):
        raise ctx.invalid(
            expr.span, f"{command} only supports KEYWORD or TEXT values, found [{value.type}]"
        )
    return value


def _lambda(body: exp.Expression, name: str) -> exp.Expression:
    return exp.Lambda(this=body, expressions=[exp.to_identifier(name, quoted=True)])


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _extract(
    ctx: CompileContext,
    relation: Relation,
    source: Typed,
    match: Callable[[exp.Expression], exp.Expression],
    fields: Sequence[tuple[Column, FieldSql]],
    failed: Callable[[exp.Expression], exp.Expression | None] | None,
) -> Relation:
    names = {col.name for col, _ in fields}
    kept = [(col, column(col.name)) for col in relation.columns if col.name not in names]
    if source.type == "null" or not fields:
        new = [(col, typed_null(col.type, col.multivalued)) for col, _ in fields]
        outputs = [*kept, *new]
        select = project(relation, outputs)
        return relation.with_columns([col for col, _ in outputs], ctx.emit(select))
    # First CTE: the match of each row (or of each value), kept in a hidden column.
    if source.multivalued:
        matched = _call("list_transform", source.sql, _lambda(match(_ref(_VALUE)), _VALUE))
    else:
        matched = match(source.sql)
    first = project(relation, [(col, column(col.name)) for col in relation.columns])
    first = first.select(exp.alias_(matched, _MATCH, quoted=True))
    # Materialized: DuckDB would otherwise inline the match into every column that reads it.
    staged = relation.with_columns(relation.columns, ctx.emit(first, materialized=True))
    # Second CTE: the new columns from the match.
    failure: exp.Expression | None = None
    if failed is not None:
        if source.multivalued:
            each = failed(_ref(_ITEM))
            if each is not None:
                flags = _call("list_transform", column(_MATCH), _lambda(each, _ITEM))
                failure = _call("list_bool_or", flags)
        else:
            failure = failed(column(_MATCH))
    new_columns = []
    for col, field_sql in fields:
        if source.multivalued:
            values = _call("list_transform", column(_MATCH), _lambda(field_sql(_ref(_ITEM)), _ITEM))
            present = exp.Not(this=exp.Is(this=_ref(_KEPT), expression=exp.null()))
            values = _call("list_filter", values, _lambda(present, _KEPT))
            # No value at all is null.
            none = exp.cast(exp.Array(expressions=[]), sql_type(col.type, True))
            sql: exp.Expression = exp.Nullif(this=values, expression=none)
        else:
            sql = field_sql(column(_MATCH))
        if failure is not None:
            # A typed value that does not convert nulls every column of the row.
            failing = exp.Is(this=exp.Paren(this=failure.copy()), expression=exp.true())
            sql = exp.Case(
                ifs=[exp.If(this=failing, true=typed_null(col.type, col.multivalued))], default=sql
            )
        new_columns.append((col, exp.cast(sql, sql_type(col.type, col.multivalued))))
    outputs = [*kept, *new_columns]
    select = project(staged, outputs)
    return relation.with_columns([col for col, _ in outputs], ctx.emit(select))


def _ref(name: str) -> exp.Expression:
    return exp.column(name, quoted=True)
