"""Loading allowlist files (TOML); every problem names its file:line:column.

```toml
[[entry]]
id = "prowler-nightly"
owner = "secops@example.com"
reason = "Nightly Prowler posture scan from the audit account (CHG-1234)"
expires = 2026-09-30
mode = "suppress"                  # or "drop"
principal_arn = "arn:aws:sts::111122223333:assumed-role/prowler-*/*"
source_ip = ["10.20.0.0/16", "203.0.113.7"]
```

An unknown key is an error rather than ignored: a misspelt matcher would otherwise widen the
entry to everything its other matchers allow.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from trailsweep.alerts.allowlist import (
    Allowlist,
    AllowlistEntry,
    AllowlistError,
    Glob,
    Mode,
    Network,
)
from trailsweep.errors import Location

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\]", re.MULTILINE)
_ACCOUNT = re.compile(r"^\d{12}$")
_REQUIRED = ("id", "owner", "reason", "expires", "mode")
_MATCHERS = ("principal_arn", "session_issuer_arn", "source_ip", "user_agent", "account")
_KNOWN = frozenset((*_REQUIRED, *_MATCHERS, "rules"))


@dataclass(frozen=True)
class _Positions:
    """Where each `[[entry]]` table and its keys sit in the text (for error locations)."""

    origin: str
    text: str
    starts: tuple[int, ...]

    @staticmethod
    def of(text: str, origin: str) -> _Positions:
        return _Positions(origin, text, tuple(m.start() for m in _ENTRY_HEADER.finditer(text)))

    def entry(self, index: int) -> Location:
        if index >= len(self.starts):
            return Location(self.origin)
        return self._location(self.starts[index])

    def key(self, index: int, key: str) -> Location:
        if index >= len(self.starts):
            return Location(self.origin)
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        found = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=[ \t]*", re.MULTILINE).search(
            self.text, self.starts[index], end
        )
        return self._location(found.end()) if found else self.entry(index)

    def _location(self, offset: int) -> Location:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.origin, line, column)


def load_allowlist_text(text: str, origin: str) -> Allowlist:
    """The entries of one allowlist file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (None, None)
        raise AllowlistError(f"invalid TOML: {exc}", Location(origin, line, column)) from exc
    positions = _Positions.of(text, origin)
    unknown = sorted(set(data) - {"entry"})
    if unknown:
        raise AllowlistError(
            f"unknown top-level key(s) {', '.join(unknown)}: entries go in [[entry]] tables",
            Location(origin),
        )
    tables = data.get("entry", [])
    if not isinstance(tables, list):
        raise AllowlistError("`entry` must be an array of [[entry]] tables", Location(origin))
    entries = [_entry(table, index, positions) for index, table in enumerate(tables)]
    return Allowlist(tuple(entries))


def load_allowlist_file(path: Path) -> Allowlist:
    """Load one allowlist file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AllowlistError(f"cannot read allowlist: {exc}", Location(str(path))) from exc
    return load_allowlist_text(text, str(path))


def load_allowlists(paths: Iterable[Path]) -> Allowlist:
    """Load several files as one allowlist; an entry id used twice is an error."""
    merged = Allowlist.merged(load_allowlist_file(path) for path in paths)
    seen: dict[str, AllowlistEntry] = {}
    for entry in merged.entries:
        if entry.id in seen:
            raise AllowlistError(
                f"entry id {entry.id!r} is already used at {seen[entry.id].location}",
                entry.location,
            )
        seen[entry.id] = entry
    return merged


def _entry(table: Any, index: int, positions: _Positions) -> AllowlistEntry:
    where = positions.entry(index)
    if not isinstance(table, Mapping):
        raise AllowlistError("an entry must be a table", where)
    for key in table:
        if key not in _KNOWN:
            known = ", ".join(sorted(_KNOWN))
            raise AllowlistError(f"unknown key {key!r} (known: {known})", positions.key(index, key))
    for key in _REQUIRED:
        if key not in table:
            raise AllowlistError(f"entry has no {key!r} (every entry needs {_need()})", where)

    def text(key: str) -> str:
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise AllowlistError(f"{key!r} must be a non-empty string", positions.key(index, key))
        return value.strip()

    matchers = {
        key: _strings(table[key], key, index, positions) for key in _MATCHERS if key in table
    }
    if not any(matchers.values()):
        raise AllowlistError(
            f"entry matches nothing: give at least one of {', '.join(_MATCHERS)}", where
        )
    return AllowlistEntry(
        id=text("id"),
        owner=text("owner"),
        reason=text("reason"),
        expires=_expires(table["expires"], positions.key(index, "expires")),
        mode=_mode(table["mode"], positions.key(index, "mode")),
        location=where,
        principal_arn=tuple(Glob(p) for p in matchers.get("principal_arn", ())),
        session_issuer_arn=tuple(Glob(p) for p in matchers.get("session_issuer_arn", ())),
        source_ip=tuple(
            _network(value, positions.key(index, "source_ip"))
            for value in matchers.get("source_ip", ())
        ),
        user_agent=tuple(Glob(p) for p in matchers.get("user_agent", ())),
        account=tuple(
            _account(value, positions.key(index, "account"))
            for value in matchers.get("account", ())
        ),
        rules=tuple(_strings(table.get("rules", []), "rules", index, positions)),
    )


def _need() -> str:
    return ", ".join(_REQUIRED)


def _strings(value: Any, key: str, index: int, positions: _Positions) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item for item in values):
        hint = " (quote account ids: they can start with 0)" if key == "account" else ""
        raise AllowlistError(
            f"{key!r} must be a string or a list of non-empty strings{hint}",
            positions.key(index, key),
        )
    return [str(item) for item in values]


def _expires(value: Any, where: Location) -> date:
    if isinstance(value, datetime):
        raise AllowlistError("'expires' must be a date (YYYY-MM-DD), not a time", where)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise AllowlistError(f"'expires' must be a date such as 2026-09-30, not {value!r}", where)


def _mode(value: Any, where: Location) -> Mode:
    if value == "drop":
        return "drop"
    if value == "suppress":
        return "suppress"
    raise AllowlistError(f'\'mode\' must be "drop" or "suppress", not {value!r}', where)


def _network(text: str, where: Location) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise AllowlistError(
            f"'source_ip' {text!r} is not an address or CIDR: {exc}", where
        ) from exc


def _account(text: str, where: Location) -> str:
    if not _ACCOUNT.match(text.strip()):
        raise AllowlistError(f"'account' {text!r} is not a 12-digit AWS account id", where)
    return text.strip()
