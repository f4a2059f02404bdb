"""DISSECT patterns, read as Elasticsearch's dissect library reads them, and SQL running the match.

Mirrors `org.elasticsearch.dissect` (DissectParser, DissectKey, DissectMatch) as ES|QL uses it:

* The leading text is what precedes the first `%{` (Java's `^(.*?)%\\{`, whose `.` stops at line
  terminators: leading text with a line break is dropped). Each key is followed by its delimiter:
  the text up to the next `%{` (at least one character), or the rest of the pattern.
* Key modifiers: `?name` / `%{}` skip, `+name` append (`/N` orders it), `name->` right padding;
  reference keys `*name` / `&name` are rejected by ES|QL itself.
* Matching walks the input left to right: each key's value ends at the FIRST occurrence of its
  delimiter; a delimiter repeated right after itself gives the following keys empty values (or is
  swallowed by a `->` key), the last key takes the rest of the input unless it has a trailing
  delimiter, and any key left unmatched makes the whole match fail (every output null).

In SQL the result is the list of every key's value in pattern order (null: no match). An RE2
regex of lazy groups gives it directly unless a delimiter is repeated right after itself or the
regex fails; then the walk itself runs, as a `list_reduce` over the keys. The two are checked
against a line-by-line port of the Java walk (tests/esql/dissect_port.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp

from trailsweep.esql.patterns import re2_literal
from trailsweep.esql.typed import element, int_literal, sql_type

_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
_LEADING = re.compile(f"^([^{_LINE_TERMINATORS}]*?)%\\{{")
_PAIR = re.compile(r"%\{([^}]*?)}(.+?(?=%\{)|.*$)", re.DOTALL)
_MODIFIER = re.compile(r"[/+*&?]")
_LEFT_MODIFIER = re.compile(r"([+*&?])(.*?)(->)?$", re.DOTALL)
_RIGHT_PADDING = re.compile(r"^(.*?)(->)?$", re.DOTALL)
_APPEND_WITH_ORDER = re.compile(r"[+](.*?)(/)([0-9]+)(->)?$", re.DOTALL)
_IMPLICIT_APPEND_ORDER = -1000
_JAVA_SHORT_MAX = 32767

NONE, APPEND_WITH_ORDER, APPEND, FIELD_NAME, FIELD_VALUE, NAMED_SKIP = "", "/", "+", "*", "&", "?"


class DissectPatternError(ValueError):
    """A pattern ES|QL rejects (`unsupported` False) or one trailsweep does not run (True)."""

    def __init__(self, message: str, *, unsupported: bool) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass(frozen=True)
class DissectKey:
    """One `%{...}` key: its name, modifier, skip and right-padding flags, append position."""

    name: str
    modifier: str
    skip: bool
    padding: bool
    position: int = 0


@dataclass(frozen=True)
class DissectPattern:
    """A parsed pattern: leading text, the keys with their delimiters, the append separator."""

    leading: str
    keys: tuple[DissectKey, ...]
    delimiters: tuple[str, ...]
    separator: str

    @property
    def output_keys(self) -> list[str]:
        """The columns DISSECT creates, in pattern order (ES|QL's `outputKeys`, minus `%{}`)."""
        names: list[str] = []
        for key in self.keys:
            if key.modifier != NAMED_SKIP and key.name and key.name not in names:
                names.append(key.name)
        return names

    def match(self, text: exp.Expression) -> exp.Expression:
        """SQL: the VARCHAR[] of all key values in pattern order, or NULL when there is no match.

        Fast path: an anchored RE2 regex of lazy groups finds each delimiter's first occurrence,
        which is the walk's answer unless a delimiter is repeated right after itself (checked
        on the captures); only then, or when the regex fails, does the walk run.
        """
        count = len(self.keys)
        regex = exp.Literal.string(self._regex())
        names = exp.Array(expressions=[exp.Literal.string(f"k{i}") for i in range(count)])
        extracted = exp.RegexpExtract(this=text.copy(), expression=regex, group=names)
        found = exp.column(_FOUND, quoted=True)
        values = exp.Array(expressions=[_get(found, f"k{i}") for i in range(count)])
        matches = exp.RegexpLike(this=text.copy(), expression=regex.copy())
        if count == 1:
            # No repeated-delimiter rule applies to a single key: the regex is the answer.
            body: exp.Expression = exp.Case(ifs=[exp.If(this=matches, true=values)])
        else:
            repeated = exp.Paren(this=self._repeated(text, found))
            exact = exp.And(this=matches, expression=exp.Not(this=repeated))
            body = exp.Case(ifs=[exp.If(this=exact, true=values)], default=self._walk(text))
        # Bind the regex's captures once: list_transform([captures], lambda found: body)[1].
        binding = exp.Lambda(this=body, expressions=[_ident(_FOUND)])
        bound = exp.Anonymous(
            this="list_transform", expressions=[exp.Array(expressions=[extracted]), binding]
        )
        # The input must start with the leading text and go on after it.
        leading = exp.Literal.string(self.leading)
        longer = exp.GT(
            this=exp.Length(this=text.copy()), expression=int_literal(len(self.leading))
        )
        applies = exp.And(
            this=exp.StartsWith(this=text.copy(), expression=leading), expression=longer
        )
        return exp.Case(ifs=[exp.If(this=applies, true=element(bound, 0))])

    def _regex(self) -> str:
        parts = ["\\A", re2_literal(self.leading)]
        for index, delimiter in enumerate(self.delimiters):
            if index == len(self.delimiters) - 1 and not delimiter:
                parts.append("(?s:(.*))\\z")
            else:
                parts.append(f"(?s:(.*?)){re2_literal(delimiter)}")
        return "".join(parts)

    def _repeated(self, text: exp.Expression, found: exp.Expression) -> exp.Expression:
        """SQL: some key's delimiter (not the last key's) is followed by itself in the capture."""
        checks: list[exp.Expression] = []
        position: exp.Expression = int_literal(len(self.leading) + 1)
        for index, delimiter in enumerate(self.delimiters[:-1]):
            value = exp.Length(this=_get(found.copy(), f"k{index}"))
            position = exp.Add(
                this=position,
                expression=exp.Add(this=value, expression=int_literal(len(delimiter))),
            )
            after = exp.Substring(
                this=text.copy(), start=position.copy(), length=int_literal(len(delimiter))
            )
            checks.append(exp.EQ(this=after, expression=exp.Literal.string(delimiter)))
        result = checks[0]
        for check in checks[1:]:
            result = exp.Or(this=result, expression=check)
        # Cheap first: no delimiter doubled anywhere in the input, no repetition to check.
        doubled = sorted({delimiter * 2 for delimiter in self.delimiters[:-1]})
        possible: exp.Expression = _contains(text, doubled[0])
        for pair in doubled[1:]:
            possible = exp.Or(this=possible, expression=_contains(text, pair))
        return exp.And(this=exp.Paren(this=possible), expression=exp.Paren(this=result))

    def _walk(self, text: exp.Expression) -> exp.Expression:
        """SQL: Elastic's walk itself, a `list_reduce` over the keys (see `_step`)."""
        step = exp.Lambda(this=self._step(text), expressions=[_ident(_ACC), _ident(_STEP)])
        start = _state(int_literal(0), int_literal(len(self.leading) + 1), _empty_list())
        steps = exp.Anonymous(this="range", expressions=[int_literal(len(self.keys))])
        final = exp.Anonymous(this="list_reduce", expressions=[steps, step, start])
        return _get(final, "vals")

    def field(self, values: exp.Expression, name: str) -> exp.Expression:
        """SQL for one output column from `match`'s list (NULL when the list is NULL)."""
        indexes = [i for i, key in enumerate(self.keys) if key.name == name and not key.skip]
        if self.keys[indexes[0]].modifier not in (APPEND, APPEND_WITH_ORDER):
            # A plain key repeated under one name: the last value wins (a map put).
            return element(values, indexes[-1])
        ordered = sorted(indexes, key=self._append_order)  # stable, as Collections.sort
        result: exp.Expression = element(values, ordered[0])
        for index in ordered[1:]:
            if self.separator:
                result = exp.DPipe(this=result, expression=exp.Literal.string(self.separator))
            result = exp.DPipe(this=result, expression=element(values, index))
        return result

    def _append_order(self, index: int) -> int:
        key = self.keys[index]
        if key.modifier == APPEND_WITH_ORDER:
            return key.position
        implicit = [i for i, k in enumerate(self.keys) if k.modifier == APPEND and not k.skip]
        return _IMPLICIT_APPEND_ORDER + implicit.index(index)

    def _advance_limit(self, index: int) -> int:
        """How many following keys repeated delimiters can empty: up to a `->` key or the last."""
        last = len(self.keys) - 1
        for stop in range(index, last + 1):
            if self.keys[stop].padding or stop == last:
                return stop - index
        return 0

    def _step(self, text: exp.Expression) -> exp.Expression:
        """One turn of the walk: handle the current key unless the match already ended."""
        current = _field("c")
        count = len(self.keys)
        ended = exp.Or(
            this=exp.LT(this=current, expression=int_literal(0)),
            expression=exp.GTE(this=current.copy(), expression=int_literal(count)),
        )
        ifs = [exp.If(this=ended, true=exp.column(_ACC, quoted=True))]
        for index in range(count):
            handles = exp.EQ(this=current.copy(), expression=int_literal(index))
            ifs.append(exp.If(this=handles, true=self._key_step(text, index)))
        return exp.Case(ifs=ifs, default=exp.column(_ACC, quoted=True))

    def _key_step(self, text: exp.Expression, index: int) -> exp.Expression:
        """Key `index`: its value ends at the first occurrence of its delimiter from `v`."""
        count = len(self.keys)
        delimiter = self.delimiters[index]
        if not delimiter:
            # Only the last key can have no delimiter: it takes the rest of the input.
            rest = exp.Substring(this=text.copy(), start=_field("v"))
            appended = exp.DPipe(this=_field("vals"), expression=exp.Array(expressions=[rest]))
            return _state(int_literal(count), int_literal(0), appended)
        tail = exp.Substring(this=text.copy(), start=_field("v"))
        found = exp.StrPosition(this=tail, substr=exp.Literal.string(delimiter))
        before = exp.Sub(this=found.copy(), expression=int_literal(1))
        value = exp.Substring(this=text.copy(), start=_field("v"), length=before)
        # 1-based position right after the delimiter.
        after = exp.Add(
            this=_field("v"),
            expression=exp.Add(this=found.copy(), expression=int_literal(len(delimiter) - 1)),
        )
        last = index == count - 1
        limit = self._advance_limit(index)
        # The same delimiter repeated right after it: the next keys get "" (up to a `->` key,
        # which swallows the rest of the run, or the last key).
        repeats: exp.Expression = int_literal(0)
        if not last:
            run = exp.RegexpExtract(
                this=exp.Substring(this=text.copy(), start=after.copy()),
                expression=exp.Literal.string(f"^(?:{re2_literal(delimiter)})*"),
            )
            repeats = exp.IntDiv(this=exp.Length(this=run), expression=int_literal(len(delimiter)))
        advance: exp.Expression = int_literal(0)
        if limit > 0:
            advance = exp.Anonymous(this="least", expressions=[repeats.copy(), int_literal(limit)])
        size = exp.Add(this=int_literal(1), expression=advance.copy())
        padded = exp.Anonymous(
            this="list_resize",
            expressions=[exp.Array(expressions=[value]), size, exp.Literal.string("")],
        )
        values = exp.DPipe(this=_field("vals"), expression=padded)
        if last:
            success = _state(int_literal(count), int_literal(0), values)
        else:
            reached = exp.Add(this=int_literal(index), expression=advance)
            all_done = exp.EQ(this=reached, expression=int_literal(count - 1))
            following = exp.Case(
                ifs=[exp.If(this=all_done, true=int_literal(count))],
                default=exp.Add(this=reached.copy(), expression=int_literal(1)),
            )
            skipped = exp.Mul(this=repeats, expression=int_literal(len(delimiter)))
            success = _state(following, exp.Add(this=after, expression=skipped), values)
        failure = _state(int_literal(-1), int_literal(0), _empty_list(null=True))
        missing = exp.EQ(this=found, expression=int_literal(0))
        return exp.Case(ifs=[exp.If(this=missing, true=failure)], default=success)


_ACC = "__dissect_acc"
_STEP = "__dissect_step"
_FOUND = "__dissect_found"


def _contains(text: exp.Expression, part: str) -> exp.Expression:
    return exp.Anonymous(this="contains", expressions=[text.copy(), exp.Literal.string(part)])


def _get(struct: exp.Expression, name: str) -> exp.Expression:
    return exp.Anonymous(this="struct_extract", expressions=[struct, exp.Literal.string(name)])


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _field(name: str) -> exp.Expression:
    """A field of the walk's state (`c` key to handle, `v` where its value starts, `vals`)."""
    return exp.Dot(this=exp.column(_ACC, quoted=True), expression=_ident(name))


def _empty_list(*, null: bool = False) -> exp.Expression:
    return exp.cast(exp.null() if null else exp.Array(expressions=[]), sql_type("keyword", True))


def _state(key: exp.Expression, start: exp.Expression, values: exp.Expression) -> exp.Expression:
    bigint = exp.DataType.build("BIGINT")
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=_ident("c"), expression=exp.cast(key, bigint)),
            exp.PropertyEQ(this=_ident("v"), expression=exp.cast(start, bigint)),
            exp.PropertyEQ(this=_ident("vals"), expression=values),
        ]
    )


