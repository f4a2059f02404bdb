"""Allowlists in the watcher: drop-mode entries remove events before counting, suppress-mode
entries keep alerts back (said once, counted in the health), and an entry stops applying on the
day it expires, without a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from tests.scenarios.builders import posture_record, sweep
from tests.schedule.deliveries import deliver
from tests.watch.test_watcher import Harness, drain
from trailsweep.alerts.allowlist_loader import load_allowlist_text
from trailsweep.rules import bundled_rules
from trailsweep.sinks.alert_file import AlertFileSink
from trailsweep.sources.watch.folder import FolderSource
from trailsweep.watch import Watcher, WatchState

ENTRY = """[[entry]]
id = "{id}"
owner = "secops@example.com"
reason = "approved scanner"
expires = {expires}
mode = "{mode}"
{matcher}
"""


def _watch(harness: Harness, text: str, today: date) -> Watcher:
    options = harness.options.__class__(allowlist=load_allowlist_text(text, "allow.toml"))
    report = lambda level, message: harness.messages.append((level, message))  # noqa: E731
    clock = lambda: datetime(today.year, today.month, today.day, 12, tzinfo=UTC)  # noqa: E731
    return Watcher(
        FolderSource(harness.inbox, settle_seconds=0),
        WatchState(harness.state_dir),
        bundled_rules(),
        [AlertFileSink(harness.alerts_path, report)],
        options,
        report,
        clock,
    )


def _day(harness: Harness) -> None:
    burst = sweep(harness.ids, 17)
    for record in burst[:2]:
        record["userAgent"] = "prowler/4.2.0 (aws-sdk-python)"
    deliver(harness.inbox, burst, "1005", "a")
    later = posture_record(harness.ids, "other", second=1800.0, source_ip="203.0.113.9")
    deliver(harness.inbox, [later], "1031", "b")


def test_a_drop_entry_takes_events_out_before_counting(tmp_path: Path) -> None:
    # Two of the 17 calls come from the scanner a drop entry covers: 15 are left, no alert.
    harness = Harness(tmp_path)
    _day(harness)
    text = ENTRY.format(id="prowler", expires="2026-12-31", mode="drop",
                        matcher='user_agent = "prowler/*"')  # fmt: skip
    drain(_watch(harness, text, date(2026, 3, 14)))
    assert harness.lines() == []


def test_a_drop_entry_for_another_rule_changes_nothing(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    _day(harness)
    matcher = 'user_agent = "prowler/*"\nrules = ["some-other-rule"]'
    text = ENTRY.format(id="prowler", expires="2026-12-31", mode="drop", matcher=matcher)
    drain(_watch(harness, text, date(2026, 3, 14)))
    (line,) = harness.lines()
    assert line["Esql.bucket_arn_count_distinct"] == 17


def test_a_suppressed_alert_is_kept_back_and_said_once(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    _day(harness)
    text = ENTRY.format(
        id="scanner", expires="2026-12-31", mode="suppress",
        matcher='principal_arn = "arn:aws:iam::111122223333:user/mallory"',
    )  # fmt: skip
    watcher = _watch(harness, text, date(2026, 3, 14))
    try:
        while watcher.step():
            pass
        watcher.step()  # evaluated again: not said again
        assert watcher.health().alerts_suppressed == 1
        assert watcher.health().alerts_created == 0
    finally:
        watcher.close()
        watcher.state.close()
    assert harness.lines() == []
    said = [m for level, m in harness.messages if level == "info" and "suppressed" in m]
    assert len(said) == 1 and "'scanner' (owner secops@example.com)" in said[0]


def test_an_entry_stops_applying_on_the_day_it_expires(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    _day(harness)
    text = ENTRY.format(
        id="temporary", expires="2026-03-13", mode="drop",
        matcher='principal_arn = "arn:aws:iam::111122223333:user/mallory"',
    )  # fmt: skip
    drain(_watch(harness, text, date(2026, 3, 14)))
    (line,) = harness.lines()
    assert line["Esql.bucket_arn_count_distinct"] == 17
    warnings = [m for level, m in harness.messages if level == "warning"]
    assert any("'temporary'" in m and "expired" in m for m in warnings)
