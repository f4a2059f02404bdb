"""The exception hierarchy of trailsweep.

TrailsweepError                 base of everything the library raises on purpose
├── InputError                  a file or record that cannot be read (carries the location)
├── AllowlistError              an allowlist that cannot be loaded or applied (file:line:column;
│                               defined in trailsweep.alerts.allowlist)
├── RuleError                   a rule file that cannot be loaded (carries file:line:column)
│   └── EsqlError               an ES|QL query problem
│       ├── EsqlSyntaxError     the text does not parse
│       └── EsqlUnsupportedError  it parses, but uses a construct trailsweep does not run
├── EngineError                 the engine failed to evaluate a compiled query
├── SourceError                 a watched source (folder, S3, SQS) that cannot be used
│   │                           (defined in trailsweep.sources.watch)
│   └── MissingObjectError      an object gone between a poll and its fetch
├── StateError                  a watcher's state folder that cannot be used (locked, too new;
│                               defined in trailsweep.watch.state)
└── WindowError                 a rule whose windows the watcher cannot place in event time
                                (defined in trailsweep.watch.windows)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a file: path plus optional 1-based line and column, or a record index."""

    path: str
    line: int | None = None
    column: int | None = None
    record: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.record is not None:
            text += f" record {self.record}"
        return text


class TrailsweepError(Exception):
    """Base class of every error trailsweep raises on purpose."""


class LocatedError(TrailsweepError):
    """An error that knows where it happened."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class InputError(LocatedError):
    """A file or record that cannot be read or is not CloudTrail."""


class RuleError(LocatedError):
    """A rule file that cannot be loaded."""


class EsqlError(RuleError):
    """A problem with an ES|QL query."""


class EsqlSyntaxError(EsqlError):
    """The query text does not parse."""


class EsqlUnsupportedError(EsqlError):
    """The query parses but uses a construct trailsweep does not run."""


class EngineError(TrailsweepError):
    """The engine failed to evaluate a compiled query."""
