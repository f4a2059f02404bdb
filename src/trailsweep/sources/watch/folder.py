"""The folder source: a local folder that `aws s3 sync` (or any copier) keeps filling.

Each poll walks the folder and skips what `trailsweep.sources.files.discover` skips (hidden,
documentation and config files) and CloudTrail digest files; a known file costs a set lookup.
A file is ready once its modification time is `settle_seconds` old: copiers write into the
file (or a temporary file renamed at the end) and only then may set an older mtime, so a file
still being written always looks fresh. A folder needs no cursor: the watcher's `is_known`
check is the position. A settled file is stat'ed once, however long it waits in a backlog.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from trailsweep.sources.files import DIGEST_DIR, looks_like_documentation
from trailsweep.sources.watch.model import (
    DeliveredObject,
    KnownCheck,
    MissingObjectError,
    Poll,
    SourceError,
)


@dataclass(frozen=True)
class _Found:
    mtime_ns: int
    obj: DeliveredObject


class FolderSource:
    """Watches a local folder of CloudTrail files (recursively)."""

    def __init__(self, folder: Path, *, settle_seconds: float = 1.0) -> None:
        if not folder.is_dir():
            what = "does not exist" if not folder.exists() else "is not a folder"
            raise SourceError(f"folder {folder}: {what}")
        self.folder = folder
        self.settle_seconds = settle_seconds
        self.description = f"folder {folder}"
        self._settled: dict[str, _Found] = {}

    def poll(self, cursor: str | None, is_known: KnownCheck, limit: int) -> Poll:
        """The settled files not known yet, oldest modification first (cursor unused)."""
        if not self.folder.is_dir():
            raise SourceError(f"{self.description}: no longer exists")
        ready_before = time.time_ns() - int(self.settle_seconds * 1e9)
        ready: list[_Found] = []
        unsettled = 0
        # os.walk, not discover(): a poll must cost little per known file (a stat-free set
        # lookup), since a folder that sync keeps filling holds every file ever delivered.
        for directory, folders, names in os.walk(self.folder):
            folders[:] = [f for f in folders if not f.startswith(".") and f != DIGEST_DIR]
            base = Path(directory).relative_to(self.folder).as_posix()
            for name in names:
                key = name if base == "." else f"{base}/{name}"
                if name.startswith(".") or is_known(key):
                    continue
                settled = self._settled.get(key)
                if settled is not None:
                    ready.append(settled)
                    continue
                path = self.folder / key
                if looks_like_documentation(path):
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue  # renamed or removed since the walk (a copier's temporary file)
                if not S_ISREG(stat.st_mode):
                    continue
                if stat.st_mtime_ns > ready_before:
                    unsettled += 1
                    continue
                version = f"{stat.st_size}:{stat.st_mtime_ns}"
                obj = DeliveredObject(key, version, stat.st_size, str(path))
                found = _Found(stat.st_mtime_ns, obj)
                self._settled[key] = found
                ready.append(found)
        ready.sort(key=lambda found: (found.mtime_ns, found.obj.key))
        taken = max(limit, 0)
        objects = tuple(found.obj for found in ready[:taken])
        for obj in objects:  # handed over: the watcher knows them once committed
            self._settled.pop(obj.key, None)
        return Poll(objects, None, len(ready) - len(objects) + unsettled)

    def fetch(self, obj: DeliveredObject, scratch: Path) -> Path:
        """The file itself (nothing is copied); the key must stay inside the folder."""
        relative = Path(obj.key)
        if relative.is_absolute() or ".." in relative.parts:
            raise SourceError(f"{self.description}: {obj.key!r} is not a path inside the folder")
        path = self.folder / relative
        if not path.is_file():
            raise MissingObjectError(f"{self.description}: {obj.key} no longer exists")
        return path

    def discard(self, path: Path) -> None:
        """Nothing to do: the folder's files belong to whoever fills it."""

    def acknowledge(self, objects: Sequence[DeliveredObject]) -> None:
        """Nothing to do: a folder keeps no delivery state."""

    def close(self) -> None:
        """Nothing to release."""
