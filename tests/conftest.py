"""Test groups, after pydesrap's split: unit, functional and back tests, one marker each.

* unit: one module or concept against something that could be wrong (analytic results,
  conservation, properties with hypothesis, brute force on small cases);
* functional: a command or job end to end (CLI, run folders, report, browser, make run);
* back: results against history (the seed's own figures, the calibration back tests, golden files).

Every test module is listed in exactly one group below (tests/test_layering.py checks it), and
each test gets the group's marker: `pytest -m unit` is the quick loop, `make test` runs all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

UNIT = {
    "test_des", "test_engine_conservation", "test_engine_intensity", "test_engine_logic", "test_engine_money",
    "test_engine_statistics",
    "test_engine_thinning",
    "test_engine_units", "test_inputs_load", "test_inputs_series", "test_inputs_validate", "test_inputs_variants",
    "test_inputs_workbook", "test_inputs_workbook_limits", "test_inputs_schema_driven", "test_design_map",
    "test_kpis",
    "test_layering", "test_money", "test_optimise_design",
    "test_optimise_guarantee", "test_optimise_model", "test_optimise_policy", "test_runner", "test_vangnet",
    "test_numbers", "test_web_whatif", "test_web_upload", "test_web_security", "test_report_figures",
    "test_packaging", "test_monitor_inputs", "test_monitor_restart", "test_monitor_web", "test_sensitivity",
    "test_net_instruments", "test_returns_at_start", "test_optimise_sequential", "test_optimise_answer",
    "test_optimise_seeds",
}
FUNCTIONAL = {
    "test_browser", "test_cli_conventions", "test_cli_options", "test_compare", "test_make_run", "test_optimise_cli",
    "test_optimise_sim", "test_plan_cli", "test_report", "test_scenarios_bundled", "test_simulate_cli",
    "test_workbook_out", "test_api", "test_dask", "test_adversarial", "test_interrupt", "test_rundir",
    "test_language", "test_web_browser", "test_workbook_text", "test_workbook_print", "test_monitor_cli",
    "test_sensitivity_cli",
}
BACK = {"test_bmwe_seed", "test_calibrate_bmwe", "test_golden", "test_engine_equivalence", "test_monitor_bmwe"}
GROUPS = {"unit": UNIT, "functional": FUNCTIONAL, "back": BACK}


def group_of(module: str) -> str | None:
    found = [name for name, members in GROUPS.items() if module in members]
    return found[0] if len(found) == 1 else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        group = group_of(Path(str(item.fspath)).stem)
        if group is not None:
            item.add_marker(getattr(pytest.mark, group))


TINY = Path(__file__).parent / "data" / "tiny.yaml"
TINY_PLAN_ARGS = ["-n", "4", "--verify", "6", "--max-futures", "16", "--tradeoff", "0.8", "-j", "1",
                  "--target-level", "2000000"]
"""A target out of reach for the tiny scenario (a result of EUR 2M a year), so the runs also show the
verdict 'does not meet', exit 1 and the next steps; few futures, so the runs take seconds."""


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
