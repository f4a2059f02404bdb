"""DuckDB over the raw `.json.gz` files: `read_json`, then the rule in SQL, in several modes.

Each variant is one way a DuckDB user would write the read; the bench runs them all once and
keeps the fastest (trailsweep is compared with DuckDB at its best). On this data the schema
DuckDB detects itself is several times faster than an explicit narrow `columns=` STRUCT.

    auto                read_json(glob): schema and format detected
    auto-ndjson         read_json(glob, format='newline_delimited'): each file is one line
    columns             read_json(glob, columns={Records: <narrow STRUCT>[]}, format='auto')
    columns-ndjson      the same with format='newline_delimited', records=true
"""

from __future__ import annotations

from pathlib import Path

from contenders.rule import (
    IP_PATTERN,
    PROVIDER,
    SQL_ACTIONS,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    trail_glob,
)

_NARROW_RECORD = (
    "STRUCT(eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR, "
    "errorMessage VARCHAR, sourceIPAddress VARCHAR, sessionCredentialFromConsole VARCHAR, "
    "userIdentity STRUCT(type VARCHAR, arn VARCHAR), resources STRUCT(ARN VARCHAR)[])"
)
_COLUMNS = f"columns = {{Records: '{_NARROW_RECORD}[]'}}"

VARIANTS: dict[str, str] = {
    "auto": "",
    "auto-ndjson": ", format = 'newline_delimited'",
    "columns": f", {_COLUMNS}, format = 'auto'",
    "columns-ndjson": f", {_COLUMNS}, format = 'newline_delimited', records = true",
}


def rule_sql(folder: Path, variant: str) -> str:
    """The rule as one query over `read_json` in that variant."""
    source = f"read_json('{trail_glob(folder)}'{VARIANTS[variant]})"
    # CAST to TIMESTAMPTZ reads both a detected TIMESTAMPTZ and a VARCHAR `eventTime`.
    return f"""
    SELECT count(*) FROM (
      SELECT epoch_ms(CAST(e.eventTime AS TIMESTAMPTZ)) // {WINDOW_SECONDS * 1000} AS w,
             e.userIdentity.arn AS arn, lower(e.sourceIPAddress) AS ip,
             count(DISTINCT r.ARN) AS buckets
      FROM (SELECT unnest(Records) AS e FROM {source}), unnest(e.resources) AS t(r)
      WHERE e.eventSource = '{PROVIDER}' AND e.eventName IN ({SQL_ACTIONS})
        AND e.errorCode IS NULL AND e.errorMessage IS NULL
        AND e.userIdentity.type != 'AWSService' AND e.userIdentity.arn IS NOT NULL
        AND e.sessionCredentialFromConsole IS NULL
        AND regexp_full_match(e.sourceIPAddress, '{IP_PATTERN}')
        AND r.ARN IS NOT NULL
      GROUP BY ALL HAVING count(DISTINCT r.ARN) > {THRESHOLD}
    )
    """


def run(folder: Path, variant: str = "auto") -> ContenderResult:
    """Run the rule's query over the files, DuckDB on all cores (its default)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("SET enable_progress_bar = false")
    row = connection.execute(rule_sql(folder, variant)).fetchone()
    threads = connection.execute("SELECT current_setting('threads')").fetchone()
    connection.close()
    alerts = int(row[0]) if row else 0
    used = threads[0] if threads else "?"
    return ContenderResult(alerts=alerts, detail=f"variant {variant}, {used} threads")
