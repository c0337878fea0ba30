"""The `sporen` command: wires inputs -> sim -> optimise -> outputs together.

Exit codes: 0 ok; 1 target not met or run failed; 2 bad input (a message per problem, no
traceback). Each command imports its heavy modules inside the function so `sporen --help` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NoReturn

import click

from inputs.errors import InputError, Problem

EXIT_OK, EXIT_TARGET_NOT_MET, EXIT_BAD_INPUT = 0, 1, 2


def fail(problems: Iterable[Problem] | InputError) -> NoReturn:
    """Print every input problem on stderr and exit with code 2."""
    if isinstance(problems, InputError):
        problems = problems.problems
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sporen")
def main() -> None:
    """sporen: simulate clients through the Participatiewet tracks (sporen), project the BUIG
    result with vangnet, and find the cheapest staffing and budget plan that closes the deficit.

    \b
    Example:
      sporen validate inputs/scenarios/bmwe.yaml
      sporen plan
    """


# --- vangnet command (begin) ---
@main.command("vangnet")
@click.argument("accounts", metavar="ACCOUNTS.csv", type=click.Path())
@click.option(
    "--rules", "rules_file", type=click.Path(), default=None, metavar="FILE",
    help="Vangnet rules per year (YAML). Default: the bundled inputs/rules/vangnet.yaml.",
)
@click.option(
    "--out", "out_file", type=click.Path(), default=None, metavar="FILE",
    help="Write the table to FILE (CSV) instead of standard output.",
)
def vangnet(accounts: str, rules_file: str | None, out_file: str | None) -> None:
    """Compute the vangnet (safety-net grant) per municipality and year.

    ACCOUNTS.csv has one row per municipality and year, with the columns municipality, year,
    budget (the BUIG budget) and spending (benefits plus wage-cost subsidies), in whole euros;
    comma- or semicolon-separated. Rows for years before the first year with rules (2015 in
    the bundled rules) are history: they only feed the multi-year test, as do a municipality's
    first rows when their own test lacks earlier years but they complete a later year's test.

    \b
    Output (CSV), one row per input row:
      municipality, year, budget, spending, result (budget - spending; negative =
      deficit), deficit_share, cumulative_result (summed result of the multi-year
      test's years), eligible, compensation (the vangnet, whole euros),
      result_after_vangnet

    \b
    Example:
      sporen vangnet tests/data/bmwe_accounts.csv
      sporen vangnet accounts.csv --rules my-rules.yaml --out vangnet.csv

    Bad input exits with code 2 and one line per problem: FILE: row N.field: what is wrong
    (what is allowed); rows are numbered as a spreadsheet shows them (header = row 1).
    """
    import os
    import tempfile
    from pathlib import Path

    from inputs.vangnet_rules import load_accounts, load_vangnet_rules
    from sim.vangnet import VangnetError, vangnet_table

    problems: list[Problem] = []
    try:
        frame = load_accounts(Path(accounts))
    except InputError as exc:
        problems += exc.problems
    try:
        rules = load_vangnet_rules(Path(rules_file) if rules_file else None)
    except InputError as exc:
        problems += exc.problems
    out = Path(out_file) if out_file else None
    if out is not None and not out.parent.is_dir():
        problems.append(Problem(out_file, "", "the folder does not exist", "an existing folder"))
    elif out is not None and out.is_dir():
        problems.append(Problem(out_file, "", "is a folder", "a file name"))
    if problems:
        fail(problems)
    try:
        table = vangnet_table(frame, rules)
    except VangnetError as exc:
        fail([
            Problem(accounts, f"row {i.row}.{i.field}" if i.row is not None else i.field,
                    i.message, i.allowed)
            for i in exc.issues
        ])
    text = table.round({"deficit_share": 6}).to_csv(index=False, lineterminator="\n")
    if out is None:
        click.echo(text, nl=False)
        return
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fail([Problem(out_file, "", f"cannot write: {exc.strerror}", "a writable file")])
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
# --- vangnet command (end) ---

# --- validate command (begin) ---
# --- validate command (end) ---


if __name__ == "__main__":
    main()
