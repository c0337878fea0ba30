"""Root conftest: makes the repository root importable for tests run without installing."""

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

TINY = Path(__file__).parent / "data" / "tiny.yaml"
TINY_PLAN_ARGS = ["-n", "3", "--verify", "6", "-j", "1"]
"""On these seeds the tiny plan does not meet its target, so the runs also show the next steps."""


@pytest.fixture(scope="session")
def tiny_plans(tmp_path_factory):
    """`sporen plan` on tests/data/tiny.yaml in Dutch (the default) and English, once per test session:
    {lang: (run folder, click result)}. Shared by the plan, language and browser tests."""
    from click.testing import CliRunner

    from sporen.cli import main

    runs = {}
    for lang in ("nl", "en"):
        out = tmp_path_factory.mktemp("tiny-plan") / f"tiny-plan-{lang}"
        args = ["plan", str(TINY), *TINY_PLAN_ARGS, "--out", str(out)] + (["--lang", "en"] if lang == "en" else [])
        runs[lang] = (out, CliRunner().invoke(main, args))
    return runs
