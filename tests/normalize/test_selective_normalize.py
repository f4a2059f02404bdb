"""Normalizing for a field selection (`NormalizeOptions.wanted`) skips the steps no wanted field
reads, and changes nothing else: for every record and every selection, the selected fields of
its flattened document, its rejection reason and its warnings are those of a full
normalization."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED_DIR
from tests.normalize.cloudtrail_strategies import raw_records
from trailsweep.alerts.allowlist import MATCHED_FIELDS
from trailsweep.engine.plan import plan_rules
from trailsweep.engine.table import select_fields
from trailsweep.normalize import (
    FieldSelection,
    NormalizeOptions,
    RecordRejected,
    flatten_document,
    normalize_record,
    open_geoip,
)
from trailsweep.normalize.needs import EVERYTHING, needs_of
from trailsweep.rules import bundled_rules, load_rules

Selection = tuple[tuple[str, ...], tuple[str, ...]]
"""(fields, KEEP patterns), as a reader's spec holds them."""

FIELDS = (
    "@timestamp ecs.version event.id event.action event.provider event.outcome event.kind "
    "event.type event.category event.dataset event.module event.original cloud.account.id "
    "cloud.region cloud.provider cloud.service.name source.address source.ip source.geo "
    "source.geo.city_name source.geo.country_iso_code source.geo.location source.as.number "
    "source.as.organization.name related.ip related.user user.id user.name user.target.id "
    "user.target.name user.changes.name group.id group.name user_agent user_agent.original "
    "user_agent.name user_agent.version user_agent.os.name user_agent.os.full "
    "user_agent.device.name aws.cloudtrail.user_identity.type aws.cloudtrail.user_identity.arn "
    "aws.cloudtrail.user_identity.access_key_id aws.cloudtrail.user_identity.invoked_by "
    "aws.cloudtrail.user_identity.session_context.creation_date "
    "aws.cloudtrail.user_identity.session_context.session_issuer.arn "
    "aws.cloudtrail.request_parameters aws.cloudtrail.response_elements "
    "aws.cloudtrail.additional_eventdata aws.cloudtrail.service_event_details "
    "aws.cloudtrail.resources.arn aws.cloudtrail.resources.account_id "
    "aws.cloudtrail.resources.x.y aws.cloudtrail.read_only aws.cloudtrail.error_code "
    "aws.cloudtrail.session_credential_from_console aws.cloudtrail.flattened.request_parameters "
    "aws.cloudtrail.console_login.additional_eventdata.mfa_used "
    "aws.cloudtrail.console_login.additional_eventdata.mobile_version "
    "tls.version tls.client.server_name data_stream.namespace"
).split()
"""Fields normalization writes (or could), and a few objects and unreadable fields."""

PATTERNS = (
    "*",
    "aws.*",
    "user_agent.*",
    "user_agent.os.*",
    "source.*",
    "source.geo.*",
    "related.*",
    "user*",
    "group.*",
    "*.name",
    "aws.cloudtrail.request_param*",
    "aws.cloudtrail.console_login.*",
    "aws.cloudtrail.resources.*",
    "tls.*",
)


def _rule_selections() -> list[Selection]:
    """What the readers of the bundled rule (with the allowlist's fields) and of Elastic's
    shared rules keep."""
    rules = bundled_rules()
    folder = SHARED_DIR / "rules" / "elastic-aws-esql"
    if folder.is_dir():
        rules += load_rules([folder])
    selections = []
    for plan in plan_rules(rules):
        fields = sorted({"event.id", "@timestamp"} | plan.source_fields)
        selections.append((tuple(fields), tuple(sorted(plan.source_patterns))))
    bundled = selections[0]
    selections.append((tuple(sorted({*bundled[0], *MATCHED_FIELDS})), ()))
    return selections


RULE_SELECTIONS = _rule_selections()
COARSE_SELECTIONS = RULE_SELECTIONS + [((), (pattern,)) for pattern in PATTERNS]
FIXED_SELECTIONS = COARSE_SELECTIONS + [((field,), ()) for field in FIELDS]


def _geo_databases() -> list[Any]:
    folder = SHARED_DIR / "fixtures" / "maxmind-test-db"
    if not folder.is_dir():
        return []
    return [
        open_geoip(folder / "GeoLite2-ASN-Test.mmdb"),
        open_geoip(folder / "GeoLite2-City-Test.mmdb"),
    ]


GEO = _geo_databases()

selections = st.one_of(
    st.sampled_from(FIXED_SELECTIONS),
    st.tuples(
        st.lists(st.sampled_from(FIELDS), max_size=6, unique=True).map(tuple),
        st.lists(st.sampled_from(PATTERNS), max_size=2, unique=True).map(tuple),
    ),
)
options = st.builds(
    NormalizeOptions,
    namespace=st.sampled_from(["default", "prod"]),
    asn_db=st.sampled_from([None, *GEO[:1], *GEO[:1]]),
    city_db=st.sampled_from([None, *GEO[1:], *GEO[1:]]),
    keep_original=st.booleans(),
)


