"""Grok's regular expressions as Joni (Oniguruma, Ruby syntax) reads them: a syntax tree.

`parse_regex` reads the subset trailsweep can run exactly in RE2 (see `onig_re2`) and raises
`RegexError` for anything else: lookaround, backreferences, possessive quantifiers, word
boundaries (`\\b` is Unicode-aware in Joni but not in RE2), inline options, POSIX brackets,
nested classes, repeated sub-patterns that can match nothing (RE2 and backtracking engines
disagree on empty iterations), atomic groups that could backtrack. Character sets follow Joni's
Ruby syntax: `\\d \\w \\s` are ASCII (`\\s` includes `\\v`), `.` is anything but `\\n`.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CODE_POINT = 0x10FFFF
_RE2_MAX_REPEAT = 1000
_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE = ((0x09, 0x0D), (0x20, 0x20))
_CONTROL = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "v": 0x0B, "a": 0x07, "e": 0x1B}

Ranges = tuple[tuple[int, int], ...]


class RegexError(ValueError):
    """A regex that does not compile (`unsupported` False) or that RE2 cannot run exactly."""

    def __init__(self, message: str, position: int, *, unsupported: bool) -> None:
        super().__init__(f"{message} (at offset {position} of the expanded regex)")
        self.position = position
        self.unsupported = unsupported


@dataclass(frozen=True)
class Node:
    """A regex syntax node: `kind` is one of lit, class, seq, alt, group, repeat, anchor."""

    kind: str
    ranges: Ranges = ()
    items: tuple[Node, ...] = ()
    name: str | None = None
    low: int = 0
    high: int | None = None
    lazy: bool = False
    anchor: str = ""


def nullable(node: Node) -> bool:
    """True when the node can match the empty string."""
    if node.kind in ("lit", "class"):
        return False
    if node.kind == "anchor":
        return True
    if node.kind == "seq":
        return all(nullable(item) for item in node.items)
    if node.kind == "alt":
        return any(nullable(item) for item in node.items)
    if node.kind == "repeat":
        return node.low == 0 or nullable(node.items[0])
    return nullable(node.items[0])


def deterministic(node: Node) -> bool:
    """True when the node has no choice points, so an atomic group around it changes nothing."""
    if node.kind in ("lit", "class", "anchor"):
        return True
    if node.kind == "alt":
        return len(node.items) == 1 and deterministic(node.items[0])
    if node.kind == "repeat" and node.low != node.high:
        return False
    return all(deterministic(item) for item in node.items)


def complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in sorted(ranges):
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)


def _lit(code: int) -> Node:
    return Node("lit", ranges=((code, code),))


def parse_regex(pattern: str) -> Node:
    """The syntax tree of a regex (a `seq` at the top), or RegexError."""
    return _Parser(pattern).parse()


class _Parser:
    """Recursive descent over Joni's Ruby syntax, for the subset described in the module doc."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, *, unsupported: bool = True) -> RegexError:
        return RegexError(message, self.pos, unsupported=unsupported)

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def parse(self) -> Node:
        tree = self._alternation()
        if self.pos < len(self.text):
            raise self.fail("unmatched ')'", unsupported=False)
        return tree if tree.kind == "seq" else Node("seq", items=(tree,))

    def _alternation(self) -> Node:
        branches = [self._sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self._sequence())
        return branches[0] if len(branches) == 1 else Node("alt", items=tuple(branches))

    def _sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() and self.peek() not in "|)":
            atom = self._atom()
            items.append(self._quantified(atom))
        return Node("seq", items=tuple(items))

    def _quantified(self, atom: Node) -> Node:
        bounds = self._quantifier()
        if bounds is None:
            return atom
        if atom.kind == "anchor":
            raise self.fail("a quantified anchor")
        low, high, interval = bounds
        lazy = False
        if self.peek() == "?":
            if interval and low == high:
                raise self.fail("'?' after a fixed interval {n}")
            lazy = True
            self.pos += 1
        elif self.peek() == "+":
            raise self.fail("a possessive quantifier or '+' after an interval")
        if self._quantifier(probe=True) is not None:
            raise self.fail("stacked quantifiers")
        if max(low, high or 0) > _RE2_MAX_REPEAT:
            raise self.fail(f"repetition counts above {_RE2_MAX_REPEAT}")
        if nullable(atom):
            raise self.fail("a repeated sub-pattern that can match the empty string")
        return Node("repeat", items=(atom,), low=low, high=high, lazy=lazy)

    def _quantifier(self, *, probe: bool = False) -> tuple[int, int | None, bool] | None:
        char = self.peek()
        simple = {"*": (0, None), "+": (1, None), "?": (0, 1)}
        if char in simple:
            if not probe:
                self.pos += 1
            low, high = simple[char]
            return low, high, False
        if char == "{":
            interval = self._interval()
            if interval is not None:
                if probe:
                    return interval[0], interval[1], True
                self.pos = interval[2]
                return interval[0], interval[1], True
        return None

    def _interval(self) -> tuple[int, int | None, int] | None:
        """`{n}`, `{n,}`, `{,m}`, `{n,m}` at the cursor: (low, high, end), None when not one."""
        index = self.pos + 1
        text = self.text

        def digits(at: int) -> tuple[int | None, int]:
            end = at
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            return (int(text[at:end]) if end > at else None), end

        low, index = digits(index)
        if index < len(text) and text[index] == ",":
            high, after = digits(index + 1)
            if low is None and high is None:
                return None
            index = after
        else:
            if low is None:
                return None
            high = low
        if index >= len(text) or text[index] != "}":
            return None
        if high is not None and low is not None and high < low:
            raise self.fail("upper bound smaller than lower bound in {n,m}", unsupported=False)
        return (low or 0), high, index + 1

    def _atom(self) -> Node:
        char = self.peek()
        if char == "(":
            return self._group()
        if char == "[":
            return self._class()
        if char == "\\":
            return self._escape()
        self.pos += 1
        if char == ".":
            return Node("class", ranges=complement(((0x0A, 0x0A),)))
        if char in "^$":
            return Node("anchor", anchor=char)
        if char in "*+?" or (char == "{" and self._interval_at(self.pos - 1)):
            raise RegexError(
                "target of repeat operator is not specified", self.pos - 1, unsupported=False
            )
        return _lit(ord(char))

    def _interval_at(self, index: int) -> bool:
        saved, self.pos = self.pos, index
        try:
            return self._interval() is not None
        finally:
            self.pos = saved

    def _group(self) -> Node:
        self.pos += 1
        name: str | None = None
        atomic = False
        if self.peek() == "?":
            kind = self.peek(1)
            if kind == ":":
                self.pos += 2
            elif kind == ">":
                atomic = True
                self.pos += 2
            elif kind == "<" and self.peek(2) not in ("=", "!"):
                end = self.text.find(">", self.pos + 2)
                if end < 0 or end == self.pos + 2 or ")" in self.text[self.pos + 2 : end]:
                    raise self.fail("invalid group name", unsupported=False)
                name = self.text[self.pos + 2 : end]
                self.pos = end + 1
            else:
                names = {"=": "lookahead", "!": "lookahead", "<": "lookbehind"}
                raise self.fail(names.get(kind, f"group construct '(?{kind}'"))
        inner = self._alternation()
        if self.peek() != ")":
            raise self.fail("end pattern with unmatched parenthesis", unsupported=False)
        self.pos += 1
        if atomic and not deterministic(inner):
            raise self.fail("atomic group (?>...) whose body can backtrack")
        return Node("group", items=(inner,), name=name)

    def _escape(self) -> Node:
        start = self.pos
        self.pos += 1
        char = self.peek()
        if not char:
            raise self.fail("pattern ends with '\\'", unsupported=False)
        self.pos += 1
        sets = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
        if char.lower() in sets and char.isascii():
            ranges = sets[char.lower()]
            return Node("class", ranges=complement(ranges) if char.isupper() else ranges)
        if char in ("A", "z"):
            return Node("anchor", anchor=char)
        code = self._escaped_code(char, start)
        return _lit(code)

    def _escaped_code(self, char: str, start: int) -> int:
        """The code point of an escape that stands for one character (shared with classes)."""
        if char in _CONTROL:
            return _CONTROL[char]
        if char == "x":
            if self.peek() == "{":
                end = self.text.find("}", self.pos)
                digits = self.text[self.pos + 1 : end] if end > 0 else ""
                if (
                    not digits
                    or len(digits) > 8
                    or any(c not in "0123456789abcdefABCDEF" for c in digits)
                ):
                    raise RegexError("escape \\x{...}", start, unsupported=True)
                self.pos = end + 1
                code = int(digits, 16)
                if code > MAX_CODE_POINT or 0xD800 <= code <= 0xDFFF:
                    raise RegexError("invalid code point value", start, unsupported=False)
                return code
            digits = ""
            while len(digits) < 2 and self.peek() and self.peek() in "0123456789abcdefABCDEF":
                digits += self.peek()
                self.pos += 1
            # \xHH is a raw byte in Joni: only ASCII bytes stand for a character of their own.
            if not digits or int(digits, 16) >= 0x80:
                raise RegexError("escape \\x with a non-ASCII byte", start, unsupported=True)
            return int(digits, 16)
        if char.isascii() and not char.isalnum():
            return ord(char)
        what = "word boundary" if char in "bB" else "escape"
        raise RegexError(f"{what} \\{char}", start, unsupported=True)

    def _class(self) -> Node:
        start = self.pos
        self.pos += 1
        negate = self.peek() == "^"
        if negate:
            self.pos += 1
        if self.peek() == "]":
            raise self.fail("']' first in a character class")
        ranges: list[tuple[int, int]] = []
        first = True
        while True:
            char = self.peek()
            if not char:
                raise RegexError("premature end of char-class", start, unsupported=False)
            if char == "]":
                self.pos += 1
                break
            if char == "[":
                raise self.fail("a nested class or POSIX bracket inside a character class")
            if char == "&" and self.peek(1) == "&":
                raise self.fail("class intersection '&&'")
            item = self._class_item()
            if isinstance(item, tuple):
                ranges.extend(item)
                first = False
                continue
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                high = self._class_item()
                if isinstance(high, tuple):
                    raise self.fail("a range ending in a class escape")
                if high < item:
                    raise RegexError("empty range in char class", start, unsupported=False)
                ranges.append((item, high))
            else:
                if char == "-" and not first and self.peek() != "]":
                    raise self.fail("'-' after a range in a character class")
                ranges.append((item, item))
            first = False
        merged = _merge(ranges)
        return Node("class", ranges=complement(merged) if negate else merged)

    def _class_item(self) -> int | Ranges:
        char = self.peek()
        start = self.pos
        self.pos += 1
        if char != "\\":
            return ord(char)
        escaped = self.peek()
        if not escaped:
            raise self.fail("pattern ends with '\\'", unsupported=False)
        self.pos += 1
        sets = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
        if escaped.lower() in sets and escaped.isascii():
            ranges = sets[escaped.lower()]
            return complement(ranges) if escaped.isupper() else ranges
        return self._escaped_code(escaped, start)


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)
