"""`sporen validate`: check scenario, variant and plan files and report every problem at once.

`validate_files(paths, scenario)` returns one summary line per good file and every `Problem`
of every bad one; only `InputError` counts as a problem of the inputs. Anything else is a bug in
sporen and propagates (the CLI shows its traceback rather than blaming the planner's file).

What a file is, is decided by its content: an ``.xlsx`` file is a scenario workbook; a YAML
mapping with a ``variant:`` key is a variant; one with ``staff:`` (or with only plan keys and
``instruments``/``measures`` as mappings rather than lists) is a plan, checked against the
scenario given with ``--scenario``; anything else is a scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sporen.common.errors import InputError, Problem
from sporen.inputs.load import (
    is_workbook,
    load_plan,
    load_scenario,
    read_yaml,
    unwrap_sources,
    validate_model,
)
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.inputs.vangnet_rules import scenario_vangnet_rules

PLAN_KEYS = set(Plan.model_fields)


def describe(scenario: Scenario) -> str:
    """'scenario 'bmwe', 4 municipalities, 3 tracks, 2018-01 + 4 years, 1,206 clients at start'."""
    clients = sum(sum(m.initial_stock.values()) for m in scenario.municipalities)
    n_mun, n_trk = len(scenario.municipalities), len(scenario.tracks)
    return (f"scenario '{scenario.name}', {n_mun} {'municipality' if n_mun == 1 else 'municipalities'}, "
            f"{n_trk} {'track' if n_trk == 1 else 'tracks'}, {scenario.start} + {scenario.years} "
            f"{'year' if scenario.years == 1 else 'years'}, {clients:,} clients at start")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def kind_of(path: Path, raw: dict | None) -> str:
    """'scenario', 'variant' or 'plan'."""
    if raw is None or is_workbook(path):
        return "scenario"
    if "variant" in raw:
        return "variant"
    if "staff" in raw or (set(raw) <= PLAN_KEYS and not isinstance(raw.get("instruments"), list)
                          and not isinstance(raw.get("measures"), list)):
        return "plan"
    return "scenario"


class _ScenarioCache:
    """The --scenario file, loaded once; its problems are reported once."""

    def __init__(self, path: str | None):
        self.path = path
        self.loaded = False
        self.scenario: Scenario | None = None
        self.problems: list[Problem] = []

    def get(self) -> Scenario | None:
        if not self.loaded and self.path is not None:
            self.loaded = True
            try:
                self.scenario = load_scenario(self.path)
            except InputError as exc:
                self.problems = exc.problems
        return self.scenario


Check = Callable[[Scenario, Path], list[Problem]]
"""A further check of a loaded scenario (e.g. the simulator's own, passed in by `jobs.validate`)."""


def referenced_problems(scenario: Scenario, path: Path) -> list[Problem]:
    """Problems of the files a scenario names besides its series (read while loading): the vangnet
    rules file must exist (relative to the scenario's folder) and be valid."""
    name = scenario.finance.vangnet_rules
    if name is None:
        return []
    found = Path(name) if Path(name).is_absolute() else path.parent / name
    if not found.is_file() and not Path(name).is_file():
        return [Problem(str(path), "finance.vangnet_rules", f"the rules file {name} does not exist",
                        f"a vangnet rules file relative to {path.parent}, or leave it out for the bundled rules")]
    try:
        scenario_vangnet_rules(scenario, path.parent)
    except InputError as exc:
        return exc.problems
    return []


def validate_file(path: str | Path, scenario: _ScenarioCache | str | None = None,
                  checks: Sequence[Check] = ()) -> str:
    """The summary line of one good file; raises InputError listing all of a bad file's problems.

    A scenario or variant is loaded with every file it names (series, vangnet rules) and passed to
    each of `checks`."""
    path = Path(path)
    cache = scenario if isinstance(scenario, _ScenarioCache) else _ScenarioCache(scenario)
    if path.suffix.lower() == ".csv":
        raise InputError([Problem(str(path), "", "a CSV series is checked with the scenario that names it",
                                  "sporen validate SCENARIO.yaml (with series: {applications: this file})")])
    raw = None if is_workbook(path) else read_yaml(path)
    kind = kind_of(path, raw)
    if kind in ("scenario", "variant"):
        loaded = load_scenario(path)
        problems = referenced_problems(loaded, path) + [p for check in checks for p in check(loaded, path)]
        if problems:
            raise InputError(problems)
        if kind == "scenario":
            return f"{path}: ok — {describe(loaded)}"
        assert raw is not None
        return f"{path}: ok — variant '{raw['variant']}' of {raw['base']}: {describe(loaded)}"
    # a plan
    if cache.path is None:
        clean, _ = unwrap_sources(raw)
        problems = [Problem(str(path), "", "a plan is checked against its scenario, and none was given",
                            "sporen validate PLAN --scenario SCENARIO")]
        try:
            validate_model(Plan, clean, str(path))
        except InputError as exc:
            problems += exc.problems
        raise InputError(problems)
    base = cache.get()
    if base is None:
        clean, _ = unwrap_sources(raw)
        validate_model(Plan, clean, str(path))
        raise InputError([Problem(str(path), "", f"cannot be checked: its scenario {cache.path} has problems",
                                  "fix the scenario first")])
    plan = load_plan(path, base)
    parts = [_plural(len(plan.staff), "role"), _plural(len(plan.instruments), "instrument"),
             _plural(len(plan.measures), "measure")]
    return f"{path}: ok — plan '{plan.name}' for scenario '{base.name}': sets {', '.join(parts)}"


def validate_files(paths: Iterable[str | Path], scenario: str | None = None,
                   checks: Sequence[Check] = ()) -> tuple[list[str], list[Problem]]:
    """(summary lines of the good files, every problem of the bad ones, including --scenario's)."""
    cache = _ScenarioCache(scenario)
    lines: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            lines.append(validate_file(path, cache, checks))
        except InputError as exc:
            problems += exc.problems
    if scenario is not None:
        cache.get()
        problems = cache.problems + [p for p in problems if p not in cache.problems]
    return lines, problems
