"""The prefilter changes no result: every rule gives the same alerts with and without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trailsweep.alerts import alert_document
from trailsweep.engine.fields import assumed_schema
from trailsweep.engine.plan import plan_rule
from trailsweep.errors import EsqlUnsupportedError
from trailsweep.pipeline import ScanOptions, scan
from trailsweep.rules import Rule, bundled_rules, load_rules
from trailsweep.simulate import simulate_day


def _runnable_rules(shared_dir: Path) -> list[Rule]:
    rules = bundled_rules()
    for rule in load_rules([shared_dir / "rules" / "elastic-aws-esql"]):
        try:
            plan = plan_rule(rule)
            plan.compile(assumed_schema(plan.source_fields | {"@timestamp"}))
        except EsqlUnsupportedError:
            continue  # covered once the construct is supported
        rules.append(rule)
    return rules


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("day")
    simulate_day(folder, events=15_000, seed=3)
    return folder


def _alerts(paths: list[Path], rules: list[Rule], prefilter: bool) -> list[dict[str, object]]:
    report = scan(paths, rules, ScanOptions(prefilter=prefilter))
    return [alert_document(alert) for alert in report.alerts]


def test_same_alerts_with_and_without_prefilter(shared_dir: Path, day: Path) -> None:
    rules = _runnable_rules(shared_dir)
    assert len(rules) > 5
    datasets = shared_dir / "fixtures" / "datasets"
    paths = [day, datasets]
    with_prefilter = _alerts(paths, rules, True)
    without = _alerts(paths, rules, False)
    assert with_prefilter == without
    assert with_prefilter  # the seed rule fires on the simulated day
