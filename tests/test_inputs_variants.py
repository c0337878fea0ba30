"""Variants: set / scale / add / remove on a base scenario, chains, and every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario, load_scenario_or_variant
from sporen.inputs.variants import apply_variant, load_variant, load_with_variant, read_scenario_raw

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
TINY = DATA / "tiny.yaml"


def _write(path: Path, data: dict | str) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _problems(excinfo: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


@pytest.fixture()
def social(tmp_path: Path) -> Path:
    return _write(tmp_path / "social.yaml", f"""
variant: social
base: {TINY}
description: More staff, kansrijk first.
set:
  policy.priority: kansrijk_first
  tracks.werk.caseload_per_fte: {{value: 30, source: "Almere trial", kind: public}}
  economy.application_multiplier: 1.2          # the base has no economy section: created
  municipalities.Noord.buig_budget.2020: 5      # a new year in a mapping
  tracks.*.served_work_multiplier: 1.5
scale:
  municipalities.*.applications_per_month: 1.1
  segments.regular.benefit_per_month: 2          # has a source: kept, with a note
add:
  measures: [{{name: review, cost_per_year: 100}}]
  finance.other_lines: {{sw_bedrijf: {{2018: 1000, 2019: 1000}}}}
remove: [instruments.lks, finance.other_lines.wsw_shortfall]
""")


def test_variant_applies_every_operation(social):
    base = load_scenario(TINY)
    s = load_variant(social)
    assert s.name == "tiny+social" and s.description == "More staff, kansrijk first."
    assert s.policy.priority == "kansrijk_first" and base.policy.priority == "fifo"
    assert s.track("werk").caseload_per_fte == 30
    assert [t.served_work_multiplier for t in s.tracks] == [1.5, 1.5, 1.5]
    assert s.economy.application_multiplier == 1.2
    assert s.municipalities[0].buig_budget[2020] == 5
    assert s.municipalities[0].applications_per_month["regular"] == pytest.approx(3.3)
    assert s.municipalities[1].applications_per_month["regular"] == pytest.approx(2.75)
    assert s.segment("regular").benefit_per_month == 2334 and isinstance(s.segment("regular").benefit_per_month, int)
    assert [i.name for i in s.instruments] == ["leerwerk"]
    assert [m.name for m in s.measures] == ["screening", "review"]
    assert set(s.finance.other_lines) == {"sw_bedrijf"}
    # sources: the variant's own, one recorded per set value, and a note on the scaled one
    assert s.sources["tracks.werk.caseload_per_fte"].source == "Almere trial"
    assert s.sources["policy.priority"].source == "variant social"
    assert s.sources["tracks.participatie.served_work_multiplier"].source == "variant social"
    benefit = s.sources["segments.regular.benefit_per_month"]
    assert "Berenschot" in benefit.source and benefit.note == "x 2 by variant social"


def test_load_scenario_and_or_variant_accept_a_variant(social):
    assert load_scenario(social).name == "tiny+social"
    assert load_scenario_or_variant(social).name == "tiny+social"


def test_order_remove_then_add_replaces_an_item(tmp_path):
    path = _write(tmp_path / "v.yaml", {
        "variant": "cheaper", "base": str(TINY), "remove": ["instruments.leerwerk"],
        "add": {"instruments": [{"name": "leerwerk", "track": "werkleer", "cost_per_participant": 1000,
                                 "duration_months": 3, "places_per_year": 5}]},
        "scale": {"instruments.leerwerk.cost_per_participant": 1.5}})
    assert load_variant(path).instrument("leerwerk").cost_per_participant == 1500


def test_a_variant_of_a_variant(social, tmp_path):
    path = _write(tmp_path / "v2.yaml", {"variant": "downturn", "base": "social.yaml",
                                         "scale": {"economy.application_multiplier": 1.5}})
    s = load_variant(path)
    assert s.name == "tiny+social+downturn"
    assert s.economy.application_multiplier == pytest.approx(1.8)
    assert s.description == "More staff, kansrijk first."


def test_apply_variant_on_raw_dicts_leaves_the_base_alone():
    base = read_scenario_raw(TINY)
    before = yaml.safe_dump(base)
    out = apply_variant(base, {"variant": "v", "base": "x", "set": {"years": 3}}, "v.yaml")
    assert yaml.safe_dump(base) == before
    assert out["name"] == "tiny+v" and out["years"]["value"] == 3


def test_load_with_variant(social, tmp_path):
    assert load_with_variant(TINY, None).name == "tiny"
    assert load_with_variant(TINY, social).name == "tiny+social"
    other = tmp_path / "other.yaml"
    other.write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        load_with_variant(other, social)
    (problem,) = _problems(excinfo)
    assert str(social) in problem and str(other) in problem and str(TINY) in problem


def test_load_with_variant_accepts_the_scenario_further_down_the_chain(social, tmp_path):
    path = _write(tmp_path / "v2.yaml", {"variant": "downturn", "base": "social.yaml"})
    assert load_with_variant(TINY, path).name == "tiny+social+downturn"
    assert load_with_variant(social, path).name == "tiny+social+downturn"


def test_series_in_a_variant_is_read_relative_to_the_variant(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "apps.csv").write_text("month,municipality,segment,applications\n2018-05,Zuid,regular,9\n",
                                               encoding="utf-8")
    path = _write(tmp_path / "sub" / "v.yaml", {"variant": "csv", "base": str(TINY),
                                                 "set": {"series.applications": "apps.csv"}})
    s = load_variant(path)
    assert s.application_series == {"Zuid": {"regular": {"2018-05": 9.0}}}


def test_missing_base():
    with pytest.raises(InputError) as excinfo:
        load_variant(BAD / "variant_missing_base.yaml")
    (problem,) = _problems(excinfo)
    assert problem.startswith(f"{BAD / 'variant_missing_base.yaml'}: base: base file not found: "
                              f"{DATA / 'no_such_scenario.yaml'}")


def test_paths_that_do_not_exist_name_the_part_and_what_is_there():
    with pytest.raises(InputError) as excinfo:
        load_variant(BAD / "variant_bad_path.yaml")
    file = BAD / "variant_bad_path.yaml"
    problems = _problems(excinfo)
    assert f"{file}: set.policy.priorty: 'priorty' does not exist in policy (fields there: priority, " \
           "benefit_pause_months, benefit_pause_work_effect, slot_review_months, everyone_in_view, " \
           "no_reintegration_money_for, min_partner_share)" in problems
    assert f"{file}: set.tracks.werkk.caseload_per_fte: 'werkk' does not exist in tracks (entries there: werk, " \
           "werkleer, participatie)" in problems
    assert any(p.startswith(f"{file}: scale.municipalities.*.applications_per_mont: 'applications_per_mont' does "
                            "not exist in municipalities.Noord (fields there: name, buig_budget") for p in problems)
    assert f"{file}: remove.instruments.lkss: 'lkss' does not exist in instruments (entries there: leerwerk, " \
           "lks)" in problems
    assert len(problems) == 4


def test_unknown_operation():
    with pytest.raises(InputError) as excinfo:
        load_variant(BAD / "variant_unknown_op.yaml")
    assert _problems(excinfo) == [f"{BAD / 'variant_unknown_op.yaml'}: sett: unknown operation or key (one of: "
                                  "variant, base, description, remove, add, set, scale)"]


def test_cycle():
    with pytest.raises(InputError) as excinfo:
        load_variant(BAD / "variant_cycle_a.yaml")
    (problem,) = _problems(excinfo)
    assert "variants form a cycle" in problem and "variant_cycle_b.yaml" in problem


def test_patched_scenario_is_validated_and_problems_name_the_variant():
    with pytest.raises(InputError) as excinfo:
        load_variant(BAD / "variant_invalid_value.yaml")
    assert _problems(excinfo) == [f"{BAD / 'variant_invalid_value.yaml'}: roles.km_werk.fte_now: -2 is out of "
                                  "range (>= 0)"]


def test_shape_mistakes(tmp_path):
    path = _write(tmp_path / "v.yaml", {
        "variant": "", "base": str(TINY), "set": ["policy.priority"], "scale": {"years": "double"},
        "add": {"instruments": [{"name": "lks", "track": "werk", "duration_months": 1, "places_per_year": 1}],
                "years": [1]},
        "remove": "instruments.lks"})
    with pytest.raises(InputError) as excinfo:
        load_variant(path)
    problems = [p.split(": ", 1)[1] for p in _problems(excinfo)]
    assert "variant: '' is not a name (the variant's name, e.g. bmwe-social)" in problems
    assert "set: a list (a mapping of dotted path to value)" in problems
    assert "remove: a str (a list of dotted paths)" in problems
    assert "scale.years: 'double' is not a factor (a number >= 0, e.g. 1.1)" in problems
    assert any(p.startswith("add.instruments: 'lks' already exists in instruments") for p in problems)
    assert any(p.startswith("add.years: years is not a list or mapping") for p in problems)


def test_set_cannot_invent_a_field_or_go_below_a_value(tmp_path):
    path = _write(tmp_path / "v.yaml", {"variant": "x", "base": str(TINY),
                                        "set": {"wage_cost_subsidy.minimum_wag": 1, "years.value": 2}})
    with pytest.raises(InputError) as excinfo:
        load_variant(path)
    problems = _problems(excinfo)
    assert any("set.wage_cost_subsidy.minimum_wag: 'minimum_wag' does not exist in wage_cost_subsidy" in p
               for p in problems)
    assert any("set.years.value: 'value' does not exist in years" in p for p in problems)


def test_not_a_variant(tmp_path):
    with pytest.raises(InputError, match="not a variant file"):
        load_variant(TINY)
    with pytest.raises(InputError, match="not a variant file"):
        load_with_variant(TINY, TINY)
