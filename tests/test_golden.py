"""Back test: today's simulation of tests/data/tiny.yaml equals the committed golden CSVs.

Unit tests check pieces and functional tests check properties; this one catches any unintended
change in the numbers a planner sees. tests/golden/README.md says how to regenerate on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sporen import cli

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "run"
    result = CliRunner().invoke(cli.main, ["simulate", "tests/data/tiny.yaml", "-n", "4", "--seed", "11",
                                           "--workers", "1", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("table", ["yearly", "monthly", "kpis"])
def test_simulation_equals_the_golden_file(run_dir: Path, table: str) -> None:
    expected = (GOLDEN / f"tiny_{table}.csv").read_bytes()
    actual = (run_dir / f"{table}.csv").read_bytes()
    if actual != expected:
        exp_lines, act_lines = expected.decode().splitlines(), actual.decode().splitlines()
        first = next((i for i, (a, b) in enumerate(zip(exp_lines, act_lines, strict=False)) if a != b),
                     min(len(exp_lines), len(act_lines)))
        pytest.fail(f"{table}.csv differs from tests/golden/tiny_{table}.csv from line {first + 1}:\n"
                    f"  golden: {exp_lines[first] if first < len(exp_lines) else '<end>'}\n"
                    f"  now:    {act_lines[first] if first < len(act_lines) else '<end>'}\n"
                    "If the change is intended, regenerate as tests/golden/README.md says.")
