"""LIKE wildcards and RLIKE (Lucene) regular expressions translated to SQL LIKE and RE2.

Both match the whole string. A construct whose meaning cannot be reproduced exactly raises
`PatternError` (the caller turns it into EsqlUnsupportedError / a verification error).
"""

from __future__ import annotations

from dataclasses import dataclass

LIKE_ESCAPE = "\\"
_RE2_META = frozenset("\\.+*?()|[]{}^$")
_CLASS_META = frozenset("\\]^-[")
_MAX_CODE_POINT = 0x10FFFF
_RE2_MAX_REPEAT = 1000


class PatternError(ValueError):
    """A pattern trailsweep cannot translate; `unsupported` tells a valid-but-unsupported one."""

    def __init__(self, message: str, *, unsupported: bool) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass(frozen=True)
class LikePattern:
    """A translated LIKE pattern: `literal` when it has no wildcard, else a SQL LIKE pattern."""

    text: str
    literal: bool


def like_pattern(pattern: str) -> LikePattern:
    """ES|QL LIKE (`*` any run, `?` one character, `\\` escapes `*`, `?` and itself) to SQL LIKE.

    `%` and `_` are ordinary characters in ES|QL, so they are escaped for SQL.
    """
    out: list[str] = []
    plain: list[str] = []
    wild = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                raise PatternError("LIKE pattern ends with an escape character", unsupported=False)
            following = pattern[i + 1]
            if following not in "*?\\":
                # Lucene's wildcard and ES|QL's Java translation disagree on `\x`: refuse it.
                raise PatternError(
                    f"escape sequence \\{following} in a LIKE pattern", unsupported=True
                )
            out.append(LIKE_ESCAPE + following if following == "\\" else following)
            plain.append(following)
            i += 2
            continue
        if char == "*":
            out.append("%")
            wild = True
        elif char == "?":
            out.append("_")
            wild = True
        elif char in "%_":
            out.append(LIKE_ESCAPE + char)
            plain.append(char)
        else:
            out.append(char)
            plain.append(char)
        i += 1
    if not wild:
        return LikePattern("".join(plain), literal=True)
    return LikePattern("".join(out), literal=False)


def rlike_pattern(pattern: str) -> str:
    """A Lucene regular expression (ES|QL RLIKE) as an anchored RE2 pattern."""
    body = _LuceneRegex(pattern).parse()
    return f"^(?:{body})\\z"


def re2_literal(text: str) -> str:
    """Text as an RE2 pattern that matches exactly that text."""
    return "".join(_literal(char) for char in text)


def _literal(char: str) -> str:
    if char in _RE2_META:
        return "\\" + char
    if not char.isprintable():
        return f"\\x{{{ord(char):x}}}"
    return char


def _class_char(code: int) -> str:
    char = chr(code)
    if char in _CLASS_META or not char.isprintable():
        return f"\\x{{{code:x}}}"
    return char


def _class_ranges(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        _class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}" for lo, hi in ranges
    )


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in sorted(ranges):
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return out


# Lucene's predefined classes (RegExp.expandPreDefined): ASCII only, and `\s` has no \f or \v.
_DIGIT = [(ord("0"), ord("9"))]
_SPACE = [(ord("\t"), ord("\n")), (ord("\r"), ord("\r")), (ord(" "), ord(" "))]
_WORD = [(ord("0"), ord("9")), (ord("A"), ord("Z")), (ord("_"), ord("_")), (ord("a"), ord("z"))]
_PREDEFINED: dict[str, list[tuple[int, int]]] = {
    "d": _DIGIT,
    "D": _complement(_DIGIT),
    "s": _SPACE,
    "S": _complement(_SPACE),
    "w": _WORD,
    "W": _complement(_WORD),
}


