"""DuckDB functions of the compiled SQL written as Spark SQL with DuckDB's results.

Each entry renders one function the compiler calls by its DuckDB name (`exp.Anonymous`), with
DuckDB's NULL, list and text semantics where Spark's differ (see each writer). A name that is
not here is refused by `spark_sql`, never passed through.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from sqlglot import exp

from trailsweep.engine.spark_regex import RegexTranslationError, java_regex

Render = Callable[[exp.Expression], str]
Writer = Callable[[list[exp.Expression], Render], str]


class FunctionError(ValueError):
    """A call that is not written for Spark (the message names it)."""


def quote(text: str) -> str:
    """A Spark SQL string literal (backslashes are escapes in Spark's literals)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def constant_text(node: exp.Expression, what: str) -> str:
    """The text of a string literal argument (the compiler writes patterns as literals)."""
    if isinstance(node, exp.Literal) and node.is_string:
        text: str = node.this
        return text
    raise FunctionError(f"{what} that is not a constant string")


def constant_int(node: exp.Expression, what: str) -> int:
    """The value of an integer literal argument."""
    if isinstance(node, exp.Literal) and node.is_int:
        return int(node.this)
    raise FunctionError(f"{what} that is not a constant integer")


def regex(node: exp.Expression, *, full: bool = False) -> str:
    """A constant RE2 pattern as a Spark literal of the Java pattern that matches the same."""
    pattern = constant_text(node, "a regular expression")
    try:
        translated = java_regex(pattern)
    except RegexTranslationError as exc:
        raise FunctionError(f"regular expression: {exc}") from None
    return quote(f"\\A(?:{translated})\\z" if full else translated)


_SIMPLE = re.compile(r"[\w`.()]{1,80}")


def once(value: str, body: Callable[[str], str]) -> str:
    """`body` over a value it reads several times, the value written (and computed) once.

    A short column or field reference is repeated as it is; anything else is bound with
    `get(transform(array(value), v -> body), 0)`, Spark SQL's only `let`. The variable is named
    after the value's text, so that bindings nested in a body (which may read the outer ones)
    never hide each other: two bindings of one name bind the same text.
    """
    if _SIMPLE.fullmatch(value):
        return body(value)
    name = f"__once_{hashlib.sha1(value.encode()).hexdigest()[:12]}"
    return f"get(transform(array({value}), {name} -> {body(name)}), 0)"


def raise_error(message: str) -> str:
    """Spark's raise_error with trailsweep's prefix."""
    return f"raise_error({quote(f'trailsweep Spark engine: {message}')})"


def _call(name: str, arity: int) -> Writer:
    def write(args: list[exp.Expression], render: Render) -> str:
        if len(args) != arity:
            raise FunctionError(f"{name} with {len(args)} arguments")
        return f"{name}({', '.join(render(arg) for arg in args)})"

    return write


def _lambda_call(name: str) -> Writer:
    def write(args: list[exp.Expression], render: Render) -> str:
        if len(args) != 2 or not isinstance(args[1], exp.Lambda):
            raise FunctionError(f"{name} without a lambda")
        return f"{name}({render(args[0])}, {render(args[1])})"

    return write


def _list_reduce(args: list[exp.Expression], render: Render) -> str:
    # DuckDB's list_reduce(list, (acc, x) -> ..., initial) folds left to right, as aggregate.
    if len(args) != 3 or not isinstance(args[1], exp.Lambda):
        raise FunctionError("list_reduce without a lambda and an initial value")
    return f"aggregate({render(args[0])}, {render(args[2])}, {render(args[1])})"


def _list_resize(args: list[exp.Expression], render: Render) -> str:
    # Cut or padded to `size` elements; a NULL size is the empty list, a NULL list NULL.
    if len(args) != 3:
        raise FunctionError("list_resize without a padding value")
    values, size, pad = (render(arg) for arg in args)

    def resized(items: str) -> str:
        def cut(count: str) -> str:
            missing = f"greatest({count} - size({items}), 0)"
            return f"slice(concat({items}, array_repeat({pad}, {missing})), 1, {count})"

        return once(f"CAST(coalesce({size}, 0) AS INT)", cut)

    return once(values, resized)


def _range(args: list[exp.Expression], render: Render) -> str:
    # Spark's sequence(0, -1) counts down: only a known count is written.
    count = constant_int(args[0], "range() of a count") if len(args) == 1 else -1
    if count < 0:
        raise FunctionError("range() with other arguments than a count")
    if count == 0:
        return "CAST(array() AS ARRAY<BIGINT>)"
    return f"sequence(CAST(0 AS BIGINT), CAST({count - 1} AS BIGINT))"


def _list_bool_or(args: list[exp.Expression], render: Render) -> str:
    # NULL for an empty or all-NULL list, else whether a value is true: array_max of booleans.
    return f"array_max({render(args[0])})"


def _struct_extract(args: list[exp.Expression], render: Render) -> str:
    name = constant_text(args[1], "struct_extract of a field")
    return f"({render(args[0])}).{_field(name)}"


def _field(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _regexp_full_match(args: list[exp.Expression], render: Render) -> str:
    return f"rlike({render(args[0])}, {regex(args[1], full=True)})"


def _string_split(args: list[exp.Expression], render: Render) -> str:
    separator = constant_text(args[1], "string_split by a separator")
    if not separator:
        raise FunctionError("string_split by an empty separator")
    # Spark splits by a regular expression: the separator, each character quoted.
    pattern = "".join(
        char if char.isascii() and char.isalnum() else f"\\x{{{ord(char):x}}}" for char in separator
    )
    return f"split({render(args[0])}, {quote(pattern)}, -1)"


def _trim(side: str) -> Writer:
    def write(args: list[exp.Expression], render: Render) -> str:
        if len(args) != 2:
            raise FunctionError(f"{side.lower()}trim of whitespace")
        return f"TRIM({side} {render(args[1])} FROM {render(args[0])})"

    return write


_PRINTF_PART = re.compile(r"%02x|[^%]+")


def _printf(args: list[exp.Expression], render: Render) -> str:
    # Spark's format_string prints NULL as 'null'; DuckDB's printf is NULL. Only the `%02x`
    # of a byte (the ip ordering key) is written: two lower-case hex digits of 0..255.
    form = constant_text(args[0], "printf of a format")
    parts = _PRINTF_PART.findall(form)
    if "".join(parts) != form or parts.count("%02x") != len(args) - 1:
        raise FunctionError(f"printf format {form!r} (only %02x is written)")
    values = iter(args[1:])
    pieces = [
        f"lpad(lower(hex({render(next(values))})), 2, '0')" if part == "%02x" else quote(part)
        for part in parts
    ]
    return f"concat({', '.join(pieces)})"


def _isfinite(args: list[exp.Expression], render: Render) -> str:
    # NaN is larger than every double in Spark, so it is not below infinity either.
    return f"(abs({render(args[0])}) < CAST('Infinity' AS DOUBLE))"


def _error(args: list[exp.Expression], render: Render) -> str:
    return f"raise_error({render(args[0])})"


def _try(args: list[exp.Expression], render: Render) -> str:
    # Only TRY(DECODE(blob)) is written: text, or NULL when the bytes are not UTF-8.
    inner = args[0]
    if not (isinstance(inner, exp.Anonymous) and inner.name.lower() == "decode"):
        raise FunctionError("TRY of anything but DECODE")
    return f"try_validate_utf8(CAST({render(inner.expressions[0])} AS STRING))"


def _decode(args: list[exp.Expression], render: Render) -> str:
    return f"validate_utf8(CAST({render(args[0])} AS STRING))"


def _encode(args: list[exp.Expression], render: Render) -> str:
    return f"encode({render(args[0])}, 'UTF-8')"


def _bin(args: list[exp.Expression], render: Render) -> str:
    # Only non-negative values reach it (unsigned mantissas below 2^61): same digits.
    return f"bin({render(args[0])})"


FUNCTIONS: dict[str, Writer] = {
    "list_transform": _lambda_call("transform"),
    "list_filter": _lambda_call("filter"),
    "list_reduce": _list_reduce,
    "list_resize": _list_resize,
    "list_bool_or": _list_bool_or,
    "range": _range,
    "struct_extract": _struct_extract,
    "regexp_full_match": _regexp_full_match,
    "contains": _call("contains", 2),
    "split_part": _call("split_part", 3),
    "string_split": _string_split,
    "replace": _call("replace", 3),
    "repeat": _call("repeat", 2),
    "lpad": _call("lpad", 3),
    "ltrim": _trim("LEADING"),
    "rtrim": _trim("TRAILING"),
    "greatest": _call("greatest", 2),
    "least": _call("least", 2),
    "array_to_string": _call("array_join", 2),
    "printf": _printf,
    "bin": _bin,
    "isfinite": _isfinite,
    "error": _error,
    "try": _try,
    "decode": _decode,
    "encode": _encode,
    "from_base64": _call("unbase64", 1),
    "to_base64": _call("base64", 1),
}
"""DuckDB function name → its Spark writer."""
