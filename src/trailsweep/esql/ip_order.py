"""Address order for ip values, which trailsweep stores as text: a sortable key built in SQL.

ES|QL orders ips by their 16-byte form (InetAddressPoint.encode: an IPv4 address becomes the
IPv4-mapped IPv6 address ::ffff:a.b.c.d; SORT uses TopNEncoder.IP on those bytes), so
`10.0.0.9` sorts before `10.0.0.10` and every IPv4 address after `::1`. Their text does not.

`ip_key` is those 16 bytes as 32 lower-case hex digits. The width is fixed and hex digits sort
like the nibbles they stand for, so comparing two keys as strings compares the bytes (and no
collation setting can reorder digits and lower-case letters relative to each other). It is
plain SQL string work: DuckDB's `inet` extension would do it, but it is downloaded on first
use and trailsweep runs offline. Stored ips are canonical, but the key reads any IPv4 or IPv6
text (`::` anywhere, upper case, a dotted IPv4 tail); text that is no address has a null key.

Where the ip itself is wanted (MIN, MAX, MV_MIN...), the extreme of `keyed(ip)` (key, then
text) is taken and `unkeyed` drops the key again.
"""

from __future__ import annotations

import ipaddress

from sqlglot import exp

from trailsweep.esql.typed import bind, call, column, int_literal

KEY_WIDTH = 32
"""Characters in a key: two hex digits for each of the 16 bytes."""

_IPV4_MAPPED = "0" * 20 + "ffff"
"""The first 12 bytes of an IPv4-mapped IPv6 address, as hex."""
_EIGHT_GROUPS = "[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}"


def _string(text: str) -> exp.Expression:
    return exp.Literal.string(text)


def _ipv4_hex(quad: exp.Expression) -> exp.Expression:
    """`a.b.c.d` as 8 hex digits (null unless every part is a number up to 255)."""
    octets = [
        exp.TryCast(
            this=call("split_part", quad.copy(), _string("."), int_literal(index)),
            to=exp.DataType.build("UTINYINT", dialect="duckdb"),
        )
        for index in range(1, 5)
    ]
    # A fifth part would be dropped by split_part: four parts means exactly three dots.
    dots = exp.Sub(
        this=exp.Length(this=quad.copy()),
        expression=exp.Length(this=call("replace", quad.copy(), _string("."), _string(""))),
    )
    digits = call("printf", _string("%02x%02x%02x%02x"), *octets)
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=dots, expression=int_literal(3)), true=digits)])


