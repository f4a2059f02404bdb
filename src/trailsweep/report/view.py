"""One alert as the report shows it: a format-neutral view built from its document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trailsweep.report import fields as f
from trailsweep.report.chart import Chart, layout_chart, seconds_from_timestamps
from trailsweep.report.context import AccessKey, TriageContext, UserAgent, read_context
from trailsweep.report.inputs import ReportAlert
from trailsweep.triage.access_keys import key_kind

PRINCIPAL = ("aws.cloudtrail.user_identity.arn",)
SOURCE_IP = ("source.ip",)
WINDOW = ("Esql.time_window_date_trunc",)
BUCKET_COUNT = ("Esql.bucket_arn_count_distinct",)
BUCKETS = ("Esql.aws_cloudtrail_resources_arn_values", "aws.cloudtrail.resources.arn")
ACTIONS = ("Esql.event_action_values", "event.action")
TIMESTAMPS = ("Esql.timestamp_values", "@timestamp")
ACCESS_KEYS = (
    "Esql.aws_cloudtrail_user_identity_access_key_id_values",
    "aws.cloudtrail.user_identity.access_key_id",
)
IDENTITY_TYPES = (
    "Esql.aws_cloudtrail_user_identity_type_values",
    "aws.cloudtrail.user_identity.type",
)
USER_AGENTS = ("Esql.user_agent_original_values", "user_agent.original")
ASN_ORGS = ("Esql.source_as_organization_name_values", "source.as.organization.name")
ACCOUNTS = ("Esql.cloud_account_id_values", "cloud.account.id")
REGIONS = ("Esql.cloud_region_values", "cloud.region")


@dataclass(frozen=True)
class EvidenceRow:
    """One CloudTrail event behind the alert and where its record was read."""

    event_id: str
    locations: tuple[str, ...]


@dataclass(frozen=True)
class AlertView:
    """Everything one alert's section shows, as plain values (the template escapes them)."""

    number: int
    uuid: str | None
    rule_name: str
    rule_id: str | None
    severity: str | None
    risk_score: int | None
    risk_base: int | None
    risk_reasons: tuple[str, ...]
    principals: tuple[str, ...]
    source_ips: tuple[str, ...]
    window: str | None
    burst_start: str | None
    burst_end: str | None
    bucket_count: int | None
    buckets: tuple[str, ...]
    actions: tuple[str, ...]
    identity_types: tuple[str, ...]
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    access_keys: tuple[AccessKey, ...]
    user_agents: tuple[UserAgent, ...]
    asn_organizations: tuple[str, ...]
    chart: Chart
    chart_from_context: bool
    context: TriageContext | None
    note: str
    description: str
    evidence: tuple[EvidenceRow, ...]
    fields: tuple[tuple[str, str], ...]
    """Every result column, as text, for whatever the sections above do not show."""

    @property
    def anchor(self) -> str:
        """The section's id (made from the position, never from data)."""
        return f"alert-{self.number}"

    @property
    def severity_class(self) -> str:
        """The severity as a CSS class name (one of a fixed set, whatever the rule says)."""
        known = ("low", "medium", "high", "critical")
        return self.severity if self.severity in known else "unknown"

    @property
    def principal(self) -> str | None:
        """The principal the alert is about (the first, when several)."""
        return self.principals[0] if self.principals else None

    @property
    def source_ip(self) -> str | None:
        """The source address the alert is about (the first, when several)."""
        return self.source_ips[0] if self.source_ips else None


def alert_views(alerts: Sequence[ReportAlert]) -> list[AlertView]:
    """The views of the alerts, numbered from 1 in the order given."""
    return [alert_view(number, alert) for number, alert in enumerate(alerts, start=1)]


