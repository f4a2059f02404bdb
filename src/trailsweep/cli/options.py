"""Parsing command-line values: time spans like `30s` and the exit codes the CLI uses."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from trailsweep.sinks.bulk import DEFAULT_INDEX

EXIT_OK = 0
EXIT_ALERTS = 1
EXIT_USAGE = 2
EXIT_REJECTED_INPUT = 3

OUTPUT_FORMATS = ("table", "ndjson", "ocsf", "bulk")
"""`table` for a person; `ndjson` alert documents; `ocsf` Detection Findings (class 2004);
`bulk` an Elasticsearch `_bulk` body."""

BulkIndexOpt = Annotated[
    str,
    typer.Option("--bulk-index", help=f"Index of --format bulk actions (default {DEFAULT_INDEX})."),
]

_SPAN = re.compile(r"^\s*(\d+)\s*([a-zA-Z]+)\s*$")
_UNITS = {
    "ms": "milliseconds",
    "millisecond": "milliseconds",
    "milliseconds": "milliseconds",
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "m": "minutes",
    "min": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
}


def parse_time_span(text: str) -> str:
    """`30s`, `30 seconds`, `2m`, `1h` → the ES|QL time-span literal (`30 seconds` ...)."""
    match = _SPAN.match(text)
    if match is None or match[2].lower() not in _UNITS:
        raise ValueError(f"{text!r} is not a time span (examples: 10s, 30 seconds, 2m, 1h)")
    amount = int(match[1])
    if amount <= 0:
        raise ValueError(f"{text!r}: a window must be longer than zero")
    return f"{amount} {_UNITS[match[2].lower()]}"
