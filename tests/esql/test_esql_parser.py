"""Parsing: syntax tree shapes, lexical details, error positions, source fields and parameters."""

from __future__ import annotations

import pytest

from trailsweep.errors import EsqlSyntaxError, EsqlUnsupportedError
from trailsweep.esql import FieldSpec, TimeSpan, ast, compile_query, parse_query, parse_timespan


def test_query_structure() -> None:
    query = parse_query('FROM a-*, "b" METADATA _id | WHERE x == 1 | STATS c = COUNT(*) BY k')
    assert query.source.indices == ("a-*", "b")
    assert query.source.metadata == ("_id",)
    where, stats = query.commands
    assert isinstance(where, ast.Where)
    assert where.condition == ast.BinaryOp("==", ast.FieldRef("x"), ast.Literal(1))
    assert isinstance(stats, ast.Stats)
    assert stats.aggregates[0].assignment == ast.Assignment("c", ast.Call("count", (), star=True))
    assert stats.groups == (ast.Assignment("k", ast.FieldRef("k")),)


def test_keywords_are_case_insensitive_and_comments_ignored() -> None:
    text = """from logs // the source
    | Where /* block
      comment */ A.b IS not NULL And c In (1, 2)
    | Keep A.b
    | sTaTs n = count() By c"""
    query = parse_query(text)
    assert [type(c).__name__ for c in query.commands] == ["Where", "Keep", "Stats"]
    condition = query.commands[0]
    assert isinstance(condition, ast.Where)
    assert condition.condition == ast.BinaryOp(
        "and",
        ast.IsNull(ast.FieldRef("A.b"), negated=True),
        ast.InList(ast.FieldRef("c"), (ast.Literal(1), ast.Literal(2))),
    )


def test_names_that_start_like_keywords() -> None:
    query = parse_query("FROM x | EVAL notes = 1, by_key = 2, in.x = 3, nullable = null")
    (evaluation,) = query.commands
    assert isinstance(evaluation, ast.Eval)
    assert [a.name for a in evaluation.assignments] == ["notes", "by_key", "in.x", "nullable"]


def test_strings_and_identifiers() -> None:
    query = parse_query(
        'FROM x | EVAL a = "q\\"\\\\\\t", b = """raw \\d "quoted" """, '
        "c = `source.as.organization.name`, d = `we``ird`"
    )
    (evaluation,) = query.commands
    assert isinstance(evaluation, ast.Eval)
    values = [a.expr for a in evaluation.assignments]
    assert values[0] == ast.Literal('q"\\\t')
    assert values[1] == ast.Literal('raw \\d "quoted" ')
    assert values[2] == ast.FieldRef("source.as.organization.name")
    assert values[3] == ast.FieldRef("we`ird")


def test_triple_quoted_string_may_end_with_quotes() -> None:
    (where,) = parse_query('FROM x | WHERE a RLIKE """.*"a"""""').commands
    assert isinstance(where, ast.Where) and isinstance(where.condition, ast.Match)
    assert where.condition.patterns == (ast.Literal('.*"a""'),)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("10 seconds", TimeSpan(10, "second")),
        ("5 minute", TimeSpan(5, "minute")),
        ("1 hour", TimeSpan(1, "hour")),
        ("7 days", TimeSpan(7, "day")),
        ("30 SECONDS", TimeSpan(30, "second")),
        ("2 weeks", TimeSpan(2, "week")),
        ("1 month", TimeSpan(1, "month")),
    ],
)
def test_time_spans(text: str, span: TimeSpan) -> None:
    (evaluation,) = parse_query(f"FROM x | EVAL w = DATE_TRUNC({text}, @timestamp)").commands
    assert isinstance(evaluation, ast.Eval)
    call = evaluation.assignments[0].expr
    assert isinstance(call, ast.Call)
    assert call.args[0] == ast.TimeSpanLiteral(span)
    assert parse_timespan(text) == span


def test_time_span_values() -> None:
    assert TimeSpan(10, "second").millis == 10_000
    assert TimeSpan(7, "day").millis == 604_800_000
    assert TimeSpan(7, "day").is_calendar and not TimeSpan(1, "hour").is_calendar
    assert TimeSpan(1, "quarter").months == 3
    with pytest.raises(ValueError):
        _ = TimeSpan(1, "month").millis
    with pytest.raises(ValueError):
        parse_timespan("10 fortnights")