def outcome(record: Any, options: NormalizeOptions, selection: Selection | None) -> Any:
    """What normalizing `record` gives: the rejection reason, or the warnings and the
    flattened document; for a `selection` (normalized and flattened for it), its fields."""
    wanted = FieldSelection(*selection) if selection is not None else None
    try:
        result = normalize_record(record, replace(options, wanted=wanted))
    except RecordRejected as exc:
        return ("rejected", exc.reason)
    flat = flatten_document(result.document, wanted)
    if selection is not None:
        flat = select_fields(flat, *selection)
    return ("normalized", result.warnings, list(flat.items()))


def assert_same(record: Any, options: NormalizeOptions, *selections: Selection) -> None:
    """For each of `selections`, selective normalization gives its reader what the full one
    gives: the same rejection, or the same warnings and selected fields (in order)."""
    full = outcome(record, options, None)
    for selection in selections:
        expected = full
        if full[0] == "normalized":
            selected = select_fields(dict(full[2]), *selection)
            expected = ("normalized", full[1], list(selected.items()))
        assert outcome(record, options, selection) == expected, (record, selection)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_records(), options, selections)
def test_selective_normalization_equals_full_normalization(
    record: Any, options: NormalizeOptions, selection: Selection
) -> None:
    assert_same(record, options, selection, *FIXED_SELECTIONS)


def _sign_ins() -> Iterator[dict[str, Any]]:
    """Console logins and other sign-in events: their outcome, login details and user name
    come from payloads, in every combination."""
    for name, result, error, user_name, identity in itertools.product(
        ("ConsoleLogin", "CheckMfa"),
        ("Success", "Failure", 7, None),
        (None, "Failed authentication"),
        ("alice", None),
        ({"type": "IAMUser", "userName": "bob"}, {"type": "Root"}, None),
    ):
        record: dict[str, Any] = {
            "eventTime": "2026-03-14T10:00:01Z",
            "eventSource": "signin.amazonaws.com",
            "eventName": name,
            "userIdentity": identity,
            "responseElements": {"ConsoleLogin": result},
            "additionalEventData": {
                "LoginTo": "https://console.aws.amazon.com/",
                "MobileVersion": "No",
                "MFAUsed": "Yes",
                "UserName": user_name,
            },
            "errorMessage": error,
        }
        yield record


def test_sign_in_events() -> None:
    for record in _sign_ins():
        assert_same(record, NormalizeOptions(), *FIXED_SELECTIONS)


def test_without_a_selection_every_step_runs() -> None:
    assert NormalizeOptions().needs == needs_of(None) == EVERYTHING


def test_the_bundled_rule_skips_the_costly_steps() -> None:
    fields, patterns = RULE_SELECTIONS[0]
    needs = needs_of(FieldSelection(fields, patterns))
    assert needs.user_agent and needs.asn and needs.resources
    assert not (needs.parsed_user_agent or needs.city or needs.original or needs.payloads)
    assert needs.console_payloads == {"response_elements"}  # a ConsoleLogin's event.outcome


def _lines(path: Path) -> Iterator[Any]:
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def _pipeline_records(shared_dir: Path) -> list[Any]:
    folder = shared_dir / "fixtures" / "elastic-cloudtrail-pipeline"
    return [record for log in sorted(folder.glob("test-*.log")) for record in _lines(log)]


def _dataset_records(shared_dir: Path) -> list[Any]:
    datasets = shared_dir / "fixtures" / "datasets"
    records: list[Any] = []
    for path in sorted((datasets / "DataDog__stratus-red-team").rglob("*.json")):
        records += json.loads(path.read_text("utf-8"))
    for path in sorted((datasets / "OTRF__Security-Datasets" / "datasets").rglob("*.json")):
        records += list(_lines(path))
    for path in sorted((datasets / "panther-labs__panther-analysis").glob("*.jsonl")):
        records += list(_lines(path))
    return records


def test_elastic_pipeline_fixtures(shared_dir: Path, geo_options: NormalizeOptions) -> None:
    records = _pipeline_records(shared_dir)
    assert records, "no Elastic pipeline fixtures found"
    for record in records:
        assert_same(record, geo_options, *FIXED_SELECTIONS)
        assert_same(record, NormalizeOptions(keep_original=True), *FIXED_SELECTIONS)


def test_public_datasets(shared_dir: Path, geo_options: NormalizeOptions) -> None:
    records = _dataset_records(shared_dir)
    assert len(records) > 800, "the shared datasets are missing records"
    for record in records:
        assert_same(record, geo_options, *COARSE_SELECTIONS)


def test_the_elastic_rule_cases() -> None:
    cases = Path(__file__).resolve().parents[1] / "elastic_rules" / "cases"
    # Each case's records differ mostly in ids and times: its first 50 show every shape.
    records = [r for path in sorted(cases.rglob("*.jsonl")) for r in list(_lines(path))[:50]]
    assert records
    options = NormalizeOptions(asn_db=GEO[0] if GEO else None, city_db=GEO[1] if GEO else None)
    for record in records:
        assert_same(record, options, *COARSE_SELECTIONS)