class _LuceneRegex:
    """Recursive-descent reader of Lucene RegExp syntax (with RegExp.ALL), writing RE2."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def parse(self) -> str:
        result = self._union()
        if self.pos < len(self.text):
            self._fail(f"unexpected {self.text[self.pos]!r} at position {self.pos}")
        return result

    def _fail(self, message: str, unsupported: bool = False) -> None:
        raise PatternError(f"RLIKE pattern: {message}", unsupported=unsupported)

    def _more(self) -> bool:
        return self.pos < len(self.text)

    def _peek(self, chars: str) -> bool:
        return self._more() and self.text[self.pos] in chars

    def _next(self) -> str:
        if not self._more():
            self._fail("unexpected end of pattern")
        char = self.text[self.pos]
        self.pos += 1
        return char

    def _union(self) -> str:
        branches = [self._concatenation()]
        while self._peek("|"):
            self.pos += 1
            branches.append(self._concatenation())
        return branches[0] if len(branches) == 1 else "|".join(branches)

    def _concatenation(self) -> str:
        # Lucene always reads one expression, so a `|` or `)` that starts a branch is a literal.
        items = [self._repeat()]
        while self._more() and not self._peek(")|"):
            if self._peek("&"):
                self._fail("intersection '&' is not supported", unsupported=True)
            items.append(self._repeat())
        return "".join(items)

    def _repeat(self) -> str:
        atom = self._class_or_simple()
        while self._peek("?*+{"):
            operator = self._next()
            if operator == "{":
                operator = self._braces()
            # Each repetition wraps its operand: Lucene allows `a*+` and `a+?` (greedy, nested).
            atom = f"(?:{atom}){operator}"
        return atom

    def _braces(self) -> str:
        low = self._digits()
        high: int | None = low
        if self._peek(","):
            self.pos += 1
            high = self._digits() if self._peek("0123456789") else None
        if self._next() != "}":
            self._fail(f"expected '}}' at position {self.pos - 1}")
        if max(low, high or 0) > _RE2_MAX_REPEAT:
            self._fail(f"repetition counts above {_RE2_MAX_REPEAT}", unsupported=True)
        if high is not None and high < low:
            self._fail(f"repetition {{{low},{high}}} has max below min", unsupported=True)
        if high is None:
            return f"{{{low},}}"
        return f"{{{low}}}" if high == low else f"{{{low},{high}}}"

    def _digits(self) -> int:
        start = self.pos
        while self._peek("0123456789"):
            self.pos += 1
        if start == self.pos:
            self._fail(f"integer expected at position {self.pos}")
        return int(self.text[start : self.pos])

    def _class_or_simple(self) -> str:
        if self._peek("~"):
            self._fail("'~' (complement, or a literal in some Lucene versions)", unsupported=True)
        if not self._peek("["):
            return self._simple()
        self.pos += 1
        negate = self._peek("^")
        if negate:
            self.pos += 1
        ranges: list[str] = []
        while True:
            ranges.append(self._class_item())
            if not self._more() or self._peek("]"):
                break
        if self._next() != "]":
            self._fail(f"expected ']' at position {self.pos}")
        return f"[{'^' if negate else ''}{''.join(ranges)}]"

    def _class_item(self) -> str:
        predefined = self._predefined()
        if predefined is not None:
            return _class_ranges(predefined)
        low = self._char()
        if self._peek("-"):
            self.pos += 1
            if self._peek("]"):
                self._fail("a range ending in ']'", unsupported=True)
            high = self._char()
            if ord(high) < ord(low):
                self._fail(f"invalid range {low}-{high}")
            return _class_ranges([(ord(low), ord(high))])
        return _class_ranges([(ord(low), ord(low))])

    def _predefined(self) -> list[tuple[int, int]] | None:
        if not (self.text.startswith("\\", self.pos) and self.pos + 1 < len(self.text)):
            return None
        letter = self.text[self.pos + 1]
        if letter in _PREDEFINED:
            self.pos += 2
            return _PREDEFINED[letter]
        if letter.isascii() and letter.isalpha():
            self._fail(f"invalid character class \\{letter}")
        return None

    def _char(self) -> str:
        if self._peek("\\"):
            self.pos += 1
        return self._next()

    def _simple(self) -> str:
        if not self._more():
            self._fail("unexpected end of pattern")
        char = self.text[self.pos]
        if char == ".":
            self.pos += 1
            return "(?s:.)"
        if char in "#@<&":
            name = {
                "#": "empty language '#'",
                "@": "any string '@'",
                "<": "interval '<...>'",
                "&": "intersection '&'",
            }
            self._fail(f"{name[char]} is not supported", unsupported=True)
        if char == '"':
            self.pos += 1
            end = self.text.find('"', self.pos)
            if end < 0:
                self._fail(f"expected '\"' at position {len(self.text)}")
            quoted = self.text[self.pos : end]
            self.pos = end + 1
            return f"(?:{''.join(_literal(c) for c in quoted)})"
        if char == "(":
            self.pos += 1
            if self._peek(")"):
                self.pos += 1
                return "(?:)"
            inner = self._union()
            if not self._peek(")"):
                self._fail(f"expected ')' at position {self.pos}")
            self.pos += 1
            return f"(?:{inner})"
        predefined = self._predefined()
        if predefined is not None:
            return f"[{_class_ranges(predefined)}]"
        return _literal(self._char())