def _ipv6_hex(text: exp.Expression) -> exp.Expression:
    """Lower-case IPv6 text as 32 hex digits: groups padded to 4 digits, `::` filled with zeros."""

    def groups(full: exp.Expression) -> exp.Expression:
        # `::` now sits between two groups, so the text holds as many groups as colons (one
        # more than colons, less the empty one between `::`): it stands for 8 - colons zeros.
        colons = exp.Sub(
            this=exp.Length(this=full.copy()),
            expression=exp.Length(this=call("replace", full.copy(), _string(":"), _string(""))),
        )
        missing = exp.Sub(this=int_literal(8), expression=exp.Paren(this=colons))
        zeros = call("repeat", _string("0:"), missing)
        filled = call(
            "replace", full.copy(), _string("::"), exp.DPipe(this=_string(":"), expression=zeros)
        )
        parts = call("string_split", filled.copy(), _string(":"))
        pad = exp.Lambda(
            this=call("lpad", column("__ip_group"), int_literal(4), _string("0")),
            expressions=[exp.to_identifier("__ip_group", quoted=True)],
        )
        digits = call("array_to_string", call("list_transform", parts, pad), _string(""))
        # No address unless that made 8 groups of 1 to 4 hex digits out of at most one `::`.
        eight = call("regexp_full_match", filled, _string(_EIGHT_GROUPS))
        one_gap = exp.LTE(
            this=exp.Sub(
                this=exp.Length(this=full.copy()),
                expression=exp.Length(
                    this=call("replace", full.copy(), _string("::"), _string(""))
                ),
            ),
            expression=int_literal(2),
        )
        no_triple = exp.Not(this=call("contains", full.copy(), _string(":::")))
        valid = exp.And(this=exp.And(this=eight, expression=one_gap), expression=no_triple)
        return exp.Case(ifs=[exp.If(this=valid, true=digits)])

    def expand(six: exp.Expression) -> exp.Expression:
        # A `::` at either end gets a zero group beside it, so that it always sits between two
        # groups ("::" itself becomes "0::0").
        starts = exp.StartsWith(this=six.copy(), expression=_string("::"))
        ends = exp.EndsWith(this=six.copy(), expression=_string("::"))
        padded = exp.Case(
            ifs=[exp.If(this=starts, true=exp.DPipe(this=_string("0"), expression=six.copy()))],
            default=six.copy(),
        )
        padded = exp.Case(
            ifs=[exp.If(this=ends, true=exp.DPipe(this=padded.copy(), expression=_string("0")))],
            default=padded,
        )
        return bind(padded, "__ip_full", groups)

    # A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    head = exp.RegexpExtract(this=text.copy(), expression=_string("^.*:"))
    quad = exp.RegexpExtract(this=text.copy(), expression=_string("[^:]*$"))

    def tail_groups(quad_hex: exp.Expression) -> exp.Expression:
        first = exp.Substring(this=quad_hex.copy(), start=int_literal(1), length=int_literal(4))
        second = exp.Substring(this=quad_hex.copy(), start=int_literal(5), length=int_literal(4))
        return exp.DPipe(
            this=exp.DPipe(this=head, expression=first),
            expression=exp.DPipe(this=_string(":"), expression=second),
        )

    converted = bind(
        quad, "__ip_tail", lambda tail: bind(_ipv4_hex(tail), "__ip_quad", tail_groups)
    )
    dotted = call("contains", text.copy(), _string("."))
    six = exp.Case(ifs=[exp.If(this=dotted, true=converted)], default=text.copy())
    return bind(six, "__ip_six", expand)


def ip_key(text: exp.Expression) -> exp.Expression:
    """The 16-byte form of an ip's text as 32 lower-case hex digits (null for null)."""

    def key(ip: exp.Expression) -> exp.Expression:
        is_v6 = call("contains", ip.copy(), _string(":"))
        v4 = exp.DPipe(this=_string(_IPV4_MAPPED), expression=_ipv4_hex(ip))
        return exp.Case(ifs=[exp.If(this=is_v6, true=_ipv6_hex(ip))], default=v4)

    return bind(exp.Lower(this=text), "__ip", key)


def keyed(text: exp.Expression) -> exp.Expression:
    """The ip's key followed by its text: ordering these orders the ips by address."""
    return bind(text, "__ip_keyed", lambda ip: exp.DPipe(this=ip_key(ip), expression=ip.copy()))


def unkeyed(value: exp.Expression) -> exp.Expression:
    """The ip text of a `keyed` value."""
    return exp.Substring(this=value, start=int_literal(KEY_WIDTH + 1))


def _over_list(values: exp.Expression, each: exp.Expression, name: str) -> exp.Expression:
    function = exp.Lambda(this=each, expressions=[exp.to_identifier(name, quoted=True)])
    return call("list_transform", values, function)


def list_extreme_key(values: exp.Expression, maximum: bool) -> exp.Expression:
    """The key of the lowest (or highest) address in a list of ips."""
    keys = _over_list(values, ip_key(column("__ip_item")), "__ip_item")
    return (exp.ArrayMax if maximum else exp.ArrayMin)(this=keys)


def list_extreme_keyed(values: exp.Expression, maximum: bool) -> exp.Expression:
    """`keyed` of the lowest (or highest) address in a list of ips."""
    items = _over_list(values, keyed(column("__ip_item")), "__ip_item")
    return (exp.ArrayMax if maximum else exp.ArrayMin)(this=items)


def constant_key(text: str) -> str | None:
    """`ip_key` of a constant, computed here (None when the text is no address)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
        return None
    packed = address.packed
    return (bytes.fromhex(_IPV4_MAPPED) + packed if len(packed) == 4 else packed).hex()
