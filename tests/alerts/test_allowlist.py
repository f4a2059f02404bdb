"""Allowlists: loading (errors at file:line:column), matching, expiry, drop and suppress modes."""

from __future__ import annotations

import ipaddress
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.builders import ACCOUNT, USER_ARN, Counter, posture_record, sweep
from trailsweep.alerts.allowlist import (
    ACCOUNT_FIELD,
    ISSUER_FIELD,
    PRINCIPAL_FIELD,
    SOURCE_IP_FIELD,
    USER_AGENT_FIELD,
    Allowlist,
    AllowlistEntry,
    AllowlistError,
    Glob,
    expiry_warning,
)
from trailsweep.alerts.allowlist_loader import load_allowlist_text, load_allowlists
from trailsweep.alerts.ledger import ledger_document
from trailsweep.errors import Location
from trailsweep.pipeline import ScanOptions, ScanReport, scan
from trailsweep.rules import bundled_rules

RULE_ID = "a7577205-88a1-4a08-85d4-7b72a9a2e969"
CLI_AGENT = "[aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.1 md/arch#x86_64]"
SCANNER_AGENT = "prowler/4.2.0 (aws-sdk-python)"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/audit/prowler-scan"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/prowler-scan/nightly"

HEADER = """[[entry]]
id = "e1"
owner = "secops@example.com"
reason = "approved scanner"
expires = 2026-09-30
mode = "suppress"
"""


def entry(**fields: Any) -> AllowlistEntry:
    base: dict[str, Any] = {
        "id": "e1",
        "owner": "secops@example.com",
        "reason": "approved scanner",
        "expires": date(2026, 9, 30),
        "mode": "suppress",
        "location": Location("allow.toml", 1, 1),
    }
    base.update(fields)
    return AllowlistEntry(**base)


# --- loading -----------------------------------------------------------------------------------


def test_loads_every_matcher_kind() -> None:
    text = HEADER + (
        'principal_arn = ["arn:aws:sts::*:assumed-role/prowler-*/*", "arn:aws:iam::*:user/x"]\n'
        'session_issuer_arn = "arn:aws:iam::*:role/audit/*"\n'
        'source_ip = ["10.20.0.0/16", "2001:db8::/32", "203.0.113.7"]\n'
        'user_agent = "prowler/*"\n'
        f'account = "{ACCOUNT}"\n'
        f'rules = ["{RULE_ID}"]\n'
    )
    (loaded,) = load_allowlist_text(text, "allow.toml").entries
    assert loaded == entry(
        principal_arn=(
            Glob("arn:aws:sts::*:assumed-role/prowler-*/*"),
            Glob("arn:aws:iam::*:user/x"),
        ),
        session_issuer_arn=(Glob("arn:aws:iam::*:role/audit/*"),),
        source_ip=(
            ipaddress.ip_network("10.20.0.0/16"),
            ipaddress.ip_network("2001:db8::/32"),
            ipaddress.ip_network("203.0.113.7/32"),
        ),
        user_agent=(Glob("prowler/*"),),
        account=(ACCOUNT,),
        rules=(RULE_ID,),
    )
    assert loaded.matched_fields() == (
        PRINCIPAL_FIELD,
        ISSUER_FIELD,
        SOURCE_IP_FIELD,
        USER_AGENT_FIELD,
        ACCOUNT_FIELD,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + 'source_ip = "10.0.0.1/8"\n',
            "allow.toml:7:13: 'source_ip' '10.0.0.1/8' is not an address or CIDR: "
            "10.0.0.1/8 has host bits set",
        ),
        (
            HEADER + 'principle_arn = "x"\n',
            "allow.toml:7:17: unknown key 'principle_arn' (known: account, expires, id, mode, "
            "owner, principal_arn, reason, rules, session_issuer_arn, source_ip, user_agent)",
        ),
        (
            HEADER,
            "allow.toml:1:1: entry matches nothing: give at least one of principal_arn, "
            "session_issuer_arn, source_ip, user_agent, account",
        ),
        (
            HEADER.replace('mode = "suppress"', 'mode = "mute"') + 'account = "111122223333"\n',
            "allow.toml:6:8: 'mode' must be \"drop\" or \"suppress\", not 'mute'",
        ),
        (
            HEADER + "account = 111122223333\n",
            "allow.toml:7:11: 'account' must be a string or a list of non-empty strings "
            "(quote account ids: they can start with 0)",
        ),
        (
            HEADER + 'account = "1234"\n',
            "allow.toml:7:11: 'account' '1234' is not a 12-digit AWS account id",
        ),
        (
            HEADER.replace("expires = 2026-09-30", 'expires = "soon"')
            + 'account = "111122223333"\n',
            "allow.toml:5:11: 'expires' must be a date such as 2026-09-30, not 'soon'",
        ),
        (
            HEADER.replace('owner = "secops@example.com"\n', "") + 'account = "111122223333"\n',
            "allow.toml:1:1: entry has no 'owner' (every entry needs id, owner, reason, "
            "expires, mode)",
        ),
        (
            "\n[[entry]]\nid = \n",
            "allow.toml:3:6: invalid TOML: Invalid value (at line 3, column 6)",
        ),
    ],
)
def test_errors_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(AllowlistError) as caught:
        load_allowlist_text(text, "allow.toml")
    assert str(caught.value) == message


