"""The bundled rule is the seed rule: same logic, same identity, own prose."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from trailsweep.rules import bundled_rules

SEED_RULE_ID = "a7577205-88a1-4a08-85d4-7b72a9a2e969"


def _rule():  # type: ignore[no-untyped-def]
    (rule,) = [r for r in bundled_rules() if r.rule_id == SEED_RULE_ID]
    return rule


def _canonical(query: str) -> str:
    """Whitespace-insensitive form of a query (ES|QL ignores layout)."""
    query = re.sub(r"//[^\n]*", "", query)
    return re.sub(r"\s+", " ", query).replace("( ", "(").replace(" )", ")").strip()


def _seed_query(shared_dir: Path) -> str:
    (seed,) = sorted((shared_dir / "seed").glob("*.txt"))
    lines = seed.read_text(encoding="utf-8").splitlines()
    # The seed page prints the TOML with line numbers glued to each line ("105query = ...").
    text = "\n".join(re.sub(r"^\d+", "", line, count=1) for line in lines)
    return text.split("query = '''", 1)[1].split("'''", 1)[0]


def _with_defaults(query: str) -> str:
    return query.replace("?window", "10 seconds").replace("?threshold", "15")


def test_query_is_the_seed_query_with_named_parameters(shared_dir: Path) -> None:
    rule = _rule()
    assert "?threshold" in rule.query and "?window" in rule.query
    assert _canonical(_with_defaults(rule.query)) == _canonical(_seed_query(shared_dir))


def test_filters_match_elastics_current_rule_file(shared_dir: Path) -> None:
    # Elastic's newer revision renames the count column and appends a KEEP; the selection of
    # events (everything before STATS) is the same as the seed's.
    path = shared_dir / "rules/elastic-aws-esql/discovery_s3_rapid_bucket_posture_api_calls.toml"
    upstream = tomllib.loads(path.read_text(encoding="utf-8"))["rule"]
    ours = _canonical(_with_defaults(_rule().query)).split("| stats")[0]
    assert ours == _canonical(upstream["query"]).split("| stats")[0]
    assert upstream["rule_id"] == SEED_RULE_ID


def test_identity_metadata_and_mitre_mapping() -> None:
    rule = _rule()
    assert rule.name == "AWS S3 Rapid Bucket Posture API Calls from a Single Principal"
    assert (rule.severity, rule.risk_score, rule.language) == ("low", 21, "esql")
    assert (rule.from_, rule.interval, rule.timestamp_override) == (
        "now-6m",
        "5m",
        "event.ingested",
    )
    mapping = {t.tactic.id: sorted(x.id for x in t.techniques) for t in rule.threat}
    assert mapping == {"TA0007": ["T1526", "T1580", "T1619"], "TA0009": ["T1530"]}
    assert rule.parameter_values() == {"threshold": 15, "window": "10 seconds"}
    assert "Esql.bucket_arn_count_distinct" in rule.investigation_fields
    assert len(rule.investigation_fields) == 13
    assert rule.false_positives and "Triage" in rule.note and "Contain" in rule.note


def test_prose_is_our_own_not_the_seed_text(shared_dir: Path) -> None:
    (seed,) = sorted((shared_dir / "seed").glob("*.txt"))
    seed_text = seed.read_text(encoding="utf-8")
    rule = _rule()
    for prose in (rule.description, rule.note, *rule.false_positives):
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", prose) if len(s.strip()) > 60]
        copied = [s for s in sentences if " ".join(s.split()) in " ".join(seed_text.split())]
        assert not copied, copied


def test_query_location_points_into_the_file() -> None:
    rule = _rule()
    path = Path(__file__).resolve().parents[2] / "src/trailsweep/rules/bundled"
    text = (path / rule.origin.removeprefix("<bundled>/")).read_text(encoding="utf-8")
    line = text.splitlines()[(rule.query_location.line or 0) - 1]
    assert line.strip().startswith("from logs-aws.cloudtrail-*")
