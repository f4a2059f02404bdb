"""DuckDB's plain Parquet scan of the event store: the rule in SQL over `read_parquet`.

The baseline the store's re-scan is judged against. It reads every Parquet file under
`STORE/events/` by glob: no catalogue, no time-range pruning, no projection planned by
trailsweep; only what DuckDB does by itself (it reads the needed columns and, since the store
writes row groups sorted by provider and action, skips row groups by their min/max statistics
like any reader of these files would). The rule is the hand-written SQL below on the stored ECS
columns, not trailsweep's compiled query. Timed in process: the first run (connection included)
and the best of `REPEATS` more.
"""

from __future__ import annotations

from pathlib import Path

from contenders.rule import (
    PROVIDER,
    SQL_ACTIONS,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    first_and_warm,
)

REPEATS = 3


def rule_sql(store: Path) -> str:
    """The rule over the store's files, as a DuckDB user would write it."""
    files = str(store / "events" / "*" / "*.parquet")
    return f"""
    SELECT count(*) FROM (
      SELECT epoch_ms("@timestamp") // {WINDOW_SECONDS * 1000} AS w,
             "aws.cloudtrail.user_identity.arn" AS arn, "source.ip" AS ip,
             count(DISTINCT bucket) AS buckets
      FROM read_parquet('{files}'), unnest("aws.cloudtrail.resources.arn") AS t(bucket)
      WHERE "data_stream.dataset" = 'aws.cloudtrail'
        AND "event.provider" = '{PROVIDER}'
        AND "event.outcome" = 'success'
        AND "event.action" IN ({SQL_ACTIONS})
        AND "aws.cloudtrail.user_identity.type" != 'AWSService'
        AND "source.ip" IS NOT NULL
        AND len("aws.cloudtrail.resources.arn") > 0
        AND "aws.cloudtrail.user_identity.arn" IS NOT NULL
        AND "aws.cloudtrail.session_credential_from_console" IS NULL
        AND bucket IS NOT NULL
      GROUP BY ALL HAVING count(DISTINCT bucket) > {THRESHOLD}
    )
    """


def _once(sql: str) -> int:
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    row = connection.execute(sql).fetchone()
    connection.close()
    return int(row[0]) if row else 0


def run(store: Path) -> ContenderResult:
    """The rule's alerts over the store's files; first and warm in-process timings."""
    sql = rule_sql(store)
    alerts, timings, cpu = first_and_warm(lambda: _once(sql), REPEATS)
    files = len(list((store / "events").glob("*/*.parquet")))
    return ContenderResult(
        alerts=alerts,
        detail=f"read_parquet of {files} files by glob",
        timings=timings,
        cpu_timings=cpu,
    )
