"""Joni regex syntax trees (`onig`) written as RE2 for DuckDB's regexp functions.

Both engines search leftmost-first, so a tree of constructs with the same meaning in both gives
the same match and the same captures. Named groups become `(?P<gN>...)`, numbered in the order
of their opening parenthesis (DuckDB names a struct of captures by that order); other groups
are not capturing (Ruby does not capture them once a pattern has named groups). `$` is
`(?m:$)`; `^` is only accepted first, see `Regex.caret`. A named group RE2 could not report
exactly is refused: inside a repetition, or optional and able to match nothing (RE2 gives ""
both for an empty capture and for a group that took no part).
"""

from __future__ import annotations

from dataclasses import dataclass

from trailsweep.esql.onig import MAX_CODE_POINT, Node, RegexError, nullable, parse_regex

_RE2_META = frozenset("\\.+*?()|[]{}^$")
_CLASS_META = frozenset("\\]^-[")


@dataclass(frozen=True)
class Capture:
    """A named group: its name, its RE2 group, whether it may take no part in a match, and
    whether it can only match ASCII text."""

    name: str
    group: str
    optional: bool
    ascii_only: bool


@dataclass(frozen=True)
class Regex:
    """The RE2 translation. `caret`: the pattern started with `^`, which in Joni (unlike RE2)
    never matches at the end of a non-empty input; the RE2 then captures the text before the
    match as group `pre` so the caller can reject such a match."""

    re2: str
    captures: tuple[Capture, ...]
    caret: bool


def translate(pattern: str) -> Regex:
    """Translate a Joni (Ruby syntax) regex to RE2, or raise RegexError."""
    tree = parse_regex(pattern)
    caret = bool(tree.items) and tree.items[0].kind == "anchor" and tree.items[0].anchor == "^"
    if caret:
        tree = Node("seq", items=tree.items[1:])
    emitter = _Emitter()
    body = emitter.emit(tree, optional=False, repeated=False)
    if caret:
        body = f"\\A(?P<pre>(?s:.*?))(?m:^)(?:{body})"
    return Regex(body, tuple(emitter.captures), caret)


def _ascii_only(node: Node) -> bool:
    if node.kind in ("lit", "class"):
        return all(high < 0x80 for _, high in node.ranges)
    return all(_ascii_only(item) for item in node.items)


def _class_char(code: int) -> str:
    char = chr(code)
    if char in _CLASS_META or not char.isprintable():
        return f"\\x{{{code:x}}}"
    return char


class _Emitter:
    def __init__(self) -> None:
        self.captures: list[Capture] = []

    def emit(self, node: Node, *, optional: bool, repeated: bool) -> str:
        if node.kind == "lit":
            return _literal(node.ranges[0][0])
        if node.kind == "class":
            if not node.ranges:
                return f"[^\\x00-\\x{{{MAX_CODE_POINT:x}}}]"
            parts = (
                _class_char(lo) if lo == hi else f"{_class_char(lo)}-{_class_char(hi)}"
                for lo, hi in node.ranges
            )
            return f"[{''.join(parts)}]"
        if node.kind == "anchor":
            if node.anchor == "^":
                raise RegexError("'^' anywhere but at the start", 0, unsupported=True)
            return {"$": "(?m:$)", "A": "\\A", "z": "\\z"}[node.anchor]
        if node.kind == "seq":
            return "".join(
                self.emit(item, optional=optional, repeated=repeated) for item in node.items
            )
        if node.kind == "alt":
            branches = [self.emit(item, optional=True, repeated=repeated) for item in node.items]
            return f"(?:{'|'.join(branches)})"
        if node.kind == "repeat":
            inner = node.items[0]
            body = self.emit(
                inner,
                optional=optional or node.low == 0,
                repeated=repeated or node.high is None or node.high > 1,
            )
            bounds = f"{{{node.low},}}" if node.high is None else f"{{{node.low},{node.high}}}"
            return f"(?:{body}){bounds}{'?' if node.lazy else ''}"
        if node.name is None:
            return f"(?:{self.emit(node.items[0], optional=optional, repeated=repeated)})"
        if repeated:
            raise RegexError(f"named group <{node.name}> inside a repetition", 0, unsupported=True)
        if optional and nullable(node.items[0]):
            # RE2 reports "" both for an empty capture and for a group that took no part.
            raise RegexError(
                f"optional named group <{node.name}> that can match nothing", 0, unsupported=True
            )
        # Groups are numbered by their opening parenthesis: number this one before its body.
        group = f"g{len(self.captures) + 1}"
        self.captures.append(Capture(node.name, group, optional, _ascii_only(node.items[0])))
        body = self.emit(node.items[0], optional=optional, repeated=repeated)
        return f"(?P<{group}>{body})"


def _literal(code: int) -> str:
    char = chr(code)
    if char in _RE2_META:
        return "\\" + char
    if not char.isprintable():
        return f"\\x{{{code:x}}}"
    return char
