"""Rules: Elastic-format detection rules as data (TOML files, bundled or given)."""

from __future__ import annotations

from trailsweep.rules.loader import (
    bundled_rules,
    load_rule_file,
    load_rule_text,
    load_rules,
    rule_files,
)
from trailsweep.rules.model import MitreReference, Rule, RuleParameter, Threat

__all__ = [
    "MitreReference",
    "Rule",
    "RuleParameter",
    "Threat",
    "bundled_rules",
    "load_rule_file",
    "load_rule_text",
    "load_rules",
    "rule_files",
]
