"""Context from the event store: baselines over earlier days, first sightings, risk moves."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tests.scenarios.builders import Counter, sweep
from tests.store.conftest import write_records
from tests.triage.records import DAY
from trailsweep.alerts import alert_document
from trailsweep.rules import bundled_rules
from trailsweep.store import EventStore, scan_store
from trailsweep.triage import CONTEXT_KEY, store_contexts, with_contexts
from trailsweep.triage.model import Baseline, FirstSeen, UserAgentInfo
from trailsweep.triage.risk import RiskInputs, risk_score

PACU = "Pacu/1.6.0 Boto3/1.34.0 Botocore/1.34.0"
PROWLER = "Boto3/1.35.99 md/Botocore#1.35.99 Botocore/1.35.99 APN_1826889"
ROLE_ARN = "arn:aws:sts::111122223333:assumed-role/ProwlerScanRole/prowler"


def _store_context(tmp_path: Path, days: list[list[dict[str, Any]]]) -> dict[str, Any]:
    for index, records in enumerate(days):
        write_records(tmp_path / "in" / f"day-{index}.json.gz", records)
    store = tmp_path / "store"
    EventStore(store).ingest([tmp_path / "in"])
    report = scan_store(store, bundled_rules())
    assert len(report.alerts) == 1
    contexts = store_contexts(report.alerts, store)
    context: dict[str, Any] = alert_document(with_contexts(report, contexts).alerts[0])[CONTEXT_KEY]
    return context


def test_baseline_first_seen_and_risk_for_a_new_address(tmp_path: Path) -> None:
    ids = Counter()
    earlier = sweep(ids, 3, start=-4 * DAY + 1) + sweep(ids, 2, start=-4 * DAY + 3601)
    # Earlier the same day: the alert's own day is not part of its baseline.
    same_day = sweep(ids, 12, start=-7200)
    alert = sweep(ids, 16, source_ip="203.0.113.50", userAgent=PACU)
    context = _store_context(tmp_path, [earlier, same_day, alert])
    assert context["baseline"] == {
        "days": 14,
        "previous_max_buckets": 3,
        "windows": 2,
        "summary": "16 buckets in 10 s; this principal's previous maximum is 3 over 14 days",
    }
    assert context["baseline_note"] is None
    assert context["first_seen"] == {
        "principal": False,
        "source_ip": True,
        "user_agent": True,
        "history_days": 3,
    }
    assert context["user_agents"] == [
        {"original": PACU, "family": "Pacu", "known_cspm": False, "offensive": True}
    ]
    assert context["risk"] == {
        "score": 66,
        "base": 21,
        "reasons": [
            "+20 offensive tool user agent (Pacu)",
            "+10 first-seen source IP for the principal in 3 days of history",
            "+5 first-seen user agent for the principal in 3 days of history",
            "+10 long-term access key (AKIA)",
        ],
    }


def test_known_scanner_consistent_with_its_baseline_scores_lower(tmp_path: Path) -> None:
    ids = Counter()
    identity = {
        "type": "AssumedRole",
        "arn": ROLE_ARN,
        "accountId": "111122223333",
        "accessKeyId": "ASIAEXAMPLEPROWLER01",
    }
    scanner = {"userAgent": PROWLER, "userIdentity": identity, "source_ip": "44.205.1.2"}
    earlier = sweep(ids, 10, start=-2 * DAY + 1, **scanner)
    alert = sweep(ids, 16, **scanner)
    context = _store_context(tmp_path, [earlier, alert])
    assert context["actor"]["access_keys"] == [{"id": "ASIAEXAMPLEPROWLER01", "kind": "temporary"}]
    assert context["baseline"]["previous_max_buckets"] == 10
    assert context["baseline"]["windows"] == 1
    assert context["first_seen"] == {
        "principal": False,
        "source_ip": False,
        "user_agent": False,
        "history_days": 1,
    }
    assert context["risk"] == {
        "score": 1,
        "base": 21,
        "reasons": [
            "-10 known CSPM scanner user agent (Prowler)",
            "-10 consistent with baseline (previous maximum 10 buckets over 14 days)",
        ],
    }


def _inputs(base: int, **changes: Any) -> RiskInputs:
    plain = RiskInputs(
        base=base,
        user_agents=(),
        baseline=None,
        bucket_count=16,
        first_seen=FirstSeen(False, False, False, 0),
        long_term_key=False,
        notable_categories=(),
        bucket_changes=0,
    )
    return dataclasses.replace(plain, **changes)


def test_risk_is_clamped_to_0_100() -> None:
    high = _inputs(
        95,
        user_agents=(UserAgentInfo(PACU, "Pacu", False, True),),
        first_seen=FirstSeen(True, True, True, 30),
        long_term_key=True,
        notable_categories=("object read",),
        bucket_changes=1,
    )
    assert risk_score(high).score == 100
    assert len(risk_score(high).reasons) == 7
    low = _inputs(
        5,
        user_agents=(UserAgentInfo(PROWLER, "Prowler", True, False),),
        baseline=Baseline(14, 16, 40, "16 buckets in 10 s; ..."),
    )
    assert risk_score(low).score == 0
    assert risk_score(_inputs(21)).score == 21
    assert risk_score(_inputs(21)).reasons == ()
