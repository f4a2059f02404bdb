"""The Spark session the Spark engine runs in: found or started, and set up for determinism.

pyspark is optional (`pip install 'trailsweep[spark]'`): it is imported here, when a Spark
engine is opened, never when trailsweep is imported.

A session already active in the process is used as it is (its master, its resources), with the
settings below applied to it; otherwise one is started: `local[*]` by default, any master URL
(`local[4]`, `spark://host:7077`, `yarn`...), or a Spark Connect server for an `sc://` URL.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Any

from trailsweep.errors import EngineError

INSTALL_HINT = "the Spark engine needs pyspark: pip install 'trailsweep[spark]'"
DEFAULT_MASTER = "local[*]"

SESSION_SETTINGS: dict[str, str] = {
    # Dates are naive UTC in trailsweep; with the session in UTC, Spark's TIMESTAMP is that.
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_LTZ",
    # Errors where DuckDB errors (overflow, a bad cast) instead of a wrapped or NULL value.
    "spark.sql.ansi.enabled": "true",
    "spark.sql.legacy.sizeOfNull": "false",
    # ES|QL field names are case-sensitive (`userName` and `username` are two fields).
    "spark.sql.caseSensitive": "true",
    # TO_BASE64 is one line, as DuckDB's (Spark's MIME encoder would break it every 76).
    "spark.sql.chunkBase64String.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
"""Runtime settings every session gets before the engine runs anything in it."""

_RAW_LITERALS = "spark.sql.parser.escapedStringLiterals"
_START_SETTINGS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
_LOCAL_SETTINGS: dict[str, str] = {
    # Small local inputs: a few partitions after a shuffle, not Spark's default 200.
    "spark.sql.shuffle.partitions": "8",
}


class SparkSessionHandle:
    """A session, and whether trailsweep started it: then it is stopped when done; else the
    settings trailsweep changed in it are put back."""

    def __init__(self, session: Any, *, started: bool) -> None:
        self.session = session
        self._started = started
        _quiet_python_loggers()
        self._previous = apply_settings(session)
        if started:
            _quiet_logs(session)

    def apply(self) -> None:
        """Apply `SESSION_SETTINGS` again (another user of a shared session may have put
        its own back): every query runs with them."""
        apply_settings(self.session)

    def release(self) -> None:
        """Stop the session if trailsweep started it, else restore its settings (once)."""
        previous, self._previous = self._previous, {}
        if self._started:
            self._started = False
            self.session.stop()
            return
        for key, value in previous.items():
            if value is None:
                self.session.conf.unset(key)
            else:
                self.session.conf.set(key, value)


def require_pyspark() -> None:
    """Raise EngineError with the install hint when pyspark cannot be imported."""
    # pyspark 4 warns, on importing some of its modules, that it does not know pandas 3 yet;
    # trailsweep moves Arrow data only: that warning says nothing to a trailsweep user.
    warnings.filterwarnings(
        "ignore", "PySpark does not yet fully support pandas", FutureWarning, "pyspark"
    )
    try:
        import pyspark.sql  # noqa: F401
    except ImportError:
        raise EngineError(INSTALL_HINT) from None


def open_session(master: str | None = None) -> SparkSessionHandle:
    """The active session (when `master` is None and there is one), else a new one."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = _running_session(SparkSession)
    if active is not None and master is None:
        return SparkSessionHandle(active, started=False)
    try:
        if master is not None and master.startswith("sc://"):
            session = SparkSession.builder.remote(master).getOrCreate()
        else:
            builder = SparkSession.builder.master(master or DEFAULT_MASTER)
            builder = builder.appName("trailsweep")
            settings = dict(_START_SETTINGS)
            if (master or DEFAULT_MASTER).startswith("local"):
                settings.update(_LOCAL_SETTINGS)
                # Files are read in Spark's Python workers (see spark_reading), which run
                # $PYSPARK_PYTHON: unless told otherwise, this interpreter, which has
                # trailsweep (not whatever `python3` is first on the PATH).
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            for key, value in settings.items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
    except ImportError as exc:
        # Spark Connect needs pyspark's `connect` extra (grpcio...).
        raise EngineError(f"Spark Connect needs more of pyspark: {exc}") from None
    except Exception as exc:  # pyspark raises several unrelated types when Java is missing
        raise EngineError(
            f"Spark did not start ({_first_line(exc)}); is Java 17+ installed?"
        ) from exc
    return SparkSessionHandle(session, started=active is None or session is not active)


def _running_session(session_class: Any) -> Any:
    """The session active in this thread, else the process's default one, else None."""
    try:
        return session_class.active()
    except Exception:  # pyspark's "no active or default session" error
        return None


def apply_settings(session: Any) -> dict[str, str | None]:
    """Apply `SESSION_SETTINGS` to a session; returns the values they replaced (None: unset)."""
    previous: dict[str, str | None] = {}
    for key, value in SESSION_SETTINGS.items():
        current = session.conf.get(key, None)
        if current != value:
            previous[key] = current
            session.conf.set(key, value)
    # The translated SQL escapes backslashes in its string literals, as Spark reads them by
    # default (the setting is deprecated: touched only when a session changed it).
    current = session.conf.get(_RAW_LITERALS, "false")
    if current != "false":
        previous[_RAW_LITERALS] = current
        session.conf.set(_RAW_LITERALS, "false")
    return previous


def _quiet_logs(session: Any) -> None:
    try:
        session.sparkContext.setLogLevel("ERROR")
    except Exception:  # a Spark Connect session has no SparkContext to set it on
        pass


def _quiet_python_loggers() -> None:
    """pyspark logs every SQL error with its whole JVM stack; the engine reports it as one
    EngineError instead."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
