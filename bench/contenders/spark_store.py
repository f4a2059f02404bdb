"""A hand-written PySpark job over the event store: the rule with the DataFrame API.

Used when `trailsweep store-scan --engine spark` does not exist (the bench notes it), or as
well with `--spark handwritten|both`. Spark runs `local[*]` (all cores), reads every Parquet file
under `STORE/events/` and runs the same filter, explode, group-by and `countDistinct` as the
DuckDB baseline. Timed in process: session start-up (JVM launch; reported, not in the query
timings), the first query (JIT and planning included) and the best of `REPEATS` more; their CPU
time includes the JVM's. The JVM's own peak RSS (VmHWM) is read before the session stops.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contenders.rule import (
    POSTURE_ACTIONS,
    PROVIDER,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    first_and_warm,
)

REPEATS = 3


def _alerts(spark: Any, store: Path) -> int:
    from pyspark.sql import functions as F

    def column(name: str) -> Any:
        return F.col(f"`{name}`")

    events = spark.read.parquet(str(store / "events" / "*" / "*.parquet"))
    kept = events.where(
        (column("data_stream.dataset") == "aws.cloudtrail")
        & (column("event.provider") == PROVIDER)
        & (column("event.outcome") == "success")
        & column("event.action").isin(list(POSTURE_ACTIONS))
        & (column("aws.cloudtrail.user_identity.type") != "AWSService")
        & column("source.ip").isNotNull()
        & (F.size(column("aws.cloudtrail.resources.arn")) > 0)
        & column("aws.cloudtrail.user_identity.arn").isNotNull()
        & column("aws.cloudtrail.session_credential_from_console").isNull()
    )
    buckets = kept.select(
        F.floor(F.unix_millis(column("@timestamp")) / (WINDOW_SECONDS * 1000)).alias("w"),
        column("aws.cloudtrail.user_identity.arn").alias("arn"),
        column("source.ip").alias("ip"),
        F.explode(column("aws.cloudtrail.resources.arn")).alias("bucket"),
    ).where(F.col("bucket").isNotNull())
    groups = buckets.groupBy("w", "arn", "ip").agg(F.countDistinct("bucket").alias("buckets"))
    return int(groups.where(F.col("buckets") > THRESHOLD).count())


def _jvm_status(spark: Any) -> Path | None:
    try:
        return Path(f"/proc/{spark.sparkContext._gateway.proc.pid}")
    except AttributeError:
        return None


def _jvm_peak_mb(spark: Any) -> float | None:
    folder = _jvm_status(spark)
    try:
        status = (folder / "status").read_text() if folder else ""
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _jvm_cpu(spark: Any) -> Callable[[], float]:
    """The JVM's CPU seconds so far (user + system), as a clock."""
    folder = _jvm_status(spark)
    ticks = os.sysconf("SC_CLK_TCK")

    def clock() -> float:
        try:
            stat = (folder / "stat").read_bytes() if folder else b""
        except OSError:
            return 0.0
        fields = stat[stat.rfind(b")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / ticks if fields else 0.0

    return clock


def run(store: Path) -> ContenderResult:
    """Start a local Spark session, run the rule's query once cold and `REPEATS` times warm."""
    started = time.perf_counter()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[*]")
        .appName("trailsweep-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - started
    try:
        alerts, timings, cpu = first_and_warm(
            lambda: _alerts(spark, store), REPEATS, _jvm_cpu(spark)
        )
        jvm_mb = _jvm_peak_mb(spark)
        cores = spark.sparkContext.defaultParallelism
    finally:
        spark.stop()
    return ContenderResult(
        alerts=alerts,
        detail=f"hand-written PySpark job, local[*] ({cores} cores), session start {startup:.1f}s",
        timings=timings,
        cpu_timings=cpu,
        extra={"session_start_seconds": startup, "jvm_peak_rss_mb": jvm_mb},
    )
