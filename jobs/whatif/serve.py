"""`sporen serve`: the what-if page's start (its options are `jobs.options.ServeOptions`).

The page itself is a presentation layer (`sporen.web`, like cli.py); what it simulates goes
through `jobs.whatif`. Here: which scenarios are bundled, and the rules for where the page
listens -- on localhost unless told otherwise, and never on the network without an access token.
"""

from __future__ import annotations

from pathlib import Path

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import Scenario
from sporen.jobs.options import BUNDLED_SCENARIO, MIN_TOKEN_LENGTH, ServeOptions, is_loopback

__all__ = ["BUNDLED_SCENARIO", "MIN_TOKEN_LENGTH", "SCENARIOS_FOLDER", "ServeOptions", "bundled_scenarios",
           "is_loopback", "load_bundled", "load_start"]

SCENARIOS_FOLDER = BUNDLED_SCENARIO.parent
DEFAULT_PORT = 8050


def bundled_scenarios() -> dict[str, Path]:
    """The bundled scenarios and policy variants, by the name shown on the page (file stem)."""
    found = {p.stem: p for p in sorted(SCENARIOS_FOLDER.glob("*.yaml"))}
    found.update({p.stem: p for p in sorted((SCENARIOS_FOLDER / "variants").glob("*.yaml"))})
    return found


def load_bundled(name: str) -> Scenario:
    """A bundled scenario or variant by its name (never a path from the browser)."""
    from sporen.inputs.load import load_scenario

    scenarios = bundled_scenarios()
    if name not in scenarios:
        raise InputError([Problem("scenario", "", f"'{name}' is not a bundled scenario", ", ".join(scenarios))])
    return load_scenario(scenarios[name])


def load_start(options: ServeOptions) -> tuple[str, Scenario]:
    """The scenario the page opens with, and its name in the list (the file's stem)."""
    from sporen.inputs.load import load_scenario

    scenario = load_scenario(options.scenario)
    return Path(options.scenario).stem, scenario
