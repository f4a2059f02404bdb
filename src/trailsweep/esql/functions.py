"""The scalar functions trailsweep runs, by name; anything else is EsqlUnsupportedError.

Unless documented otherwise an ES|QL function returns null for a multivalued argument, which is
what `typed.single` gives. Where the multivalued behaviour of a function is not pinned down here,
a statically multivalued argument raises EsqlUnsupportedError instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from trailsweep.esql.callsite import CallSite
from trailsweep.esql.ip_order import list_extreme_keyed, unkeyed
from trailsweep.esql.java_numbers import java_double
from trailsweep.esql.temporal import date_diff, date_trunc, epoch_millis, now
from trailsweep.esql.typed import (
    NUMERIC,
    TEXTUAL,
    Typed,
    ValueType,
    as_list,
    coerce,
    int_literal,
    is_not_null,
    is_null,
    length,
    paren,
    single,
    typed_null,
)

Handler = Callable[[CallSite], Typed]

AGGREGATE_FUNCTIONS = frozenset({"count", "count_distinct", "values", "min", "max", "sum", "avg"})
"""Aggregate functions trailsweep runs (compiled by `aggregates`)."""

CAST_FUNCTIONS: dict[str, str] = {
    "keyword": "to_string",
    "string": "to_string",
    "text": "to_string",
    "double": "to_double",
    "long": "to_long",
    "integer": "to_integer",
    "int": "to_integer",
}
"""`value::type` as the conversion function it stands for."""


def common_type(site: CallSite, values: list[Typed], first_index: int, step: int) -> ValueType:
    """The one type of several values (long and double mix to double; null fits anything)."""
    seen: ValueType = "null"
    for offset, value in enumerate(values):
        if value.type == "null":
            continue
        if seen == "null" or seen == value.type:
            seen = value.type
        elif seen in NUMERIC and value.type in NUMERIC:
            seen = "double"
        elif seen in TEXTUAL and value.type in TEXTUAL:
            seen = "keyword"
        else:
            raise site.invalid(f"mixes {seen} and {value.type} values", first_index + offset * step)
    return seen


def _case(site: CallSite) -> Typed:
    site.arity(2, -1)
    args = list(site.args)
    default = args.pop() if len(args) % 2 else None
    values = args[1::2]
    conditions = [site.expect(index * 2, "boolean") for index in range(len(args) // 2)]
    result_type = common_type(site, [*values, *([default] if default else [])], 1, 2)
    values = [coerce(value, result_type) for value in values]
    default = coerce(default, result_type) if default is not None else None
    multivalued = any(v.multivalued for v in values) or bool(default and default.multivalued)

    def branch(value: Typed) -> exp.Expression:
        return as_list(value) if multivalued else value.sql

    # A null (or multivalued) condition is not true, so its branch is not taken.
    ifs = [
        exp.If(this=single(condition), true=branch(value))
        for condition, value in zip(conditions, values, strict=True)
    ]
    fallback = branch(default) if default is not None else typed_null(result_type, multivalued)
    return Typed(exp.Case(ifs=ifs, default=fallback), result_type, multivalued)


def _coalesce(site: CallSite) -> Typed:
    site.arity(1, -1)
    result_type = common_type(site, list(site.args), 0, 1)
    args = [coerce(arg, result_type) for arg in site.args]
    if not any(arg.multivalued for arg in args):
        first, *rest = (arg.sql for arg in args)
        return Typed(exp.Coalesce(this=first, expressions=rest), result_type)
    # An empty list is null, which SQL's COALESCE does not know.
    ifs = [exp.If(this=is_not_null(arg), true=as_list(arg)) for arg in args]
    return Typed(exp.Case(ifs=ifs, default=typed_null(result_type, True)), result_type, True)


def _concat(site: CallSite) -> Typed:
    site.arity(2, -1)
    parts = [single(site.expect(index, "keyword", "ip")) for index in range(len(site.args))]
    result: exp.Expression = parts[0]
    for part in parts[1:]:
        # `||` is null as soon as one side is null, like CONCAT in ES|QL.
        result = exp.DPipe(this=result, expression=part)
    return Typed(result, "keyword")


def _text_function(make: Callable[[exp.Expression], exp.Expression]) -> Handler:
    def handler(site: CallSite) -> Typed:
        site.arity(1)
        value = site.expect(0, "keyword", "ip")
        if value.multivalued:
            raise site.unsupported("a multivalued argument", 0)
        return Typed(make(value.sql), "keyword")

    return handler


def _prefix_test(make: Callable[..., exp.Expression]) -> Handler:
    def handler(site: CallSite) -> Typed:
        site.arity(2)
        text = single(site.expect(0, "keyword", "ip"))
        affix = single(site.expect(1, "keyword", "ip"))
        return Typed(make(this=text, expression=affix), "boolean")

    return handler


def _length(site: CallSite) -> Typed:
    site.arity(1)
    return Typed(exp.Length(this=single(site.expect(0, "keyword", "ip"))), "long")


# What Java's Base64.getDecoder() accepts: the basic alphabet, whole 4-character units, and a
# final unit of 2 or 3 characters, with its `=` padding complete or absent.
_BASE64 = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?"


def _from_base64(site: CallSite) -> Typed:
    """FROM_BASE64: null (plus a warning) for input Java's decoder rejects or non-UTF-8 bytes."""
    site.arity(1)
    text = single(site.expect(0, "keyword"))
    valid = exp.Anonymous(this="regexp_full_match", expressions=[text, exp.Literal.string(_BASE64)])
    # DuckDB wants whole units: pad as Java reads an unpadded final unit.
    missing = exp.Mod(
        this=exp.Paren(
            this=exp.Sub(
                this=int_literal(4),
                expression=exp.Mod(this=exp.Length(this=text.copy()), expression=int_literal(4)),
            )
        ),
        expression=int_literal(4),
    )
    padding = exp.Anonymous(this="repeat", expressions=[exp.Literal.string("="), missing])
    blob = exp.Anonymous(
        this="from_base64", expressions=[exp.DPipe(this=text.copy(), expression=padding)]
    )
    decoded = exp.Anonymous(
        this="try", expressions=[exp.Anonymous(this="decode", expressions=[blob])]
    )
    return Typed(exp.Case(ifs=[exp.If(this=valid, true=decoded)]), "keyword")


