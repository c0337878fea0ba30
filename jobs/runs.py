"""Where a job's run folder goes by default, and the names it records.

Writing the folder whole or not at all is `outputs.rundir.RunDirectory`; the manifest is
`outputs.tables.build_manifest`. This module only names things, so every job names them alike.
"""

from __future__ import annotations

import re
from pathlib import Path

from sporen.inputs.schema import Scenario

RUNS_FOLDER = Path("outputs") / "runs"


def folder_name(name: str) -> str:
    """A file-system-safe folder name: letters, digits and . _ + - only."""
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", name).strip("-.") or "scenario"


def default_folder(name: str) -> Path:
    """outputs/runs/<name>, relative to the current folder."""
    return RUNS_FOLDER / folder_name(name)


def rules_file_of(scenario: Scenario, scenario_file: str | Path | None) -> str | None:
    """The scenario's vangnet rules file as a path a reader can open (relative to the scenario's folder)."""
    rules = scenario.finance.vangnet_rules
    if rules is None or scenario_file is None:
        return rules
    if not Path(rules).is_absolute() and (Path(scenario_file).parent / rules).exists():
        return str(Path(scenario_file).parent / rules)
    return rules
