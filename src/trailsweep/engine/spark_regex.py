"""RE2 regular expressions (as the compiler writes them for DuckDB) rewritten for Java (Spark).

Both engines search leftmost-first with Perl's rules for alternation, greedy and lazy
repetition, so a pattern made of constructs that mean the same in both finds the same match
and the same groups. The constructs that do not mean the same are rewritten:

- `.` is `[^\\n]` in RE2 (`(?s)`: any character); Java's `.` also stops at `\\r`, `\\u0085`,
  `\\u2028` and `\\u2029`. Written as `[^\\n]` or `(?s:.)`.
- `^` and `$` without `(?m)` are the start and the very end of the text in RE2; Java's `$` also
  matches before a final line terminator. Written as `\\A` and `\\z`. With `(?m)` RE2 matches
  them around `\\n` only (and `^` also after a final `\\n`): `(?:\\A|(?<=\\n))`, `(?=\\n|\\z)`.
- `(?P<name>...)` is `(?<name>...)`.
- Every other character that is not an ASCII letter or digit is written `\\x{...}`, inside and
  outside classes, so that no Java-only syntax (`&&` in a class, `[` nested in a class, `#`...)
  can be read into it. No flag group survives: flags are applied while rewriting.

Anything else (escapes such as `\\d`, `\\b`, `\\p{..}`, case-insensitive or other flags, POSIX
classes) raises `RegexTranslationError` naming it: the compiler does not write them, and
guessing could change a match.
"""

from __future__ import annotations

from dataclasses import dataclass

_MAX_CODE_POINT = 0x10FFFF
_HEX = frozenset("0123456789abcdefABCDEF")


class RegexTranslationError(ValueError):
    """A construct of an RE2 pattern that is not rewritten for Java."""


@dataclass(frozen=True)
class _Flags:
    dot_all: bool = False
    multi_line: bool = False


def java_regex(pattern: str) -> str:
    """The Java regular expression that matches (and captures) exactly as RE2 `pattern` does."""
    return _Rewriter(pattern).rewrite()


def _char(code: int) -> str:
    text = chr(code)
    if text.isascii() and text.isalnum():
        return text
    return f"\\x{{{code:x}}}"


