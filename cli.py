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
# --- vangnet command (end) ---

# --- validate command (begin) ---
# --- validate command (end) ---


if __name__ == "__main__":
    main()