def test_an_entry_id_used_in_two_files_is_an_error(tmp_path: Path) -> None:
    body = HEADER + 'account = "111122223333"\n'
    (tmp_path / "a.toml").write_text(body)
    (tmp_path / "b.toml").write_text("# second file\n" + body)
    with pytest.raises(AllowlistError) as caught:
        load_allowlists([tmp_path / "a.toml", tmp_path / "b.toml"])
    assert str(caught.value) == (
        f"{tmp_path / 'b.toml'}:2:1: entry id 'e1' is already used at {tmp_path / 'a.toml'}:1:1"
    )


# --- matching ----------------------------------------------------------------------------------


def test_globs_treat_only_star_and_question_mark_as_special() -> None:
    assert Glob("[aws-cli/*").matches(CLI_AGENT)
    assert not Glob("[aws-cli/*").matches("aws-cli/2.17.60")
    assert Glob("arn:aws:iam::11112222333?:user/*").matches(USER_ARN)
    assert not Glob("arn:aws:iam::*:USER/*").matches(USER_ARN)  # case-sensitive
    assert not Glob("arn:aws:iam::*:user/mal").matches(USER_ARN)  # whole value


def test_cidr_matching_v4_v6_and_non_addresses() -> None:
    allowed = entry(
        source_ip=(ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("2001:db8::/32"))
    )
    assert allowed.matches({SOURCE_IP_FIELD: "10.20.255.1"})
    assert not allowed.matches({SOURCE_IP_FIELD: "10.21.0.1"})
    assert allowed.matches({SOURCE_IP_FIELD: "2001:db8:1::5"})
    assert not allowed.matches({SOURCE_IP_FIELD: "2001:db9::5"})
    assert not allowed.matches({SOURCE_IP_FIELD: "s3.amazonaws.com"})
    assert not allowed.matches({})


def test_every_matcher_must_hold_and_a_list_holds_only_when_each_value_does() -> None:
    scanner = entry(account=(ACCOUNT,), user_agent=(Glob("prowler/*"),))
    assert scanner.matches({ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: SCANNER_AGENT})
    assert not scanner.matches({ACCOUNT_FIELD: "999988887777", USER_AGENT_FIELD: SCANNER_AGENT})
    assert not scanner.matches({ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: CLI_AGENT})
    assert scanner.matches({ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: [SCANNER_AGENT]})
    assert not scanner.matches(
        {ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: [CLI_AGENT, SCANNER_AGENT]}
    )
    assert not scanner.matches({ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: []})
    assert not scanner.matches({ACCOUNT_FIELD: ACCOUNT, USER_AGENT_FIELD: None})


