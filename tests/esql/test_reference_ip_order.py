"""Ips in address order: the SQL key (esql/ip_order.py) and every ordering use of it.

ES|QL orders ips by their 16-byte form, an IPv4 address as ::ffff:a.b.c.d (TopNEncoder.IP for
SORT, the same bytes for MIN/MAX and doc values). The key is checked against Python's
`ipaddress` here, and SORT, MIN/MAX, MV_MIN/MV_MAX/MV_FIRST/MV_LAST and ordering comparisons
against both fixed expectations and the reference evaluator.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import compile_query, parse_query
from trailsweep.esql.diagnostics import EsqlVerificationError
from trailsweep.esql.dialect import PinnedDuckDB
from trailsweep.esql.ip_order import constant_key, ip_key
from trailsweep.esql.reference import run

from .test_reference_properties import check, run_sql
from .test_reference_strategies import PARAMS, SCHEMA

KEY_SQL = (
    exp.select(ip_key(exp.column("t", quoted=True)).as_("k"))
    .from_("texts")
    .sql(dialect=PinnedDuckDB)
)


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def sql_keys(connection: duckdb.DuckDBPyConnection, texts: Sequence[str | None]) -> list[Any]:
    """`ip_key` of each text, computed by DuckDB (in input order)."""
    table = connection.sql("SELECT unnest($texts::VARCHAR[]) AS t", params={"texts": texts})
    connection.register("texts", table.to_arrow_table())
    return [row[0] for row in connection.sql(KEY_SQL).fetchall()]


def python_key(text: str) -> str | None:
    """The 16-byte form as hex, by Python's ipaddress (None: not an address)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return (bytes(10) + b"\xff\xff" + address.packed).hex()
    return None if address.scope_id is not None else address.packed.hex()


def spellings(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[str]:
    """Ways to write an address: canonical, and for IPv6 expanded, upper case, dotted tail."""
    if isinstance(address, ipaddress.IPv4Address):
        return [str(address)]
    tail = ipaddress.IPv4Address(address.packed[12:])
    head = address.exploded.rsplit(":", 2)[0]
    return [str(address), address.exploded, str(address).upper(), f"{head}:{tail}"]


ADDRESSES = st.one_of(
    st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address),
    st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address),
    # Sparse IPv6 addresses: runs of zero groups, so `::` lands everywhere.
    st.lists(st.sampled_from([0, 0, 0, 1, 0xFFFF, 0xABC]), min_size=8, max_size=8).map(
        lambda groups: ipaddress.IPv6Address(int("".join(f"{g:04x}" for g in groups), 16))
    ),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(addresses=st.lists(ADDRESSES, min_size=1, max_size=20))
def test_the_sql_key_is_the_16_byte_form(
    connection: duckdb.DuckDBPyConnection, addresses: list[Any]
) -> None:
    texts = [text for address in addresses for text in spellings(address)]
    assert sql_keys(connection, texts) == [python_key(text) for text in texts]


def test_the_key_of_text_that_is_no_address_is_null(connection: duckdb.DuckDBPyConnection) -> None:
    texts: list[str | None] = [
        None, "", "abc", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1::2::3", "1::2::3:4:5:6", ":::",
        "1:2:3:4:5:6:7:8:9", "12345::1", "fe80::1%eth0", ":1:2:3:4:5:6:7", "1.2.3.4:5",
    ]  # fmt: skip
    assert sql_keys(connection, texts) == [None] * len(texts)


def test_keys_order_like_the_addresses(connection: duckdb.DuckDBPyConnection) -> None:
    texts = ["10.0.0.10", "::1", "10.0.0.9", "2001:db8::1", "0.0.0.1", "::"]
    keys = sql_keys(connection, texts)
    ordered = [text for _, text in sorted(zip(keys, texts, strict=True))]
    assert ordered == ["::", "::1", "0.0.0.1", "10.0.0.9", "10.0.0.10", "2001:db8::1"]
    assert keys == [constant_key(text) for text in texts]


ROWS: list[dict[str, Any]] = [
    {"ip": "10.0.0.10", "ok": True},
    {"ip": "::1", "ok": True},
    {"ip": "10.0.0.9", "ok": True},
    {"ip": "2001:db8::1", "ok": False},
    {"ip": None, "ok": False},
    {"ip": "192.168.1.1", "ok": False},
]


