"""Reading with a prefilter: the lazy path gives exactly what decoding every record gives."""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trailsweep.sources.lazy as lazy
from trailsweep.engine.plan import plan_rules
from trailsweep.engine.prefilter import build_prefilter
from trailsweep.normalize import NormalizeOptions
from trailsweep.reading import file_candidates, record_gate
from trailsweep.rules import bundled_rules
from trailsweep.summary import RunCounters, RunSummary

PREFILTER = build_prefilter(plan_rules(bundled_rules()))

NAMES = st.sampled_from(
    ["GetBucketAcl", "GetBucketPolicy", "ListBuckets", "PutObject", "-", "", None, 3]
)
TIMES = st.sampled_from(
    [
        "2026-03-14T10:00:01Z",
        "2026-03-14T10:00:01.250Z",
        "2026-03-14T10:00:01+02:00",
        "2026-02-30T10:00:01Z",
        "redacted",
        "",
        None,
        17,
    ]
)
SOURCES = st.sampled_from(["s3.amazonaws.com", "iam.amazonaws.com", "", "-", None, 1])
EXTRAS = st.dictionaries(
    st.sampled_from(
        ["@timestamp", "sourceIPAddress", "userIdentity", "_source", "CloudTrailEvent", "message"]
    ),
    st.one_of(
        st.just("2026-03-14T10:00:01.000Z"),
        st.just("192.0.2.1"),
        st.just({"type": "IAMUser", "arn": "arn:aws:iam::1:user/a"}),
        st.just({"event": {"action": "x"}}),
        st.just('{"eventName": "ListBuckets"}'),
        st.none(),
    ),
    max_size=3,
)
MISSING = object()


@st.composite
def records(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([1, "text", [], None]))
    record: dict[str, Any] = {"eventVersion": "1.09", "eventID": f"id-{draw(st.integers())}"}
    for key, strategy in (("eventName", NAMES), ("eventTime", TIMES), ("eventSource", SOURCES)):
        if draw(st.booleans()) or key == "eventName":
            record[key] = draw(strategy)
    record.update(draw(EXTRAS))
    return record


@contextmanager
def lazy_decoding_off() -> Iterator[None]:
    """Read as an install without pysimdjson does: every record decoded in full."""
    saved = lazy.simdjson
    lazy.simdjson = None  # type: ignore[assignment]
    try:
        yield
    finally:
        lazy.simdjson = saved


def _read(path: Path) -> tuple[list[Any], RunSummary, list[tuple[str, str]], object]:
    counters = RunCounters()
    messages: list[tuple[str, str]] = []
    found = [
        (record.location, document, passing)
        for record, document, passing in file_candidates(
            path,
            NormalizeOptions(),
            counters,
            lambda level, message: messages.append((level, message)),
            PREFILTER,
        )
    ]
    return found, counters.frozen(), messages, counters.latest_event


def test_the_latest_event_time_covers_records_passed_over(tmp_path: Path) -> None:
    times = ["2026-03-14T10:00:01Z", "2026-03-14T12:30:00+02:00", "2026-03-14T10:20:00Z"]
    batch = [
        {"eventName": "ListBuckets", "eventSource": "s3.amazonaws.com", "eventTime": t}
        for t in times
    ]
    batch.append(
        {"eventName": "GetBucketAcl", "eventSource": "s3.amazonaws.com",
         "eventTime": "2026-03-14T10:15:00Z"}
    )  # fmt: skip
    path = tmp_path / "x_CloudTrail_us-east-1_x.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": batch}).encode()))
    for reading in (_read(path), _read_fully(path)):
        assert str(reading[3]) == "2026-03-14 10:30:00+00:00"


def _read_fully(path: Path) -> tuple[list[Any], RunSummary, list[tuple[str, str]], object]:
    with lazy_decoding_off():
        return _read(path)


def test_the_seed_rule_gates_on_its_five_names() -> None:
    gate = record_gate(PREFILTER)
    assert gate is not None
    assert gate.wanted_names == {
        "GetBucketAcl",
        "GetBucketPublicAccessBlock",
        "GetBucketPolicy",
        "GetBucketPolicyStatus",
        "GetBucketVersioning",
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(records(), max_size=12))
def test_lazy_reading_equals_full_decoding(batch: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x_CloudTrail_us-east-1_x.json.gz"
        path.write_bytes(gzip.compress(json.dumps({"Records": batch}).encode()))
        lazily = _read(path)
        with lazy_decoding_off():
            fully = _read(path)
    assert lazily == fully
