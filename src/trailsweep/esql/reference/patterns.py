"""LIKE and RLIKE patterns as Python regular expressions matched against the whole string.

Written independently of the compiler's translation (which targets DuckDB's RE2) so that the two
can be checked against each other. Anything outside the plainly understood subset raises
`PatternUnsupported` rather than guessing.
"""

from __future__ import annotations

import re

# Lucene's predefined classes (RegExp with ALL flags): ASCII only, and \s has no \f or \v.
_DIGIT = [(0x30, 0x39)]
_SPACE = [(0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x20)]
_WORD = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
_PREDEFINED = {
    **{"d": (_DIGIT, False), "s": (_SPACE, False), "w": (_WORD, False)},
    **{"D": (_DIGIT, True), "S": (_SPACE, True), "W": (_WORD, True)},
}

# Lucene RegExp.ALL operators the reference does not implement.
_UNSUPPORTED = {
    **{"#": "empty language", "@": "any string", "&": "intersection", "~": "complement"},
    **dict.fromkeys("<>", "numeric interval"),
}


class PatternUnsupported(ValueError):
    """A pattern the reference does not evaluate (the caller raises EsqlUnsupportedError)."""


def _char(code: int) -> str:
    # Every literal is written as a \U escape: no character can change the regex's meaning.
    return f"\\U{code:08x}"


def like_regex(pattern: str) -> re.Pattern[str]:
    """ES|QL LIKE: `*` any run of characters, `?` exactly one, `\\` escapes `*`, `?` and `\\`."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern) or pattern[i + 1] not in "*?\\":
                raise PatternUnsupported(f"escape in the LIKE pattern {pattern!r}")
            out.append(_char(ord(pattern[i + 1])))
            i += 2
            continue
        out.append(".*" if char == "*" else "." if char == "?" else _char(ord(char)))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def rlike_regex(pattern: str) -> re.Pattern[str]:
    """ES|QL RLIKE: a Lucene regular expression (union, concatenation, repeats, classes, quotes).

    Lucene has no anchors and always matches the whole string, hence `fullmatch` by the caller.
    """
    reader = _Lucene(pattern)
    body = reader.union()
    if reader.pos != len(pattern):
        raise PatternUnsupported(f"RLIKE pattern {pattern!r}: unexpected {pattern[reader.pos]!r}")
    return re.compile(body, re.DOTALL)


class _Lucene:
    """A recursive-descent reader of the Lucene regex subset, writing Python `re` syntax."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> PatternUnsupported:
        return PatternUnsupported(f"RLIKE pattern {self.text!r}: {message}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        if self.pos >= len(self.text):
            raise self.fail("unexpected end")
        self.pos += 1
        return self.text[self.pos - 1]

    def union(self) -> str:
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concatenation())
        return "(?:" + "|".join(branches) + ")"

    def concatenation(self) -> str:
        items: list[str] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeat())
        if not items:
            # Lucene reads a `|` or `)` here as a literal; too subtle to mirror.
            raise self.fail("an empty branch")
        return "".join(items)

    def repeat(self) -> str:
        atom = self.atom()
        while self.peek() in ("*", "+", "?", "{"):
            operator = self.take()
            if operator == "{":
                operator = self.braces()
            # Wrapped every time: in Python `a*+` would be possessive, in Lucene it is nested.
            atom = f"(?:{atom}{operator})"
        return atom

    def braces(self) -> str:
        low = self.number()
        high: int | None = low
        if self.peek() == ",":
            self.pos += 1
            high = self.number() if self.peek().isdigit() else None
        if self.take() != "}":
            raise self.fail("expected '}'")
        if high is not None and high < low:
            raise self.fail("a repeat whose maximum is below its minimum")
        return f"{{{low},{'' if high is None else high}}}"

    def number(self) -> int:
        start = self.pos
        while self.peek().isdigit():
            self.pos += 1
        if start == self.pos:
            raise self.fail("expected a number")
        return int(self.text[start : self.pos])

    def atom(self) -> str:
        char = self.take()
        if char in _UNSUPPORTED:
            raise self.fail(f"the {_UNSUPPORTED[char]} operator {char!r}")
        if char == ".":
            return "."
        if char == "(":
            if self.peek() == ")":
                self.pos += 1
                return "(?:)"
            inner = self.union()
            if self.take() != ")":
                raise self.fail("expected ')'")
            return inner
        if char == '"':
            end = self.text.find('"', self.pos)
            if end < 0:
                raise self.fail("an unterminated quote")
            quoted = self.text[self.pos : end]
            self.pos = end + 1
            return "(?:" + "".join(_char(ord(c)) for c in quoted) + ")"
        if char == "[":
            return self.char_class()
        if char in "*+?{}])":
            raise self.fail(f"unexpected {char!r}")
        if char == "\\":
            return self.escape(in_class=False)
        return _char(ord(char))

    def escape(self, *, in_class: bool) -> str:
        char = self.take()
        if char in _PREDEFINED:
            ranges, negated = _PREDEFINED[char]
            body = "".join(f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)
            if in_class:
                if negated:
                    raise self.fail(f"\\{char} inside a character class")
                return body
            return f"[{'^' if negated else ''}{body}]"
        if char.isascii() and char.isalpha():
            raise self.fail(f"the escape \\{char}")
        return _char(ord(char))

    def char_class(self) -> str:
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        items: list[str] = []
        while True:
            if self.peek() == "]" and items:
                self.pos += 1
                break
            items.append(self.class_item())
        return f"[{'^' if negated else ''}{''.join(items)}]"

    def class_item(self) -> str:
        char = self.take()
        if char == "\\":
            if self.peek() in _PREDEFINED:
                return self.escape(in_class=True)
            low = self.take()
            if low.isascii() and low.isalpha():
                raise self.fail(f"the escape \\{low}")
        elif char in "[]":
            raise self.fail(f"{char!r} inside a character class")
        else:
            low = char
        if self.peek() != "-":
            return _char(ord(low))
        if self.text[self.pos + 1 : self.pos + 2] in ("]", ""):
            raise self.fail("a range without an end")
        self.pos += 1
        high = self.take()
        if high == "\\":
            high = self.take()
        if ord(high) < ord(low):
            raise self.fail(f"the range {low}-{high}")
        return f"{_char(ord(low))}-{_char(ord(high))}"
