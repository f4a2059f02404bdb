"""Accountable allowlists: entries that drop matching events or suppress matching alerts.

Every entry names an owner, a reason and an expiry date, and matches on one or more of: the
principal ARN, the role session's issuer ARN, the source IP (an address or a CIDR), the user
agent and the account. Within an entry every given matcher must hold (AND); a matcher given a
list holds when any of its values does (OR). Patterns are globs in which only `*` (any run of
characters) and `?` (one character) are special: CloudTrail user agents begin with `[`, which
`fnmatch` would read as a character class.

Two modes:

- `drop`: matching events are removed before the rule counts them (an allowlisted scanner
  cannot push anyone's window over the threshold, and its own windows raise nothing);
- `suppress`: the rule counts everything; an alert whose every value of a matched field holds
  is moved to the ledger with the entry that suppressed it, instead of the output.

An entry is in force through its `expires` day; after it, it warns and no longer applies.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

from trailsweep.errors import LocatedError, Location

Mode = Literal["drop", "suppress"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

PRINCIPAL_FIELD = "aws.cloudtrail.user_identity.arn"
ISSUER_FIELD = "aws.cloudtrail.user_identity.session_context.session_issuer.arn"
SOURCE_IP_FIELD = "source.ip"
USER_AGENT_FIELD = "user_agent.original"
ACCOUNT_FIELD = "cloud.account.id"

MATCHED_FIELDS = (PRINCIPAL_FIELD, ISSUER_FIELD, SOURCE_IP_FIELD, USER_AGENT_FIELD, ACCOUNT_FIELD)
"""The flattened ECS fields allowlist matchers read (a reader must flatten them)."""


class AllowlistError(LocatedError):
    """An allowlist that cannot be loaded or applied (carries file:line:column)."""


@dataclass(frozen=True)
class Glob:
    """A pattern where `*` is any run of characters and `?` one character (case-sensitive)."""

    pattern: str

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        parts = (
            ".*" if char == "*" else "." if char == "?" else re.escape(char)
            for char in self.pattern
        )
        return re.compile("".join(parts), re.DOTALL)

    def matches(self, text: str) -> bool:
        """True when the whole text matches."""
        return self._regex.fullmatch(text) is not None

    def __str__(self) -> str:
        return self.pattern


@dataclass(frozen=True)
class AllowlistEntry:
    """One accountable exception: who owns it, why, until when, how it applies, what it matches."""

    id: str
    owner: str
    reason: str
    expires: date
    mode: Mode
    location: Location
    principal_arn: tuple[Glob, ...] = ()
    session_issuer_arn: tuple[Glob, ...] = ()
    source_ip: tuple[Network, ...] = ()
    user_agent: tuple[Glob, ...] = ()
    account: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    """Rule ids (or names) the entry is limited to; empty: every rule."""

    def expired(self, today: date) -> bool:
        """True once the expiry day has passed (the entry holds through `expires`)."""
        return self.expires < today

    def applies_to(self, rule_id: str, rule_name: str = "") -> bool:
        """Whether the entry covers this rule."""
        return not self.rules or rule_id in self.rules or rule_name in self.rules

    def matched_fields(self) -> tuple[str, ...]:
        """The ECS fields this entry tests."""
        given = (
            (PRINCIPAL_FIELD, self.principal_arn),
            (ISSUER_FIELD, self.session_issuer_arn),
            (SOURCE_IP_FIELD, self.source_ip),
            (USER_AGENT_FIELD, self.user_agent),
            (ACCOUNT_FIELD, self.account),
        )
        return tuple(name for name, values in given if values)

    def matches(self, lookup: Mapping[str, Any]) -> bool:
        """True when every matcher holds for the values `lookup` gives per ECS field (a value, a
        list of values, or absent). A list holds only when each of its values holds; an absent
        or empty field never matches."""
        return all(self._holds(name, lookup.get(name)) for name in self.matched_fields())

    def _holds(self, name: str, value: Any) -> bool:
        if isinstance(value, list):
            return bool(value) and all(self._value_matches(name, item) for item in value)
        return value is not None and self._value_matches(name, value)

    def _value_matches(self, name: str, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if name == SOURCE_IP_FIELD:
            return _in_networks(self.source_ip, value)
        if name == ACCOUNT_FIELD:
            return value in self.account
        globs = {
            PRINCIPAL_FIELD: self.principal_arn,
            ISSUER_FIELD: self.session_issuer_arn,
            USER_AGENT_FIELD: self.user_agent,
        }[name]
        return any(glob.matches(value) for glob in globs)

    def describe(self) -> str:
        """`id (owner, expires YYYY-MM-DD)`, for messages."""
        return f"{self.id!r} (owner {self.owner}, expires {self.expires.isoformat()})"


@dataclass(frozen=True)
class Allowlist:
    """The entries of one or more allowlist files, in file order."""

    entries: tuple[AllowlistEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def in_force(self, today: date) -> tuple[Allowlist, tuple[AllowlistEntry, ...]]:
        """The entries still in force on `today`, and the expired ones (which do not apply)."""
        expired = tuple(entry for entry in self.entries if entry.expired(today))
        live = tuple(entry for entry in self.entries if not entry.expired(today))
        return Allowlist(live), expired

    def in_mode(self, mode: Mode) -> tuple[AllowlistEntry, ...]:
        """The entries of one mode."""
        return tuple(entry for entry in self.entries if entry.mode == mode)

    @staticmethod
    def merged(lists: Iterable[Allowlist]) -> Allowlist:
        """Several files' entries as one allowlist."""
        return Allowlist(tuple(entry for allowlist in lists for entry in allowlist.entries))


def expiry_warning(entry: AllowlistEntry) -> str:
    """The warning an expired entry gives."""
    return (
        f"{entry.location}: allowlist entry {entry.id!r} (owner {entry.owner}) expired on "
        f"{entry.expires.isoformat()} and no longer applies; renew or remove it"
    )


@dataclass(frozen=True)
class EventDropper:
    """Drop-mode entries per rule position, tested against flattened events (picklable)."""

    per_rule: tuple[tuple[AllowlistEntry, ...], ...]
    entries: tuple[AllowlistEntry, ...] = field(default=())

    @staticmethod
    def of(entries: Sequence[AllowlistEntry], rules: Sequence[tuple[str, str]]) -> EventDropper:
        """The dropper for these entries over rules given as (rule_id, name) pairs."""
        dropping = tuple(entry for entry in entries if entry.mode == "drop")
        per_rule = tuple(
            tuple(entry for entry in dropping if entry.applies_to(rule_id, name))
            for rule_id, name in rules
        )
        return EventDropper(per_rule, dropping)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def matching(self, flat: Mapping[str, Any]) -> tuple[AllowlistEntry, ...]:
        """The drop entries that match one flattened event (each tested once)."""
        return tuple(entry for entry in self.entries if entry.matches(flat))

    def dropping(self, matched: tuple[AllowlistEntry, ...], rule: int) -> AllowlistEntry | None:
        """The first matched entry that covers the rule at this position, if any."""
        covering = self.per_rule[rule]
        for entry in matched:
            if entry in covering:
                return entry
        return None


def _in_networks(networks: tuple[Network, ...], value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in networks)
