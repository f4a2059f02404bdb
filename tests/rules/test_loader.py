"""Loading Elastic-layout TOML rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from trailsweep.errors import RuleError
from trailsweep.rules import load_rule_file, load_rule_text, load_rules

MINIMAL = """
[metadata]
updated_date = "2026/01/01"

[rule]
rule_id = "r-1"
name = "A rule"
description = "d"
language = "esql"
severity = "medium"
risk_score = 47
query = '''
from logs-aws.cloudtrail-*
| where event.action == "x"
'''
"""


def test_minimal_rule_defaults() -> None:
    rule = load_rule_text(MINIMAL, "r.toml")
    assert (rule.rule_id, rule.severity, rule.risk_score) == ("r-1", "medium", 47)
    assert (rule.from_, rule.interval, rule.max_signals) == ("now-6m", "5m", 100)
    assert rule.version == "2026/01/01"
    assert rule.query_location.line == 13
    assert rule.parameters == ()


def test_toml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(RuleError) as info:
        load_rule_text('[rule]\nname = "x\n', "bad.toml")
    assert info.value.location is not None
    assert (info.value.location.path, info.value.location.line) == ("bad.toml", 2)


def test_missing_required_key() -> None:
    with pytest.raises(RuleError, match="no 'query'"):
        load_rule_text('[rule]\nrule_id = "x"\nname = "n"\n', "r.toml")


def test_unknown_parameter_override_is_refused() -> None:
    rule = load_rule_text(MINIMAL, "r.toml")
    with pytest.raises(KeyError, match="no parameter 'threshold'"):
        rule.parameter_values({"threshold": 3})


def test_loads_all_shared_elastic_rules(shared_dir: Path) -> None:
    rules = load_rules([shared_dir / "rules/elastic-aws-esql"])
    assert len(rules) == 20
    assert all(r.language == "esql" and r.query.strip() for r in rules)


def test_unreadable_rule_file(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="cannot read"):
        load_rule_file(tmp_path / "missing.toml")
