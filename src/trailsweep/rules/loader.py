"""Loading rule files in Elastic's detection-rules TOML layout (and the bundled rules)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from trailsweep.errors import Location, RuleError
from trailsweep.rules.model import MitreReference, Rule, RuleParameter, Threat

_QUERY_START = re.compile(r"^\s*query\s*=\s*(?P<quote>'''|\"\"\"|'|\")", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_rule_text(text: str, origin: str) -> Rule:
    """Build a Rule from the text of one TOML rule file; errors carry file:line:column."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (None, None)
        raise RuleError(f"invalid TOML: {exc}", Location(origin, line, column)) from exc
    rule = data.get("rule")
    if not isinstance(rule, dict):
        raise RuleError("no [rule] table", Location(origin))
    return _build_rule(rule, data, text, origin)


def load_rule_file(path: Path) -> Rule:
    """Load one rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", Location(str(path))) from exc
    return load_rule_text(text, str(path))


def rule_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every `*.toml` file under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.toml"))
        else:
            yield path


def load_rules(paths: Iterable[Path]) -> list[Rule]:
    """Load every rule under the given files and folders (the first bad file raises)."""
    return [load_rule_file(path) for path in rule_files(paths)]


def bundled_rules() -> list[Rule]:
    """The rules shipped inside the package."""
    folder = resources.files("trailsweep.rules") / "bundled"
    rules = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            origin = f"<bundled>/{entry.name}"
            rules.append(load_rule_text(entry.read_text(encoding="utf-8"), origin))
    return rules


def _build_rule(rule: Mapping[str, Any], data: Mapping[str, Any], text: str, origin: str) -> Rule:
    def required(key: str) -> Any:
        if key not in rule:
            raise RuleError(f"[rule] has no {key!r}", Location(origin))
        return rule[key]

    metadata = data.get("metadata", {})
    version = rule.get("version", metadata.get("updated_date", "1"))
    investigation = rule.get("investigation_fields", {})
    return Rule(
        rule_id=str(required("rule_id")),
        name=str(required("name")),
        description=str(rule.get("description", "")).strip(),
        query=str(required("query")),
        language=str(rule.get("language", "esql")),
        version=str(version),
        severity=str(rule.get("severity", "low")),
        risk_score=int(rule.get("risk_score", 21)),
        origin=origin,
        query_location=_query_location(text, origin),
        threat=tuple(_threat(entry, origin) for entry in rule.get("threat", [])),
        investigation_fields=tuple(investigation.get("field_names", [])),
        false_positives=tuple(str(fp).strip() for fp in rule.get("false_positives", [])),
        references=tuple(rule.get("references", [])),
        tags=tuple(rule.get("tags", [])),
        note=str(rule.get("note", "")),
        from_=str(rule.get("from", "now-6m")),
        interval=str(rule.get("interval", "5m")),
        max_signals=int(rule.get("max_signals", 100)),
        timestamp_override=rule.get("timestamp_override"),
        parameters=_parameters(data.get("trailsweep", {}).get("parameters", {}), origin),
        metadata=dict(metadata),
    )


def _query_location(text: str, origin: str) -> Location:
    """Where the query's first line sits in the file, so ES|QL errors point into the TOML."""
    match = _QUERY_START.search(text)
    if match is None:
        return Location(origin, 1, 1)
    line = text.count("\n", 0, match.end()) + 1
    column = match.end() - (text.rfind("\n", 0, match.end()) + 1) + 1
    if match["quote"] in ("'''", '"""') and text[match.end() : match.end() + 1] == "\n":
        # TOML drops a newline right after an opening multi-line delimiter.
        return Location(origin, line + 1, 1)
    return Location(origin, line, column)


def _threat(entry: Mapping[str, Any], origin: str) -> Threat:
    tactic = entry.get("tactic")
    if not isinstance(tactic, dict):
        raise RuleError("a [[rule.threat]] entry has no tactic", Location(origin))
    return Threat(
        framework=str(entry.get("framework", "MITRE ATT&CK")),
        tactic=_reference(tactic),
        techniques=tuple(_reference(t) for t in entry.get("technique", [])),
    )


def _reference(entry: Mapping[str, Any]) -> MitreReference:
    return MitreReference(str(entry["id"]), str(entry["name"]), str(entry.get("reference", "")))


def _parameters(table: Mapping[str, Any], origin: str) -> tuple[RuleParameter, ...]:
    parameters = []
    for name, spec in table.items():
        if not isinstance(spec, dict) or "default" not in spec:
            raise RuleError(f"parameter {name!r} needs a default", Location(origin))
        parameters.append(RuleParameter(name, spec["default"], str(spec.get("description", ""))))
    return tuple(parameters)
