"""GROK: named captures and library patterns, the shared rules' patterns, typed fields, Joni
(Ruby) regex semantics in RE2, no match, collisions, multivalued input, refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import EsqlVerificationError, FieldSpec, compile_query, parse_query
from trailsweep.esql.grok import GrokPatternError, parse_grok

from .runner import EsqlRunner

MSG = FieldSpec("msg", "keyword")


def _grok(esql: EsqlRunner, pattern: str, text: str | None) -> dict[str, Any]:
    rows = esql.run(f'FROM logs | GROK msg """{pattern}""" | DROP msg', [MSG], [{"msg": text}])
    assert len(rows) == 1
    rows[0].pop("__evidence")
    return rows[0]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # execution_ec2_stop_start_with_user_data_modification / bedrock probing
        (
            r"instanceId=(?<Esql.instance_id>[^,}\]]+)",
            "{instancesSet={items=[{instanceId=i-0123456789abcdef0}]}, force=false}",
            {"Esql.instance_id": "i-0123456789abcdef0"},
        ),
        (
            r"modelId=(?<Esql.model_id>[^,}\]]+)",
            "{modelId=anthropic.claude-3-haiku-20240307-v1:0, contentType=application/json}",
            {"Esql.model_id": "anthropic.claude-3-haiku-20240307-v1:0"},
        ),
        # execution_lambda_function_invoked_cross_account: searched anywhere, first match
        (
            r":(?<Esql.caller_account>[0-9]{12}):",
            "arn:aws:iam::123456789012:user/alice",
            {"Esql.caller_account": "123456789012"},
        ),
        (
            r"functionName=arn:aws:lambda:[a-z0-9-]*:(?<Esql.function_account>[0-9]{12}):",
            "{functionName=arn:aws:lambda:us-east-1:210987654321:function:f, qualifier=1}",
            {"Esql.function_account": "210987654321"},
        ),
        (
            r":(?<Esql.caller_account>[0-9]{12}):",
            "arn:aws:iam::12345:user/x",
            {"Esql.caller_account": None},
        ),
        # lateral_movement_k8s: %{NOTSPACE} (\S+) backtracks to leave the ','
        (
            "accessKeyId=%{NOTSPACE:issued_key_id},",
            "{credentials={accessKeyId=ASIAQWERTYUIOP123456, expiration=Jan 1, 2026 1:00:00 AM}}",
            {"issued_key_id": "ASIAQWERTYUIOP123456"},
        ),
        ("accessKeyId=%{NOTSPACE:issued_key_id},", "{accessKeyId=ASIA1}", {"issued_key_id": None}),
        # persistence_iam_user_self_created_access_key: greedy .* finds the LAST key
        (
            r".*accessKeyId=(?<Esql_priv.key>AKIA[A-Z0-9]{16}).*",
            "{accessKey={accessKeyId=AKIAIOSFODNN7EXAMPLE, status=Active, userName=bob}}",
            {"Esql_priv.key": "AKIAIOSFODNN7EXAMPLE"},
        ),
        (
            r".*accessKeyId=(?<Esql_priv.key>AKIA[A-Z0-9]{16}).*",
            "accessKeyId=AKIAAAAAAAAAAAAAAAAA accessKeyId=AKIABBBBBBBBBBBBBBBB",
            {"Esql_priv.key": "AKIABBBBBBBBBBBBBBBB"},
        ),
        (
            r".*accessKeyId=(?<k>AKIA[A-Z0-9]{16}).*",
            "accessKeyId=ASIA0000000000000000",
            {"k": None},
        ),
        # persistence_sagemaker_lifecycle_config / privilege_escalation_sagemaker
        (
            "[Cc]ontent=(?<script_b64>[A-Za-z0-9+/=]+)",
            "{onStart=[{content=IyEvYmluL2Jhc2g=}], studioLifecycleConfigName=x}",
            {"script_b64": "IyEvYmluL2Jhc2g="},
        ),
        (
            r".*roleArn=(?<Esql.role_arn>arn:aws[a-z-]*:iam::[0-9]{12}:role/[^,}]+).*",
            "{notebookInstanceName=nb, roleArn=arn:aws:iam::123456789012:role/Exec, x=y}",
            {"Esql.role_arn": "arn:aws:iam::123456789012:role/Exec"},
        ),
        # Library patterns and their field order (sorted by name, as ES|QL creates them).
        (
            "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:message}",
            "2026-04-02T12:00:01.123Z WARN disk almost full",
            {"level": "WARN", "message": "disk almost full", "ts": "2026-04-02T12:00:01.123Z"},
        ),
        (
            "%{USERNAME:user}@%{UUID:id}%{SPACE}%{DATA:a}%{URIPATH:path}%{URIPARAM:query}",
            "bob@0f8fad5b-d9cb-469f-a165-70867728950e  x/y/z?q=1",
            {
                "a": "x",
                "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "path": "/y/z",
                "query": "?q=1",
                "user": "bob",
            },
        ),
        ("%{IPV6:ip}", "from fe80::1ff:fe23:4567:890a now", {"ip": "fe80::1ff:fe23:4567:890a"}),
        # Optional groups: one that takes no part is null, an empty capture is "".
        ("a(?<x>b)?c", "ac", {"x": None}),
        ("a(?<x>b)?c", "abc", {"x": "b"}),
        ("(?<x>b)|(?<y>c)", "c", {"x": None, "y": "c"}),
        # Nested groups (numbered by their opening parenthesis).
        ("(?<z>(?<a>x)y)", "xy", {"a": "x", "z": "xy"}),
        ("a(?<x>b*)c", "ac", {"x": ""}),
        # Joni (Ruby): \s is ASCII and includes \v; `.` stops at \n; `$` ends a line.
        ("a\\s(?<x>b)", "a\x0bb", {"x": "b"}),
        ("(?<x>.+)", "first\nsecond", {"x": "first"}),
        ("(?<x>[a-z]+)$", "abc\ndef", {"x": "abc"}),
        # `^` never matches at the end of a non-empty input in Joni (RE2's (?m:^) does).
        ("^(?<x>a*)$", "b\n", {"x": None}),
        ("^(?<x>a*)$", "", {"x": ""}),
        ("^(?<x>a+)", "b\naa", {"x": "aa"}),
        # Lazy quantifiers, intervals, a literal `{`.
        ("(?<x>a+?)(?<y>a*)", "aaa", {"x": "a", "y": "aa"}),
        ("(?<x>a{2,3})", "aaaa", {"x": "aaa"}),
        ("{(?<x>[^}]*)}", "k={v}", {"x": "v"}),
        # No match, null input.
        ("(?<x>z)", "abc", {"x": None}),
        ("(?<x>z)", None, {"x": None}),
    ],
)
def test_grok_semantics(
    esql: EsqlRunner, pattern: str, text: str | None, expected: dict[str, Any]
) -> None:
    assert _grok(esql, pattern, text) == expected


def test_typed_fields_convert_as_java_does(esql: EsqlRunner) -> None:
    pattern = (
        "%{INT:n:int} %{INT:m:long} (?<x:f:float>[0-9.]+) (?<x:d:double>[0-9.e]+)"
        " (?<x:b:boolean>[a-zA-Z]+)"
    )
    row = _grok(esql, pattern, "+12 -34 1.1 2.5e3 TRUE")
    assert row == {"b": True, "d": 2500.0, "f": 1.100000023841858, "m": -34, "n": 12}
    assert esql.compiled is not None
    assert [(s.name, s.type) for s in esql.compiled.columns] == [
        ("b", "boolean"),
        ("d", "double"),
        ("f", "double"),
        ("m", "long"),
        ("n", "long"),
    ]
    assert _grok(esql, pattern, "1 2 3 4 yes")["b"] is False
    # A value that does not convert (int overflow, "1.2.3") nulls every field of the row.
    assert set(_grok(esql, pattern, "2147483648 2 3 4 true").values()) == {None}
    assert set(_grok(esql, pattern, "1 2 1.2.3 4 true").values()) == {None}
    assert _grok(esql, pattern, "1 2147483648 3 4 true")["m"] == 2147483648


def test_output_columns_are_appended_and_replace_existing_ones(esql: EsqlRunner) -> None:
    fields = [FieldSpec("a", "keyword"), FieldSpec("b", "long"), FieldSpec("c", "keyword")]
    query = 'FROM logs | GROK a "(?<b>[0-9]+)-(?<a>[a-z]+)"'
    rows = esql.run(query, fields, [{"a": "12-xy", "b": 7, "c": "z"}, {"a": "nope", "c": "w"}])
    assert [list(row) for row in rows] == [["c", "a", "b", "__evidence"]] * 2
    assert rows[0] == {"c": "z", "a": "xy", "b": "12", "__evidence": [0]}
    assert rows[1] == {"c": "w", "a": None, "b": None, "__evidence": [1]}


def test_multivalued_input_matches_each_value(esql: EsqlRunner) -> None:
    fields = [FieldSpec("arns", "keyword", multivalued=True)]
    query = 'FROM logs | GROK arns ":(?<acct>[0-9]{12}):(?<kind>[a-z]+)?" | KEEP acct, kind'
    rows = esql.run(
        query,
        fields,
        [
            {"arns": ["arn:aws:s3:::b", "arn:aws:iam::111111111111:user", "x:222222222222:"]},
            {"arns": ["arn:aws:s3:::bucket"]},
            {"arns": None},
        ],
    )
    # Values with no match, and groups that took no part, contribute nothing.
    assert [(row["acct"], row["kind"]) for row in rows] == [
        (["111111111111", "222222222222"], ["user"]),
        (None, None),
        (None, None),
    ]
    # One value that does not convert nulls the row's fields (all values).
    typed = 'FROM logs | GROK arns "(?<v:n:int>[0-9]+)" | KEEP n'
    rows = esql.run(typed, fields, [{"arns": ["1", "x", "22"]}, {"arns": ["1", "99999999999"]}])
    assert [row["n"] for row in rows] == [[1, 22], None]


@pytest.mark.parametrize(
    ("pattern", "error", "message"),
    [
        ("%{WORD:w}", EsqlUnsupportedError, r"%\{WORD\} uses word boundary"),
        ("%{NUMBER:n:int}", EsqlUnsupportedError, r"%\{BASE10NUM\} uses lookbehind"),
        ("%{IP:ip}", EsqlUnsupportedError, r"%\{IPV4\} uses lookbehind"),
        ("%{HOSTNAME:h}", EsqlUnsupportedError, "word boundary"),
        ("%{NOPE:x}", EsqlUnsupportedError, r"%\{NOPE\} is not supported"),
        ("(?<x>a)(?=b)", EsqlUnsupportedError, "lookahead"),
        ("(?<x>a)\\1", EsqlUnsupportedError, r"escape \\1"),
        ("(?<x>a++)", EsqlUnsupportedError, "possessive"),
        ("(?<x>(?>a|ab)c)", EsqlUnsupportedError, "atomic group"),
        ("(?i)(?<x>a)", EsqlUnsupportedError, "group construct"),
        ("(?<x>[[:alpha:]])", EsqlUnsupportedError, "POSIX bracket"),
        ("(?<x>(?:a*)*)", EsqlUnsupportedError, "empty string"),
        ("(?:(?<x>a)|b)+", EsqlUnsupportedError, "inside a repetition"),
        ("(?<x>a*)?", EsqlUnsupportedError, "empty string"),
        ("x(?<y>a)^", EsqlUnsupportedError, "start"),
        ("(?<x>[a-z]+) %{NOTSPACE:x}", EsqlUnsupportedError, "more than once"),
        ("(?<x:n:int>.+)", EsqlUnsupportedError, "non-ASCII"),
        ("(?<x>a))", EsqlVerificationError, "unmatched"),
        ("*(?<x>a)", EsqlVerificationError, "target of repeat"),
    ],
)
def test_refused_patterns_point_at_the_pattern(
    pattern: str, error: type[Exception], message: str
) -> None:
    query = f'FROM x\n| GROK msg """{pattern}"""'
    with pytest.raises(error, match=message) as caught:
        compile_query(parse_query(query, origin="rule.toml", line_offset=10), {"msg": MSG})
    location = getattr(caught.value, "location", None)
    assert location is not None
    assert (location.path, location.line, location.column) == ("rule.toml", 12, 12)


def test_grok_needs_a_string_and_one_pattern() -> None:
    schema = {"msg": MSG, "n": FieldSpec("n", "long")}
    with pytest.raises(EsqlVerificationError, match="KEYWORD or TEXT"):
        compile_query(parse_query('FROM x | GROK n "(?<a>.)"'), schema)
    with pytest.raises(EsqlUnsupportedError, match="several patterns"):
        compile_query(parse_query('FROM x | GROK msg "(?<a>.)", "(?<b>.)"'), schema)


# ----------------------------------------------------------------------------------------------
# Leftmost-first matching: RE2 (as translated) against Python's backtracking `re`, which agrees
# with Joni on this subset (literals, classes, `.`, groups, alternation, greedy/lazy repeats).

_ATOMS = ["a", "b", "[ab]", "[^a]", ".", "\\s", "(?:a|b)", "(?:ab|a)", "$"]
_QUANTIFIERS = ["", "", "*", "+", "?", "{1,2}", "*?", "+?", "??", "{0,2}?"]


@st.composite
def _regexes(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            inner = draw(_regexes(depth + 1))
            if draw(st.booleans()):
                inner = f"{inner}|{draw(_regexes(depth + 1))}"
            atom = (
                f"(?<g{draw(st.integers(1, 9))}>{inner})" if draw(st.booleans()) else f"(?:{inner})"
            )
        else:
            atom = draw(st.sampled_from(_ATOMS))
        parts.append(atom + draw(st.sampled_from(_QUANTIFIERS)))
    return "".join(parts)


@settings(max_examples=250, deadline=None)
@given(regex=_regexes(), texts=st.lists(st.text(alphabet="ab \n", max_size=8), max_size=5))
def test_translated_regex_matches_like_a_backtracking_engine(regex: str, texts: list[str]) -> None:
    try:
        fields = [f.name for f in parse_grok(regex).fields]
    except GrokPatternError:
        return
    python = re.compile(re.sub(r"\(\?<", "(?P<", regex).replace("$", "(?m:$)"))
    query = f'FROM logs | GROK msg """{regex}""" | KEEP {", ".join(fields) or "msg"}'
    runner = EsqlRunner()
    try:
        rows = runner.run(query, [MSG], [{"msg": text} for text in texts])
    finally:
        runner.connection.close()
    for row, text in zip(rows, texts, strict=True):
        found = python.search(text)
        for name in fields:
            assert row[name] == (found.group(name) if found else None), (regex, text)
