"""The raw prefilter drops only records no rule can match, and says so in the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.builders import FORMAT_WRITERS, Counter, posture_record, sweep
from trailsweep.engine.plan import plan_rule
from trailsweep.engine.prefilter import build_prefilter
from trailsweep.esql.pushdown import pushable_predicates
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules, load_rule_text

RULE = """
[rule]
rule_id = "t"
name = "t"
query = '''
from logs-aws.cloudtrail-*
| eval action = event.action
| where event.provider == "iam.amazonaws.com" and action == "CreateUser"
| where data_stream.dataset == "%s"
| stats c = count(*) by user.name
| where c > 0
'''
"""


def test_pushable_predicates_stop_at_made_columns_and_stats() -> None:
    plan = plan_rule(load_rule_text(RULE % "aws.cloudtrail", "r.toml"))
    texts = [plan.query.source_text(p.span) for p in pushable_predicates(plan.query)]
    assert texts == [
        'event.provider == "iam.amazonaws.com"',
        'data_stream.dataset == "aws.cloudtrail"',
    ]


def test_seed_prefilter_tests_provider_and_action() -> None:
    prefilter = build_prefilter([plan_rule(bundled_rules()[0])])
    (rule,) = prefilter.rules
    assert {t.raw_key for t in rule.tests} == {"eventSource", "eventName"}
    posture = posture_record(Counter(), "b")
    assert prefilter.passes(posture)
    assert not prefilter.passes({**posture, "eventName": "GetBucketLocation"})
    assert not prefilter.passes({**posture, "eventSource": "ec2.amazonaws.com"})
    assert not prefilter.passes({k: v for k, v in posture.items() if k != "eventName"})
    # A value of another type is not decided here: the query decides after normalizing.
    assert prefilter.passes({**posture, "eventName": 7})


def test_a_rule_on_another_dataset_can_never_match() -> None:
    prefilter = build_prefilter([plan_rule(load_rule_text(RULE % "aws.guardduty", "r.toml"))])
    assert prefilter.rules[0].never
    assert not prefilter.passes(posture_record(Counter(), "b"))


def test_a_rule_without_raw_tests_lets_everything_through() -> None:
    text = RULE.replace('event.provider == "iam.amazonaws.com" and ', "") % "aws.cloudtrail"
    prefilter = build_prefilter([plan_rule(load_rule_text(text, "r.toml"))])
    assert prefilter.everything


@pytest.mark.parametrize("threshold", [3, 15])
def test_scan_counts_prefiltered_records_as_evaluated(tmp_path: Path, threshold: int) -> None:
    ids = Counter()
    records = sweep(ids, 16) + [
        posture_record(ids, f"x{i}", action="ListBuckets") for i in range(5)
    ]
    records.append({**posture_record(ids, "late"), "eventName": "ListObjects", "eventTime": "?"})
    FORMAT_WRITERS["ndjson"](records, tmp_path)
    from trailsweep.pipeline import ScanOptions

    report = scan([tmp_path], bundled_rules(), ScanOptions(parameters={"threshold": threshold}))
    summary = report.summary
    assert summary.records_read == 22
    assert summary.records_prefiltered == 5
    assert summary.records_rejected == {"unparseable eventTime": 1}
    assert summary.records_evaluated == 21
    assert len(report.alerts) == 1
