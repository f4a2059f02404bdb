"""Shared test fixtures: where the read-only shared material lives; the Spark session."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The `shared/` folder beside the checkout; tests that need it skip when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (CI lays it beside the checkout)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for every Spark test of this test process; the Spark engine
    finds it as the active session. Skips when pyspark or a Java runtime is missing."""
    pytest.importorskip("pyspark.sql", reason="pyspark is not installed (trailsweep[spark])")
    from pyspark.sql import SparkSession

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime (17+): none on PATH or in JAVA_HOME")
    # Scans read files in Spark's Python workers: this interpreter, which has trailsweep.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # One core: the other xdist worker keeps the other one (CI runs `-n 2` on two cores).
    builder = SparkSession.builder.master("local[1]").appName("trailsweep-tests")
    for key, value in SPARK_TEST_SETTINGS.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()


SPARK_TEST_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # Test inputs are small: few partitions after a shuffle keep each query fast.
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.driver.memory": "1g",
}
