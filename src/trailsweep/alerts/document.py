"""The alert as a flat JSON document: ES|QL columns plus Elastic's alert fields and evidence."""

from __future__ import annotations

from typing import Any

from trailsweep.alerts.model import Alert


def alert_document(alert: Alert) -> dict[str, Any]:
    """Every result column under its ES|QL name, the rule's identity under Elastic's
    `kibana.alert.*` names, the stable id, the evidence under `trailsweep.evidence.*`, and the
    triage context under `trailsweep.context` when it was computed."""
    rule = alert.rule
    document: dict[str, Any] = dict(alert.values)
    document.update(
        {
            "kibana.alert.uuid": alert.uuid,
            "kibana.alert.rule.rule_id": rule.rule_id,
            "kibana.alert.rule.name": rule.name,
            "kibana.alert.rule.version": rule.version,
            "kibana.alert.rule.type": rule.language,
            "kibana.alert.severity": rule.severity,
            "kibana.alert.risk_score": rule.risk_score,
            "threat": rule.threat_as_elastic(),
            "trailsweep.rule.parameters": dict(alert.parameters),
            "trailsweep.evidence.event_ids": list(alert.event_ids),
            "trailsweep.evidence.records": [str(e.location) for e in alert.evidence],
        }
    )
    if alert.context is not None:
        document["trailsweep.context"] = dict(alert.context)
    return document
