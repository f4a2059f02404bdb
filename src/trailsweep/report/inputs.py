"""What the report is made from: alert documents, their rules, and where the evidence was read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trailsweep.alerts import Alert, alert_document
from trailsweep.rules import Rule


@dataclass(frozen=True)
class ReportAlert:
    """One alert to report: its document (as `alert_document` writes it, plus any triage
    context under `trailsweep.context`), its rule when known (for the triage guide), and its
    evidence as (event id, where it was read) pairs when known."""

    document: Mapping[str, Any]
    rule: Rule | None = None
    evidence: tuple[tuple[str | None, str], ...] = ()


def report_alert(alert: Alert, document: Mapping[str, Any] | None = None) -> ReportAlert:
    """An alert with its rule and evidence; `document` replaces its plain document (e.g. one
    triage added context to)."""
    evidence = tuple((e.event_id, str(e.location)) for e in alert.evidence)
    return ReportAlert(document or alert_document(alert), alert.rule, evidence)


def report_alerts_from_documents(
    documents: Iterable[Mapping[str, Any]], rules: Sequence[Rule] = ()
) -> list[ReportAlert]:
    """Documents read back (NDJSON), each matched to its rule by `kibana.alert.rule.rule_id`."""
    by_id = {rule.rule_id: rule for rule in rules}
    return [
        ReportAlert(document, by_id.get(str(document.get("kibana.alert.rule.rule_id"))))
        for document in documents
    ]
