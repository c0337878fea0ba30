"""Loading scenarios: {value, source} forms, duplicate keys, error messages that name fields by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sporen.common.errors import InputError
from sporen.inputs.load import (
    load_plan,
    load_scenario,
    load_scenario_or_variant,
    read_yaml,
    scenario_from_dict,
)

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"


@pytest.fixture(scope="module")
def tiny_raw() -> dict:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def _problems(excinfo: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_tiny_loads_with_its_sources():
    scenario = load_scenario(TINY)
    assert scenario.name == "tiny"
    assert scenario.segment("regular").benefit_per_month == 1167
    source = scenario.sources["segments.regular.benefit_per_month"]
    assert source.kind == "public" and "Berenschot" in source.source
    assert scenario.application_series is None and scenario.series is None


def test_load_scenario_or_variant_is_load_scenario():
    assert load_scenario_or_variant(TINY).model_dump() == load_scenario(TINY).model_dump()


def test_explicit_and_inline_sources_are_merged(tiny_raw):
    raw = dict(tiny_raw, sources={"returns.share_back": {"source": "CBS 2021 cohort", "kind": "public"}})
    scenario = scenario_from_dict(raw, "x.yaml")
    assert set(scenario.sources) == {"returns.share_back", "segments.regular.benefit_per_month"}


def test_a_dumped_scenario_loads_back_equal(tiny_raw):
    first = scenario_from_dict(tiny_raw, "tiny.yaml")
    again = scenario_from_dict(first.model_dump(), "dump.yaml")
    assert again.model_dump() == first.model_dump()


def test_bad_source_kind_is_a_problem_at_the_field(tiny_raw):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["returns"] = {"share_back": {"value": 0.09, "source": "CBS", "kind": "guess"}}
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert any(p.startswith("x.yaml: returns.share_back.kind: 'guess' is not allowed") for p in _problems(excinfo))


def test_value_form_without_source_and_with_a_typo(tiny_raw):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["returns"] = {"share_back": {"value": 0.09, "kind": "public"},
                      "within_months": {"value": 18, "source": "CBS", "unti": "months"}}
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    problems = _problems(excinfo)
    assert any("returns.share_back: a {value:} form without a source" in p for p in problems)
    assert any("returns.within_months: unknown key in a {value:, source:} form: unti" in p for p in problems)


def test_duplicate_yaml_key_is_refused(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("name: a\nyears: 2\nyears: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_yaml(path)
    assert "line 3" in _problems(excinfo)[0] and "'years' is given twice (first on line 2)" in _problems(excinfo)[0]


def test_comment_only_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no data"):
        read_yaml(path)


def test_binary_file_is_not_yaml(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(InputError, match="not a text file"):
        load_scenario(path)


def test_all_problems_at_once_with_names_not_indices(tiny_raw):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["tracks"][1]["caseload_per_fte"] = -5
    raw["roles"][2]["fte_now"] = "half"
    raw["segments"][1]["ladder_at_entry"] = {1: 0.3, 2: 0.4, 7: 0.3}
    raw["tracks"][0]["hazards"]["wrk"] = [0.1, 0.1, 0.1]
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    problems = _problems(excinfo)
    assert "x.yaml: tracks.werkleer.caseload_per_fte: -5 is out of range (> 0)" in problems
    assert "x.yaml: roles.km_participatie.fte_now: 'half' is not a number (e.g. 0.5)" in problems
    assert any(p.startswith("x.yaml: segments.refugees.ladder_at_entry.7: key 7 is out of range") for p in problems)
    assert any(p.startswith("x.yaml: tracks.werk.hazards.wrk: key 'wrk' is not allowed (one of 'work'")
               for p in problems)


def test_missing_required_field(tiny_raw):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    del raw["gate"]
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert _problems(excinfo) == ["x.yaml: gate: required field is missing (add it)"]


def test_plan_loads_and_checks(tmp_path):
    scenario = load_scenario(TINY)
    good = tmp_path / "plan.yaml"
    good.write_text("name: more\nstaff:\n  km_werk: {fte: 2.0, arrives: 2018-06}\nmeasures: {screening: true}\n",
                    encoding="utf-8")
    plan = load_plan(good, scenario)
    assert plan.staff["km_werk"].fte == 2.0
    with pytest.raises(InputError) as excinfo:
        load_plan(DATA / "bad" / "plan_bad.yaml", scenario)
    problems = _problems(excinfo)
    assert any("staff.jobcoach: unknown role 'jobcoach'" in p for p in problems)
    assert any("staff.km_werk.fte: 1.3 is not fte_now 1.0 plus a whole number of 0.5-fte steps" in p
               for p in problems)


def test_uncertain_parameters_must_name_numbers_and_stay_valid():
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["uncertainty"] = [
        {"parameter": "tracks.werk.served_work_multiplier", "low": 1.1, "high": 1.6},
        {"parameter": "economy.work_hazard_multiplier", "low": 0.9, "high": 1.1},  # a default: not in the file
        {"parameter": "tracks.wrk.served_work_multiplier", "low": 1, "high": 2},
        {"parameter": "tracks.werk.ladder", "low": 1, "high": 2},
        {"parameter": "returns.share_back", "low": 0.05, "high": 1.2},
    ]
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert _problems(excinfo) == [
        "x.yaml: uncertainty.2.parameter: 'tracks.wrk' does not exist (there: werk, werkleer, participatie)",
        "x.yaml: uncertainty.3.parameter: 'tracks.werk.ladder' does not name numbers (a path to a number, "
        "e.g. tracks.werkspoor.served_work_multiplier)",
        "x.yaml: uncertainty.4.high: 1.2 makes returns.share_back invalid: 1.2 is out of range (<= 1)",
    ]


def test_a_role_at_an_uneven_fte_can_be_planned_at_a_round_fte():
    """1.67 fte now: 2.17 (one step more) and 2 (round) are plans; 2.3 is neither."""
    from sporen.inputs.plan import Plan, check_plan, fte_allowed

    scenario = load_scenario(TINY).model_copy(deep=True)
    scenario.roles[0].fte_now = 1.67
    name = scenario.roles[0].name
    for fte in (1.67, 2.17, 2.0, 3.0, 1.5, 0.5):
        assert fte_allowed(fte, 1.67)
        assert check_plan(Plan.model_validate({"staff": {name: {"fte": fte}}}), scenario) == []
    later = {"staff": {name: {"fte": 2.0, "later": {"2019-06": 2.5, "2019-09": 2.3}}}}
    assert check_plan(Plan.model_validate(later), scenario) == [
        (f"staff.{name}.later.2019-09", "2.3 is not fte_now 1.67 plus a whole number of 0.5-fte steps, nor a "
         "whole number of 0.5-fte steps", "e.g. 2.17 or 2")]
    assert not fte_allowed(2.3, 1.67) and not fte_allowed(1.3, 1.0)


def test_a_zero_budget_in_the_history_is_named_at_its_field(tiny_raw):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["municipalities"][1]["history"][2017]["budget"] = 0
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert _problems(excinfo) == ["x.yaml: municipalities.Zuid.history.2017.budget: 0 is out of range (> 0)"]
