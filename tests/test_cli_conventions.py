"""CLI conventions (README): every command has --help with an example and a --quiet flag;
exit codes 0 ok, 2 bad input without a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sporen import cli

COMMANDS = sorted(cli.main.commands)


def test_every_issue_command_is_there() -> None:
    assert {"plan", "simulate", "optimise", "compare", "calibrate", "vangnet", "validate", "convert"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example_and_quiet(command: str) -> None:
    result = CliRunner().invoke(cli.main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"sporen {command} --help shows no example"
    assert "--quiet" in result.output, f"sporen {command} has no --quiet"


def test_quiet_validate_prints_nothing_for_a_good_file() -> None:
    loud = CliRunner().invoke(cli.main, ["validate", "tests/data/tiny.yaml"])
    quiet = CliRunner().invoke(cli.main, ["validate", "--quiet", "tests/data/tiny.yaml"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "ok" in loud.output and quiet.output == ""


@pytest.mark.parametrize("command", ["plan", "simulate", "optimise", "validate", "calibrate", "convert"])
def test_missing_scenario_is_exit_2_without_traceback(command: str, tmp_path) -> None:
    missing = str(tmp_path / "no-such-scenario.yaml")
    args = {
        "calibrate": [missing, "--observed", "tests/data/bmwe_observed.csv"],
        "convert": [missing, str(tmp_path / "out.xlsx")],
    }.get(command, [missing])
    result = CliRunner().invoke(cli.main, [command, *args, "--quiet"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "no-such-scenario.yaml" in result.output
