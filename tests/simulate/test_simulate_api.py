"""Public surface, argument checks, determinism and the delivery options."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import trailsweep.simulate as simulate
from trailsweep.simulate import DeliveryOptions, Manifest, simulate_day

from .conftest import SimulatedDay
from .trail_files import epoch, log_files, records_by_file


def _small(root: Path, **kwargs: Any) -> Manifest:
    """A cheap day: one account, one region, 3 000 events."""
    return simulate_day(
        root, events=3_000, account_ids=("123456789012",), regions=("eu-central-1",), **kwargs
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_public_surface_is_pinned() -> None:
    assert sorted(simulate.__all__) == [
        "DEFAULT_ACCOUNT_IDS", "DEFAULT_DAY", "DEFAULT_REGIONS", "DeliveryOptions",
        "ExpectedAlert", "LogFile", "MANIFEST_NAME", "Manifest", "RULE_ID", "SCENARIOS",
        "Scenario", "THRESHOLD", "read_manifest", "simulate_day",
    ]  # fmt: skip


def test_same_arguments_give_the_same_bytes(day: SimulatedDay, tmp_path: Path) -> None:
    simulate_day(tmp_path)
    assert _tree(tmp_path) == _tree(day.root)


def test_another_seed_gives_another_day(tmp_path: Path) -> None:
    _small(tmp_path / "a", seed=1)
    _small(tmp_path / "b", seed=2)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a.keys() != b.keys()
    assert (tmp_path / "a" / "manifest.json").read_bytes() != (
        tmp_path / "b" / "manifest.json"
    ).read_bytes()


def test_rerun_replaces_a_previous_simulation(tmp_path: Path) -> None:
    _small(tmp_path, seed=3)
    first = _tree(tmp_path)
    _small(tmp_path, seed=4)
    _small(tmp_path, seed=3)
    assert _tree(tmp_path) == first


def test_foreign_logs_are_not_overwritten_unless_asked(tmp_path: Path) -> None:
    foreign = tmp_path / "AWSLogs" / "real.json.gz"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        _small(tmp_path)
    assert foreign.read_bytes() == b"mine"
    _small(tmp_path, overwrite=True)
    assert not foreign.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"events": -1},
        {"account_ids": ("12345",)},
        {"account_ids": ()},
        {"account_ids": ("123456789012", "123456789012")},
        {"regions": ("mars-1",)},
        {"scenarios": ("no_such_scenario",)},
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        simulate_day(tmp_path, **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "AWSLogs").exists()


def test_bad_delivery_options_are_refused() -> None:
    with pytest.raises(ValueError):
        DeliveryOptions(late_files=1.5)
    with pytest.raises(ValueError):
        DeliveryOptions(duplicate_every=0)


def test_scenarios_can_be_chosen_and_background_switched_off(tmp_path: Path) -> None:
    manifest = simulate_day(tmp_path, events=0, scenarios=("window_edge", "threshold_edge"))
    assert [s.name for s in manifest.scenarios] == ["window_edge", "threshold_edge"]
    records = sum(len(r) for r in records_by_file(tmp_path).values())
    assert records == manifest.records_written == manifest.scenario_records
    assert manifest.background_records == 0 and manifest.expected_alert_count == 1


def test_other_days_accounts_and_regions(tmp_path: Path) -> None:
    manifest = simulate_day(
        tmp_path,
        day=date(2025, 12, 31),
        account_ids=("111111111111", "222222222222", "333333333333"),
        regions=("eu-west-1", "ap-southeast-2"),
        events=5_000,
    )
    keys = {p.relative_to(tmp_path).parts[1:4] for p in log_files(tmp_path)}
    assert {(a, r) for a, _, r in keys} == {
        (a, r) for a in ("111111111111", "222222222222", "333333333333")
        for r in ("eu-west-1", "ap-southeast-2")
    }  # fmt: skip
    assert manifest.time_range.first_event >= epoch("2025-12-31T00:00:00Z")
    assert manifest.expected_alert_count == 7


def test_late_files_are_delivered_hours_after_their_events(tmp_path: Path) -> None:
    manifest = _small(tmp_path, delivery=DeliveryOptions(late_files=0.2))
    late = 0
    for key, records in records_by_file(tmp_path).items():
        stamp = re.search(r"_(\d{8}T\d{4}Z)_", key)
        assert stamp
        delivered = datetime.strptime(stamp[1], "%Y%m%dT%H%MZ").replace(tzinfo=UTC).timestamp()
        newest = max(epoch(r["eventTime"]) for r in records)
        late += delivered - newest >= 3600
    assert late == manifest.late_files_written
    assert 0.1 * manifest.files_written <= late <= 0.3 * manifest.files_written
    assert any("/2026/03/15/" in k for k in records_by_file(tmp_path))