def test_rule_restriction() -> None:
    assert entry(rules=()).applies_to(RULE_ID)
    assert entry(rules=(RULE_ID,)).applies_to(RULE_ID)
    assert entry(rules=("My rule",)).applies_to(RULE_ID, "My rule")
    assert not entry(rules=("another-rule",)).applies_to(RULE_ID, "My rule")


# --- expiry ------------------------------------------------------------------------------------


def test_an_entry_holds_through_its_expiry_day_then_warns() -> None:
    live, lapsed = entry(id="live"), entry(id="lapsed", expires=date(2026, 3, 13))
    allowlist = Allowlist((live, lapsed))
    assert allowlist.in_force(date(2026, 3, 13)) == (allowlist, ())
    assert allowlist.in_force(date(2026, 3, 14)) == (Allowlist((live,)), (lapsed,))
    assert expiry_warning(lapsed) == (
        "allow.toml:1:1: allowlist entry 'lapsed' (owner secops@example.com) expired on "
        "2026-03-13 and no longer applies; renew or remove it"
    )


# --- scans: drop and suppress ------------------------------------------------------------------


def _day(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def _burst(folder: Path) -> Path:
    """17 distinct buckets in one window: 15 with the AWS CLI, the last 2 with a scanner."""
    ids = Counter()
    records = sweep(ids, 15)
    records += [
        posture_record(ids, f"bucket-{i:03d}", second=5.0 + i * 0.1, userAgent=SCANNER_AGENT)
        for i in (15, 16)
    ]
    return _day(folder, records)


def _scan(folder: Path, *entries: AllowlistEntry, jobs: int | None = None) -> ScanReport:
    options = ScanOptions(allowlist=Allowlist(entries), jobs=jobs)
    return scan([folder], bundled_rules(), options)


def test_without_an_allowlist_the_burst_alerts(tmp_path: Path) -> None:
    report = _scan(_burst(tmp_path))
    (alert,) = report.alerts
    assert alert.values["Esql.bucket_arn_count_distinct"] == 17
    assert alert.values["Esql.user_agent_original_values"] == [CLI_AGENT, SCANNER_AGENT]
    assert report.suppressed == ()
    assert report.summary.records_allowlisted == 0


def test_drop_brings_the_burst_under_the_threshold(tmp_path: Path) -> None:
    scanner = entry(id="scanner-ua", mode="drop", user_agent=(Glob("prowler/*"),))
    report = _scan(_burst(tmp_path), scanner)
    assert report.alerts == ()
    assert report.suppressed == ()
    summary = report.summary
    assert (summary.records_read, summary.records_evaluated, summary.total_rejected) == (17, 17, 0)
    assert summary.records_allowlisted == 2
    assert summary.allowlist_hits == {"scanner-ua": 2}
    assert summary.as_json()["records"]["dropped_by_allowlist"] == 2


def test_drop_in_worker_processes_gives_the_same_result(tmp_path: Path) -> None:
    folder = _burst(tmp_path / "a")
    _day(tmp_path / "b", sweep(Counter(), 3, source_ip="203.0.113.9"))
    scanner = entry(id="scanner-ua", mode="drop", user_agent=(Glob("prowler/*"),))
    report = scan(
        [folder, tmp_path / "b"],
        bundled_rules(),
        ScanOptions(allowlist=Allowlist((scanner,)), jobs=2),
    )
    assert report.alerts == ()
    assert report.summary.records_allowlisted == 2


def test_suppress_keeps_the_alert_in_the_ledger(tmp_path: Path) -> None:
    mallory = entry(id="mallory-audit", principal_arn=(Glob("arn:aws:iam::*:user/mallory"),))
    report = _scan(_burst(tmp_path), mallory)
    assert report.alerts == ()
    (suppressed,) = report.suppressed
    assert suppressed.entry is mallory
    assert suppressed.alert.values["Esql.bucket_arn_count_distinct"] == 17
    assert report.summary.alerts == {}
    assert report.summary.alerts_suppressed == {RULE_ID: 1}
    assert report.summary.allowlist_hits == {"mallory-audit": 1}
    assert report.summary.records_allowlisted == 0
    line = ledger_document(suppressed)
    assert line["kibana.alert.uuid"] == suppressed.alert.uuid
    assert line["trailsweep.suppressed_by"] == {
        "id": "mallory-audit",
        "owner": "secops@example.com",
        "reason": "approved scanner",
        "expires": "2026-09-30",
        "mode": "suppress",
        "location": "allow.toml:1:1",
    }


def test_suppress_needs_every_value_of_the_alert_to_match(tmp_path: Path) -> None:
    scanner = entry(id="scanner-ua", user_agent=(Glob("prowler/*"),))
    report = _scan(_burst(tmp_path), scanner)
    assert len(report.alerts) == 1 and report.suppressed == ()


def test_suppress_by_cidr_and_account(tmp_path: Path) -> None:
    network = entry(
        id="office", source_ip=(ipaddress.ip_network("198.51.100.0/24"),), account=(ACCOUNT,)
    )
    elsewhere = entry(id="elsewhere", source_ip=(ipaddress.ip_network("198.51.101.0/24"),))
    report = _scan(_burst(tmp_path), elsewhere, network)
    assert report.alerts == ()
    assert [s.entry.id for s in report.suppressed] == ["office"]


def test_an_entry_for_another_rule_does_nothing(tmp_path: Path) -> None:
    other = entry(mode="drop", rules=("another-rule",), principal_arn=(Glob("*"),))
    report = _scan(_burst(tmp_path), other)
    assert len(report.alerts) == 1
    assert report.summary.records_allowlisted == 0


def test_an_expired_entry_does_not_apply(tmp_path: Path) -> None:
    lapsed = entry(id="lapsed", mode="drop", expires=date(2026, 3, 13), principal_arn=(Glob("*"),))
    live, expired = Allowlist((lapsed,)).in_force(date(2026, 3, 14))
    assert expired == (lapsed,)
    report = scan([_burst(tmp_path)], bundled_rules(), ScanOptions(allowlist=live))
    assert len(report.alerts) == 1
    assert report.summary.records_allowlisted == 0


def _assumed_role_burst(folder: Path) -> Path:
    ids = Counter()
    identity = {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLE:nightly",
        "arn": SESSION_ARN,
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE",
                "arn": ROLE_ARN,
                "accountId": ACCOUNT,
                "userName": "prowler-scan",
            },
            "attributes": {"creationDate": "2026-03-14T09:00:00Z", "mfaAuthenticated": "false"},
        },
    }
    return _day(folder, [{**r, "userIdentity": identity} for r in sweep(ids, 20)])