def column(
    connection: duckdb.DuckDBPyConnection, text: str, name: str, rows: list[dict[str, Any]] = ROWS
) -> list[Any]:
    """One column of a query's SQL result, after checking the whole result against the reference."""
    check(connection, text, rows)
    compiled = compile_query(parse_query(text), SCHEMA, PARAMS)
    return [row[name] for row in run_sql(connection, compiled, rows)]


def test_sort_orders_ips_by_address(connection: duckdb.DuckDBPyConnection) -> None:
    ascending = ["::1", "10.0.0.9", "10.0.0.10", "192.168.1.1", "2001:db8::1", None]
    assert column(connection, "FROM logs | SORT ip | KEEP ip", "ip") == ascending
    descending = [None, "2001:db8::1", "192.168.1.1", "10.0.0.10", "10.0.0.9", "::1"]
    assert column(connection, "FROM logs | SORT ip DESC | KEEP ip", "ip") == descending


def test_sort_by_a_multivalued_ip_uses_its_lowest_or_highest_address(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    grouped = "FROM logs | STATS v = VALUES(ip) BY ok | EVAL lo = MV_MIN(v), hi = MV_MAX(v)"
    # ok=true holds ::1, 10.0.0.9, 10.0.0.10; ok=false 192.168.1.1, 2001:db8::1 (and null).
    assert column(connection, f"{grouped} | SORT v | KEEP ok", "ok") == [True, False]
    assert column(connection, f"{grouped} | SORT v DESC | KEEP ok", "ok") == [False, True]
    assert column(connection, f"{grouped} | SORT ok", "lo") == ["192.168.1.1", "::1"]
    assert column(connection, f"{grouped} | SORT ok", "hi") == ["2001:db8::1", "10.0.0.10"]


def test_mv_first_and_last_of_ips_follow_address_order(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    text = "FROM logs | STATS v = VALUES(ip) | EVAL f = MV_FIRST(v), l = MV_LAST(v)"
    assert column(connection, text, "f") == ["::1"]
    assert column(connection, text, "l") == ["2001:db8::1"]


def test_min_and_max_of_ips_are_by_address(connection: duckdb.DuckDBPyConnection) -> None:
    text = "FROM logs | STATS lo = MIN(ip), hi = MAX(ip) BY ok | SORT ok"
    assert column(connection, text, "lo") == ["192.168.1.1", "::1"]
    assert column(connection, text, "hi") == ["2001:db8::1", "10.0.0.10"]
    # Over multivalued ips (VALUES), and with a FILTER.
    nested = "FROM logs | STATS v = VALUES(ip) BY ok | STATS lo = MIN(v), hi = MAX(v) WHERE ok"
    assert column(connection, nested, "lo") == ["::1"]
    assert column(connection, nested, "hi") == ["10.0.0.10"]


def test_ordering_comparisons_on_ips_are_by_address(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    def kept(condition: str) -> list[Any]:
        return column(connection, f"FROM logs | WHERE {condition} | KEEP ip", "ip")

    assert kept('ip > "10.0.0.9"') == ["10.0.0.10", "2001:db8::1", "192.168.1.1"]
    assert kept('"10.0.0.10" >= ip') == ["10.0.0.10", "::1", "10.0.0.9"]
    assert kept('ip < "0.0.0.0"') == ["::1"]
    # A literal is read as an address, so another spelling of it compares the same.
    assert kept('ip <= "::FFFF:10.0.0.9"') == ["::1", "10.0.0.9"]


def test_an_ordering_comparison_with_a_non_address_literal_is_an_error() -> None:
    query = parse_query('FROM logs | WHERE ip < "nope"')
    with pytest.raises(EsqlVerificationError):
        compile_query(query, SCHEMA, PARAMS)
    with pytest.raises(EsqlVerificationError):
        run(query, ROWS, PARAMS, schema=SCHEMA)


def test_an_ordering_comparison_of_an_ip_with_a_keyword_column_is_unsupported() -> None:
    with pytest.raises(EsqlUnsupportedError):
        compile_query(parse_query("FROM logs | WHERE ip < user"), SCHEMA, PARAMS)
