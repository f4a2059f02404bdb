"""User-agent strings → tool families, with known CSPM scanners and offensive tools flagged.

The table is ordered and the first match wins: scanners and tools that wrap an SDK (Prowler and
ScoutSuite send Boto3's string plus their own mark, Terraform sends the Go SDK's) come before
the SDKs they wrap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from trailsweep.triage.model import UserAgentInfo


@dataclass(frozen=True)
class AgentFamily:
    """One row of the table: a family name, the pattern that identifies it, and its flags."""

    name: str
    pattern: re.Pattern[str]
    known_cspm: bool = False
    offensive: bool = False


def _family(
    name: str, pattern: str, *, known_cspm: bool = False, offensive: bool = False
) -> AgentFamily:
    return AgentFamily(name, re.compile(pattern, re.IGNORECASE), known_cspm, offensive)


FAMILIES: tuple[AgentFamily, ...] = (
    # Prowler marks its calls with its AWS Partner Network id (APN_1826889).
    _family("Prowler", r"\bprowler\b|APN_1826889", known_cspm=True),
    _family("ScoutSuite", r"scout ?suite", known_cspm=True),
    _family("Steampipe", r"steampipe", known_cspm=True),
    _family("CloudSploit", r"cloudsploit", known_cspm=True),
    _family("Pacu", r"\bpacu\b", offensive=True),
    _family("Terraform", r"\bterraform[/-]"),
    _family("S3 console", r"S3Console/"),
    _family("aws-cli", r"\baws-cli/"),
    _family("Boto3", r"\bboto3/|\bbotocore/"),
    _family("AWS SDK for Go", r"\baws-sdk-go(-v2)?/"),
    _family("AWS SDK for Java", r"\baws-sdk-java/"),
    _family("AWS SDK for JavaScript", r"\baws-sdk-(js|nodejs)/"),
    _family("AWS service", r"^[a-z0-9.-]+\.amazonaws\.com$|^AWS Internal$"),
    _family("Browser", r"^Mozilla/"),
)
OTHER = "Other"
EMPTY = "Empty"


@lru_cache(maxsize=4096)
def classify_user_agent(original: str) -> UserAgentInfo:
    """The family of a user-agent string (`Other` when no row matches, `Empty` when blank)."""
    if not original.strip():
        return UserAgentInfo(original, EMPTY, False, False)
    for family in FAMILIES:
        if family.pattern.search(original):
            return UserAgentInfo(original, family.name, family.known_cspm, family.offensive)
    return UserAgentInfo(original, OTHER, False, False)
