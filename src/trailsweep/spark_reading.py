"""Reading files on Spark's executors: `parallel`'s per-file reader, run by `mapInArrow`.

With the Spark engine, `scan` hands Spark the list of files; each executor reads, screens,
prefilters and normalizes its files with `FileReader`, exactly as a worker process of `parallel`
does, and sends back each file's outcome (the rows the rules read, its counts and diagnostics)
pickled beside the file's position in the list. The driver takes the outcomes in file order, so
`__row` numbers, evidence, ties, counts and messages are those of a local run. The files and
the GeoIP databases must be readable at the same paths on every executor, and trailsweep must
be installed where the executors run Python.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from trailsweep.engine.spark_engine import SparkEngine
from trailsweep.errors import EngineError
from trailsweep.parallel import FileOutcome, FileReader, ReaderSpec

_SCHEMA = pa.schema([("index", pa.int64()), ("outcome", pa.binary())])
_SPARK_SCHEMA = "index long, outcome binary"
_MAX_PARTITIONS_PER_CORE = 4

# One reader per executor Python process and spec (workers are reused across tasks).
_READERS: dict[str, FileReader] = {}


def read_files_on_spark(
    engine: SparkEngine, files: Sequence[Path], spec: ReaderSpec
) -> Iterator[FileOutcome]:
    """The outcome of every file, read on Spark's executors, in file order."""
    if not files:
        return iter(())
    session = engine.session
    listing = pa.table(
        {"index": list(range(len(files))), "path": [str(path) for path in files]},
    )
    partitions = min(len(files), _MAX_PARTITIONS_PER_CORE * _cores(session))
    frame = session.createDataFrame(listing).repartition(partitions)
    payload = pickle.dumps(spec)
    key = hashlib.sha256(payload).hexdigest()

    def read(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _read_batches(batches, key, payload)

    try:
        result = frame.mapInArrow(read, _SPARK_SCHEMA).toArrow()
    except Exception as exc:  # pyspark's errors share no base class with py4j's
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"Spark failed reading the files: {message}") from exc
    ordered = result.sort_by("index")
    return (pickle.loads(blob) for blob in ordered.column("outcome").to_pylist())


def _read_batches(
    batches: Iterable[pa.RecordBatch], key: str, payload: bytes
) -> Iterator[pa.RecordBatch]:
    """Executor side: read each listed file and yield its position and pickled outcome."""
    reader = _READERS.get(key)
    if reader is None:
        reader = _READERS[key] = FileReader(pickle.loads(payload))
    for batch in batches:
        columns = batch.to_pydict()
        for index, path in zip(columns["index"], columns["path"], strict=True):
            outcome = pickle.dumps(reader.read(Path(path)), protocol=pickle.HIGHEST_PROTOCOL)
            yield pa.RecordBatch.from_pydict({"index": [index], "outcome": [outcome]}, _SCHEMA)


def _cores(session: Any) -> int:
    try:
        return max(1, int(session.sparkContext.defaultParallelism))
    except Exception:  # Spark Connect has no SparkContext: let Spark spread a few per core
        return 8
