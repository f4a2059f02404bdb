"""Triage: context for each alert (the actor's activity around it, first sightings, user-agent
families, key kinds, AS organisation), baselines from the event store, and a moved risk score,
carried in the alert document under `trailsweep.context`.

This stage runs after alerts are built and may read sources, the normalizer, the engine, the
alerts and the store; sinks and the command line use it, never the other way round.
"""

from __future__ import annotations

from trailsweep.triage.access_keys import key_kind
from trailsweep.triage.contexts import (
    DEFAULT_BASELINE_DAYS,
    DEFAULT_MINUTES,
    TriageOptions,
    file_contexts,
    store_contexts,
    with_contexts,
)
from trailsweep.triage.model import AlertContext, context_document
from trailsweep.triage.user_agents import classify_user_agent

CONTEXT_KEY = "trailsweep.context"
"""The alert document key the context lives under."""

__all__ = [
    "CONTEXT_KEY",
    "DEFAULT_BASELINE_DAYS",
    "DEFAULT_MINUTES",
    "AlertContext",
    "TriageOptions",
    "classify_user_agent",
    "context_document",
    "file_contexts",
    "key_kind",
    "store_contexts",
    "with_contexts",
]
