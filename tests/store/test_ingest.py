"""Ingest: idempotent by content, bad input reported as `scan` reports it, crash-safe commits."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.scenarios.builders import Counter, sweep
from tests.store.conftest import direct, documents, write_records
from trailsweep.pipeline import scan
from trailsweep.rules import bundled_rules
from trailsweep.store import EventStore, IngestOptions, StoreError, scan_store
from trailsweep.store import writer as store_writer
from trailsweep.store.catalogue import load_catalogue
from trailsweep.store.ingest import LOCK_NAME


def _store_files(store: EventStore) -> set[str]:
    """Every file under the store's events folder (parts, row indexes, temporary files)."""
    events = store.path / "events"
    return {p.relative_to(store.path).as_posix() for p in events.rglob("*") if p.is_file()}


def _rows(store: EventStore) -> list[tuple[Any, ...]]:
    connection = duckdb.connect()
    relation = store.relation(connection, fields=["event.id"])
    return relation.project('"__row", "event.id"').order("__row").fetchall()


def test_ingesting_twice_adds_nothing(two_days: list[Path], tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    first = store.ingest(two_days)
    assert first.files_ingested > 0 and first.files_present == 0
    assert first.records_written == first.summary.records_evaluated > 0
    files, rows = _store_files(store), _rows(store)
    second = store.ingest(two_days)
    assert second.files_present == first.files_ingested
    assert second.files_ingested == 0 and second.records_written == 0
    assert second.batches == ()
    assert second.summary.records_read == 0
    assert _store_files(store) == files
    assert _rows(store) == rows
    assert [number for number, _ in rows] == list(range(len(rows)))  # unique, in ingest order


def test_same_content_compressed_or_not_is_one_file(tmp_path: Path) -> None:
    records = sweep(Counter(), 20)
    plain = write_records(tmp_path / "in" / "a.json", records, gzipped=False)
    packed = tmp_path / "in" / "b.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=1))
    store = EventStore(tmp_path / "store")
    report = store.ingest([plain, packed, plain])
    assert (report.files_ingested, report.files_present) == (1, 2)
    assert report.records_written == 20
    entry = next(iter(load_catalogue(store.path).sources.values()))
    assert entry.digest.startswith("sha256:") and entry.path == str(plain)
    assert entry.records_written == 20 and entry.size == plain.stat().st_size


def _bad_input(folder: Path) -> list[Path]:
    ids = Counter()
    good = sweep(ids, 18)
    broken = dict(sweep(ids, 1)[0])
    del broken["eventTime"]
    write_records(folder / "good.json.gz", [*good[:9], broken, *good[9:]])
    (folder / "empty.json").write_text("")
    (folder / "invalid.json").write_text('{"Records": [')
    lines = folder / "lines.jsonl"
    lines.write_text('{"eventSource": "s3.amazonaws.com"}\nnot json\n')
    truncated = gzip.compress(b'{"Records": [' + b'{"eventName": "x"},' * 2000 + b"{}]}")
    (folder / "truncated.json.gz").write_bytes(truncated[: len(truncated) // 2])
    return [folder, folder / "missing.json"]


def test_bad_input_is_reported_and_counted_as_scan_does(tmp_path: Path) -> None:
    paths = _bad_input(tmp_path / "in")
    store = EventStore(tmp_path / "store")
    ingested: list[tuple[str, str]] = []
    report = store.ingest(paths, on_diagnostic=lambda *message: ingested.append(message))
    scanned: list[tuple[str, str]] = []
    scan_report = scan(paths, bundled_rules(), on_diagnostic=lambda *m: scanned.append(m))
    errors = [message for message in ingested if message[0] == "error"]
    assert errors == [message for message in scanned if message[0] == "error"]
    assert len(errors) >= 5
    summary, expected = report.summary, scan_report.summary
    assert summary.records_read == expected.records_read
    assert summary.records_rejected == expected.records_rejected
    assert report.rejected_by_reason == expected.records_rejected
    assert summary.files_rejected == expected.files_rejected > 0
    assert summary.records_evaluated == report.records_written == 18
    # Unreadable files are not recorded (nothing of them is stored): reported again next time;
    # files that were read, even partly, are recorded and skipped.
    again: list[tuple[str, str]] = []
    second = store.ingest(paths, on_diagnostic=lambda *message: again.append(message))
    assert second.records_written == 0
    assert second.files_present == report.files_ingested
    assert {m for m in again} <= {m for m in ingested}
    assert any("empty file" in message for _, message in again)
    assert not any("no eventTime" in message for _, message in again)


def _fail_on_second_part(monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_writer.write_part
    calls = {"count": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 2:
            raise RuntimeError("killed while writing")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_writer, "write_part", failing)


def test_killed_ingest_leaves_the_store_readable_and_resumes(
    two_days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_day, second_day = two_days
    # A burst on 16 March: the second ingest's batch spans two days, so it writes two parts.
    later = [
        {**record, "eventTime": record["eventTime"].replace("2026-03-14", "2026-03-16")}
        for record in sweep(Counter(), 20)
    ]
    third_day = write_records(tmp_path / "in" / "16.json.gz", later)
    store = EventStore(tmp_path / "store")
    store.ingest([first_day])
    rules = bundled_rules()
    before, rows_before = documents(scan_store(store.path, rules)), _rows(store)
    committed = load_catalogue(store.path)

    # The second ingest dies after the first part of its batch was renamed in place.
    _fail_on_second_part(monkeypatch)
    with pytest.raises(RuntimeError):
        store.ingest([second_day, third_day], IngestOptions(batch_rows=10**9))
    monkeypatch.undo()
    leftovers = _store_files(store) - committed.files
    assert leftovers  # a complete part that no catalogue lists ...
    assert load_catalogue(store.path) == committed  # ... is not part of the store
    assert documents(scan_store(store.path, rules)) == before
    assert _rows(store) == rows_before

    everything = [first_day, second_day, third_day]
    report = store.ingest(everything)
    assert report.files_present == len(committed.sources)
    assert not leftovers & _store_files(store)  # removed by the next ingest
    clean = EventStore(tmp_path / "clean")
    clean.ingest(everything)
    resumed = documents(scan_store(store.path, rules))
    assert resumed == documents(scan_store(clean.path, rules)) == direct(everything, rules)
    assert any(doc["Esql.time_window_date_trunc"].startswith("2026-03-16") for doc in resumed)
    ids = [event_id for _, event_id in _rows(store)]
    assert len(ids) == len(set(ids)) == len(_rows(clean))


def test_killed_before_the_catalogue_is_replaced(
    two_days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EventStore(tmp_path / "store")
    store.ingest(two_days[:1])
    committed = load_catalogue(store.path)

    def dying_replace(source: Any, target: Any) -> None:
        raise OSError("killed before the rename")

    monkeypatch.setattr("trailsweep.store.catalogue.os.replace", dying_replace)
    with pytest.raises(OSError):
        store.ingest(two_days[1:])
    monkeypatch.undo()
    assert load_catalogue(store.path) == committed
    report = store.ingest(two_days)
    assert report.files_present == len(committed.sources)
    assert len(load_catalogue(store.path).batches) == len(committed.batches) + 1


def test_one_writer_at_a_time(two_days: list[Path], tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    store = EventStore(tmp_path / "store")
    store.path.mkdir()
    with (store.path / LOCK_NAME).open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another ingest"):
            store.ingest(two_days)


def test_scanning_what_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not an event store"):
        scan_store(tmp_path, bundled_rules())
    assert EventStore(tmp_path).days() == []


def test_moved_store_still_reads(two_days: list[Path], tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    store.ingest(two_days[:1])
    rules = bundled_rules()
    before = documents(scan_store(store.path, rules))
    moved = shutil.move(str(store.path), str(tmp_path / "elsewhere"))
    assert documents(scan_store(Path(moved), rules)) == before
