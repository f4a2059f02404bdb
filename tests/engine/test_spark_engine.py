"""The Spark engine: compiled queries give DuckDB's rows (values, types, evidence, order), a
construct that is not written for Spark is refused by name, and pyspark stays optional."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from sqlglot import exp
from typer.testing import CliRunner

from tests.esql.runner import events_table
from tests.esql.test_reference_pipelines import pipelines
from tests.esql.test_reference_strategies import EVENTS, PARAMS, Pipeline
from tests.esql.test_reference_strategies import FIELDS as RANDOM_FIELDS
from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.cli.main import app
from trailsweep.engine.duckdb_engine import DuckDBEngine
from trailsweep.engine.engines import EngineOptions
from trailsweep.engine.results import QueryResult
from trailsweep.engine.spark_kinds import TEXT
from trailsweep.engine.spark_regex import RegexTranslationError, java_regex
from trailsweep.engine.spark_sql import check_statement, spark_sql
from trailsweep.engine.spark_text import case_mapping_differs
from trailsweep.engine.table import EventTable
from trailsweep.errors import EngineError
from trailsweep.esql import FieldSpec, compile_query, parse_query
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules

FIELDS = [
    FieldSpec("s", "keyword"),
    FieldSpec("n", "long"),
    FieldSpec("d", "double"),
    FieldSpec("b", "boolean"),
    FieldSpec("ip", "ip"),
    FieldSpec("@timestamp", "date"),
    FieldSpec("tags", "keyword", multivalued=True),
    FieldSpec("addrs", "ip", multivalued=True),
    FieldSpec("msg", "keyword"),
    FieldSpec("num", "keyword"),
]
ROWS: list[dict[str, Any]] = [
    {
        "s": "Hello",
        "n": 7,
        "d": 2.5,
        "b": True,
        "ip": "10.0.0.10",
        "@timestamp": datetime(2026, 4, 2, 11, 30, 0, 123000),
        "tags": ["b", "a", "b"],
        "addrs": ["10.0.0.9", "::1", "10.0.0.10"],
        "msg": "user=alice action=GetObject bytes=512 ok",
        "num": "0x1.8p1",
    },
    {
        "s": "he\u0301llo wörld 👍🏽",
        "n": -3,
        "d": -0.1,
        "b": False,
        "ip": "2001:db8::1",
        "@timestamp": datetime(2026, 3, 31, 23, 59, 59, 999000),
        "tags": ["c"],
        "addrs": None,
        "msg": "user=bob  action=PutObject bytes=x ok",
        "num": " -2.5e3 ",
    },
    {
        "s": None,
        "n": None,
        "d": None,
        "b": None,
        "ip": "10.0.0.9",
        "@timestamp": datetime(2026, 4, 2, 11, 30, 5),
        "tags": None,
        "addrs": ["192.168.1.1"],
        "msg": "line one\nline two 0x1.8p1",
        "num": "1e999",
    },
    {
        "s": "Hello",
        "n": 12,
        "d": 1e300,
        "b": True,
        "ip": None,
        "@timestamp": None,
        "tags": ["a"],
        "addrs": ["::ffff:10.0.0.1"],
        "msg": "user=😀 action=Get👍🏽Object bytes=7 ok",
        "num": "1_000",
    },
]
NOW = datetime(2026, 4, 2, 12, 0, 0)
QUERIES = [
    # Row functions, dates, nulls and three-valued logic.
    "FROM logs | EVAL w = DATE_TRUNC(10 seconds, @timestamp), m = DATE_TRUNC(1 month, @timestamp),"
    ' age = DATE_DIFF("minutes", @timestamp, NOW()), iso = TO_STRING(@timestamp),'
    " later = @timestamp + 1 month, before = @timestamp - 90 minutes"
    " | KEEP w, m, age, iso, later, before",
    "FROM logs | EVAL q = n / 2, r = n % 5, x = n * d, dd = d / 0, neg = -n, l = TO_DOUBLE(n),"
    " i = TO_INTEGER(b), str = TO_STRING(n), bs = TO_STRING(b) | KEEP q, r, x, dd, neg, l, i,"
    " str, bs",
    'FROM logs | EVAL c = CONCAT(s, "|", ip), len = LENGTH(s), low = TO_LOWER(TO_STRING(n)),'
    ' st = STARTS_WITH(s, "He"), en = ENDS_WITH(s, "ld"), co = COALESCE(s, "none"),'
    ' k = CASE(n > 5, "big", n < 0, "neg", "other") | KEEP c, len, low, st, en, co, k',
    'FROM logs | WHERE s LIKE "H*" OR msg RLIKE ".*action=[A-Z][a-z]+Object.*" | KEEP s, msg',
    'FROM logs | WHERE s NOT IN ("Hello", "x") OR n IS NULL | KEEP s, n',
    # Multivalued fields and ips in address order.
    "FROM logs | EVAL c = MV_COUNT(tags), lo = MV_MIN(tags), hi = MV_MAX(tags),"
    " a = MV_MIN(addrs), z = MV_MAX(addrs), f = MV_FIRST(addrs) | KEEP c, lo, hi, a, z, f",
    "FROM logs | SORT ip DESC NULLS LAST | LIMIT 3 | KEEP ip, n",
    'FROM logs | WHERE ip > "10.0.0.9" | KEEP ip',
    "FROM logs | MV_EXPAND tags | KEEP tags, n",
    # Aggregates, multivalued BY keys, evidence.
    "FROM logs | STATS c = COUNT(*), cn = COUNT(n), cd = COUNT_DISTINCT(tags), v = VALUES(tags),"
    " vi = VALUES(addrs), mi = MIN(ip), ma = MAX(@timestamp), su = SUM(n), av = AVG(d),"
    " ct = COUNT(tags) BY b",
    "FROM logs | STATS c = COUNT(*), v = VALUES(s), t = SUM(n) WHERE n > 0 BY tags | SORT c DESC",
    "FROM logs | WHERE n > 1000 | STATS c = COUNT(*), v = VALUES(s), d = COUNT_DISTINCT(s)",
    # Text extraction and conversions the compiler builds from several SQL functions.
    'FROM logs | DISSECT msg "user=%{user} action=%{action} bytes=%{bytes} %{rest}"'
    " | KEEP user, action, bytes, rest",
    'FROM logs | GROK msg "user=%{NOTSPACE:user}%{SPACE}action=(?<action>[A-Za-z]+)'
    ' bytes=%{INT:size:int}" | KEEP user, action, size',
    'FROM logs | EVAL h = TO_DOUBLE(num), x = TO_DOUBLE("0x1.8p-3d"), z = TO_DOUBLE("nope")'
    " | KEEP h, x, z",
    "FROM logs | EVAL b64 = TO_BASE64(s), back = FROM_BASE64(TO_BASE64(s)),"
    ' bad = FROM_BASE64("/w==") | KEEP b64, back, bad',
]


def _normal(value: Any) -> Any:
    """A comparable form that keeps types apart (True is not 1, 1.0 is not 1)."""
    if isinstance(value, list):
        return ["list", [_normal(item) for item in value]]
    if isinstance(value, float) and math.isnan(value):
        return ["float", "nan"]
    return [type(value).__name__, value]


def _rows(result: QueryResult) -> list[Any]:
    return [
        (_normal(list(row.values.values())), list(row.values), row.evidence) for row in result.rows
    ]


@pytest.fixture(scope="module")
def events() -> EventTable:
    schema = {spec.name: spec for spec in FIELDS}
    return EventTable(events_table(FIELDS, ROWS), schema, (), ())


@pytest.mark.xdist_group("spark")
def test_compiled_queries_give_duckdbs_rows(
    engines: tuple[Any, DuckDBEngine], events: EventTable
) -> None:
    for engine in engines:
        engine.register(events)
    spark, local = engines
    for text in QUERIES:
        compiled = compile_query(parse_query(text), events.schema, {"__now__": NOW})
        assert _rows(spark.run(compiled)) == _rows(local.run(compiled)), text


@pytest.fixture(scope="module")
def engines(spark_session: Any) -> Iterator[tuple[Any, DuckDBEngine]]:
    """A Spark engine in the test session and a DuckDB engine, for many queries."""
    from trailsweep.engine.spark_engine import SparkEngine

    spark, local = SparkEngine(session=spark_session), DuckDBEngine()
    yield spark, local
    spark.close()
    local.close()


@pytest.mark.xdist_group("spark")
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=EVENTS, pipeline=pipelines())
def test_random_pipelines_give_duckdbs_rows(
    engines: tuple[Any, DuckDBEngine], rows: list[dict[str, Any]], pipeline: Pipeline
) -> None:
    """The reference property's random events and pipelines, on both engines. Rows the plan
    orders alike (same evidence) may come in either order, in either engine."""
    schema = {spec.name: spec for spec in RANDOM_FIELDS}
    events = EventTable(events_table(RANDOM_FIELDS, rows), schema, (), ())
    compiled = compile_query(parse_query(pipeline.text), schema, PARAMS)
    results = []
    for engine in engines:
        engine.register(events)
        results.append(_rows(engine.run(compiled)))
    spark, local = results
    if len({row[2] for row in local}) == len(local):
        assert spark == local, pipeline.text
    else:
        assert sorted(map(repr, spark)) == sorted(map(repr, local)), pipeline.text


@pytest.mark.xdist_group("spark")
def test_regexes_match_as_in_duckdb(spark_session: Any) -> None:
    """Partial and full matches and captured groups of RE2 patterns and their Java rewrites."""
    patterns = [
        "a.b",
        "(?s:a.b)",
        "^b",
        "(?m:^b)",
        "a$",
        "(?m:a$)",
        "(?P<g1>[^\\x{26}&]+)&&(?P<g2>.*)",
        "[\\[\\]-]+",
        "\\A(?:x{2,}|y)\\z",
        "é+(?:ü|ß)*?",
        "[\\x{1F600}-\\x{1F64F}]",
    ]
    texts = ["a\nb", "a\rb", "xb\nb", "a\n", "q&r&&s", "[-]", "xx", "éééüß", "ok 😀", ""]
    cases = [(pattern, text) for pattern in patterns for text in texts]
    connection = duckdb.connect()
    expected = [
        connection.execute(
            "SELECT regexp_matches(?, ?), regexp_full_match(?, ?), regexp_extract(?, ?, 0)",
            [text, pattern, text, pattern, text, pattern],
        ).fetchone()
        for pattern, text in cases
    ]
    connection.close()
    rows = [(index, text, java_regex(pattern)) for index, (pattern, text) in enumerate(cases)]
    frame = spark_session.createDataFrame(rows, "i int, t string, p string")
    found = frame.selectExpr(
        "i", "rlike(t, p)", "rlike(t, concat('\\\\A(?:', p, ')\\\\z'))", "regexp_extract(t, p, 0)"
    ).collect()
    by_index = {row[0]: tuple(row[1:]) for row in found}
    differing = [
        (cases[index], by_index[index], wanted)
        for index, wanted in enumerate(expected)
        if by_index[index] != tuple(wanted or ())
    ]
    assert differing == []


def test_java_regex_rewrites_what_java_reads_otherwise() -> None:
    assert java_regex("a.b") == "a[^\\n]b"
    assert java_regex("(?s:.)") == "(?:(?s:.))"
    assert java_regex("^a$") == "\\Aa\\z"
    assert java_regex("(?m:^a$)") == "(?:(?:\\A|(?<=\\n))a(?=\\n|\\z))"
    assert java_regex("(?P<g1>[a&&b])") == "(?<g1>[a\\x{26}\\x{26}b])"
    assert java_regex("x{2,3}?|\\.") == "x{2,3}?|\\x{2e}"
    assert java_regex("a{,2}") == "a\\x{7b}\\x{2c}2\\x{7d}"  # not a repetition in RE2 either


@pytest.mark.parametrize("pattern", ["\\d+", "(?i)a", "a*+", "[[:alpha:]]", "(?=a)", "\\bx"])
def test_java_regex_refuses_constructs_it_does_not_rewrite(pattern: str) -> None:
    with pytest.raises(RegexTranslationError):
        java_regex(pattern)


def _statement(sql: str) -> exp.Expression:
    compiled = compile_query(parse_query("FROM logs | KEEP s"), {"s": FieldSpec("s", "keyword")})
    assert compiled.statement is not None
    tree = compiled.statement.copy()
    tree.set("expressions", [exp.alias_(exp.maybe_parse(sql, dialect="duckdb"), "x")])
    return tree


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("list_zip(s, s)", "the function LIST_ZIP"),
        ("CAST(1.5 AS BIGINT)", "a cast of a float value to BIGINT"),
        ("CAST(s AS DOUBLE)", "a cast of a text value to DOUBLE"),
        ("regexp_matches(s, '\\d')", "regular expression: escape \\d"),
        ("LEFT(s, n)", "LEFT of a count that is not a constant integer"),
        ("ARRAY_AGG(s)", "ARRAY_AGG outside LIST_DISTINCT"),
        ("s SIMILAR TO 'a'", "the construct SimilarTo"),
    ],
)
def test_untranslatable_constructs_are_refused_by_name(sql: str, named: str) -> None:
    statement = _statement(sql)
    with pytest.raises(EngineError, match="Spark engine cannot run") as raised:
        check_statement(statement)
        spark_sql(statement, "events", {"s": TEXT})
    assert named in str(raised.value)


@pytest.mark.xdist_group("spark")
def test_a_value_spark_would_read_otherwise_stops_the_query(
    spark_session: Any, events: EventTable
) -> None:
    from trailsweep.engine.spark_engine import SparkEngine

    # Java upper-cases ß to SS, DuckDB to ẞ: an error, not another value.
    query = parse_query('FROM logs | EVAL u = TO_UPPER(CONCAT(s, "ß")) | KEEP u')
    compiled = compile_query(query, events.schema)
    engine = SparkEngine(session=spark_session)
    engine.register(events)
    try:
        with pytest.raises(EngineError, match="UPPER of text with a character Spark maps"):
            engine.run(compiled)
    finally:
        engine.close()


@pytest.mark.xdist_group("spark")
def test_case_mapping_matches_duckdb_outside_the_refused_characters(spark_session: Any) -> None:
    """Every character DuckDB upper- or lower-cases maps the same in Spark, unless Spark's
    translation refuses it (spark_text)."""
    connection = duckdb.connect()
    mapped = connection.execute(
        "SELECT chr(i::INT) AS c, upper(chr(i::INT)) AS u, lower(chr(i::INT)) AS l"
        " FROM range(1, 1114112) t(i) WHERE (i < 55296 OR i > 57343)"
        " AND (upper(chr(i::INT)) <> chr(i::INT) OR lower(chr(i::INT)) <> chr(i::INT))"
    ).fetchall()
    connection.close()
    assert len(mapped) > 2000
    refused = {
        upper: {code for low, high in case_mapping_differs(upper) for code in range(low, high + 1)}
        for upper in (True, False)
    }
    frame = spark_session.createDataFrame(mapped, "c string, u string, l string")
    found = frame.selectExpr("c", "upper(c) = u", "lower(c) = l").collect()
    assert len(found) == len(mapped)
    for character, same_upper, same_lower in found:
        assert same_upper or ord(character) in refused[True], character
        assert same_lower or ord(character) in refused[False], character


@pytest.mark.xdist_group("spark")
def test_a_session_it_did_not_start_gets_its_settings_back(spark_session: Any) -> None:
    from trailsweep.engine.spark_engine import SparkEngine

    key = "spark.sql.session.timeZone"
    spark_session.conf.set(key, "Europe/Paris")
    try:
        engine = SparkEngine(session=spark_session)
        assert spark_session.conf.get(key) == "UTC"
        spark_session.conf.set(key, "Asia/Tokyo")  # another user of the session
        assert engine.query("SELECT current_timezone()") == [("UTC",)]
        engine.close()
        assert spark_session.conf.get(key) == "Europe/Paris"
        assert not spark_session.sparkContext._jsc.sc().isStopped()
    finally:
        spark_session.conf.unset(key)


def test_engine_options_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        EngineOptions("postgres")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="only for the spark engine"):
        EngineOptions("duckdb", master="local[2]")
    result = CliRunner().invoke(app, ["scan", ".", "--master", "local[2]"])
    assert result.exit_code == 2 and "--master is only for --engine spark" in result.stderr
    result = CliRunner().invoke(app, ["scan", ".", "--read-locally"])
    assert result.exit_code == 2 and "--read-locally is only for --engine spark" in result.stderr


def test_without_pyspark_spark_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FORMAT_WRITERS["s3-delivery"](sweep(Counter(), 20), tmp_path)
    for name in [name for name in sys.modules if name.split(".")[0] == "pyspark"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # what an absent package looks like
    with pytest.raises(EngineError, match=r"pip install 'trailsweep\[spark\]'"):
        scan([tmp_path / "missing"], bundled_rules(), ScanOptions(engine=EngineOptions("spark")))
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "--engine", "spark"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: the Spark engine needs pyspark: pip install 'trailsweep[spark]'"
    ]
    # DuckDB does not need it.
    assert len(scan([tmp_path], bundled_rules()).alerts) == 1


def test_trailsweep_imports_without_pyspark() -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import trailsweep, trailsweep.pipeline, trailsweep.engine.engines, trailsweep.cli.main\n"
        "import trailsweep.engine.spark_engine, trailsweep.store.spark_store\n"
        "assert not [m for m in sys.modules if m.startswith('pyspark') and sys.modules[m]]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
