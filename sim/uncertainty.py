"""Uncertain parameters: drawn per replication and applied to a copy of the scenario.

``scenario.uncertainty`` lists dotted paths (`inputs.paths`, list items by name, ``*`` for all)
with a uniform range [low, high]. For each replication every listed parameter gets one draw
from its own named stream (``("uncertainty", path)``: adding or reordering parameters leaves the
other draws unchanged), so two plans compared on the same replication seed see the same
parameter values (common random numbers). A path with a wildcard sets every field it names to
the same value. Where the current value is a whole number (an int field such as
``places_per_year``), the draw is rounded to a whole number. The copy is validated again like
any scenario (``Scenario.model_validate``), so a range that leaves a field's allowed values is
reported as an error rather than simulated. The result is the scenario as simulated: its
instruments carry their net effects (`sim.instruments.net_instruments`, after the draws, so a
deadweight may itself be uncertain).
"""

from __future__ import annotations

from numpy.random import SeedSequence

from sporen.inputs.paths import resolve, set_path
from sporen.inputs.schema import Scenario
from sporen.sim.instruments import net_instruments
from sporen.sim.random_streams import stream


def draw_parameters(scenario: Scenario, seed: SeedSequence) -> dict[str, float]:
    """{dotted path: value} drawn for this replication."""
    values: dict[str, float] = {}
    for item in scenario.uncertainty:
        u = stream(seed, "uncertainty", item.parameter).random()
        values[item.parameter] = item.low + (item.high - item.low) * u
    return values


def apply_uncertainty(scenario: Scenario, seed: SeedSequence) -> tuple[Scenario, dict[str, float]]:
    """(scenario with this replication's parameter values, the values); unchanged when none."""
    if not scenario.uncertainty:
        return net_instruments(scenario), {}
    values = draw_parameters(scenario, seed)
    raw = scenario.model_dump()
    for path, value in values.items():
        current = [container[key] for container, key in resolve(raw, path)]
        if current and all(isinstance(v, int) and not isinstance(v, bool) for v in current):
            value = int(round(value))
            values[path] = value
        set_path(raw, path, value)
    # type(scenario): a subclass (sim.from_actuals.Restart) stays one
    return net_instruments(type(scenario).model_validate(raw)), values
