"""Row-level commands (WHERE, EVAL, KEEP, DROP, RENAME, SORT, LIMIT, MV_EXPAND), one CTE each."""

from __future__ import annotations

from sqlglot import exp

from trailsweep.esql import ast
from trailsweep.esql.context import CompileContext
from trailsweep.esql.expressions import ExpressionCompiler, Resolver
from trailsweep.esql.ip_order import ip_key, list_extreme_key
from trailsweep.esql.relation import Column, Relation, SortKey, passthrough, project, wildcard
from trailsweep.esql.typed import Typed, column, int_literal, paren, typed_null

_EXACT, _PARTIAL, _STAR = 2, 1, 0


def row_compiler(ctx: CompileContext, relation: Relation) -> ExpressionCompiler:
    """An expression compiler that resolves names against the relation's visible columns."""

    def resolve(ref: ast.FieldRef) -> Typed:
        found = relation.lookup(ref.name)
        if found is None:
            raise ctx.invalid(ref.span, f"Unknown column [{ref.name}]")
        return found.typed()

    return ExpressionCompiler(ctx, resolve)


def compile_where(ctx: CompileContext, relation: Relation, command: ast.Where) -> Relation:
    """WHERE: SQL's WHERE drops false and null alike, which is ES|QL's rule."""
    condition = row_compiler(ctx, relation).condition(command.condition)
    select = project(relation, passthrough(relation)).where(condition)
    return relation.with_columns(relation.columns, ctx.emit(select))


def compile_eval(ctx: CompileContext, relation: Relation, command: ast.Eval) -> Relation:
    """EVAL: each assignment sees the earlier ones (inlined); a reused name moves to the end."""
    outputs = passthrough(relation)
    for assignment in command.assignments:
        value = ExpressionCompiler(ctx, _inline_resolver(ctx, outputs)).value(assignment.expr)
        sql = typed_null("null") if isinstance(value.sql, exp.Null) else value.sql
        new = Column(assignment.name, value.column_type, value.multivalued)
        outputs = [(col, old) for col, old in outputs if col.name != new.name]
        outputs.append((new, sql))
    select = project(relation, outputs)
    return relation.with_columns([col for col, _ in outputs], ctx.emit(select))


def _inline_resolver(ctx: CompileContext, outputs: list[tuple[Column, exp.Expression]]) -> Resolver:
    env = {col.name: (col, sql) for col, sql in outputs}

    def resolve(ref: ast.FieldRef) -> Typed:
        if ref.name not in env:
            raise ctx.invalid(ref.span, f"Unknown column [{ref.name}]")
        col, sql = env[ref.name]
        return Typed(sql.copy(), col.type, col.multivalued)

    return resolve


def _claims(
    ctx: CompileContext, relation: Relation, patterns: tuple[ast.NamePattern, ...], verb: str
) -> dict[str, tuple[int, int]]:
    """Which pattern claims each column: (precedence, pattern index), ES|QL's KEEP rules."""
    claims: dict[str, tuple[int, int]] = {}
    for index, pattern in enumerate(patterns):
        if pattern.is_wildcard:
            regex = wildcard(pattern.text)
            matched = [col.name for col in relation.columns if regex.fullmatch(col.name)]
            rank = _STAR if pattern.text == "*" else _PARTIAL
            if not matched and not relation.open:
                raise ctx.invalid(pattern.span, f"No matches found for pattern [{pattern.text}]")
        else:
            if relation.lookup(pattern.text) is None:
                if verb == "DROP" and relation.open:
                    continue
                raise ctx.invalid(pattern.span, f"Unknown column [{pattern.text}]")
            matched, rank = [pattern.text], _EXACT
        for name in matched:
            # Higher precedence wins; at equal precedence the rightmost pattern wins.
            if name not in claims or (rank, index) >= claims[name]:
                claims[name] = (rank, index)
    return claims


def compile_keep(ctx: CompileContext, relation: Relation, command: ast.Keep) -> Relation:
    """KEEP: columns in the order of the patterns that claim them."""
    claims = _claims(ctx, relation, command.patterns, "KEEP")
    kept: list[Column] = []
    for index in range(len(command.patterns)):
        kept.extend(col for col in relation.columns if claims.get(col.name, (0, -1))[1] == index)
    select = project(relation, [(col, column(col.name)) for col in kept])
    result = relation.with_columns(kept, ctx.emit(select))
    return Relation(result.source, result.columns, result.aggregated, result.sort, open=False)


