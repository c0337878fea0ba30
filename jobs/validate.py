"""`sporen validate`: check scenario, variant and plan files; every problem of every file at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario
from sporen.inputs.validate import validate_files
from sporen.jobs.options import ValidateOptions


@dataclass
class ValidateResult:
    lines: list[str] = field(default_factory=list)       # one per good file
    problems: list[Problem] = field(default_factory=list)


def money_check(scenario: Scenario, path: Path) -> list[Problem]:
    """What would stop `sporen simulate` before simulating: budgets, vangnet rules for every year,
    history for the multi-year test (`sim.money.money_problems`)."""
    from sporen.inputs.vangnet_rules import scenario_vangnet_rules
    from sporen.sim.money import money_problems

    try:
        rules = scenario_vangnet_rules(scenario, path.parent)
    except InputError:
        return []   # reported by inputs.validate with the rules file's own problems
    return money_problems(scenario, rules, str(path))


def run_validate(options: ValidateOptions) -> ValidateResult:
    lines, problems = validate_files([str(f) for f in options.files],
                                     str(options.scenario) if options.scenario else None, checks=[money_check])
    return ValidateResult(list(lines), list(problems))
