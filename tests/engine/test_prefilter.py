"""The raw prefilter drops only records no rule can match, and says so in the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.builders import FORMAT_WRITERS, POSTURE_APIS, Counter, posture_record, sweep
from trailsweep.engine.plan import plan_rule
from trailsweep.engine.prefilter import build_prefilter
from trailsweep.esql.pushdown import pushable_predicates
from trailsweep.normalize import NormalizeOptions, open_geoip
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import bundled_rules, load_rule_text

TEMPLATE = """
[rule]
rule_id = "t"
name = "t"
query = '''
from logs-aws.cloudtrail-*
| eval action = event.action
| where %s
| stats c = count(*) by user.name
| where c > 0
'''
"""


def _prefilter(condition: str, options: NormalizeOptions | None = None):  # type: ignore[no-untyped-def]
    return build_prefilter([plan_rule(load_rule_text(TEMPLATE % condition, "r.toml"))], options)


def test_pushable_predicates_stop_at_made_columns_and_stats() -> None:
    text = TEMPLATE % 'event.provider == "iam.amazonaws.com" and action == "CreateUser"'
    plan = plan_rule(load_rule_text(text, "r.toml"))
    texts = [plan.query.source_text(p.span) for p in pushable_predicates(plan.query)]
    assert texts == ['event.provider == "iam.amazonaws.com"']


def test_seed_rule_is_indexed_by_its_five_names() -> None:
    prefilter = build_prefilter([plan_rule(bundled_rules()[0])])
    (rule,) = prefilter.rules
    assert rule.names == frozenset(POSTURE_APIS)
    posture = posture_record(Counter(), "b")
    assert prefilter.passes(posture)
    assert not prefilter.passes({**posture, "eventName": "GetBucketLocation"})
    assert not prefilter.passes({**posture, "eventSource": "ec2.amazonaws.com"})
    assert not prefilter.passes({k: v for k, v in posture.items() if k != "eventName"})
    assert not prefilter.passes({**posture, "eventName": "-"})  # removed as null by Elastic
    # A value of another type is not decided here: the query decides after normalizing.
    assert prefilter.passes({**posture, "eventName": 7})


def test_a_rule_on_another_dataset_can_never_match() -> None:
    prefilter = _prefilter('data_stream.dataset == "aws.guardduty"')
    assert prefilter.rules[0].never
    assert not prefilter.passes(posture_record(Counter(), "b"))


def test_a_rule_without_raw_tests_lets_everything_through() -> None:
    prefilter = _prefilter("user.name IS NOT NULL")
    assert prefilter.rules[0].test is None
    assert prefilter.passing({}) == (0,) and prefilter.passing({"eventName": 3}) == (0,)


def test_or_with_another_field_is_not_indexed_by_name() -> None:
    prefilter = _prefilter(
        'event.action == "CreateUser" or aws.cloudtrail.user_identity.type == "IAMUser"'
    )
    assert prefilter.rules[0].names is None
    record = posture_record(Counter(), "b", identity_type="IAMUser")
    assert prefilter.passes(record)
    assert not prefilter.passes({**record, "userIdentity": {"type": "AssumedRole"}})
    assert prefilter.passes({**record, "eventName": "CreateUser", "userIdentity": None})


def test_three_valued_logic_of_raw_tests() -> None:
    # NOT (x IN (...)) is null, not true, when x is null: the record cannot pass.
    prefilter = _prefilter('not aws.cloudtrail.user_identity.type in ("AWSService")')
    record = posture_record(Counter(), "b", identity_type=None)
    assert not prefilter.passes(record)
    assert prefilter.passes(posture_record(Counter(), "b"))
    like = _prefilter('aws.cloudtrail.user_identity.access_key_id like "AKIA*"')
    assert like.passes(posture_record(Counter(), "b"))
    asia = posture_record(Counter(), "b")
    asia["userIdentity"] = {**asia["userIdentity"], "accessKeyId": "ASIAEXAMPLE"}
    assert not like.passes(asia)


def test_enrichment_without_database_can_never_match(shared_dir: Path) -> None:
    condition = "source.as.organization.name IS NOT NULL"
    assert _prefilter(condition).rules[0].never
    database = open_geoip(shared_dir / "fixtures/maxmind-test-db/GeoLite2-ASN-Test.mmdb")
    with_db = _prefilter(condition, NormalizeOptions(asn_db=database))
    assert not with_db.rules[0].never and with_db.rules[0].test is None


@pytest.mark.parametrize("threshold", [3, 15])
def test_scan_counts_prefiltered_records_as_evaluated(tmp_path: Path, threshold: int) -> None:
    ids = Counter()
    records = sweep(ids, 16) + [
        posture_record(ids, f"x{i}", action="ListBuckets") for i in range(5)
    ]
    records.append({**posture_record(ids, "late"), "eventName": "ListObjects", "eventTime": "?"})
    FORMAT_WRITERS["ndjson"](records, tmp_path)
    report = scan([tmp_path], bundled_rules(), ScanOptions(parameters={"threshold": threshold}))
    summary = report.summary
    assert summary.records_read == 22
    assert summary.records_prefiltered == 5
    assert summary.records_rejected == {"unparseable eventTime": 1}
    assert summary.records_evaluated == 21
    assert len(report.alerts) == 1
