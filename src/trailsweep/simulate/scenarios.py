"""The registry of labelled scenarios, in injection order, and building the chosen ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trailsweep.simulate.actors import Cast
from trailsweep.simulate.clock import DayClock
from trailsweep.simulate.scenario_context import Scenario, ScenarioContext
from trailsweep.simulate.scenarios_alerting import (
    cspm_scanner,
    intruder_sweep,
    intruder_sweep_ipv6,
    s3_console_page_load,
    threshold_edge,
)
from trailsweep.simulate.scenarios_silent import (
    aws_config,
    aws_service_principal,
    console_session,
    failures,
    window_edge,
)

__all__ = ["SCENARIOS", "Scenario", "build_scenarios"]

SCENARIOS: dict[str, Callable[[ScenarioContext], Scenario]] = {
    "intruder_sweep": intruder_sweep,
    "intruder_sweep_ipv6": intruder_sweep_ipv6,
    "cspm_scanner": cspm_scanner,
    "s3_console_page_load": s3_console_page_load,
    "aws_config": aws_config,
    "aws_service_principal": aws_service_principal,
    "failures": failures,
    "console_session": console_session,
    "window_edge": window_edge,
    "threshold_edge": threshold_edge,
}
"""Every scenario by name, in injection order; each draws on its own hours of the day."""


def build_scenarios(
    names: Sequence[str], seed: int, casts: Sequence[Cast], clock: DayClock
) -> tuple[Scenario, ...]:
    """Build the named scenarios (unknown names raise `KeyError`)."""
    return tuple(SCENARIOS[name](ScenarioContext(name, seed, casts, clock)) for name in names)
