"""pandas, written the straightforward way a user would: `json_normalize` each file's records.

`gzip` + `json.load` per file, `pd.json_normalize(records)` (flattening every field), keep the
columns the rule needs (so that a day fits in memory), concatenate, filter with boolean masks,
floor the time to 10 seconds, explode the resources and `groupby(...).nunique()`. One core.
"""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path
from typing import Any

from contenders.rule import (
    IP_PATTERN,
    POSTURE_ACTIONS,
    PROVIDER,
    THRESHOLD,
    WINDOW_SECONDS,
    ContenderResult,
    trail_files,
)

_COLUMNS = [
    "eventTime",
    "eventSource",
    "eventName",
    "errorCode",
    "errorMessage",
    "sourceIPAddress",
    "sessionCredentialFromConsole",
    "userIdentity.type",
    "userIdentity.arn",
    "resources",
]


def run(folder: Path) -> ContenderResult:
    """Count the rule's alerts with a pandas DataFrame."""
    pd: Any = importlib.import_module("pandas")  # pandas ships no type hints

    frames = []
    for path in trail_files(folder):
        with gzip.open(path, "rt") as handle:
            records = json.load(handle)["Records"]
        frames.append(pd.json_normalize(records).reindex(columns=_COLUMNS))
    df = pd.concat(frames, ignore_index=True)
    rows = len(df)
    kept = df[
        (df["eventSource"] == PROVIDER)
        & df["eventName"].isin(POSTURE_ACTIONS)
        & df["errorCode"].isna()
        & df["errorMessage"].isna()
        & df["userIdentity.type"].notna()
        & (df["userIdentity.type"] != "AWSService")
        & df["userIdentity.arn"].notna()
        & df["sessionCredentialFromConsole"].isna()
        & df["sourceIPAddress"].str.fullmatch(IP_PATTERN, na=False)
    ]
    kept = kept.assign(
        window=pd.to_datetime(kept["eventTime"], utc=True).dt.floor(f"{WINDOW_SECONDS}s"),
        ip=kept["sourceIPAddress"].str.lower(),
    ).explode("resources")
    kept = kept[kept["resources"].notna()]
    kept = kept.assign(bucket=kept["resources"].map(lambda resource: resource.get("ARN")))
    counts = kept.groupby(["window", "userIdentity.arn", "ip"])["bucket"].nunique()
    alerts = int((counts > THRESHOLD).sum())
    return ContenderResult(alerts=alerts, detail=f"{rows:,} rows json_normalize'd on one core")
