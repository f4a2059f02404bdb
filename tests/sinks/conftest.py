"""A scanned burst whose one alert the sink tests render."""

from __future__ import annotations

import pytest

from tests.scenarios.builders import FORMAT_WRITERS, Counter, sweep
from trailsweep.alerts import Alert
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules


@pytest.fixture(scope="module")
def burst_alert(tmp_path_factory: pytest.TempPathFactory) -> Alert:
    """The alert of 20 posture calls on distinct buckets, 10:00:01 to 10:00:05 UTC."""
    folder = tmp_path_factory.mktemp("burst")
    FORMAT_WRITERS["ndjson"](sweep(Counter(), 20), folder)
    (alert,) = scan([folder], bundled_rules()).alerts
    return alert
