"""DISSECT: Elastic's dissect semantics (first delimiter occurrence, repeated delimiters, append,
padding), the patterns of the shared rules, no match, collisions, multivalued input, refusals."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import EsqlVerificationError, FieldSpec, compile_query, parse_query
from trailsweep.esql.dialect import PinnedDuckDB
from trailsweep.esql.dissect import DissectPatternError, parse_dissect

from .dissect_port import java_dissect
from .runner import EsqlRunner

MSG = FieldSpec("msg", "keyword")


def _dissect(esql: EsqlRunner, pattern: str, text: str | None, extra: str = "") -> dict[str, Any]:
    query = f'FROM logs | DISSECT msg """{pattern}"""{extra} | DROP msg'
    rows = esql.run(query, [MSG], [{"msg": text}])
    assert len(rows) == 1
    rows[0].pop("__evidence")
    return rows[0]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # Elastic's documentation examples (DissectParser javadoc, dissect processor docs).
        ("%{a} %{b},%{c}", "foo bar,baz", {"a": "foo", "b": "bar", "c": "baz"}),
        ("%{a} %{b},%{c}", "foo bar baz", {"a": None, "b": None, "c": None}),
        ("%{a->} %{b} %{c}", "foo         bar baz", {"a": "foo", "b": "bar", "c": "baz"}),
        ("%{a} %{+a} %{+a}", "foo bar baz", {"a": "foobarbaz"}),
        ("%{a} %{+a/2} %{+a/1}", "foo bar baz", {"a": "foobazbar"}),
        ("%{a} %{?skipme} %{c}", "foo bar baz", {"a": "foo", "c": "baz"}),
        ("%{a} %{} %{c}", "foo bar baz", {"a": "foo", "c": "baz"}),
        ("%{a},%{b},%{c},%{d}", "foo,,,", {"a": "foo", "b": "", "c": "", "d": ""}),
        # The first occurrence of each delimiter ends the value; the last key takes the rest.
        ("%{a} %{b}", "x y z", {"a": "x", "b": "y z"}),
        ("%{a}=%{b}", "k=v=w", {"a": "k", "b": "v=w"}),
        # A repeated delimiter empties the NEXT key, whatever that key's own delimiter is.
        ("%{a},%{b}:%{c}", "x,,y:z", {"a": "x", "b": "", "c": "y:z"}),
        ("%{a},%{b}", "x,,y", {"a": "x", "b": ""}),
        # ...up to a `->` key, which swallows the rest of the run.
        ("%{a},%{b->},%{c}", "x,,,,y", {"a": "x", "b": "", "c": "y"}),
        # A trailing delimiter ends the match: what follows it is ignored.
        ("%{a},", "x,y,z", {"a": "x"}),
        ("%{a},", "x", {"a": None}),
        # Leading text must match, and the input must go on after it.
        ("[%{a}]", "[x]", {"a": "x"}),
        ("[%{a}]", "(x)", {"a": None}),
        ("ab%{a}", "ab", {"a": None}),
        ("%{a}", "", {"a": None}),
        ("%{a} %{b}", None, {"a": None, "b": None}),
        # `%{a}%{b}`: no delimiter between keys makes "%{b}" the literal delimiter of a.
        ("%{a}%{b}", "x%{b}y", {"a": "x"}),
        # Multi-byte text: delimiters are found on character boundaries.
        ("%{a}→%{b}", "été→ça", {"a": "été", "b": "ça"}),
    ],
)
def test_dissect_semantics(
    esql: EsqlRunner, pattern: str, text: str | None, expected: dict[str, Any]
) -> None:
    assert _dissect(esql, pattern, text) == expected


def test_append_separator(esql: EsqlRunner) -> None:
    extra = ' APPEND_SEPARATOR=", "'
    assert _dissect(esql, "%{a} %{+a} %{+a}", "foo bar baz", extra) == {"a": "foo, bar, baz"}
    assert _dissect(esql, "%{+a/2} %{+a/1} %{b}", "x y z", ' append_separator="-"') == {
        "a": "y-x",
        "b": "z",
    }


# Elastic renders request_parameters with Java's Map.toString(): `{key=value, key2=value2}`.
SERVICE_QUOTAS = (
    "{%{?Esql.aws_cloudtrail_request_parameters_service_code_key}="
    "%{Esql.aws_cloudtrail_request_parameters_service_code}, %{?quota_code_key}="
    "%{Esql.aws_cloudtrail_request_parameters_quota_code}}"
)
S3_ENCRYPTION = (
    "{%{?bucketName}=%{Esql.aws_cloudtrail_request_parameters_target_bucket_name},"
    "%{?x-amz-server-side-encryption-aws-kms-key-id}=%{?arn}:%{?aws}:%{?kms}:%{?region}:"
    "%{Esql.aws_cloudtrail_request_parameters_kms_key_account_id}:%{?key}/"
    "%{Esql.aws_cloudtrail_request_parameters_kms_key_id},%{?Host}=%{?tls.client.server.name},"
    "%{?x-amz-server-side-encryption}=%{?server_side_encryption},"
    "%{?x-amz-copy-source}=%{?bucket.object.name},"
    "%{?key}=%{Esql.aws_cloudtrail_request_parameters_target_object_key}}"
)


def test_rule_pattern_service_quotas(esql: EsqlRunner) -> None:
    code, quota = (
        "Esql.aws_cloudtrail_request_parameters_service_code",
        "Esql.aws_cloudtrail_request_parameters_quota_code",
    )
    text = "{serviceCode=ec2, quotaCode=L-1216C47A}"
    assert _dissect(esql, SERVICE_QUOTAS, text) == {code: "ec2", quota: "L-1216C47A"}
    # The keys are skipped: the rule depends on the order Elastic rendered them in.
    text = "{quotaCode=L-1216C47A, serviceCode=ec2}"
    assert _dissect(esql, SERVICE_QUOTAS, text) == {code: "L-1216C47A", quota: "ec2"}
    assert _dissect(esql, SERVICE_QUOTAS, "{serviceCode=ec2}") == {code: None, quota: None}


def test_rule_pattern_s3_object_encryption(esql: EsqlRunner) -> None:
    text = (
        "{bucketName=dest-bucket, x-amz-server-side-encryption-aws-kms-key-id="
        "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab, "
        "Host=dest-bucket.s3.us-east-1.amazonaws.com, x-amz-server-side-encryption=aws:kms, "
        "x-amz-copy-source=src-bucket/secret.txt, key=secret.txt}"
    )
    prefix = "Esql.aws_cloudtrail_request_parameters_"
    assert _dissect(esql, S3_ENCRYPTION, text) == {
        f"{prefix}target_bucket_name": "dest-bucket",
        f"{prefix}kms_key_account_id": "999999999999",
        f"{prefix}kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
        f"{prefix}target_object_key": "secret.txt",
    }
    unencrypted = "{bucketName=b, Host=b.s3.amazonaws.com, x-amz-copy-source=s/k, key=k}"
    assert set(_dissect(esql, S3_ENCRYPTION, unencrypted).values()) == {None}


def test_rule_patterns_ssm_command_id(esql: EsqlRunner) -> None:
    endpoint = "%{}/document/orchestration/%{id}/%{}"
    line = (
        "/bin/sh /var/lib/amazon/ssm/i-0abc/document/orchestration/"
        "5f2a1b3c-aaaa-bbbb-cccc-0123456789ab/awsrunShellScript/0.awsrunShellScript/_script.sh"
    )
    assert _dissect(esql, endpoint, line) == {"id": "5f2a1b3c-aaaa-bbbb-cccc-0123456789ab"}
    cloud = "%{}commandId=%{id},%{}"
    response = "{command={commandId=0b1c2d3e-1111, documentName=AWS-RunShellScript, comment=}}"
    assert _dissect(esql, cloud, response) == {"id": "0b1c2d3e-1111"}
    assert _dissect(esql, cloud, "{command={documentName=x}}") == {"id": None}


def test_output_columns_are_appended_and_replace_existing_ones(esql: EsqlRunner) -> None:
    fields = [FieldSpec("a", "keyword"), FieldSpec("b", "long"), FieldSpec("c", "keyword")]
    query = 'FROM logs | DISSECT a "%{b} %{a}"'
    rows = esql.run(query, fields, [{"a": "1 2", "b": 7, "c": "z"}])
    assert list(rows[0]) == ["c", "b", "a", "__evidence"]
    assert rows[0] == {"c": "z", "b": "1", "a": "2", "__evidence": [0]}
    assert esql.compiled is not None
    assert [spec.type for spec in esql.compiled.columns] == ["keyword", "keyword", "keyword"]
    # No match: the new (and replaced) columns are null.
    rows = esql.run(query, fields, [{"a": "nospace", "b": 7, "c": "z"}])
    assert rows[0] == {"c": "z", "b": None, "a": None, "__evidence": [0]}


def test_multivalued_input_dissects_each_value(esql: EsqlRunner) -> None:
    fields = [FieldSpec("tags", "keyword", multivalued=True)]
    query = 'FROM logs | DISSECT tags "%{k}=%{v}" | KEEP k, v'
    rows = esql.run(
        query,
        fields,
        [
            {"tags": ["a=1", "junk", "b=2"]},  # values that do not match contribute nothing
            {"tags": ["a=1"]},
            {"tags": ["junk"]},
            {"tags": []},
            {"tags": None},
        ],
    )
    assert [(row["k"], row["v"]) for row in rows] == [
        (["a", "b"], ["1", "2"]),
        (["a"], ["1"]),
        (None, None),
        (None, None),
        (None, None),
    ]
    assert esql.compiled is not None
    assert [spec.multivalued for spec in esql.compiled.columns] == [True, True]
    # A one-value list is that value for what follows.
    rows = esql.run(
        'FROM logs | DISSECT tags "%{k}=%{v}" | WHERE k == "a" | KEEP v',
        fields,
        [{"tags": ["a=1"]}, {"tags": ["a=1", "a=2"]}],
    )
    assert rows == [{"v": ["1"], "__evidence": [0]}]


def test_null_typed_input_gives_null_columns(esql: EsqlRunner) -> None:
    rows = esql.run('FROM logs | EVAL n = null | DISSECT n "%{a}-%{b}" | KEEP a, b', [MSG], [{}])
    assert rows == [{"a": None, "b": None, "__evidence": [0]}]


@pytest.mark.parametrize(
    ("query", "error", "message", "column"),
    [
        ('FROM x | DISSECT msg "%{*a} %{&a}"', EsqlVerificationError, "Reference keys", 22),
        ('FROM x | DISSECT msg "%{&a} %{&a}"', EsqlUnsupportedError, "reference keys", 22),
        ('FROM x | DISSECT msg "%{?a} %{}"', EsqlVerificationError, "Invalid pattern", 22),
        ('FROM x | DISSECT msg "no keys"', EsqlVerificationError, "Invalid pattern", 22),
        ('FROM x | DISSECT msg "%{?a/b}"', EsqlVerificationError, "multiple modifiers", 22),
        ('FROM x | DISSECT msg "%{+}"', EsqlVerificationError, "could not be determined", 22),
        ('FROM x | DISSECT msg "é%{a}"', EsqlUnsupportedError, "non-ASCII", 22),
        ('FROM x | DISSECT msg "%{a}" foo="x"', EsqlVerificationError, "Invalid option", 10),
        ('FROM x | DISSECT n "%{a}"', EsqlVerificationError, "KEYWORD or TEXT", 18),
    ],
)
def test_refused_patterns_point_at_the_pattern(
    query: str, error: type[Exception], message: str, column: int
) -> None:
    schema = {"msg": MSG, "n": FieldSpec("n", "long")}
    with pytest.raises(error, match=message) as caught:
        compile_query(parse_query(query, origin="rule.toml", line_offset=4), schema)
    location = getattr(caught.value, "location", None)
    assert location is not None
    assert (location.path, location.line, location.column) == ("rule.toml", 5, column)


# ----------------------------------------------------------------------------------------------
# The SQL walk against a line-by-line port of DissectParser.parse, on generated patterns.

_KEYS = st.sampled_from(["a", "b", "?s", "", "+a", "+b/2", "+a/1", "c->", "?t->", "a->"])
_DELIMITERS = st.sampled_from([",", " ", ",,", "=", "ab", ", ", "→"])
_TEXT = st.text(alphabet=["a", "b", ",", " ", "=", "→", "x"], max_size=12)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A pattern, and inputs: random text and text built on the pattern's delimiters."""
    leading = draw(st.sampled_from(["", "[", "ab"]))
    keys = draw(st.lists(_KEYS, min_size=1, max_size=5))
    pattern, delimiters = leading, []
    for index, key in enumerate(keys):
        last = index == len(keys) - 1
        delimiter = draw(_DELIMITERS) if not last or draw(st.booleans()) else ""
        pattern += f"%{{{key}}}{delimiter}"
        delimiters.append(delimiter)
    texts = draw(st.lists(_TEXT, max_size=3))
    for _ in range(draw(st.integers(1, 4))):
        text = leading
        for delimiter in delimiters:
            text += draw(_FILLER) + delimiter * draw(st.sampled_from([1, 1, 2, 3]))
        texts.append(text + draw(_FILLER))
    return pattern, texts


_FILLER = st.text(alphabet=["a", "b", ",", " ", "=", "x"], max_size=3)


@settings(max_examples=300, deadline=None)
@given(case=_cases())
def test_sql_walk_matches_elastic_algorithm(case: tuple[str, list[str]]) -> None:
    pattern, texts = case
    try:
        parsed = parse_dissect(pattern, "|")
    except DissectPatternError:
        return
    names = parsed.output_keys
    if not names:
        return
    match = parsed.match(exp.column("t"))
    columns = [exp.alias_(parsed.field(exp.column("m"), n), n, quoted=True) for n in names]
    inner = exp.select(exp.alias_(match, "m")).from_("input")
    sql = exp.select(*columns).from_(inner.subquery()).sql(dialect=PinnedDuckDB)
    connection = duckdb.connect()
    for text in texts:
        connection.execute("CREATE OR REPLACE TABLE input AS SELECT ?::VARCHAR AS t", [text])
        got = connection.sql(sql).fetchall()[0]
        expected = java_dissect(parsed, text)
        wanted = tuple(expected[n] if expected else None for n in names)
        assert got == wanted, (pattern, text)