def alert_view(number: int, alert: ReportAlert) -> AlertView:
    """One alert's view: its result columns, with the triage context where it was computed."""
    doc = alert.document
    context = read_context(doc)
    rule = alert.rule
    times = sorted(t for t in (f.timestamp(v) for v in _values(doc, TIMESTAMPS)) if t)
    if context is not None and context.burst is not None:
        chart = layout_chart(context.burst, "buckets per second")
    else:
        chart = layout_chart(seconds_from_timestamps(times), "distinct event times per second")
    risk = context.risk if context else None
    return AlertView(
        number=number,
        uuid=f.text(doc.get("kibana.alert.uuid")),
        rule_name=f.text(doc.get("kibana.alert.rule.name")) or (rule.name if rule else "rule"),
        rule_id=f.text(doc.get("kibana.alert.rule.rule_id")),
        severity=f.text(doc.get("kibana.alert.severity")),
        risk_score=_risk_score(doc, context),
        risk_base=risk.base if risk else None,
        risk_reasons=risk.reasons if risk else (),
        principals=_merged(_values(doc, PRINCIPAL), context.principal_arns if context else ()),
        source_ips=_merged(_values(doc, SOURCE_IP), context.source_ips if context else ()),
        window=f.text(_value(doc, WINDOW)),
        burst_start=f"{times[0]:%Y-%m-%d %H:%M:%S} UTC" if times else None,
        burst_end=f"{times[-1]:%Y-%m-%d %H:%M:%S} UTC" if times else None,
        bucket_count=f.integer(_value(doc, BUCKET_COUNT)),
        buckets=_values(doc, BUCKETS),
        actions=_values(doc, ACTIONS),
        identity_types=_values(doc, IDENTITY_TYPES),
        accounts=_values(doc, ACCOUNTS),
        regions=_values(doc, REGIONS),
        access_keys=_access_keys(doc, context),
        user_agents=_user_agents(doc, context),
        asn_organizations=_merged(
            (context.asn_organization,) if context and context.asn_organization else (),
            _values(doc, ASN_ORGS),
        ),
        chart=chart,
        chart_from_context=context is not None and context.burst is not None,
        context=context,
        note=rule.note if rule else "",
        description=rule.description if rule else "",
        evidence=_evidence(doc, alert.evidence),
        fields=_fields(doc),
    )


def _risk_score(doc: Mapping[str, Any], context: TriageContext | None) -> int | None:
    """Triage's score when it computed one, else the rule's."""
    if context is not None and context.risk is not None and context.risk.score is not None:
        return context.risk.score
    return f.integer(doc.get("kibana.alert.risk_score"))


def _value(doc: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if doc.get(name) is not None:
            return doc[name]
    return None


def _values(doc: Mapping[str, Any], names: Sequence[str]) -> tuple[str, ...]:
    return f.texts(_value(doc, names))


def _merged(*groups: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _access_keys(doc: Mapping[str, Any], context: TriageContext | None) -> tuple[AccessKey, ...]:
    if context is not None and context.access_keys:
        return context.access_keys
    return tuple(AccessKey(key, key_kind(key)) for key in _values(doc, ACCESS_KEYS))


def _user_agents(doc: Mapping[str, Any], context: TriageContext | None) -> tuple[UserAgent, ...]:
    if context is not None and context.user_agents:
        return context.user_agents
    return tuple(UserAgent(agent) for agent in _values(doc, USER_AGENTS))


def _evidence(
    doc: Mapping[str, Any], pairs: Sequence[tuple[str | None, str]]
) -> tuple[EvidenceRow, ...]:
    locations: dict[str, list[str]] = {}
    for event_id, location in pairs:
        locations.setdefault(event_id or "(no eventID)", []).append(location)
    for event_id in f.texts(doc.get("trailsweep.evidence.event_ids")):
        locations.setdefault(event_id, [])
    if not pairs:
        # A document read back alone does not pair its ids with its records: list the records.
        for location in f.texts(doc.get("trailsweep.evidence.records")):
            locations.setdefault("(records read)", []).append(location)
    return tuple(EvidenceRow(k, tuple(v)) for k, v in sorted(locations.items()))


def _fields(doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    shown: list[tuple[str, str]] = []
    for name, value in doc.items():
        if name.startswith(("kibana.", "trailsweep.", "threat")):
            continue
        rendered = ", ".join(f.texts(value)) if not isinstance(value, Mapping) else ""
        shown.append((name, rendered or "—"))
    return tuple(shown)
