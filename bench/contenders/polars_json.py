"""Polars over the raw `.json.gz` files: decompress, `pl.read_json` the records, rule in Polars.

The fastest honest way found: each file is decompressed with isal and read by `pl.read_json`
with a schema holding only the fields the rule reads (Polars still parses the whole text; the
schema spares it inference and building unused columns), on a thread pool, one thread per core.
The frames are concatenated, exploded to one row per record, and the rule runs as one lazy
query (filter, per-record resource ARNs, group by window/identity/IP, `n_unique`). Reading all
files first and filtering once is faster than filtering each file (measured: about 1.6x) at the
cost of memory: every record's narrow columns are held at once.
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contenders.rule import (
    IP_PATTERN,
    POSTURE_ACTIONS,
    PROVIDER,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    gunzip,
    trail_files,
)


def _schema(pl: Any) -> dict[str, Any]:
    record = pl.Struct(
        {
            "eventTime": pl.String,
            "eventSource": pl.String,
            "eventName": pl.String,
            "errorCode": pl.String,
            "errorMessage": pl.String,
            "sourceIPAddress": pl.String,
            "sessionCredentialFromConsole": pl.String,
            "userIdentity": pl.Struct({"type": pl.String, "arn": pl.String}),
            "resources": pl.List(pl.Struct({"ARN": pl.String})),
        }
    )
    return {"Records": pl.List(record)}


def run(folder: Path) -> ContenderResult:
    """Read every file into one frame, then count the rule's alerts in one lazy query."""
    import polars as pl

    schema = _schema(pl)

    def read(path: Path) -> Any:
        return pl.read_json(io.BytesIO(gunzip(path)), schema=schema)

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        frames = list(pool.map(read, trail_files(folder)))
    records = pl.concat(frames).lazy().select(pl.col("Records").explode()).unnest("Records")
    identity = pl.col("userIdentity").struct
    events = records.filter(
        (pl.col("eventSource") == PROVIDER)
        & pl.col("eventName").is_in(POSTURE_ACTIONS)
        & pl.col("errorCode").is_null()
        & pl.col("errorMessage").is_null()
        & (identity.field("type") != "AWSService")
        & identity.field("arn").is_not_null()
        & pl.col("sessionCredentialFromConsole").is_null()
        & pl.col("sourceIPAddress").str.contains(f"^(?:{IP_PATTERN})$")
    )
    buckets = (
        events.select(
            pl.col("eventTime")
            .str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC")
            .dt.truncate(f"{WINDOW_SECONDS}s")
            .alias("window"),
            identity.field("arn").alias("arn"),
            pl.col("sourceIPAddress").str.to_lowercase().alias("ip"),
            pl.col("resources").list.eval(pl.element().struct.field("ARN")).alias("bucket"),
        )
        .explode("bucket")
        .filter(pl.col("bucket").is_not_null())
    )
    alerts = (
        buckets.group_by("window", "arn", "ip")
        .agg(pl.col("bucket").n_unique().alias("buckets"))
        .filter(pl.col("buckets") > THRESHOLD)
        .collect()
    )
    detail = f"{len(frames)} files read with pl.read_json on {pl.thread_pool_size()} threads"
    return ContenderResult(alerts=alerts.height, detail=detail)
