"""A file reader normalizes records only as far as its rules' fields need (it passes its field
selection to the normalizer): every rule's table gets the same rows, and every file the same
counts and messages, as when each record is normalized in full."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import trailsweep.normalize.model as normalize_model
from trailsweep.alerts.allowlist_loader import load_allowlist_text
from trailsweep.normalize import NormalizeOptions, open_geoip
from trailsweep.normalize.needs import EVERYTHING
from trailsweep.parallel import FileOutcome, FileReader, ReaderSpec
from trailsweep.pipeline import ScanOptions, plan_read
from trailsweep.rules import bundled_rules, load_rules
from trailsweep.rules.model import Rule
from trailsweep.simulate import simulate_day
from trailsweep.summary import RunCounters

CASES = Path(__file__).resolve().parent / "elastic_rules" / "cases"
# Drop-mode entries make the reader keep the allowlist's fields too.
DROP_ENTRIES = """[[entry]]
id = "scanner"
owner = "secops@example.com"
reason = "approved scanner"
expires = 2999-12-31
mode = "drop"
user_agent = "prowler/*"
"""


def _spec(paths: Sequence[Path], rules: Sequence[Rule], options: ScanOptions) -> ReaderSpec:
    _, _, spec = plan_read(paths, rules, options, RunCounters(), lambda level, message: None)
    return spec


def _read(
    files: Sequence[Path], spec: ReaderSpec, options: NormalizeOptions, full: bool
) -> list[FileOutcome]:
    with pytest.MonkeyPatch.context() as patch:
        if full:  # every step of normalization, whatever the selection
            patch.setattr(normalize_model, "needs_of", lambda selection: EVERYTHING)
        reader = FileReader(spec, options)
        return [reader.read(path) for path in files]


def _assert_same_reading(
    files: Sequence[Path], rules: Sequence[Rule], options: ScanOptions
) -> list[FileOutcome]:
    spec = _spec(files, rules, options)
    selective = _read(files, spec, options.normalize, full=False)
    full = _read(files, spec, options.normalize, full=True)
    for path, ours, theirs in zip(files, selective, full, strict=True):
        assert ours.counters == theirs.counters, path
        assert ours.diagnostics == theirs.diagnostics, path
        for rule, rows, expected in zip(rules, ours.rows, theirs.rows, strict=True):
            assert rows == expected, (path, rule.name)
    return selective


@pytest.mark.parametrize("prefilter", [True, False])
def test_a_simulated_day(tmp_path: Path, prefilter: bool) -> None:
    simulate_day(tmp_path / "day", events=3_000, seed=11)
    files = sorted(path for path in (tmp_path / "day").rglob("*.json.gz"))
    allowlist = load_allowlist_text(DROP_ENTRIES, "allow.toml")
    options = ScanOptions(prefilter=prefilter, allowlist=allowlist)
    outcomes = _assert_same_reading(files, bundled_rules(), options)
    assert sum(len(outcome.rows[0]) for outcome in outcomes) > 50


@pytest.mark.parametrize("prefilter", [True, False])
def test_elastic_rules_over_their_cases_and_the_shared_fixtures(
    shared_dir: Path, prefilter: bool
) -> None:
    rules = bundled_rules() + load_rules([shared_dir / "rules" / "elastic-aws-esql"])
    fixtures = shared_dir / "fixtures"
    files = sorted(CASES.rglob("*.jsonl"))
    files += sorted((fixtures / "elastic-cloudtrail-pipeline").glob("test-*.log"))
    files += sorted(path for path in (fixtures / "datasets").rglob("*.json*") if path.is_file())
    maxmind = fixtures / "maxmind-test-db"
    normalize = NormalizeOptions(
        asn_db=open_geoip(maxmind / "GeoLite2-ASN-Test.mmdb"),
        city_db=open_geoip(maxmind / "GeoLite2-City-Test.mmdb"),
    )
    options = ScanOptions(normalize=normalize, prefilter=prefilter)
    outcomes = _assert_same_reading(files, rules, options)
    assert sum(len(rows) for outcome in outcomes for rows in outcome.rows) > 1000