def compile_drop(ctx: CompileContext, relation: Relation, command: ast.Drop) -> Relation:
    """DROP: every named or matched column goes; the rest keep their order."""
    claims = _claims(ctx, relation, command.patterns, "DROP")
    kept = [col for col in relation.columns if col.name not in claims]
    select = project(relation, [(col, column(col.name)) for col in kept])
    return relation.with_columns(kept, ctx.emit(select))


def compile_rename(ctx: CompileContext, relation: Relation, command: ast.Rename) -> Relation:
    """RENAME old AS new: the column keeps its place; an existing `new` column is replaced."""
    outputs = [(col, col.name) for col in relation.columns]
    for pair in command.pairs:
        names = [col.name for col, _ in outputs]
        if pair.old not in names:
            raise ctx.invalid(pair.span, f"Unknown column [{pair.old}]")
        if pair.old == pair.new:
            continue
        renamed = Column(pair.new, "null")
        for col, _ in outputs:
            if col.name == pair.old:
                renamed = Column(pair.new, col.type, col.multivalued)
        outputs = [
            (renamed, source) if col.name == pair.old else (col, source)
            for col, source in outputs
            if col.name != pair.new
        ]
    select = project(relation, [(col, column(source)) for col, source in outputs])
    return relation.with_columns([col for col, _ in outputs], ctx.emit(select))


def compile_sort(ctx: CompileContext, relation: Relation, command: ast.Sort) -> Relation:
    """SORT: keys become hidden columns; a multivalued key sorts by its min (asc) or max (desc)."""
    rows = row_compiler(ctx, relation)
    keys: list[SortKey] = []
    extra: list[tuple[str, exp.Expression]] = []
    for index, order in enumerate(command.orders):
        value = rows.value(order.expr)
        sql = _sort_value(value, order.descending)
        # NULL sorts as larger than any value: last ascending, first descending.
        nulls_first = order.descending if order.nulls_first is None else order.nulls_first
        name = f"__sort{index}"
        keys.append(SortKey(name, order.descending, nulls_first))
        extra.append((name, sql))
    hidden = [relation.evidence]
    select = project(relation, passthrough(relation), extra, hidden=hidden)
    sorted_relation = Relation(
        ctx.emit(select), relation.columns, relation.aggregated, tuple(keys), relation.open
    )
    return sorted_relation


def _sort_value(value: Typed, descending: bool) -> exp.Expression:
    """What a SORT key orders by: the value, or its smallest (asc) or largest (desc) value."""
    if value.type == "ip":
        # ES|QL sorts ips by address (their 16-byte form); their text sorts otherwise.
        if value.multivalued:
            return list_extreme_key(value.sql, maximum=descending)
        return ip_key(value.sql)
    if value.multivalued:
        return (exp.ArrayMax if descending else exp.ArrayMin)(this=value.sql)
    return value.sql


def order_by(relation: Relation) -> list[exp.Ordered]:
    """ORDER BY for the relation's sort keys, then the evidence as a deterministic tiebreak."""
    ordered: list[exp.Ordered] = []
    for key in relation.sort:
        missing = exp.Is(this=column(key.name), expression=exp.null())
        # An explicit null-ordering key: DuckDB's default_null_order setting cannot move nulls.
        ordered.append(exp.Ordered(this=exp.Paren(this=missing), desc=key.nulls_first))
        ordered.append(exp.Ordered(this=column(key.name), desc=key.descending))
    ordered.append(exp.Ordered(this=column(relation.evidence), desc=False))
    return ordered


def compile_limit(ctx: CompileContext, relation: Relation, command: ast.Limit) -> Relation:
    """LIMIT n: the first n rows in SORT order (ties, and unsorted rows, by evidence)."""
    select = project(relation, passthrough(relation)).order_by(*order_by(relation))
    select = select.limit(int_literal(command.count))
    return relation.with_columns(relation.columns, ctx.emit(select))


def compile_mv_expand(ctx: CompileContext, relation: Relation, command: ast.MvExpand) -> Relation:
    """MV_EXPAND: one row per value; a null or empty value keeps its row with null."""
    target = relation.lookup(command.name)
    if target is None:
        raise ctx.invalid(command.span, f"Unknown column [{command.name}]")
    if not target.multivalued:
        return relation
    values = column(target.name)
    nonempty = exp.GT(this=exp.ArraySize(this=values), expression=int_literal(0))
    padded = exp.Case(
        ifs=[exp.If(this=paren(nonempty), true=values.copy())],
        default=exp.Array(expressions=[typed_null(target.type)]),
    )
    expanded = Column(target.name, target.type, False)
    outputs = [
        (expanded, exp.Explode(this=padded)) if col.name == target.name else (col, column(col.name))
        for col in relation.columns
    ]
    select = project(relation, outputs)
    return relation.with_columns([col for col, _ in outputs], ctx.emit(select))