def parse_dissect(pattern: str, separator: str = "") -> DissectPattern:
    """Parse a pattern as `DissectParser` does, with ES|QL's extra checks."""
    leading_match = _LEADING.match(pattern)
    leading = leading_match.group(1) if leading_match else ""
    if not leading.isascii():
        # Elastic skips the leading text by its UTF-16 length in the UTF-8 bytes.
        raise DissectPatternError("non-ASCII text before the first key", unsupported=True)
    keys: list[DissectKey] = []
    delimiters: list[str] = []
    for pair in _PAIR.finditer(pattern[len(leading) :]):
        keys.append(_parse_key(pair.group(1)))
        delimiters.append(pair.group(2))
    names = {key.name for key in keys if not key.skip}
    if not keys or not names:
        raise DissectPatternError(
            f"Invalid pattern for dissect: [{pattern}] (no keys)", unsupported=False
        )
    appended = {key.name for key in keys if key.modifier in (APPEND, APPEND_WITH_ORDER)}
    keys = [
        DissectKey(key.name, APPEND, key.skip, key.padding, key.position)
        if key.modifier == NONE and key.name in appended
        else key
        for key in keys
    ]
    references = [key for key in keys if key.modifier in (FIELD_NAME, FIELD_VALUE)]
    if any(key.modifier == FIELD_NAME for key in references):
        name = next(key.name for key in references if key.modifier == FIELD_NAME)
        raise DissectPatternError(
            f"Reference keys not supported in dissect patterns: [%{{*{name}}}]", unsupported=False
        )
    if references:
        raise DissectPatternError("reference keys (%{&key})", unsupported=True)
    return DissectPattern(leading, tuple(keys), tuple(delimiters), separator)


