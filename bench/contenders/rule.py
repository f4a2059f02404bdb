"""The bundled rule's logic, as constants every hand-written contender shares.

`s3_rapid_bucket_posture_api_calls.toml`: successful S3 posture reads (five actions), not by an AWS
service principal (an event with no identity type is dropped too: ES|QL's `!=` on null is null),
not from a console session, with a source IP literal, an identity ARN and at least one resource
ARN; grouped by 10-second clock-aligned window, identity ARN and source IP; an alert for each group
with more than 15 distinct resource ARNs (every resource ARN of a record counts).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from isal import igzip

T = TypeVar("T")

PROVIDER = "s3.amazonaws.com"
POSTURE_ACTIONS = (
    "GetBucketAcl",
    "GetBucketPublicAccessBlock",
    "GetBucketPolicy",
    "GetBucketPolicyStatus",
    "GetBucketVersioning",
)
THRESHOLD = 15
WINDOW_SECONDS = 10
SQL_ACTIONS = ", ".join(f"'{action}'" for action in POSTURE_ACTIONS)

# Engines without an IP type approximate Elastic's `grok ^%{IP}$` with a regular expression: a
# dotted quad, or hex groups with at least one colon (an IPv4 tail allowed). The simulator's
# addresses are canonical already, so lower-casing is all the canonicalization they need.
IP_PATTERN = r"(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*"
IP_REGEX = re.compile(IP_PATTERN)

RESULT_PREFIX = "BENCH_RESULT "
"""A contender's last stdout line: this prefix, then its `ContenderResult` as JSON."""


@dataclass(frozen=True)
class ContenderResult:
    """What a contender found, and any timings it took inside its own process."""

    alerts: int
    detail: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    """In-process timings by label (e.g. `warm`), in seconds; the bench shows each as a row."""
    cpu_timings: dict[str, float] = field(default_factory=dict)
    """The CPU seconds (all threads) of the same timed runs."""
    extra: dict[str, object] = field(default_factory=dict)

    def line(self) -> str:
        """The line the bench parses."""
        document = {
            "alerts": self.alerts,
            "detail": self.detail,
            "timings": self.timings,
            "cpu_timings": self.cpu_timings,
            "extra": self.extra,
        }
        return RESULT_PREFIX + json.dumps(document)


def first_and_warm(
    job: Callable[[], T], repeats: int, other_cpu: Callable[[], float] = lambda: 0.0
) -> tuple[T, dict[str, float], dict[str, float]]:
    """Run `job` once (`first`), then `repeats` times (`warm`: the fastest of them); the
    result of the first run, wall seconds and CPU seconds by label. `other_cpu` adds the CPU
    time of another process doing the work (a Spark JVM)."""

    def once() -> tuple[T, float, float]:
        wall, cpu = time.perf_counter(), time.process_time() + other_cpu()
        value = job()
        return value, time.perf_counter() - wall, time.process_time() + other_cpu() - cpu

    value, wall, cpu = once()
    warm = min((once()[1:] for _ in range(repeats)), key=lambda pair: pair[0])
    return value, {"first": wall, "warm": warm[0]}, {"first": cpu, "warm": warm[1]}


_decompress: Callable[[bytes], bytes] = igzip.decompress


def gunzip(path: Path) -> bytes:
    """A gzip file's content, decompressed with isal (as trailsweep reads it)."""
    return _decompress(path.read_bytes())


def trail_files(folder: Path) -> list[Path]:
    """The CloudTrail log files of a simulated trail (digest files left out), in path order."""
    return sorted(p for p in folder.rglob("*.json.gz") if "CloudTrail-Digest" not in p.parts)


def trail_glob(folder: Path) -> str:
    """A glob matching exactly `trail_files(folder)` (the trail's S3 delivery layout)."""
    return str(folder / "AWSLogs" / "*" / "CloudTrail" / "*" / "*" / "*" / "*" / "*.json.gz")
