"""GROK patterns: expansion as Elasticsearch's `Grok.toRegex` does it, and SQL for one match.

`%{NAME}` becomes `(?:definition)` and `%{NAME:field}` / `%{NAME:field:type}` a group named
`NAME:field[:type]`; expansion repeats until no reference is left (libs/grok `Grok.java`). A named
group yields the field after its first `:` (`GrokCaptureConfig`), typed by the part after the
second (`int`, `long`, `float`, `double`, `boolean`; anything else is a string). ES|QL searches
the input (not anchored), takes the first match, and creates the fields sorted by name
(`Grok.Parser.extractedFields`): keyword, or INTEGER/LONG/DOUBLE/BOOLEAN when typed.

Typed captures convert as Java does: `Integer.parseInt`, `Long.parseLong`, `Float.parseFloat`
(widened to double), `Double.parseDouble`, `Boolean.parseBoolean`. A value that does not convert
nulls every field of the row (ES|QL's GrokEvaluatorExtracter). A float in a form Java accepts
but the SQL does not parse the same (hex, NaN, Infinity, `f`/`d` suffixes, padding) stops the
query with an error rather than giving another value. A typed capture must come from a
sub-pattern that only matches ASCII (Java's parsers also accept non-ASCII digits).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlglot import exp

from trailsweep.esql.grok_library import ECS_V1_PATTERNS
from trailsweep.esql.onig import RegexError
from trailsweep.esql.onig_re2 import Regex, translate
from trailsweep.esql.types import EsqlType

_REFERENCE = re.compile(
    r"%\{(?P<name>(?P<pattern>[A-z0-9]+)(?::(?P<subname>[A-Za-z0-9@\[\]_:.-]+))?)"
    r"(?:=(?P<definition>(?:[^{}]+|\.+)+))?\}"
)
# `[[:alnum:]]` in Joni is Unicode: a subname with other letters would be read differently.
_NON_ASCII_REFERENCE = re.compile(r"%\{[A-z0-9]+:[^}]*[^\x00-\x7f][^}]*\}")
_MAX_EXPANSIONS = 100_000
_TYPES: dict[str, EsqlType] = {
    "int": "long",
    "long": "long",
    "float": "double",
    "double": "double",
    "boolean": "boolean",
}
_INTEGER = "[+-]?[0-9]+"
_DECIMAL = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# Every form Java's Float/Double.parseFloat accept (FloatingDecimal.readJavaFormatString).
_JAVA_FLOAT = (
    r"[\x00-\x20]*[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?"
    r"|0[xX](?:[0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?[0-9]+[fFdD]?)[\x00-\x20]*"
)


class GrokPatternError(ValueError):
    """A pattern ES|QL rejects (`unsupported` False) or one trailsweep does not run (True)."""

    def __init__(self, message: str, *, unsupported: bool) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass(frozen=True)
class GrokField:
    """One field GROK creates: name, ES|QL type, its RE2 group, whether that group may take no
    part in a match, and the Java conversion (`string`, `int`, `long`, `float`, ...)."""

    name: str
    type: EsqlType
    group: str
    optional: bool
    conversion: str


@dataclass(frozen=True)
class GrokPattern:
    """A translated pattern and the fields it creates, sorted by name as ES|QL orders them."""

    regex: Regex
    fields: tuple[GrokField, ...]

    def match(self, text: exp.Expression) -> exp.Expression:
        """SQL: a struct of every group's text when the input matches, else NULL."""
        pattern = exp.Literal.string(self.regex.re2)
        # DuckDB names the struct's fields after the groups in pattern order, not by group name.
        names = ["pre"] if self.regex.caret else []
        names.extend(capture.group for capture in self.regex.captures)
        groups = [exp.Literal.string(name) for name in names]
        extract = exp.RegexpExtract(
            this=text.copy(), expression=pattern, group=exp.Array(expressions=groups)
        )
        matches: exp.Expression = exp.RegexpLike(this=text.copy(), expression=pattern.copy())
        if self.regex.caret:
            # Joni's `^` never matches at the end of a non-empty input; RE2's does after "\n".
            before = exp.Length(this=_get(extract.copy(), "pre"))
            inside = exp.Or(
                this=exp.LT(this=before, expression=exp.Length(this=text.copy())),
                expression=exp.EQ(
                    this=exp.Length(this=text.copy()), expression=exp.Literal.number(0)
                ),
            )
            matches = exp.And(this=matches, expression=exp.Paren(this=inside))
        return exp.Case(ifs=[exp.If(this=matches, true=extract)])

    def value(self, match: exp.Expression, grok_field: GrokField) -> exp.Expression:
        """SQL: the field's value from a `match` struct (NULL: no match, no part, no conversion)."""
        return _convert(_raw(match, grok_field), grok_field.conversion)

    def failed(self, match: exp.Expression) -> exp.Expression | None:
        """SQL: true when a typed field of the match does not convert (None: nothing typed)."""
        checks: list[exp.Expression] = []
        for grok_field in self.fields:
            if grok_field.conversion == "string" or grok_field.conversion == "boolean":
                continue
            raw = _raw(match.copy(), grok_field)
            present = exp.Not(this=exp.Is(this=raw, expression=exp.null()))
            converted = exp.Is(this=self.value(match.copy(), grok_field), expression=exp.null())
            checks.append(exp.Paren(this=exp.And(this=present, expression=converted)))
        if not checks:
            return None
        result = checks[0]
        for check in checks[1:]:
            result = exp.Or(this=result, expression=check)
        return result


def _raw(match: exp.Expression, grok_field: GrokField) -> exp.Expression:
    raw = _get(match, grok_field.group)
    if grok_field.optional:
        # The group cannot match "" (checked): "" means it took no part in the match.
        raw = exp.Nullif(this=raw, expression=exp.Literal.string(""))
    return raw


