"""The alert's risk score, moved from the rule's own by what the context shows.

Each finding moves the score by a fixed step; the steps together span -20 to +90 around the
rule's `risk_score`, and the result is clamped to 0-100:

| finding | step |
|---|---|
| every user agent is a known CSPM scanner (Prowler, ScoutSuite, Steampipe, CloudSploit) | -10 |
| the baseline shows sweeps this large before (previous maximum >= half of this one) | -10 |
| a user agent of an offensive tool (Pacu) | +20 |
| first-seen principal / source IP / user agent (over a day of history or more) | +10/+10/+5 |
| a long-term (AKIA) access key | +10 |
| notable follow-on activity (the guide's list) | +15 |
| writes or policy changes on the swept buckets | +20 |
"""

from __future__ import annotations

from dataclasses import dataclass

from trailsweep.triage.model import Baseline, FirstSeen, Risk, UserAgentInfo

KNOWN_CSPM = -10
BASELINE_CONSISTENT = -10
OFFENSIVE_TOOL = 20
FIRST_SEEN_PRINCIPAL = 10
FIRST_SEEN_SOURCE_IP = 10
FIRST_SEEN_USER_AGENT = 5
LONG_TERM_KEY = 10
NOTABLE_ACTIVITY = 15
BUCKET_CHANGES = 20
MIN_HISTORY_DAYS = 1
"""First-seen flags move the score only over this much history: with less, everything is new."""


@dataclass(frozen=True)
class RiskInputs:
    """What the score looks at."""

    base: int
    user_agents: tuple[UserAgentInfo, ...]
    baseline: Baseline | None
    bucket_count: int | None
    first_seen: FirstSeen
    long_term_key: bool
    notable_categories: tuple[str, ...]
    bucket_changes: int


def risk_score(inputs: RiskInputs) -> Risk:
    """The moved score and the reason for each step, in the table's order."""
    steps: list[tuple[int, str]] = []
    agents = inputs.user_agents
    if agents and all(agent.known_cspm for agent in agents):
        families = ", ".join(sorted({agent.family for agent in agents}))
        steps.append((KNOWN_CSPM, f"known CSPM scanner user agent ({families})"))
    baseline = inputs.baseline
    count = inputs.bucket_count
    if (
        baseline is not None
        and baseline.windows > 0
        and count is not None
        and 2 * baseline.previous_max_buckets >= count
    ):
        steps.append(
            (
                BASELINE_CONSISTENT,
                f"consistent with baseline (previous maximum {baseline.previous_max_buckets} "
                f"buckets over {baseline.days} days)",
            )
        )
    offensive = sorted({agent.family for agent in agents if agent.offensive})
    if offensive:
        steps.append((OFFENSIVE_TOOL, f"offensive tool user agent ({', '.join(offensive)})"))
    seen = inputs.first_seen
    if seen.history_days >= MIN_HISTORY_DAYS:
        days = f"in {seen.history_days} days of history"
        if seen.principal:
            steps.append((FIRST_SEEN_PRINCIPAL, f"first-seen principal {days}"))
        if seen.source_ip:
            steps.append((FIRST_SEEN_SOURCE_IP, f"first-seen source IP for the principal {days}"))
        if seen.user_agent:
            steps.append((FIRST_SEEN_USER_AGENT, f"first-seen user agent for the principal {days}"))
    if inputs.long_term_key:
        steps.append((LONG_TERM_KEY, "long-term access key (AKIA)"))
    if inputs.notable_categories:
        listed = ", ".join(inputs.notable_categories)
        steps.append((NOTABLE_ACTIVITY, f"notable follow-on activity ({listed})"))
    if inputs.bucket_changes:
        steps.append(
            (
                BUCKET_CHANGES,
                f"{inputs.bucket_changes} write(s) or policy change(s) on swept buckets",
            )
        )
    score = max(0, min(100, inputs.base + sum(step for step, _ in steps)))
    reasons = tuple(f"{step:+d} {reason}" for step, reason in steps)
    return Risk(score=score, base=inputs.base, reasons=reasons)
