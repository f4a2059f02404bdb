"""Which engine runs the compiled queries: DuckDB in process (the default) or Spark.

Both run the same compiled plan over the same events and return the same rows; the choice is
where the work happens. The Spark engine is imported only when chosen, so pyspark stays an
optional dependency (`trailsweep[spark]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from trailsweep.engine.duckdb_engine import DuckDBEngine
from trailsweep.engine.results import QueryResult
from trailsweep.engine.table import EventTable
from trailsweep.esql import CompiledQuery

EngineName = Literal["duckdb", "spark"]
ENGINE_NAMES: tuple[EngineName, ...] = ("duckdb", "spark")


class Engine(Protocol):
    """What the pipeline needs of an engine."""

    def register(self, events: EventTable) -> None:
        """Make the events table the one compiled queries read."""

    def run(self, compiled: CompiledQuery) -> QueryResult:
        """Execute one compiled query."""

    def close(self) -> None:
        """Release what the engine holds."""


@dataclass(frozen=True)
class EngineOptions:
    """The engine to run compiled queries on, and for Spark where it runs."""

    name: EngineName = "duckdb"
    master: str | None = None
    """Spark only: a master URL (`local[4]`, `spark://host:7077`, `yarn`...) or a Spark Connect
    URL (`sc://host:15002`). None: the session already active in the process, else local[*]."""
    read_on_spark: bool = True
    """Spark only: `scan` reads and normalizes the files on Spark's executors (which must see
    them at the same paths); False reads them in this process and sends Spark the events."""

    def __post_init__(self) -> None:
        if self.name not in ENGINE_NAMES:
            raise ValueError(f"unknown engine {self.name!r} (expected duckdb or spark)")
        if self.name != "spark" and (self.master is not None or not self.read_on_spark):
            raise ValueError("a Spark master or where to read is only for the spark engine")


def require_engine(options: EngineOptions) -> None:
    """Fail now, before any input is read, when the chosen engine cannot be used: for Spark,
    pyspark must be installed (EngineError saying how to install it)."""
    if options.name == "spark":
        from trailsweep.engine.spark_session import require_pyspark

        require_pyspark()


def open_engine(options: EngineOptions | None = None) -> Engine:
    """A new engine as the options say (for Spark: its session found or started)."""
    options = options or EngineOptions()
    if options.name == "spark":
        from trailsweep.engine.spark_engine import SparkEngine

        return SparkEngine(master=options.master)
    return DuckDBEngine()
