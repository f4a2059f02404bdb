"""Strings to doubles as ES|QL converts them: Java's Double.parseDouble, built in SQL.

TO_DOUBLE(keyword) is EsqlDataTypeConverter.stringToDouble -> StringUtils.parseDouble, which
calls Double.parseDouble and rejects an infinite or NaN result; a string it rejects becomes
null (plus a warning). DuckDB's own cast reads another language (`inf`, `nan`, `1_000`; no
`1d`, no hex), so the text is checked against Java's grammar (FloatingDecimal) first:

- surrounding characters up to U+0020 are ignored (String.trim);
- a decimal: optional sign, digits with an optional point (`5.`, `.5`), optional exponent;
- or a hexadecimal float: optional sign, `0x`, hex digits with an optional point, and a
  binary exponent `p` that is not optional (`0x1.8p1` is 3.0);
- either may end with one type suffix `f`, `F`, `d` or `D`, which Double.parseDouble ignores;
- `NaN` and `Infinity` parse in Java but are not finite, so ES|QL nulls them, as it nulls a
  decimal too large for a double (`1e999`).

A decimal is then DuckDB's cast, which rounds correctly as Java does. DuckDB cannot read hex
floats; `_hex_value` computes them exactly, rounding to nearest-even like Java, subnormal
results and mantissas longer than a double's included.
"""

from __future__ import annotations

from sqlglot import exp

from trailsweep.esql.typed import bind, call, int_literal, paren

_TRIM = "[\\x00-\\x20]*"
_SUFFIX = "[fFdD]?"
_DECIMAL = "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_HEX = "[+-]?0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?[0-9]+"
_HEX_PARTS = f"^{_TRIM}([+-]?)0[xX]([0-9a-fA-F]*)\\.?([0-9a-fA-F]*)[pP]([+-]?)([0-9]+)"
_HEX_FIELDS = ("sign", "whole", "fraction", "exponent_sign", "exponent")

_KEPT_DIGITS = 15
"""Hex digits of a long mantissa kept exactly: 60 bits, more than a double's 53 + rounding bit."""
_EXPONENT_DIGITS = 15
"""An exponent with more digits than this over- or underflows whatever the mantissa."""
_MIN_EXPONENT = -1074
"""The exponent of the smallest subnormal double, 2^-1074: no double has a bit below it."""


def _string(text: str) -> exp.Expression:
    return exp.Literal.string(text)


def _double(value: exp.Expression) -> exp.Expression:
    return exp.cast(value, exp.DataType.build("DOUBLE"))


def _ubigint(value: exp.Expression) -> exp.Expression:
    return exp.cast(value, exp.DataType.build("UBIGINT", dialect="duckdb"))


def _field(struct: exp.Expression, name: str) -> exp.Expression:
    return call("struct_extract", struct.copy(), _string(name))


def _struct(**fields: exp.Expression) -> exp.Expression:
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(name), expression=value)
            for name, value in fields.items()
        ]
    )


def _sub(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    return exp.Sub(this=paren(left), expression=paren(right))


def _add(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    return exp.Add(this=paren(left), expression=paren(right))


def _times(count: int, value: exp.Expression) -> exp.Expression:
    return exp.Mul(this=int_literal(count), expression=paren(value))


def _power_of_two(exponent: exp.Expression) -> exp.Expression:
    # Exact for every exponent a double can hold (subnormal ones too); inf or 0 beyond.
    return exp.Pow(this=_double(int_literal(2)), expression=exponent)


def java_double(text: exp.Expression) -> exp.Expression:
    """SQL for ES|QL's TO_DOUBLE of a keyword: a finite double, or null."""

    def parse(value: exp.Expression) -> exp.Expression:
        decimal = exp.TryCast(
            this=exp.RegexpExtract(
                this=value.copy(),
                expression=_string(f"^{_TRIM}({_DECIMAL})"),
                group=int_literal(1),
            ),
            to=exp.DataType.build("DOUBLE"),
        )
        names = exp.Array(expressions=[_string(name) for name in _HEX_FIELDS])
        parts = exp.RegexpExtract(this=value.copy(), expression=_string(_HEX_PARTS), group=names)
        return exp.Case(
            ifs=[
                exp.If(this=_full_match(value, _DECIMAL), true=decimal),
                exp.If(this=_full_match(value, _HEX), true=bind(parts, "__hex", _hex_value)),
            ]
        )

    def finite(number: exp.Expression) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=call("isfinite", number), true=number.copy())])

    return bind(bind(text, "__number", parse), "__double", finite)


def _full_match(value: exp.Expression, number: str) -> exp.Expression:
    pattern = f"{_TRIM}{number}{_SUFFIX}{_TRIM}"
    return call("regexp_full_match", value.copy(), _string(pattern))


