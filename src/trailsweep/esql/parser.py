"""Parse ES|QL text (grammar `esql.lark`) into a `Query`; syntax errors carry file positions."""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError
from lark.tree import Meta

from trailsweep.errors import EsqlSyntaxError, Location
from trailsweep.esql import ast
from trailsweep.esql.query import Query
from trailsweep.esql.timespan import TimeSpan, span_unit

_STRING = re.compile(r'"""[^\r\n]*?"""|"(?:\\[tnr"\\]|[^\r\n"\\])*"')
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}

# What to call a terminal in an error message.
_TERMINAL_NAMES = {
    "NAME": "a field name",
    "NAME_PATTERN": "a field name or pattern",
    "INDEX_PATTERN": "an index pattern",
    "STRING": "a string",
    "INT": "an integer",
    "DECIMAL": "a number",
    "PARAM": "a ?parameter",
    "COMPARISON": "a comparison operator",
    "VBAR": "'|'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "EQUAL": "'='",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "PERCENT": "'%'",
    "CAST_OP": "'::'",
    "$END": "the end of the query",
}


@functools.cache
def _lark() -> Lark:
    grammar = files("trailsweep.esql").joinpath("esql.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse_query(
    text: str, *, origin: str = "<query>", line_offset: int = 0, column_offset: int = 0
) -> Query:
    """Parse an ES|QL query.

    `line_offset`/`column_offset` place the text inside a larger file (the rule TOML): an error on
    line 1 of the query is reported at line `1 + line_offset`, column `column + column_offset`.
    """
    located = Query(ast.From(()), (), text, origin, line_offset, column_offset)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(located, exc) from None
    try:
        source, commands = _ToAst(located).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, EsqlSyntaxError):
            raise exc.orig_exc from None
        raise
    return Query(source, tuple(commands), text, origin, line_offset, column_offset)


def _syntax_error(query: Query, exc: UnexpectedInput) -> EsqlSyntaxError:
    line = exc.line if isinstance(exc.line, int) and exc.line > 0 else 1
    column = exc.column if isinstance(exc.column, int) and exc.column > 0 else 1
    if isinstance(exc, UnexpectedCharacters):
        message = f"unexpected character {exc.char!r}"
    elif isinstance(exc, UnexpectedEOF):
        message = "unexpected end of query"
        line, column = _end_position(query.text)
    else:
        token = getattr(exc, "token", None)
        if isinstance(token, Token) and token.type == "$END":
            message = "unexpected end of query"
            line, column = _end_position(query.text)
        else:
            value = str(token).split()[0] if token is not None and str(token).split() else token
            message = f"unexpected {value!r}"
        expected = sorted({_TERMINAL_NAMES.get(t, t.lower()) for t in _expected(exc)})
        if expected:
            message += f"; expected {', '.join(expected)}"
    position = getattr(exc, "pos_in_stream", None)
    if isinstance(position, int) and _is_bad_string(query.text, position):
        message = (
            'invalid string: a quoted string ends on its line and only \\t \\n \\r \\" \\\\ '
            'are escapes (use """...""" for raw text)'
        )
    span = ast.Span(0, 0, line, column)
    return syntax_error(query, span, message)


def _is_bad_string(text: str, position: int) -> bool:
    return text.startswith('"', position) and _STRING.match(text, position) is None


def syntax_error(query: Query, span: ast.Span, message: str) -> EsqlSyntaxError:
    """An EsqlSyntaxError at a span, its message followed by the line and a caret."""
    location: Location = query.location(span)
    return EsqlSyntaxError(f"{message}\n{query.snippet(span)}", location)


def _expected(exc: UnexpectedInput) -> set[str]:
    expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None) or set()
    return {str(name) for name in expected if not str(name).startswith("__")}


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _span(item: Meta | Token) -> ast.Span:
    if isinstance(item, Token):
        return ast.Span(item.start_pos or 0, item.end_pos or 0, item.line or 1, item.column or 1)
    return ast.Span(item.start_pos, item.end_pos, item.line, item.column)


