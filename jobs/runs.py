"""Where a job's run folder goes, and the names it records.

Writing the folder whole or not at all, and what it may replace, is `outputs.rundir`; the
manifest is `outputs.tables.build_manifest`. This module names things, so every job names them
alike: `run_folder` is the one place a job turns ``--out`` (or its default) into the folder it
will write, refused at once (InputError) when it may not be written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sporen.common.errors import InputError
from sporen.inputs.schema import Scenario
from sporen.outputs.rundir import RunDirectory, RunKind, check_target

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


@dataclass(frozen=True)
class RunFolder:
    """The folder a job writes, with the rules it was checked against (`outputs.rundir.check_target`)."""

    path: Path
    inputs: tuple[str | Path | None, ...] = ()
    kind: RunKind | None = None

    def open(self) -> RunDirectory:
        """The run directory to write into (checked again when it takes the folder's place)."""
        return RunDirectory(self.path, self.inputs, self.kind)


def run_folder(out: Path | None, command: str, scenario: str, inputs: Sequence[str | Path | None],
               default_name: str | None = None) -> RunFolder:
    """``--out`` or, when it is not given, outputs/runs/<default_name> (default: <command>-<scenario>).

    A default folder may only replace a run of the same kind (`command` and scenario name); an
    explicit ``--out`` may replace any sporen run folder. Raises InputError when the folder may not
    be written (a user's folder, the current folder, a folder holding an input file, ...).
    """
    kind = None
    if out is None:
        out = default_folder(default_name or f"{command.split()[0]}-{scenario}")
        kind = RunKind(command, scenario)
    folder = RunFolder(Path(out), tuple(inputs), kind)
    problems = check_target(folder.path, folder.inputs, folder.kind)
    if problems:
        raise InputError(problems)
    return folder
