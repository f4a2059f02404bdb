"""Running one contender in a child process and measuring it.

Wall time, CPU time (user + system of the child and every process it started: `wait4`'s
rusage counts the children it reaped, the sampler counts those it did not, such as a Spark JVM;
the larger of the two is kept) and two peak memory figures:
`peak_rss_mb` is the kernel's `ru_maxrss` from `wait4`, the largest single process of the run
(the child or the largest child it reaped); `tree_rss_mb` and `tree_pss_mb` are the peaks of
the summed RSS and PSS of every process of the run's session, sampled every `SAMPLE_SECONDS`
(worker pools and a Spark JVM count here). Summed RSS counts a page shared by forked workers once
per process, an upper bound; PSS splits it between them, the memory the run really costs. A peak
shorter than the interval can be missed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    """One child process run."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    tree_rss_mb: float
    tree_pss_mb: float
    exit_code: int
    load_before: float
    """The 1-minute load average when it started (the machine is shared)."""
    stdout: str
    stderr: str
    timed_out: bool = False


class _SessionSampler(threading.Thread):
    """Peak summed RSS and PSS of the processes in one session (the child started its own),
    and the CPU time each of them was last seen with."""

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.peak_pages = 0
        self.peak_pss_kb = 0
        self.cpu_ticks: dict[int, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            members = _session_members(self.session)
            self.peak_pages = max(self.peak_pages, sum(rss for _, rss, _ in members))
            pss = sum(_pss_kb(pid) for pid, _, _ in members)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            for pid, _, ticks in members:
                self.cpu_ticks[pid] = max(ticks, self.cpu_ticks.get(pid, 0))
            self._stop_event.wait(SAMPLE_SECONDS)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / _TICKS

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _session_members(session: int) -> list[tuple[int, int, int]]:
    """(pid, RSS pages, user + system CPU ticks) of every live process of the session."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces and parentheses): state, ppid,
        # pgrp, session, ...; utime and stime are the 14th and 15th fields of the whole line,
        # rss (pages) the 24th (proc(5)).
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[3]) == session:
            members.append((int(entry.name), int(fields[21]), int(fields[11]) + int(fields[12])))
    return members


def run_child(
    argv: Sequence[str], timeout: float | None = None, env: Mapping[str, str] | None = None
) -> Run:
    """Run `argv` in its own session; wall time, its rusage and its session's sampled RSS.

    Output goes to temporary files (a pipe nobody reads while `wait4` blocks could fill up and
    stall the child). On timeout the whole session is killed; leftovers of the session (a
    process the child started and did not wait for) are terminated after it exits."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdout=out, stderr=err, start_new_session=True, env=env
        )
        sampler = _SessionSampler(process.pid)
        sampler.start()
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            _signal_session(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if timer:
            timer.cancel()
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        _signal_session(process.pid, signal.SIGTERM)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            cpu_seconds=max(usage.ru_utime + usage.ru_stime, sampler.cpu_seconds),
            peak_rss_mb=usage.ru_maxrss / 1024,
            tree_rss_mb=sampler.peak_pages * _PAGE_MB,
            tree_pss_mb=sampler.peak_pss_kb / 1024,
            exit_code=process.returncode,
            load_before=load,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            timed_out=expired.is_set(),
        )


def _signal_session(session: int, sig: signal.Signals) -> None:
    """Signal the processes of the session the bench started for one child, one by one."""
    for pid, _, _ in _session_members(session):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def tail(text: str, lines: int = 15) -> str:
    """The last lines of a process's output, for an error message."""
    return "\n".join(text.strip().splitlines()[-lines:])


def file_text(path: Path) -> str | None:
    """A file's text, or None when it is missing."""
    try:
        return path.read_text()
    except OSError:
        return None
