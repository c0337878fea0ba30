"""Functional test of the README's first command: `make run` in a fresh clone.

It clones the committed state (HEAD) into a temporary folder and runs `make run` exactly as a new
user would: the Makefile creates .venv from pyproject.toml, installs, and runs `sporen plan` on the
bundled BMWE scenario. The report and workbook must appear and the manifest must name the commit.
The test passes small sample sizes (`PLAN_ARGS`, below) so that it takes about two minutes (an
install from the pip cache, then the main job); the default job's time and answer are measured in
bench/ (`python bench/bench_optimise.py --plan`), not here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN_ARGS = "-n 4 --max-futures 8 --tradeoff '' --verify 8"
"""Small samples for the suite: every step of the main job runs (optimise with explanations and a
trade-off point, report futures, report), on fewer futures."""


@pytest.mark.slow
def test_make_run_from_a_fresh_clone(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None or shutil.which("make") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs git and make for the README's `make run`")
        pytest.skip("not a git checkout, or git/make missing: cannot clone for `make run`")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(["make", "run", f"PLAN_ARGS={PLAN_ARGS}"], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-4000:])
    run_dir = clone / "outputs" / "runs" / "bmwe-plan"
    for name in ("report.html", "results.xlsx", "manifest.json", "plan.yaml", "formation.csv", "yearly.csv"):
        assert (run_dir / name).is_file(), name
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip()
    assert manifest["git"]["commit"] == head
    assert not any(p.name.startswith(".") for p in run_dir.parent.iterdir()), "a temp run folder was left behind"
