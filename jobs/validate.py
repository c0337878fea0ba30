"""`sporen validate`: check scenario, variant and plan files; every problem of every file at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from sporen.common.errors import Problem
from sporen.inputs.validate import validate_files
from sporen.jobs.options import JobOptions


class ValidateOptions(JobOptions):
    files: list[Path] = Field(min_length=1, max_length=10_000)
    scenario: Path | None = None


@dataclass
class ValidateResult:
    lines: list[str] = field(default_factory=list)       # one per good file
    problems: list[Problem] = field(default_factory=list)


def run_validate(options: ValidateOptions) -> ValidateResult:
    lines, problems = validate_files([str(f) for f in options.files],
                                     str(options.scenario) if options.scenario else None)
    return ValidateResult(list(lines), list(problems))