def _hex_value(parts: exp.Expression) -> exp.Expression:
    """The double nearest (ties to even) to a hex float's regexp_extract struct `parts`.

    Its significant hex digits are an integer mantissa M and the value is M * 2^E. M is cut
    to a UBIGINT without changing how it rounds: 15 digits are kept and anything nonzero after
    them becomes one more (sticky) low bit. The rounding itself is integer arithmetic at the
    result's last bit, which a subnormal result moves up; only exact products remain in DOUBLE.
    """
    digits = call(
        "ltrim",
        exp.DPipe(this=_field(parts, "whole"), expression=_field(parts, "fraction")),
        _string("0"),
    )

    def exponent() -> exp.Expression:
        written = _field(parts, "exponent")
        huge = exp.GT(
            this=exp.Length(this=call("ltrim", written.copy(), _string("0"))),
            expression=int_literal(_EXPONENT_DIGITS),
        )
        size = exp.Case(
            ifs=[exp.If(this=huge, true=int_literal(10**_EXPONENT_DIGITS))],
            default=exp.cast(written, exp.DataType.build("BIGINT")),
        )
        negative = exp.EQ(this=_field(parts, "exponent_sign"), expression=_string("-"))
        return exp.Case(ifs=[exp.If(this=negative, true=exp.Neg(this=paren(size)))], default=size)

    def mantissa(lead: exp.Expression) -> exp.Expression:
        # `lead`: the digits without leading zeros. Trailing zeros go into the exponent.
        significant = call("rtrim", lead.copy(), _string("0"))
        count = exp.Length(this=significant.copy())
        trailing = _sub(exp.Length(this=lead.copy()), count.copy())
        base = _add(
            _sub(exponent(), _times(4, exp.Length(this=_field(parts, "fraction")))),
            _times(4, trailing),
        )
        short = exp.LTE(this=count.copy(), expression=int_literal(_KEPT_DIGITS))
        whole = exp.TryCast(
            this=exp.DPipe(this=_string("0x"), expression=significant.copy()),
            to=exp.DataType.build("UBIGINT", dialect="duckdb"),
        )
        kept = exp.TryCast(
            this=exp.DPipe(
                this=_string("0x"),
                expression=exp.Left(this=significant.copy(), expression=int_literal(_KEPT_DIGITS)),
            ),
            to=exp.DataType.build("UBIGINT", dialect="duckdb"),
        )
        # The digits cut off end in a nonzero one: the sticky bit is 1.
        sticky = _add(
            exp.Mul(this=kept, expression=_ubigint(int_literal(2))), _ubigint(int_literal(1))
        )
        dropped = _sub(_times(4, _sub(count.copy(), int_literal(_KEPT_DIGITS))), int_literal(1))
        value = exp.Case(
            ifs=[
                exp.If(
                    this=exp.EQ(this=count.copy(), expression=int_literal(0)),
                    true=_ubigint(int_literal(0)),
                ),
                exp.If(this=short.copy(), true=whole),
            ],
            default=sticky,
        )
        scale = exp.Case(ifs=[exp.If(this=short, true=base.copy())], default=_add(base, dropped))
        return _struct(m=value, e=scale)

    def magnitude(scaled: exp.Expression) -> exp.Expression:
        m, e = _field(scaled, "m"), _field(scaled, "e")
        bits = exp.Length(this=call("bin", m.copy()))
        # The result's last bit: 52 below its first, but never below 2^-1074 (subnormals).
        last = call(
            "greatest",
            _sub(_add(e.copy(), bits), int_literal(53)),
            int_literal(_MIN_EXPONENT),
        )
        return bind(
            _struct(m=m, e=e, last=last, drop=_sub(last.copy(), e.copy())),
            "__hex_round",
            _rounded,
        )

    zero = exp.EQ(this=exp.Length(this=digits.copy()), expression=int_literal(0))
    unsigned = exp.Case(
        ifs=[exp.If(this=zero, true=_double(int_literal(0)))],
        default=bind(bind(digits, "__hex_digits", mantissa), "__hex_scaled", magnitude),
    )
    negative = exp.EQ(this=_field(parts, "sign"), expression=_string("-"))
    # Negating 0.0 gives -0.0, as Java's parse of "-0x0p0" does.
    return exp.Case(
        ifs=[exp.If(this=negative, true=exp.Neg(this=paren(unsigned)))], default=unsigned.copy()
    )


def _rounded(state: exp.Expression) -> exp.Expression:
    """M * 2^E for the struct {m, e, last, drop}: drop `drop` low bits of M, ties to even."""
    m, e = _field(state, "m"), _field(state, "e")
    last, drop = _field(state, "last"), _field(state, "drop")
    # From 62 dropped bits on M (< 2^61) is below half a unit and rounds to 0, so the shift
    # stops at 63, which a UBIGINT shift still takes. It is kept at 1 or more even where the
    # exact branch applies, since a negative shift is an error should DuckDB evaluate both.
    shift = call("greatest", call("least", drop.copy(), int_literal(63)), int_literal(1))
    one = _ubigint(int_literal(1))
    quotient = exp.BitwiseRightShift(this=m.copy(), expression=shift.copy())
    remainder = exp.BitwiseAnd(
        this=m.copy(),
        expression=paren(
            _sub(exp.BitwiseLeftShift(this=one.copy(), expression=shift.copy()), one.copy())
        ),
    )
    half = exp.BitwiseLeftShift(this=one.copy(), expression=paren(_sub(shift, int_literal(1))))
    odd = exp.EQ(
        this=exp.BitwiseAnd(this=paren(quotient.copy()), expression=int_literal(1)),
        expression=int_literal(1),
    )
    up = exp.Or(
        this=exp.GT(this=paren(remainder.copy()), expression=paren(half.copy())),
        expression=exp.Paren(
            this=exp.And(this=exp.EQ(this=paren(remainder), expression=paren(half)), expression=odd)
        ),
    )
    carry = exp.Case(ifs=[exp.If(this=up, true=int_literal(1))], default=int_literal(0))
    rounded = exp.Mul(this=_double(_add(quotient, carry)), expression=_power_of_two(last))
    # Nothing to drop: M fits in 53 bits and M * 2^E is exact (or overflows to inf).
    exact = exp.Mul(this=_double(m), expression=_power_of_two(e))
    keeps_all = exp.LTE(this=drop, expression=int_literal(0))
    return exp.Case(ifs=[exp.If(this=keeps_all, true=exact)], default=rounded)
