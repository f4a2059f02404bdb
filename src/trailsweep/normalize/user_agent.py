"""Elasticsearch's `user_agent` processor, reproduced with the uap-core rules of `ua_parser`.

The processor matches uap-core's `regexes.yml` (Elasticsearch bundles its own, older copy) and
writes `name` ("Other" when no rule matches), `version`, `os.{name,version,full}` (only when an OS
rule matches) and `device.name` ("Other" when no rule matches). Versions join the parsed parts
with dots; Elasticsearch before 8.16.2 appended a dot to two-part versions (`24.0.`), which
current versions, and this module, do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import ua_parser

# uap-core rules newer than the copy of regexes.yml Elasticsearch bundles, so absent from the
# processor's output. Each entry is backed by an Elastic pipeline fixture:
# `os\/macos#...` (uap-core 2024) reads `os/macos#23.6.0` from AWS CLI v2 user agents as
# "Mac OS X 23.6.0"; every aws-cli/2 fixture (test-put-object-json, ...) has no user_agent.os.
_OS_RULES_ELASTICSEARCH_LACKS = frozenset({r"os\/macos[#]?(\d*)[.]?(\d*)[.]?(\d*)"})


@dataclass(frozen=True)
class UserAgentFields:
    """What the processor extracts from one user-agent string (everything but `original`)."""

    name: str
    version: str | None
    os_name: str | None
    os_version: str | None
    device_name: str

    def to_document(self, original: str) -> dict[str, Any]:
        """The `user_agent` object, a new dict each call."""
        document: dict[str, Any] = {
            "original": original,
            "name": self.name,
            "device": {"name": self.device_name},
        }
        if self.version is not None:
            document["version"] = self.version
        if self.os_name is not None:
            os: dict[str, Any] = {"name": self.os_name}
            if self.os_version is not None:
                os["version"] = self.os_version
                os["full"] = f"{self.os_name} {self.os_version}"
            document["os"] = os
        return document


@cache
def _parser() -> ua_parser.Parser:
    agents, systems, devices = ua_parser.load_lazy_builtins()
    systems = [rule for rule in systems if rule.regex not in _OS_RULES_ELASTICSEARCH_LACKS]
    # Our own cache below sits in front, so the plain resolver (no second cache) is enough.
    return ua_parser.Parser(ua_parser.BasicResolver((agents, systems, devices)))


def _dotted(*parts: str | None) -> str | None:
    """Parts joined with dots up to the first missing one, as the processor builds versions."""
    present: list[str] = []
    for part in parts:
        if part is None:
            break
        present.append(part)
    return ".".join(present) or None


@lru_cache(maxsize=4096)
def parse_user_agent(text: str) -> UserAgentFields:
    """Parse `text` as Elasticsearch's processor does (cached: user agents repeat a lot).

    >>> parse_user_agent("[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0]")
    UserAgentFields(name='aws-cli', version='2.17.60', os_name=None, os_version=None, \
device_name='Other')
    >>> parse_user_agent("config.amazonaws.com").name
    'Other'
    """
    result = _parser().parse(text)
    agent, system, device = result.user_agent, result.os, result.device
    return UserAgentFields(
        name=agent.family if agent is not None else "Other",
        version=(
            _dotted(agent.major, agent.minor, agent.patch, agent.patch_minor)
            if agent is not None
            else None
        ),
        os_name=system.family if system is not None else None,
        os_version=(
            _dotted(system.major, system.minor, system.patch, system.patch_minor)
            if system is not None
            else None
        ),
        device_name=device.family if device is not None else "Other",
    )


def user_agent_document(text: str) -> dict[str, Any]:
    """The `user_agent` object Elastic's pipeline writes for the user agent `text`.

    >>> user_agent_document("signin.amazonaws.com")
    {'original': 'signin.amazonaws.com', 'name': 'Other', 'device': {'name': 'Other'}}
    """
    return parse_user_agent(text).to_document(text)