def _to_base64(site: CallSite) -> Typed:
    """TO_BASE64: the standard (padded) encoding of the string's UTF-8 bytes."""
    site.arity(1)
    text = single(site.expect(0, "keyword"))
    blob = exp.Anonymous(this="encode", expressions=[text])
    return Typed(exp.Anonymous(this="to_base64", expressions=[blob]), "keyword")


def _to_string(site: CallSite) -> Typed:
    site.arity(1)
    value = site.args[0]
    if value.type in TEXTUAL or value.type == "null":
        # Conversion functions convert every value of a multivalued argument.
        return Typed(value.sql, "keyword", value.multivalued)
    if value.multivalued:
        raise site.unsupported(f"converting a multivalued {value.type}", 0)
    if value.type == "long":
        return Typed(exp.cast(value.sql, exp.DataType.build("VARCHAR")), "keyword")
    if value.type == "boolean":
        text = exp.Case(
            ifs=[exp.If(this=value.sql, true=exp.Literal.string("true"))],
            default=exp.Literal.string("false"),
        )
        guarded = exp.Case(ifs=[exp.If(this=is_null(value), true=exp.null())], default=text)
        return Typed(guarded, "keyword")
    if value.type == "date":
        iso = exp.TimeToStr(this=value.sql, format=exp.Literal.string("%Y-%m-%dT%H:%M:%S.%gZ"))
        return Typed(iso, "keyword")
    raise site.unsupported(f"converting {value.type} to a string", 0)


