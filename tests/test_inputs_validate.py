"""`sporen validate`: one line per good file; every problem of every bad file; exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sporen.cli import main

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"
BAD = DATA / "bad"
TINY = DATA / "tiny.yaml"


def _run(*args: str | Path):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def _bad(name: str, *args: str | Path) -> list[str]:
    """Problem lines of a run that must fail with exit code 2 and no traceback."""
    result = _run(BAD / name, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line.removeprefix("error: ") for line in result.output.splitlines() if line.startswith("error: ")]
    assert lines, result.output
    return lines


def test_good_files_print_one_line_each(tmp_path):
    variant = tmp_path / "v.yaml"
    variant.write_text(f"variant: kansrijk\nbase: {TINY}\nset:\n  policy.priority: kansrijk_first\n", encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: more\nstaff:\n  km_werk: {fte: 2.0}\n", encoding="utf-8")
    result = _run(TINY, variant, plan, "--scenario", TINY)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{TINY}: ok — scenario 'tiny', 2 municipalities, 3 tracks, 2018-01 + 2 years, 120 clients at start",
        f"{variant}: ok — variant 'kansrijk' of {TINY}: scenario 'tiny+kansrijk', 2 municipalities, 3 tracks, "
        "2018-01 + 2 years, 120 clients at start",
        f"{plan}: ok — plan 'more' for scenario 'tiny': sets 1 role, 0 instruments, 0 measures",
    ]


def test_missing_file():
    assert _bad("no_such_file.yaml") == [f"{BAD / 'no_such_file.yaml'}: file not found (an existing YAML file)"]


def test_not_yaml():
    (line,) = _bad("not_yaml.yaml")
    assert line.startswith(f"{BAD / 'not_yaml.yaml'}: line 4: not valid YAML")


def test_empty_file():
    assert _bad("empty.yaml") == [f"{BAD / 'empty.yaml'}: file is empty (a YAML mapping)"]


def test_top_level_not_a_mapping():
    assert _bad("top_list.yaml") == [f"{BAD / 'top_list.yaml'}: top level is a list (a YAML mapping of keys to values)"]


def test_wrong_types():
    file = BAD / "wrong_types.yaml"
    assert _bad("wrong_types.yaml") == [
        f"{file}: years: 'one' is not a whole number (e.g. 4)",
        f"{file}: tracks.werk.caseload_per_fte: 'forty' is not a number (e.g. 0.5)",
        f"{file}: roles.klantmanager.partner: 'maybe' is not true or false (true or false)",
    ]


def test_negative_fte_and_money():
    file = BAD / "negative.yaml"
    assert sorted(_bad("negative.yaml")) == sorted([
        f"{file}: municipalities.Stad.buig_budget.2018: -500000 is out of range (>= 0)",
        f"{file}: segments.regular.benefit_per_month: -1167 is out of range (>= 0)",
        f"{file}: roles.klantmanager.fte_now: -1.0 is out of range (>= 0)",
        f"{file}: roles.klantmanager.cost_per_fte_year: -70000 is out of range (>= 0)",
    ])


def test_probabilities_outside_0_1():
    file = BAD / "probabilities.yaml"
    assert sorted(_bad("probabilities.yaml")) == sorted([
        f"{file}: segments.regular.share_without_benefit: 1.5 is out of range (<= 1)",
        f"{file}: returns.share_back: -0.1 is out of range (>= 0)",
    ])


def test_shares_not_summing_to_one():
    file = BAD / "shares.yaml"
    assert sorted(_bad("shares.yaml")) == sorted([
        f"{file}: segments.regular.ladder_at_entry: ladder shares sum to 0.9 (shares that sum to 1)",
        f"{file}: gate.decisions: decision shares sum to 1.1 (shares that sum to 1)",
    ])


def test_unknown_keys_at_any_depth():
    lines = _bad("unknown_keys.yaml")
    file = BAD / "unknown_keys.yaml"
    assert len(lines) == 3
    assert any(p.startswith(f"{file}: descripton: unknown key (a typo? did you mean 'description'?)") for p in lines)
    assert any(p.startswith(f"{file}: policy.priorty: unknown key (a typo? did you mean 'priority'?) (allowed here: "
                            "priority, ") for p in lines)
    assert any(p.startswith(f"{file}: tracks.werk.served_work_multiplierr: unknown key") for p in lines)


def test_references_to_undefined_tracks_roles_segments_municipalities():
    file, csv = BAD / "references.yaml", BAD / "references_applications.csv"
    assert sorted(_bad("references.yaml")) == sorted([
        f"{csv}: row 3.municipality: unknown municipality 'Dorp' (one of: Stad)",
        f"{csv}: row 4.segment: unknown segment 'youth' (one of: regular)",
        f"{file}: municipalities.Stad.initial_stock.refugees: unknown segment 'refugees' (one of: regular)",
        f"{file}: tracks.werk.caseworker_role: unknown role 'jobcoach' (one of: klantmanager)",
        f"{file}: tracks.participatie.segments: unknown segment 'youth' (one of: regular)",
        f"{file}: tracks.participatie.transitions.0.to: unknown track 'werkleer' (one of: werk, participatie)",
        f"{file}: instruments.leerwerk.track: unknown track 'werkleer' (one of: werk, participatie)",
    ])


def test_variant_whose_base_is_missing():
    (line,) = _bad("variant_missing_base.yaml")
    assert line.startswith(f"{BAD / 'variant_missing_base.yaml'}: base: base file not found: "
                           f"{DATA / 'no_such_scenario.yaml'}")


def test_variant_patching_a_field_that_does_not_exist():
    lines = _bad("variant_bad_path.yaml")
    assert len(lines) == 4
    assert f"{BAD / 'variant_bad_path.yaml'}: set.policy.priorty: 'priorty' does not exist in policy (fields " \
           "there: priority, benefit_pause_months, benefit_pause_work_effect, slot_review_months, everyone_in_view, " \
           "no_reintegration_money_for, min_partner_share)" in lines


def test_plan_with_unknown_role_and_fte_off_the_half_steps():
    file = BAD / "plan_bad.yaml"
    assert _bad("plan_bad.yaml", "--scenario", TINY) == [
        f"{file}: staff.jobcoach: unknown role 'jobcoach' (one of: km_werk, km_werkleer, km_participatie, intake, "
        "handhaving, werkgeversdienst)",
        f"{file}: staff.km_werk.fte: 1.3 is not fte_now 1.0 plus a whole number of 0.5-fte steps (e.g. 1.5 or 2)",
    ]


def test_plan_without_scenario():
    (line,) = _bad("plan_bad.yaml")
    assert "a plan is checked against its scenario, and none was given" in line


def test_plan_with_a_bad_scenario_reports_the_scenario_once():
    lines = _bad("plan_bad.yaml", "--scenario", BAD / "negative.yaml", BAD / "negative.yaml")
    assert len([p for p in lines if p.startswith(str(BAD / "negative.yaml"))]) == 4
    assert any("plan_bad.yaml: cannot be checked: its scenario" in p for p in lines)


def test_every_problem_of_every_file_at_once():
    result = _run(TINY, BAD / "empty.yaml", BAD / "shares.yaml", BAD / "variant_unknown_op.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(f"{TINY}: ok")
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 + 2 + 1


def test_workbook_is_validated_like_yaml(tmp_path):
    from sporen.inputs.load import load_scenario
    from sporen.inputs.workbook import export_workbook

    export_workbook(load_scenario(TINY), tmp_path / "t.xlsx")
    result = _run(tmp_path / "t.xlsx")
    assert result.exit_code == 0 and "ok — scenario 'tiny'" in result.output


def test_an_internal_error_is_not_reported_as_a_user_error(monkeypatch):
    import sporen.inputs.validate as validate

    def broken(path):
        raise RuntimeError("bug in sporen")

    monkeypatch.setattr(validate, "load_scenario", broken)
    result = _run(TINY)
    assert result.exit_code != 2
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "bug in sporen"


@pytest.mark.parametrize("name", ["no_such_file.yaml", "not_yaml.yaml", "empty.yaml", "top_list.yaml"])
def test_file_level_problems_do_not_raise_from_validate_files(name):
    from sporen.inputs.validate import validate_files

    lines, problems = validate_files([BAD / name])
    assert lines == [] and len(problems) == 1 and problems[0].file == str(BAD / name)