def test_drop_by_session_issuer(tmp_path: Path) -> None:
    folder = _assumed_role_burst(tmp_path)
    assert len(_scan(folder).alerts) == 1
    issuer = entry(id="prowler-role", mode="drop", session_issuer_arn=(Glob("*:role/audit/*"),))
    report = _scan(folder, issuer)
    assert report.alerts == ()
    assert report.summary.records_allowlisted == 20


def test_suppress_by_session_issuer_warns_that_alerts_lack_the_field(tmp_path: Path) -> None:
    folder = _assumed_role_burst(tmp_path)
    issuer = entry(id="prowler-role", session_issuer_arn=(Glob("*:role/audit/*"),))
    messages: list[tuple[str, str]] = []
    options = ScanOptions(allowlist=Allowlist((issuer,)))
    report = scan([folder], bundled_rules(), options, lambda *m: messages.append(m))
    assert len(report.alerts) == 1 and report.suppressed == ()
    assert messages == [
        (
            "warning",
            "allowlist entry 'prowler-role' tests a field that alerts of rule 'AWS S3 Rapid "
            "Bucket Posture API Calls from a Single Principal' do not carry, so it cannot "
            'suppress them (use mode "drop", or match on the principal ARN instead of the '
            "session issuer)",
        )
    ]
    by_session = entry(id="prowler-session", principal_arn=(Glob("*:assumed-role/prowler-*/*"),))
    assert len(_scan(folder, by_session).suppressed) == 1