def test_source_fields_and_parameters() -> None:
    query = parse_query(
        """FROM logs METADATA _id
        | EVAL w = DATE_TRUNC(?window, @timestamp), a = b
        | WHERE c == ?value AND w IS NOT NULL AND a == "x"
        | RENAME d AS e
        | KEEP w, e, f, aws.*, _id
        | STATS n = COUNT(*) BY w, e
        | WHERE n > ?threshold"""
    )
    assert query.source_fields() == {"@timestamp", "b", "c", "d", "f", "_id"}
    assert query.source_patterns() == {"aws.*"}
    assert query.parameters() == {"window", "value", "threshold"}


def test_seed_like_query_fields_exclude_created_names() -> None:
    query = parse_query(
        "FROM x | STATS Esql.c = COUNT_DISTINCT(arn) BY k | WHERE Esql.c > 15 | KEEP Esql.*"
    )
    assert query.source_fields() == {"arn", "k"}
    assert query.source_patterns() == frozenset()


def test_syntax_error_position_with_offsets() -> None:
    text = "FROM logs\n| WHERE a === 1"
    with pytest.raises(EsqlSyntaxError) as caught:
        parse_query(text, origin="rule.toml", line_offset=104)
    error = caught.value
    assert error.location is not None
    assert (error.location.path, error.location.line, error.location.column) == (
        "rule.toml",
        106,
        13,
    )
    assert "unexpected '='" in error.message
    assert error.message.endswith("| WHERE a === 1\n            ^")
    assert str(error).startswith("rule.toml:106:13: unexpected '='")


def test_syntax_error_on_the_first_line_uses_the_column_offset() -> None:
    with pytest.raises(EsqlSyntaxError) as caught:
        parse_query("FROM x | WHERE (a", origin="r.toml", line_offset=9, column_offset=8)
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.column) == (10, 26)
    assert "end of query" in caught.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('FROM x | WHERE a == "unterminated', "invalid string"),
        ("FROM x | WHERE a == b ^ c", "unexpected '\\^'"),
        ("FROM x | FROB y", "unexpected"),
        ("FROM x | EVAL y = 10 fortnights", "unknown time unit 'fortnights'"),
        ("FROM x | WHERE a = 1", "unexpected '='"),
        ('FROM x | WHERE a == "\\d"', "invalid string"),
    ],
)
def test_syntax_errors(text: str, fragment: str) -> None:
    with pytest.raises(EsqlSyntaxError, match=fragment):
        parse_query(text)


def test_unknown_function_is_unsupported_with_its_position() -> None:
    query = parse_query(
        'FROM x\n| EVAL y = CIDR_MATCH(ip, "10.0.0.0/8")', origin="r.toml", line_offset=2
    )
    with pytest.raises(EsqlUnsupportedError) as caught:
        compile_query(query, {"ip": FieldSpec("ip", "ip")})
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.column) == (4, 12)
    assert "CIDR_MATCH" in caught.value.message


@pytest.mark.parametrize(
    ("text", "name", "column"),
    [
        ("FROM x | ENRICH policy ON a WITH b", "ENRICH", 10),
        ("FROM x | LOOKUP JOIN t ON a", "LOOKUP JOIN", 10),
        ("FROM x | INLINESTATS c = COUNT(*) BY a", "INLINESTATS", 10),
        ("FROM x | INLINE STATS c = COUNT(*) BY a", "INLINE STATS", 10),
        ("FROM x | FORK (WHERE a == 1) (WHERE a == 2)", "FORK", 10),
    ],
)
def test_unimplemented_commands_parse_but_do_not_compile(text: str, name: str, column: int) -> None:
    query = parse_query(text)
    with pytest.raises(
        EsqlUnsupportedError, match=f"the {name} command is not supported"
    ) as caught:
        compile_query(query, {"a": FieldSpec("a", "keyword")})
    assert caught.value.location is not None
    assert caught.value.location.column == column


def test_dissect_and_grok_outputs_are_not_source_fields() -> None:
    query = parse_query(
        'FROM x | DISSECT a "%{?skip}=%{Esql.k}" | GROK b """(?<Esql.g>\\w+) %{WORD:w}"""'
        " | KEEP Esql.k, Esql.g, w, c"
    )
    assert query.source_fields() == {"a", "b", "c"}
