"""Simulate a realistic, labelled day of CloudTrail delivered to S3, with the alerts it must raise.

`simulate_day(out_dir, events=..., seed=...)` writes `AWSLogs/<account>/CloudTrail/<region>/...`
log files (and `CloudTrail-Digest/` files readers must skip) and returns the `Manifest`, also
written to `out_dir/manifest.json`.
"""

from __future__ import annotations

from trailsweep.simulate.day import (
    DEFAULT_ACCOUNT_IDS,
    DEFAULT_DAY,
    DEFAULT_REGIONS,
    simulate_day,
)
from trailsweep.simulate.delivery import DeliveryOptions, LogFile
from trailsweep.simulate.manifest import MANIFEST_NAME, Manifest, read_manifest
from trailsweep.simulate.scenarios import SCENARIOS, Scenario
from trailsweep.simulate.sweeps import RULE_ID, THRESHOLD, ExpectedAlert

__all__ = [
    "DEFAULT_ACCOUNT_IDS",
    "DEFAULT_DAY",
    "DEFAULT_REGIONS",
    "MANIFEST_NAME",
    "RULE_ID",
    "SCENARIOS",
    "THRESHOLD",
    "DeliveryOptions",
    "ExpectedAlert",
    "LogFile",
    "Manifest",
    "Scenario",
    "read_manifest",
    "simulate_day",
]
