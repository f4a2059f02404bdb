"""Continuous detection (`trailsweep watch`): event-time windows under a watermark, exact under
late and out-of-order delivery and crashes, with alerts emitted once and updated in place."""

from __future__ import annotations

from trailsweep.watch.health import WatchHealth, write_stats
from trailsweep.watch.state import StateError, WatchState
from trailsweep.watch.watcher import Watcher, WatchOptions
from trailsweep.watch.windows import WindowError, WindowShape, window_shape

__all__ = [
    "StateError",
    "WatchHealth",
    "WatchOptions",
    "WatchState",
    "Watcher",
    "WindowError",
    "WindowShape",
    "window_shape",
    "write_stats",
]