def unquote_name(text: str) -> str:
    """A field name without backtick quoting: `` `a.b` `` is `a.b`; a doubled backtick is one."""
    if "`" not in text:
        return str(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "`":
            end = i + 1
            while True:
                end = text.index("`", end)
                if text.startswith("``", end):
                    end += 2
                    continue
                break
            out.append(text[i + 1 : end].replace("``", "`"))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@v_args(meta=True)
class _ToAst(Transformer[Token, Any]):
    """Builds AST nodes from the Lark tree."""

    def __init__(self, query: Query) -> None:
        super().__init__()
        self._query = query
        self._positional = 0

    # ---------------------------------------------------------------------- query and commands
    def start(self, meta: Meta, children: list[Any]) -> tuple[ast.From, list[ast.Command]]:
        return children[0], children[1:]

    def from_command(self, meta: Meta, children: list[Any]) -> ast.From:
        indices = tuple(c for c in children[1:] if isinstance(c, str))
        metadata = next((c for c in children[1:] if isinstance(c, tuple)), ())
        return ast.From(indices, metadata, _span(meta))

    def index_pattern(self, meta: Meta, children: list[Token]) -> str:
        token = children[0]
        return self._string(token) if token.type == "STRING" else str(token)

    def metadata(self, meta: Meta, children: list[Token]) -> tuple[str, ...]:
        return tuple(unquote_name(str(c)) for c in children[1:])

    def where_command(self, meta: Meta, children: list[Any]) -> ast.Where:
        return ast.Where(children[1], _span(meta))

    def eval_command(self, meta: Meta, children: list[Any]) -> ast.Eval:
        return ast.Eval(tuple(children[1:]), _span(meta))

    def keep_command(self, meta: Meta, children: list[Any]) -> ast.Keep:
        return ast.Keep(tuple(children[1:]), _span(meta))

    def drop_command(self, meta: Meta, children: list[Any]) -> ast.Drop:
        return ast.Drop(tuple(children[1:]), _span(meta))

    def name_pattern(self, meta: Meta, children: list[Token]) -> ast.NamePattern:
        return ast.NamePattern(unquote_name(str(children[0])), _span(meta))

    def rename_command(self, meta: Meta, children: list[Any]) -> ast.Rename:
        return ast.Rename(tuple(children[1:]), _span(meta))

    def rename_as(self, meta: Meta, children: list[Token]) -> ast.RenamePair:
        return ast.RenamePair(unquote_name(children[0]), unquote_name(children[2]), _span(meta))

    def rename_assign(self, meta: Meta, children: list[Token]) -> ast.RenamePair:
        return ast.RenamePair(unquote_name(children[1]), unquote_name(children[0]), _span(meta))

    def stats_command(self, meta: Meta, children: list[Any]) -> ast.Stats:
        aggregates = children[1] or ()
        groups = children[2] or ()
        return ast.Stats(tuple(aggregates), tuple(groups), _span(meta))

    def aggregates(self, meta: Meta, children: list[Any]) -> list[ast.AggregateField]:
        return children

    def aggregate(self, meta: Meta, children: list[Any]) -> ast.AggregateField:
        where = children[2] if len(children) > 2 else None
        return ast.AggregateField(children[0], where)

    def by_clause(self, meta: Meta, children: list[Any]) -> list[ast.Assignment]:
        return children[1:]

    def sort_command(self, meta: Meta, children: list[Any]) -> ast.Sort:
        return ast.Sort(tuple(children[1:]), _span(meta))

    def order(self, meta: Meta, children: list[Any]) -> ast.Order:
        expr, direction, nulls = children
        descending = direction == "desc"
        return ast.Order(expr, descending, nulls, _span(meta))

    def direction(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0]).lower()

    def nulls(self, meta: Meta, children: list[Token]) -> bool:
        return str(children[1]).lower() == "first"

    def limit_command(self, meta: Meta, children: list[Token]) -> ast.Limit:
        return ast.Limit(int(children[1]), _span(meta))

    def dissect_command(self, meta: Meta, children: list[Any]) -> ast.Dissect:
        options = tuple(children[3:])
        pattern = children[2]
        return ast.Dissect(children[1], self._string(pattern), options, _span(meta), _span(pattern))

    def dissect_option(self, meta: Meta, children: list[Token]) -> tuple[str, ast.Expr]:
        value = ast.Literal(self._string(children[1]), _span(children[1]))
        return str(children[0]).lower(), value

    def grok_command(self, meta: Meta, children: list[Any]) -> ast.Grok:
        patterns = tuple(self._string(token) for token in children[2:])
        spans = tuple(_span(token) for token in children[2:])
        return ast.Grok(children[1], patterns, _span(meta), spans)

    def mv_expand_command(self, meta: Meta, children: list[Token]) -> ast.MvExpand:
        return ast.MvExpand(unquote_name(children[1]), _span(meta))

    def other_command(self, meta: Meta, children: list[Token | None]) -> ast.OtherCommand:
        keyword = " ".join(str(children[0]).upper().split())
        rest = str(children[1]).strip() if children[1] is not None else ""
        if keyword == "LOOKUP" and rest.upper().startswith("JOIN"):
            keyword = "LOOKUP JOIN"
        elif keyword == "INLINE" and rest.upper().startswith("STATS"):
            keyword = "INLINE STATS"
        return ast.OtherCommand(keyword, rest, _span(meta))

    def named_field(self, meta: Meta, children: list[Any]) -> ast.Assignment:
        return ast.Assignment(unquote_name(children[0]), children[1], _span(meta))

    def unnamed_field(self, meta: Meta, children: list[Any]) -> ast.Assignment:
        span = _span(meta)
        # ES|QL names an unnamed expression after its source text, verbatim.
        return ast.Assignment(self._query.source_text(span), children[0], span)

    # -------------------------------------------------------------------------- expressions
    def or_op(self, meta: Meta, children: list[Any]) -> ast.BinaryOp:
        return ast.BinaryOp("or", children[0], children[2], _span(meta))

    def and_op(self, meta: Meta, children: list[Any]) -> ast.BinaryOp:
        return ast.BinaryOp("and", children[0], children[2], _span(meta))

    def not_op(self, meta: Meta, children: list[Any]) -> ast.Not:
        return ast.Not(children[1], _span(meta))

    def comparison(self, meta: Meta, children: list[Any]) -> ast.BinaryOp:
        return ast.BinaryOp(str(children[1]), children[0], children[2], _span(meta))

    def in_list(self, meta: Meta, children: list[Any]) -> ast.InList:
        value, negated, _, *items = children
        return ast.InList(value, tuple(items), negated is not None, _span(meta))

    def like(self, meta: Meta, children: list[Any]) -> ast.Match:
        value, negated, _, patterns = children
        return ast.Match(value, tuple(patterns), False, negated is not None, _span(meta))

    def rlike(self, meta: Meta, children: list[Any]) -> ast.Match:
        value, negated, _, patterns = children
        return ast.Match(value, tuple(patterns), True, negated is not None, _span(meta))

    def match_patterns(self, meta: Meta, children: list[ast.Expr]) -> list[ast.Expr]:
        return children

    def is_null(self, meta: Meta, children: list[Any]) -> ast.IsNull:
        value, _, negated, _ = children
        return ast.IsNull(value, negated is not None, _span(meta))

    def arithmetic(self, meta: Meta, children: list[Any]) -> ast.BinaryOp:
        return ast.BinaryOp(str(children[1]), children[0], children[2], _span(meta))

    def negate(self, meta: Meta, children: list[Any]) -> ast.Expr:
        operand = children[1]
        # `-5` is a literal (so `-9223372036854775808` and `SORT -x` behave as in ES|QL).
        if isinstance(operand, ast.Literal) and isinstance(operand.value, int | float):
            if not isinstance(operand.value, bool):
                return ast.Literal(-operand.value, _span(meta))
        return ast.Negate(operand, _span(meta))

    def unary_plus(self, meta: Meta, children: list[Any]) -> ast.Expr:
        operand: ast.Expr = children[1]
        return operand

    def cast(self, meta: Meta, children: list[Any]) -> ast.Cast:
        return ast.Cast(children[0], str(children[2]).lower(), _span(meta))

    def field_ref(self, meta: Meta, children: list[Token]) -> ast.FieldRef:
        return ast.FieldRef(unquote_name(children[0]), _span(meta))

    def call(self, meta: Meta, children: list[Any]) -> ast.Call:
        name = unquote_name(children[0]).lower()
        args = children[1]
        if args == "*":
            return ast.Call(name, (), True, _span(meta))
        return ast.Call(name, tuple(args or ()), False, _span(meta))

    def star_arg(self, meta: Meta, children: list[Token]) -> str:
        return "*"

    def expr_args(self, meta: Meta, children: list[ast.Expr]) -> list[ast.Expr]:
        return children

    def integer(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(int(children[0]), _span(meta))

    def decimal(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(float(children[0]), _span(meta))

    def timespan(self, meta: Meta, children: list[Token]) -> ast.TimeSpanLiteral:
        unit = span_unit(str(children[1]))
        if unit is None:
            raise syntax_error(
                self._query, _span(children[1]), f"unknown time unit {str(children[1])!r}"
            )
        return ast.TimeSpanLiteral(TimeSpan(int(children[0]), unit), _span(meta))

    def true(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(True, _span(meta))

    def false(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(False, _span(meta))

    def null(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(None, _span(meta))

    def string(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(self._string(children[0]), _span(meta))

    def param(self, meta: Meta, children: list[Token]) -> ast.Param:
        name = str(children[0])[1:]
        if not name:
            # A bare `?` is the next positional parameter, numbered from 1 as `?1`, `?2`...
            self._positional += 1
            name = str(self._positional)
        return ast.Param(name, _span(meta))

    def _string(self, token: Token) -> str:
        text = str(token)
        if text.startswith('"""'):
            return text[3:-3]
        body = text[1:-1]
        if "\\" not in body:
            return body
        out: list[str] = []
        i = 0
        while i < len(body):
            if body[i] == "\\":
                out.append(_ESCAPES[body[i + 1]])
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)