def _to_double(site: CallSite) -> Typed:
    site.arity(1)
    value = site.args[0]
    if value.multivalued:
        raise site.unsupported(f"converting a multivalued {value.type}", 0)
    double = exp.DataType.build("DOUBLE")
    if value.type in ("long", "double", "boolean", "null"):
        return Typed(exp.cast(value.sql, double), "double")
    if value.type == "keyword":
        # Java's Double.parseDouble, not DuckDB's cast; unparsable or non-finite text is null
        # (plus a warning) in ES|QL.
        return Typed(java_double(value.sql), "double")
    if value.type == "date":
        return Typed(exp.cast(epoch_millis(value.sql), double), "double")
    raise site.unsupported(f"converting {value.type} to double", 0)


def _to_long(site: CallSite) -> Typed:
    site.arity(1)
    value = site.args[0]
    if value.multivalued:
        raise site.unsupported(f"converting a multivalued {value.type}", 0)
    bigint = exp.DataType.build("BIGINT")
    if value.type in ("long", "boolean", "null"):
        return Typed(exp.cast(value.sql, bigint), "long")
    if value.type == "date":
        return Typed(epoch_millis(value.sql), "long")
    raise site.unsupported(f"converting {value.type} to an integer", 0)


def _to_integer(site: CallSite) -> Typed:
    converted = _to_long(site)
    # ES|QL integers are 32-bit: a value outside the range is null (plus a warning).
    in_range = exp.Between(
        this=paren(converted.sql), low=int_literal(-(2**31)), high=int_literal(2**31 - 1)
    )
    return Typed(exp.Case(ifs=[exp.If(this=in_range, true=converted.sql.copy())]), "long")


def _mv_count(site: CallSite) -> Typed:
    site.arity(1)
    value = site.args[0]
    if value.multivalued:
        return Typed(exp.Nullif(this=length(value.sql), expression=int_literal(0)), "long")
    present = exp.Case(ifs=[exp.If(this=is_null(value), true=exp.null())], default=int_literal(1))
    return Typed(present, "long")


def _mv_pick(maximum: bool) -> Handler:
    # ES|QL reads multivalues from doc values, sorted ascending: MV_FIRST is in practice the
    # smallest value. Lists here are not sorted, so the first/last are taken after sorting.
    def handler(site: CallSite) -> Typed:
        site.arity(1)
        value = site.args[0]
        if not value.multivalued:
            return Typed(value.sql, value.type)
        if value.type == "ip":
            # Doc values hold ips in address order (16-byte form), not in text order.
            return Typed(unkeyed(list_extreme_keyed(value.sql, maximum)), "ip")
        return Typed((exp.ArrayMax if maximum else exp.ArrayMin)(this=value.sql), value.type)

    return handler


SCALAR_FUNCTIONS: dict[str, Handler] = {
    "case": _case,
    "coalesce": _coalesce,
    "concat": _concat,
    "to_lower": _text_function(lambda value: exp.Lower(this=value)),
    "to_upper": _text_function(lambda value: exp.Upper(this=value)),
    "starts_with": _prefix_test(exp.StartsWith),
    "ends_with": _prefix_test(exp.EndsWith),
    "length": _length,
    "from_base64": _from_base64,
    "to_base64": _to_base64,
    "to_string": _to_string,
    "to_str": _to_string,
    "to_double": _to_double,
    "to_dbl": _to_double,
    "to_long": _to_long,
    "to_integer": _to_integer,
    "to_int": _to_integer,
    "mv_count": _mv_count,
    "mv_first": _mv_pick(maximum=False),
    "mv_last": _mv_pick(maximum=True),
    "mv_min": _mv_pick(maximum=False),
    "mv_max": _mv_pick(maximum=True),
    "date_trunc": date_trunc,
    "date_diff": date_diff,
    "now": now,
}
