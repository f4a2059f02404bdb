"""The scan's progress bar: files, records and MB/s on stderr, only for a person at a terminal.

Piped or redirected stderr, and `--quiet`, get nothing: no bar, no carriage returns in logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from trailsweep.progress import ProgressCallback, ScanProgress


@contextmanager
def scan_progress(
    console: Console, quiet: bool, clock: Callable[[], float] = time.monotonic
) -> Iterator[ProgressCallback | None]:
    """A progress callback drawing a bar on `console` while the block runs, or None when the
    console is not a terminal or the run is quiet."""
    if quiet or not console.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("[bold]scanning[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[files]}"),
        TextColumn("{task.fields[records]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    started = clock()
    with bar:
        task = bar.add_task("scan", total=None, files="", records="", rate="")
        yield lambda progress: _update(bar, task, progress, clock() - started)


def progress_fields(progress: ScanProgress, elapsed: float) -> dict[str, str]:
    """The bar's texts: `3/10 files`, `12,345 records`, `4.2 MB/s`."""
    rate = progress.bytes_done / elapsed / 1e6 if elapsed > 0 else 0.0
    return {
        "files": f"{progress.files_done}/{progress.files_total} files",
        "records": f"{progress.records_read:,} records",
        "rate": f"{rate:.1f} MB/s",
    }


def _update(bar: Progress, task: TaskID, progress: ScanProgress, elapsed: float) -> None:
    texts = progress_fields(progress, elapsed)
    bar.update(
        task,
        total=max(progress.bytes_total, 1),
        completed=progress.bytes_done,
        files=texts["files"],
        records=texts["records"],
        rate=texts["rate"],
    )
