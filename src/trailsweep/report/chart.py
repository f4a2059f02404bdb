"""The burst as a chart: one stacked bar per second (height: buckets, colours: APIs), laid out
server-side as numbers that the template draws as inline SVG."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH = 720
HEIGHT = 220
LEFT = 44
RIGHT = 12
TOP = 12
BOTTOM = 34
UNSPLIT = "all APIs"
UNSPLIT_COLOUR = "#777777"
MAX_SLOTS = 120
"""Above this many seconds from first to last, only the seconds with calls get a slot."""

# Colour-blind-friendly (Okabe-Ito), then a few more; APIs get colours in sorted name order.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
)


@dataclass(frozen=True)
class SecondCount:
    """One second of the burst: how many buckets were touched, and calls per API."""

    second: datetime
    buckets: int
    by_action: Mapping[str, int]


@dataclass(frozen=True)
class Segment:
    """One API's share of a bar, as a rectangle."""

    action: str
    count: int
    colour: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Bar:
    """One second's bar: its total height stands for `buckets`, split by API."""

    second: datetime
    buckets: int
    x: float
    y: float
    width: float
    height: float
    segments: tuple[Segment, ...]

    @property
    def label(self) -> str:
        """A tooltip: the second, the bucket count and the calls per API."""
        calls = ", ".join(f"{s.action} {s.count}" for s in self.segments)
        return f"{self.second:%H:%M:%S} UTC: {self.buckets} — {calls}"


@dataclass(frozen=True)
class Tick:
    """An axis label at a position."""

    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: bars, axes, legend, and what the bar height counts."""

    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]
    """(API, colour) pairs."""
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        """No second had any call to draw."""
        return not self.bars

    @property
    def peak(self) -> int:
        """The highest bar's count."""
        return max((bar.buckets for bar in self.bars), default=0)


def layout_chart(seconds: Sequence[SecondCount], y_label: str) -> Chart:
    """Lay out one bar per second that has calls, on a time axis from the first to the last."""
    data = sorted((s for s in seconds if s.buckets > 0), key=lambda s: s.second)
    actions = sorted({a for s in data for a, n in s.by_action.items() if n > 0})
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actions)}
    legend = tuple(colours.items())
    if any(not any(n > 0 for n in s.by_action.values()) for s in data):
        legend += ((UNSPLIT, UNSPLIT_COLOUR),)
    if not data:
        return Chart((), (), (), (), y_label)
    slots = _slots(data)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot_w = plot_w / len(slots)
    bar_w = max(1.0, slot_w * 0.72)
    y_max = _nice_max(max(s.buckets for s in data))
    index = {second: i for i, second in enumerate(slots)}
    bars: list[Bar] = []
    for entry in data:
        x = LEFT + index[entry.second] * slot_w + (slot_w - bar_w) / 2
        height = entry.buckets / y_max * plot_h
        bottom = HEIGHT - BOTTOM
        bars.append(
            Bar(
                entry.second,
                entry.buckets,
                _r(x),
                _r(bottom - height),
                _r(bar_w),
                _r(height),
                _segments(entry, colours, x, bar_w, bottom, height),
            )
        )
    y_ticks = tuple(
        Tick(_r(HEIGHT - BOTTOM - value / y_max * plot_h), str(value))
        for value in sorted({0, y_max // 2, y_max})
    )
    step = max(1, len(slots) // 6)
    x_ticks = tuple(
        Tick(_r(LEFT + i * slot_w + slot_w / 2), f"{second:%H:%M:%S}")
        for i, second in enumerate(slots)
        if i % step == 0
    )
    return Chart(tuple(bars), legend, y_ticks, x_ticks, y_label)


def _slots(data: Sequence[SecondCount]) -> list[datetime]:
    first, last = data[0].second, data[-1].second
    span = int((last - first).total_seconds()) + 1
    if span > MAX_SLOTS:
        return [s.second for s in data]
    return [first + timedelta(seconds=i) for i in range(span)]


def _segments(
    entry: SecondCount, colours: Mapping[str, str], x: float, width: float, bottom: float, h: float
) -> tuple[Segment, ...]:
    # The bar's height is the bucket count; the APIs share it in proportion to their calls (a
    # bucket read with three APIs in one second is one bucket and three calls).
    counts = sorted((a, n) for a, n in entry.by_action.items() if n > 0)
    if not counts:
        whole = Segment(
            UNSPLIT, entry.buckets, UNSPLIT_COLOUR, _r(x), _r(bottom - h), _r(width), _r(h)
        )
        return (whole,)
    total = sum(n for _, n in counts)
    segments: list[Segment] = []
    y = bottom
    for action, count in counts:
        part = h * count / total
        y -= part
        segments.append(Segment(action, count, colours[action], _r(x), _r(y), _r(width), _r(part)))
    return tuple(segments)


def _nice_max(peak: int) -> int:
    """The y axis top: the peak rounded up to an even number (so the middle tick is whole)."""
    return max(2, peak + peak % 2)


def _r(value: float) -> float:
    return round(value, 2)


def seconds_from_timestamps(timestamps: Sequence[datetime]) -> list[SecondCount]:
    """Without computed context: distinct event times per second (all the alert's values say)."""
    per_second = Counter(t.replace(microsecond=0) for t in timestamps)
    return [SecondCount(s, n, {}) for s, n in sorted(per_second.items())]