class _Rewriter:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def fail(self, what: str) -> RegexTranslationError:
        return RegexTranslationError(f"{what} (at offset {self.pos} of regex {self.text!r})")

    def rewrite(self) -> str:
        out = self._sequence(_Flags(), top=True)
        if self.pos != len(self.text):
            raise self.fail("unbalanced ')'")
        return out

    def _peek(self, chars: str) -> bool:
        return self.pos < len(self.text) and self.text[self.pos] in chars

    def _sequence(self, flags: _Flags, top: bool) -> str:
        """Atoms and operators up to the `)` closing the current group (or the end)."""
        out: list[str] = []
        # What the last piece was: nothing to repeat, an atom, a repetition, a lazy repetition.
        state = "start"
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == ")":
                if top:
                    raise self.fail("unbalanced ')'")
                return "".join(out)
            if char in "*+?{":
                piece = self._quantifier()
                if piece is None:
                    # RE2 reads a `{` that starts no repetition as a literal.
                    out.append(_char(ord("{")))
                    self.pos += 1
                    state = "atom"
                    continue
                if state == "repeat" and piece == "?":
                    state = "lazy"
                elif state == "atom":
                    state = "repeat"
                else:
                    # RE2 rejects these; Java would read `x*+` as possessive.
                    raise self.fail(f"repetition {piece!r} of nothing or of a repetition")
                out.append(piece)
                continue
            state = "start" if char == "|" else "atom"
            if char == "|":
                out.append("|")
                self.pos += 1
            elif char == "(":
                group, flags = self._group(flags)
                out.append(group)
                if not group:
                    state = "start"
            elif char == "[":
                out.append(self._class())
            elif char == "\\":
                out.append(self._escape())
            elif char == ".":
                out.append("(?s:.)" if flags.dot_all else "[^\\n]")
                self.pos += 1
            elif char == "^":
                out.append("(?:\\A|(?<=\\n))" if flags.multi_line else "\\A")
                self.pos += 1
            elif char == "$":
                out.append("(?=\\n|\\z)" if flags.multi_line else "\\z")
                self.pos += 1
            else:
                out.append(_char(ord(char)))
                self.pos += 1
        if not top:
            raise self.fail("missing ')'")
        return "".join(out)

    def _quantifier(self) -> str | None:
        char = self.text[self.pos]
        if char != "{":
            self.pos += 1
            return char
        end = self.text.find("}", self.pos)
        body = self.text[self.pos + 1 : end] if end > 0 else ""
        low, comma, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()) or (not comma and high):
            return None
        self.pos = end + 1
        return f"{{{int(low)}{',' if comma else ''}{int(high) if high else ''}}}"

    def _group(self, flags: _Flags) -> tuple[str, _Flags]:
        """A group; returns it and the flags that hold after it (`(?s)` changes them)."""
        self.pos += 1
        opening = "("
        inner = flags
        if self._peek("?"):
            self.pos += 1
            if self.text.startswith("P<", self.pos) or (
                self.text.startswith("<", self.pos) and not self.text.startswith("<=", self.pos)
            ):
                self.pos += 2 if self.text[self.pos] == "P" else 1
                end = self.text.find(">", self.pos)
                name = self.text[self.pos : end] if end > 0 else ""
                if not (name.isascii() and name[:1].isalpha() and name.isalnum()):
                    raise self.fail(f"group name {name!r}")
                self.pos = end + 1
                opening = f"(?<{name}>"
            else:
                start = self.pos
                while self._peek("smU-i"):
                    self.pos += 1
                letters = self.text[start : self.pos]
                inner = self._apply(flags, letters)
                if self._peek(")"):
                    # `(?s)`: the flags hold until the end of the enclosing group.
                    self.pos += 1
                    return "", inner
                if not self._peek(":"):
                    raise self.fail("group syntax")
                self.pos += 1
                opening = "(?:"
        body = self._sequence(inner, top=False)
        self.pos += 1
        return f"{opening}{body})", flags

    def _apply(self, flags: _Flags, letters: str) -> _Flags:
        on, _, off = letters.partition("-")
        dot_all, multi_line = flags.dot_all, flags.multi_line
        for letter, value in [*((c, True) for c in on), *((c, False) for c in off)]:
            if letter == "s":
                dot_all = value
            elif letter == "m":
                multi_line = value
            else:
                raise self.fail(f"flag {letter!r}")
        return _Flags(dot_all, multi_line)

    def _escape(self) -> str:
        """An escape outside a class."""
        if self.text.startswith("\\A", self.pos) or self.text.startswith("\\z", self.pos):
            self.pos += 2
            return self.text[self.pos - 2 : self.pos]
        return _char(self._escaped_code())

    def _escaped_code(self) -> int:
        """The code point of a `\\x{..}`, `\\xHH` or escaped punctuation (at a backslash)."""
        if self.pos + 1 >= len(self.text):
            raise self.fail("trailing backslash")
        letter = self.text[self.pos + 1]
        if letter == "x":
            if self.text.startswith("{", self.pos + 2):
                end = self.text.find("}", self.pos + 3)
                digits = self.text[self.pos + 3 : end] if end > 0 else ""
                after = end + 1
            else:
                digits = self.text[self.pos + 2 : self.pos + 4]
                after = self.pos + 4
                if len(digits) != 2:
                    digits = ""
            if not digits or not set(digits) <= _HEX or int(digits, 16) > _MAX_CODE_POINT:
                raise self.fail("escape \\x")
            self.pos = after
            return int(digits, 16)
        if letter.isascii() and not letter.isalnum():
            self.pos += 2
            return ord(letter)
        raise self.fail(f"escape \\{letter}")

    def _class(self) -> str:
        """A bracketed class: every member written as a code point or a range of them."""
        self.pos += 1
        negate = self._peek("^")
        if negate:
            self.pos += 1
        items: list[str] = []
        first = True
        while True:
            if self.pos >= len(self.text):
                raise self.fail("missing ']'")
            char = self.text[self.pos]
            if char == "]" and not first:
                self.pos += 1
                break
            if char == "[" and self.text.startswith("[:", self.pos):
                raise self.fail("POSIX class")
            low = self._class_code()
            if self._peek("-") and not self.text.startswith("-]", self.pos):
                self.pos += 1
                high = self._class_code()
                if high < low:
                    raise self.fail("range out of order")
                items.append(f"{_char(low)}-{_char(high)}")
            else:
                items.append(_char(low))
            first = False
        return f"[{'^' if negate else ''}{''.join(items)}]"

    def _class_code(self) -> int:
        char = self.text[self.pos]
        if char == "\\":
            return self._escaped_code()
        self.pos += 1
        return ord(char)
