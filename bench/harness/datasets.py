"""The inputs: simulated trails and event stores, built once and cached under the work folder.

WORKDIR/day-<events>-<seed>/            `trailsweep simulate` output (manifest.json inside)
WORKDIR/store-<events>-<seed>/          `trailsweep ingest` of that day
WORKDIR/store-<events>-<seed>.ingest.json   how that ingest measured (reused with the store)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable


@dataclass(frozen=True)
class Dataset:
    """A simulated day of CloudTrail."""

    folder: Path
    events: int
    """The `--events` asked of the simulator."""
    records: int
    """Records it wrote (what events/s divides)."""
    expected_alerts: int | None
    """The alerts its manifest says the bundled rule raises."""

    @property
    def label(self) -> str:
        return f"{self.records:,} events"


def simulated(workdir: Path, events: int, seed: int) -> Dataset:
    """Simulate once per (events, seed); an existing simulation is reused."""
    folder = workdir / f"day-{events}-{seed}"
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        print(f"simulating {events:,} events into {folder} ...", file=sys.stderr, flush=True)
        command = ["simulate", str(folder), "--events", str(events), "--seed", str(seed)]
        subprocess.run([PYTHON, "-m", "trailsweep", *command], check=True)
    manifest = json.loads(manifest_path.read_text())
    expected = manifest.get("expected_alert_count")
    return Dataset(
        folder=folder,
        events=events,
        records=int(manifest["records_written"]),
        expected_alerts=int(expected) if expected is not None else None,
    )


def store_paths(workdir: Path, dataset: Dataset, seed: int) -> tuple[Path, Path]:
    """The store folder of a dataset and the file keeping how its ingest measured."""
    store = workdir / f"store-{dataset.events}-{seed}"
    return store, store.with_name(store.name + ".ingest.json")


def cached_ingest(store: Path, record: Path) -> dict[str, object] | None:
    """The measurement of the ingest that built this store, if the store is complete."""
    if not (store / "catalogue.json").is_file() or not record.is_file():
        return None
    document: dict[str, object] = json.loads(record.read_text())
    return document


def discard_store(store: Path, record: Path) -> None:
    """Remove a store the bench built (to ingest again)."""
    if store.exists():
        shutil.rmtree(store)
    record.unlink(missing_ok=True)