def _parse_key(text: str) -> DissectKey:
    if any(char in text for char in _LINE_TERMINATORS):
        raise DissectPatternError("a line break inside a key", unsupported=True)
    found = _MODIFIER.findall(text)
    for count, (prior, current) in enumerate(zip(["", *found], found, strict=False)):
        if count > 0 and not (prior == APPEND and current == APPEND_WITH_ORDER):
            raise DissectPatternError(
                f"Invalid pattern for dissect: key [{text}] has multiple modifiers",
                unsupported=False,
            )
    modifier = found[-1] if found else NONE
    name: str | None = None
    padding = False
    position = 0
    skip = not text
    if modifier == NONE:
        plain = _RIGHT_PADDING.match(text)
        if plain is not None:
            name, padding = plain.group(1), plain.group(2) is not None
        skip = not name
    elif modifier == APPEND_WITH_ORDER:
        ordered = _APPEND_WITH_ORDER.search(text)
        if ordered is not None:
            if int(ordered.group(3)) > _JAVA_SHORT_MAX:
                raise DissectPatternError(f"append position in key [{text}]", unsupported=True)
            name, position = ordered.group(1), int(ordered.group(3))
            padding = ordered.group(4) is not None
    else:
        left = _LEFT_MODIFIER.search(text)
        if left is not None:
            name, padding = left.group(2), left.group(3) is not None
        skip = skip or modifier == NAMED_SKIP
    if name is None or (not name and not skip):
        raise DissectPatternError(
            f"Invalid pattern for dissect: the name of key [{text}] could not be determined",
            unsupported=False,
        )
    return DissectKey(name, modifier, skip, padding, position)