def _get(struct: exp.Expression, name: str) -> exp.Expression:
    return exp.Anonymous(this="struct_extract", expressions=[struct, exp.Literal.string(name)])


def _full_match(value: exp.Expression, pattern: str) -> exp.Expression:
    return exp.Anonymous(
        this="regexp_full_match", expressions=[value.copy(), exp.Literal.string(pattern)]
    )


def _convert(raw: exp.Expression, conversion: str) -> exp.Expression:
    if conversion == "string":
        return raw
    if conversion == "boolean":
        is_true = exp.EQ(this=exp.Lower(this=raw.copy()), expression=exp.Literal.string("true"))
        present = exp.Not(this=exp.Is(this=raw.copy(), expression=exp.null()))
        return exp.Case(ifs=[exp.If(this=present, true=is_true)])
    if conversion in ("int", "long"):
        target = exp.DataType.build("INTEGER" if conversion == "int" else "BIGINT")
        # Out of range: NumberFormatException in Java, NULL from TRY_CAST.
        converted = exp.cast(exp.TryCast(this=raw.copy(), to=target), exp.DataType.build("BIGINT"))
        return exp.Case(ifs=[exp.If(this=_full_match(raw, _INTEGER), true=converted)])
    width = exp.DataType.build("FLOAT" if conversion == "float" else "DOUBLE")
    parsed = exp.cast(exp.TryCast(this=raw.copy(), to=width), exp.DataType.build("DOUBLE"))
    message = exp.Literal.string(f"GROK: a {conversion} capture in a form trailsweep cannot parse")
    error = exp.Anonymous(this="error", expressions=[message])
    checked = exp.Case(
        ifs=[exp.If(this=exp.Is(this=parsed.copy(), expression=exp.null()), true=error.copy())],
        default=parsed,
    )
    maybe_java = _full_match(raw, _JAVA_FLOAT)
    return exp.Case(
        ifs=[
            exp.If(this=_full_match(raw, _DECIMAL), true=checked),
            exp.If(this=maybe_java, true=exp.cast(error, exp.DataType.build("DOUBLE"))),
        ]
    )


def expand(pattern: str) -> str:
    """Replace every `%{...}` reference as `Grok.toRegex` does (named groups for subnames)."""
    if _NON_ASCII_REFERENCE.search(pattern):
        raise GrokPatternError("a %{NAME:field} reference with non-ASCII text", unsupported=True)
    done: list[str] = []
    for _ in range(_MAX_EXPANSIONS):
        found = _REFERENCE.search(pattern)
        if found is None:
            return "".join(done) + pattern
        name = found.group("pattern")
        definition = ECS_V1_PATTERNS.get(name)
        if definition is None:
            raise GrokPatternError(f"grok pattern %{{{name}}} is not supported", unsupported=True)
        _check_definition(name)
        if found.group("subname") is not None:
            part = f"(?<{found.group('name')}>{definition})"
        else:
            part = f"(?:{definition})"
        done.append(pattern[: found.start()])
        pattern = part + pattern[found.end() :]
    raise GrokPatternError("Can not convert grok patterns to regular expression", unsupported=False)


@functools.cache
def _check_definition(name: str) -> None:
    """Refuse a library pattern RE2 cannot run exactly, naming it (not an offset in the regex)."""
    try:
        translate(expand(ECS_V1_PATTERNS[name]))
    except RegexError as error:
        reason = str(error).split(" (at offset")[0]
        raise GrokPatternError(
            f"grok pattern %{{{name}}} uses {reason}, which RE2 cannot run as Joni does",
            unsupported=True,
        ) from None


def _field_name(group: str) -> tuple[str, str]:
    """(field, conversion) from a group name, as `GrokCaptureConfig` splits it (Java split)."""
    parts = group.split(":")
    while parts and parts[-1] == "":
        parts.pop()
    if not parts:
        raise GrokPatternError(f"group name <{group}>", unsupported=True)
    name = parts[1] if len(parts) >= 2 else parts[0]
    conversion = parts[2] if len(parts) == 3 and parts[2] in _TYPES else "string"
    if not name:
        raise GrokPatternError(f"group name <{group}> has an empty field name", unsupported=True)
    return name, conversion


def parse_grok(pattern: str) -> GrokPattern:
    """Expand and translate a GROK pattern, or raise GrokPatternError."""
    try:
        regex = translate(expand(pattern))
    except RegexError as error:
        raise GrokPatternError(str(error), unsupported=error.unsupported) from None
    fields: list[GrokField] = []
    for capture in regex.captures:
        name, conversion = _field_name(capture.name)
        if any(existing.name == name for existing in fields):
            raise GrokPatternError(f"field [{name}] captured more than once", unsupported=True)
        if conversion != "string" and not capture.ascii_only:
            # Java's parsers accept non-ASCII digits; only ASCII text converts the same here.
            raise GrokPatternError(
                f"typed field [{name}] over a sub-pattern that can match non-ASCII text",
                unsupported=True,
            )
        field_type = _TYPES.get(conversion, "keyword")
        fields.append(GrokField(name, field_type, capture.group, capture.optional, conversion))
    # Java's String.compareTo orders by UTF-16 code units.
    fields.sort(key=lambda f: f.name.encode("utf-16-be"))
    return GrokPattern(regex, tuple(fields))


def grok_field_names(pattern: str) -> list[str]:
    """Names of the fields a GROK pattern creates (empty when it does not translate)."""
    try:
        return [f.name for f in parse_grok(pattern).fields]
    except GrokPatternError:
        return []
