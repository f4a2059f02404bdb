"""OCSF sink: each alert as an OCSF 1.x Detection Finding (class 2004), for Amazon Security Lake,
AWS Security Hub and other OCSF consumers.

The finding's uid is the alert's stable uuid, and its times are event times (never the clock),
so the same input always gives the same document and re-sending updates a finding instead of
adding one. Fields OCSF has no place for go under `unmapped`, under their ES|QL names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from trailsweep.alerts import Alert
from trailsweep.alerts.fields import alert_fields, as_list
from trailsweep.rules.model import Rule

OCSF_VERSION = "1.3.0"
CLASS_UID = 2004
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
TYPE_UID = CLASS_UID * 100 + ACTIVITY_CREATE

# Elastic's rule severities → OCSF severity_id (Informational 1 ... Critical 5).
SEVERITY_IDS = {"low": 2, "medium": 3, "high": 4, "critical": 5}
# OCSF observable type ids.
IP_ADDRESS = 2
RESOURCE_UID = 10
USER_AGENT = 16

PRINCIPAL = "aws.cloudtrail.user_identity.arn"
IDENTITY_TYPE = "aws.cloudtrail.user_identity.type"
ACCESS_KEY = "aws.cloudtrail.user_identity.access_key_id"
SOURCE_IP = "source.ip"
BUCKETS = "aws.cloudtrail.resources.arn"
ACTIONS = "event.action"
ACCOUNT = "cloud.account.id"
REGION = "cloud.region"
AGENT = "user_agent.original"
TIMESTAMP = "@timestamp"
_READ = (
    PRINCIPAL, IDENTITY_TYPE, ACCESS_KEY, SOURCE_IP, BUCKETS, ACTIONS, ACCOUNT, REGION, AGENT,
    TIMESTAMP,
)  # fmt: skip
WINDOW = "Esql.time_window_date_trunc"


def ocsf_finding(alert: Alert) -> dict[str, Any]:
    """One alert as an OCSF Detection Finding."""
    rule = alert.rule
    seen = alert_fields(alert, _READ)
    times = sorted(_epoch_ms(value) for value in as_list(seen.get(TIMESTAMP)))
    window = _epoch_ms(alert.values[WINDOW]) if alert.values.get(WINDOW) else None
    first = times[0] if times else window
    last = times[-1] if times else window
    severity = rule.severity.lower()
    severity_id = SEVERITY_IDS.get(severity, 99)
    finding: dict[str, Any] = {
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": TYPE_UID,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity.capitalize() if severity_id != 99 else rule.severity,
        "status_id": 1,
        "status": "New",
        "time": last if last is not None else 0,
        "message": _message(rule, seen),
        "risk_score": rule.risk_score,
        "metadata": _metadata(alert),
        "finding_info": _finding_info(alert, first, last),
    }
    cloud = _cloud(seen)
    if cloud:
        finding["cloud"] = cloud
    evidence = _evidence(seen)
    if evidence:
        finding["evidences"] = [evidence]
    resources = [
        {"uid": arn, "type": "AWS::S3::Bucket", "cloud_partition": arn.split(":")[1]}
        for arn in as_list(seen.get(BUCKETS))
        if isinstance(arn, str) and arn.count(":") >= 2
    ]
    if resources:
        finding["resources"] = resources
    observables = _observables(evidence, resources)
    if observables:
        finding["observables"] = observables
    finding["unmapped"] = _unmapped(alert)
    return finding


def write_ocsf(alerts: Iterable[Alert], stream: IO[bytes]) -> int:
    """Write each alert as one OCSF finding per line (NDJSON); returns how many."""
    count = 0
    for alert in alerts:
        stream.write(orjson.dumps(ocsf_finding(alert), option=orjson.OPT_APPEND_NEWLINE))
        count += 1
    return count


def _metadata(alert: Alert) -> dict[str, Any]:
    from trailsweep import __version__

    return {
        "version": OCSF_VERSION,
        "uid": alert.uuid,
        "product": {"name": "trailsweep", "vendor_name": "trailsweep", "version": __version__},
        "labels": list(alert.rule.tags),
    }


def _finding_info(alert: Alert, first: int | None, last: int | None) -> dict[str, Any]:
    rule = alert.rule
    info: dict[str, Any] = {
        "uid": alert.uuid,
        "title": rule.name,
        "desc": rule.description,
        "types": sorted({f"TTPs/{threat.tactic.name}" for threat in rule.threat}),
        "analytic": {
            "uid": rule.rule_id,
            "name": rule.name,
            "type": "Rule",
            "type_id": 1,
            "version": rule.version,
        },
        "data_sources": ["aws.cloudtrail"],
        "attacks": _attacks(rule),
        "related_events": [{"uid": event_id} for event_id in alert.event_ids],
    }
    if first is not None and last is not None:
        info["first_seen_time"] = first
        info["last_seen_time"] = last
        info["created_time"] = last
    return info


def _attacks(rule: Rule) -> list[dict[str, Any]]:
    attacks: list[dict[str, Any]] = []
    for threat in rule.threat:
        tactic = {"uid": threat.tactic.id, "name": threat.tactic.name}
        if not threat.techniques:
            attacks.append({"tactic": tactic})
        for technique in threat.techniques:
            attacks.append(
                {"tactic": tactic, "technique": {"uid": technique.id, "name": technique.name}}
            )
    return attacks


def _cloud(seen: Mapping[str, Any]) -> dict[str, Any]:
    accounts = as_list(seen.get(ACCOUNT))
    regions = as_list(seen.get(REGION))
    if not accounts and not regions:
        return {}
    cloud: dict[str, Any] = {"provider": "AWS"}
    if len(accounts) == 1:
        cloud["account"] = {"uid": accounts[0], "type": "AWS Account", "type_id": 10}
    if len(regions) == 1:
        cloud["region"] = regions[0]
    return cloud


def _evidence(seen: Mapping[str, Any]) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    principals = as_list(seen.get(PRINCIPAL))
    if len(principals) == 1:
        user: dict[str, Any] = {"uid": principals[0]}
        types = as_list(seen.get(IDENTITY_TYPE))
        if len(types) == 1:
            user["type"] = types[0]
        evidence["actor"] = {"user": user}
    addresses = as_list(seen.get(SOURCE_IP))
    if len(addresses) == 1:
        evidence["src_endpoint"] = {"ip": addresses[0]}
    data = {
        key: as_list(seen.get(field))
        for key, field in (
            ("bucket_arns", BUCKETS),
            ("event_actions", ACTIONS),
            ("access_key_ids", ACCESS_KEY),
            ("user_agents", AGENT),
        )
        if seen.get(field) is not None
    }
    if data:
        evidence["data"] = data
    return evidence


def _observables(
    evidence: Mapping[str, Any], resources: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    observables: list[dict[str, Any]] = []
    user = evidence.get("actor", {}).get("user")
    if user is not None:
        observables.append(_observable("evidences[0].actor.user.uid", RESOURCE_UID, user["uid"]))
    endpoint = evidence.get("src_endpoint")
    if endpoint is not None:
        observables.append(_observable("evidences[0].src_endpoint.ip", IP_ADDRESS, endpoint["ip"]))
    for agent in evidence.get("data", {}).get("user_agents", []):
        observables.append(_observable("evidences[0].data.user_agents", USER_AGENT, agent))
    for index, resource in enumerate(resources):
        observables.append(_observable(f"resources[{index}].uid", RESOURCE_UID, resource["uid"]))
    return observables


def _observable(name: str, type_id: int, value: Any) -> dict[str, Any]:
    kinds = {IP_ADDRESS: "IP Address", RESOURCE_UID: "Resource UID", USER_AGENT: "HTTP User-Agent"}
    return {"name": name, "type_id": type_id, "type": kinds[type_id], "value": str(value)}


def _message(rule: Rule, seen: Mapping[str, Any]) -> str:
    principals, addresses = as_list(seen.get(PRINCIPAL)), as_list(seen.get(SOURCE_IP))
    if len(principals) == 1 and len(addresses) == 1:
        return f"{rule.name}: {principals[0]} from {addresses[0]}"
    return rule.name


def _unmapped(alert: Alert) -> dict[str, Any]:
    unmapped: dict[str, Any] = dict(alert.values)
    unmapped["kibana.alert.rule.rule_id"] = alert.rule.rule_id
    unmapped["kibana.alert.risk_score"] = alert.rule.risk_score
    unmapped["trailsweep.rule.parameters"] = dict(alert.parameters)
    unmapped["trailsweep.evidence.event_ids"] = list(alert.event_ids)
    unmapped["trailsweep.evidence.records"] = [str(e.location) for e in alert.evidence]
    return unmapped


def _epoch_ms(value: Any) -> int:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
