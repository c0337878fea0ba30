"""`sporen vangnet`: the vangnet (safety-net grant) per municipality and year on a planner's own accounts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sporen.common.errors import InputError, Problem, Problems, disk_full
from sporen.common.files import write_text
from sporen.inputs.vangnet_rules import load_accounts, load_vangnet_rules, status_note
from sporen.jobs.options import VangnetOptions, check_out_file, leading_text, raise_problems
from sporen.sim.vangnet import VangnetError, vangnet_table


@dataclass
class VangnetResult:
    table: pd.DataFrame
    text: str
    out: Path | None
    note: str = ""
    """Which years' rules are verified, documented or assumed (one line, for standard error)."""


def _table_by_sporen(path: Path) -> bool:
    """A vangnet table sporen wrote: its header row is the table's."""
    return leading_text(path, 4096).startswith("municipality,year,budget,spending,result,")


def run_vangnet(options: VangnetOptions) -> VangnetResult:
    """Compute the table; write it to `out` (whole) when given. InputError for bad input."""
    problems: list[Problem] = []
    frame = rules = None
    try:
        frame = load_accounts(options.accounts)
    except InputError as exc:
        problems += exc.problems
    try:
        rules = load_vangnet_rules(options.rules)
    except InputError as exc:
        problems += exc.problems
    problems += check_out_file(options.out, "CSV file", [options.accounts, options.rules], _table_by_sporen)
    raise_problems(problems)
    assert frame is not None and rules is not None
    try:
        table = vangnet_table(frame, rules)
    except VangnetError as exc:
        raise InputError(Problems(
            Problem(str(options.accounts), f"row {i.row}.{i.field}" if i.row is not None else i.field,
                    i.message, i.allowed)
            for i in exc.issues
        )) from None
    text = table.round({"deficit_share": 6}).to_csv(index=False, lineterminator="\n")
    if options.out is not None:
        try:
            write_text(options.out, text)
        except OSError as exc:
            if disk_full(exc):
                raise    # the run failed (exit 1), not the input
            raise InputError([Problem(str(options.out), "", f"cannot write: {exc.strerror}",
                                      "a writable file")]) from None
    assessed = sorted(set(table.loc[table["assessment"] != "history", "year"].astype(int)))
    return VangnetResult(table, text, options.out, status_note(rules, assessed))
