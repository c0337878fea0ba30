"""Tests of the vangnet: the seed's 2018 figures to the euro, hand computations of other years'
rules, properties that hold for any rule, the rules file and the `sporen vangnet` command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.vangnet_rules import (
    DEFAULT_RULES_PATH,
    VangnetRule,
    VangnetTier,
    assumed_years,
    load_accounts,
    load_vangnet_rules,
    status_note,
)
from sporen.sim.vangnet import VangnetError, vangnet_compensation, vangnet_table

ACCOUNTS = Path(__file__).parent / "data" / "bmwe_accounts.csv"
RULES = load_vangnet_rules()


def _rule(year: int) -> VangnetRule:
    return RULES[year]


def _accounts(*rows: tuple[str, int, int, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["municipality", "year", "budget", "spending"])


@pytest.fixture(scope="module")
def bmwe() -> pd.DataFrame:
    return vangnet_table(load_accounts(ACCOUNTS), RULES).set_index(["municipality", "year"])


# --- seed 003: BMWE 2018 prognosis, to the euro --------------------------------------------


@pytest.mark.parametrize(
    ("municipality", "budget", "spending", "deficit", "vangnet", "after"),
    [
        ("Bedum", 2_253_777, 2_468_000, 214_223, 50_767, 163_456),
        ("De Marne", 3_778_263, 4_146_000, 367_737, 89_412, 278_325),
        ("Winsum", 3_816_060, 3_983_000, 166_940, 0, 166_940),
        ("Eemsmond", 6_095_789, 6_314_000, 218_211, 0, 218_211),
    ],
)
def test_bmwe_2018_prognosis_matches_seed(
    bmwe: pd.DataFrame, municipality: str, budget: int, spending: int, deficit: int,
    vangnet: int, after: int,
) -> None:
    row = bmwe.loc[(municipality, 2018)]
    assert (row.budget, row.spending, row.result) == (budget, spending, -deficit)
    assert row.compensation == vangnet
    assert row.eligible == (vangnet > 0)
    assert row.result_after_vangnet == -after


def test_accounts_file_reproduces_seed_deficits(bmwe: pd.DataFrame) -> None:
    deficits = {
        "Bedum": [226_907, 150_407, 332_376, 446_189],
        "De Marne": [218_407, 349_062, 559_807, 461_702],
        "Winsum": [348_342, 396_394, 278_082, 394_593],
        "Eemsmond": [646_591, -102_610, 240_402, 492_524],  # 2015 is a surplus
    }
    for municipality, values in deficits.items():
        results = [bmwe.loc[(municipality, year)].result for year in range(2014, 2018)]
        assert results == [-v for v in values]


def test_cumulative_result_sums_three_years_and_surpluses_offset(bmwe: pd.DataFrame) -> None:
    assert bmwe.loc[("Bedum", 2018)].cumulative_result == -(332_376 + 446_189 + 214_223)
    # Eemsmond 2017 (a two-year test): 2016 deficit, 2017 deficit; 2018: 2016-2018
    assert bmwe.loc[("Eemsmond", 2017)].cumulative_result == -240_402 - 492_524
    assert bmwe.loc[("Eemsmond", 2018)].cumulative_result == -240_402 - 492_524 - 218_211
    # 2016 has no multi-year test
    assert pd.isna(bmwe.loc[("Eemsmond", 2016)].cumulative_result)


def test_years_before_the_first_rule_year_are_history_not_ineligible(
    bmwe: pd.DataFrame,
) -> None:
    row = bmwe.loc[("Bedum", 2014)]
    assert row.compensation == 0 and pd.isna(row.eligible) and pd.isna(row.cumulative_result)
    assert (row.assessment, row.rule_status) == ("history", "")


def test_every_assessed_row_names_why_and_its_rule_status(bmwe: pd.DataFrame) -> None:
    assert bmwe.loc[("Bedum", 2018)].assessment == "compensated"
    assert bmwe.loc[("Winsum", 2018)].assessment == "below threshold"
    assert bmwe.loc[("Eemsmond", 2015)].assessment == "surplus"
    assert set(bmwe.loc[(slice(None), 2018), "rule_status"]) == {"verified"}
    assert set(bmwe.loc[(slice(None), 2017), "rule_status"]) == {"assumed"}
    assessed = bmwe[bmwe.assessment != "history"]
    assert (assessed.eligible == (assessed.assessment == "compensated")).all()


def test_a_surplus_year_gets_nothing_whatever_its_history() -> None:
    # 2018 has a three-year test, but a surplus needs no history: not refused, 0, "surplus"
    table = vangnet_table(_accounts(("A", 2018, 1_000_000, 900_000)), RULES)
    row = table.iloc[0]
    assert (row.compensation, bool(row.eligible), row.assessment) == (0, False, "surplus")
    assert pd.isna(row.cumulative_result)
    # a deficit needs its history
    with pytest.raises(VangnetError, match="needs A's results for 2016-2017"):
        vangnet_table(_accounts(("A", 2018, 1_000_000, 1_200_000)), RULES)


def test_a_merged_municipality_tests_its_predecessors_summed_history() -> None:
    rows = [("P", 2017, 1_000_000, 1_100_000), ("Q", 2017, 2_000_000, 2_050_000),
            ("P", 2018, 1_000_000, 1_080_000), ("Q", 2018, 2_000_000, 2_100_000),
            ("PQ", 2019, 3_000_000, 3_400_000)]
    table = vangnet_table(_accounts(*rows), RULES, {"PQ": ["P", "Q"]}).set_index(["municipality", "year"])
    row = table.loc[("PQ", 2019)]
    assert row.cumulative_result == -(150_000 + 180_000 + 400_000)
    # 2019: more than 7.5% (13.3%): 50% of 5% x 3,000,000 + (400,000 - 12.5% x 3,000,000)
    assert row.compensation == 75_000 + 25_000
    # without the predecessors the merged municipality's deficit year has no history
    with pytest.raises(VangnetError, match="needs PQ's results for 2017-2018"):
        vangnet_table(_accounts(*rows), RULES)


# --- hand computations of the 2015 and 2021 rules ------------------------------------------


@pytest.mark.parametrize(
    ("budget", "spending", "expected"),
    [
        (3_047_929, 3_396_991, 44_269),  # De Marne: 349,062 - 10% x 3,047,929 = 44,269.1
        (3_292_748, 3_689_142, 67_119),  # Winsum: 396,394 - 329,274.8 = 67,119.2
        (1_742_859, 1_893_266, 0),  # Bedum: 8.6%, below 10%
        (5_896_588, 5_793_978, 0),  # Eemsmond: surplus
        (1_000_000, 1_100_000, 0),  # exactly 10%: not more than the threshold
        (1_000_000, 1_100_001, 1),
    ],
)
def test_2015_only_the_part_above_10_percent_at_100_percent(
    budget: int, spending: int, expected: int,
) -> None:
    # no multi-year test: a cumulative surplus does not matter
    assert vangnet_compensation(budget, spending, 10**9, _rule(2015)) == expected


def test_2015_table_has_no_cumulative_result() -> None:
    table = vangnet_table(_accounts(("X", 2015, 1_000_000, 1_150_000)), RULES)
    assert table.loc[0, "compensation"] == 50_000
    assert pd.isna(table.loc[0, "cumulative_result"])


def test_2021_tiers_by_hand() -> None:
    # deficit 300,000 = 15% of 2,000,000: 50% of (12.5% - 7.5%) x 2,000,000 + (15% - 12.5%) x
    # 2,000,000 = 50,000 + 50,000
    rule = _rule(2021)
    assert vangnet_compensation(2_000_000, 2_300_000, -450_000, rule) == 100_000
    # 10%: only the 50% tier, 50% of 2.5% x 2,000,000
    assert vangnet_compensation(2_000_000, 2_200_000, -450_000, rule) == 25_000
    # exactly 7.5%: not more than the threshold
    assert vangnet_compensation(2_000_000, 2_150_000, -450_000, rule) == 0


def test_2021_three_year_test_in_the_table() -> None:
    rows = [("A", 2019, 2_000_000, 2_100_000), ("A", 2020, 2_000_000, 2_050_000),
            ("A", 2021, 2_000_000, 2_300_000),
            # earlier surpluses: three-year deficit 80,000 is not above 7.5% x 2,000,000
            ("B", 2019, 2_000_000, 1_800_000), ("B", 2020, 2_000_000, 1_980_000),
            ("B", 2021, 2_000_000, 2_300_000)]
    table = vangnet_table(_accounts(*rows), RULES).set_index(["municipality", "year"])
    assert table.loc[("A", 2021)].cumulative_result == -450_000
    assert table.loc[("A", 2021)].compensation == 100_000
    assert table.loc[("B", 2021)].cumulative_result == -80_000
    assert not table.loc[("B", 2021)].eligible
    assert table.loc[("B", 2021)].compensation == 0


def test_rounds_half_up_to_whole_euros() -> None:
    # 2018: (60,001 - 5% x 1,000,000) x 50% = 5,000.5 -> 5,001 (banker's rounding gives 5,000)
    assert vangnet_compensation(1_000_000, 1_060_001, -500_000, _rule(2018)) == 5_001


def test_output_keeps_input_order_and_index_and_looks_back_by_year() -> None:
    rows = [("A", 2018, 100, 120), ("A", 2016, 100, 110), ("A", 2017, 100, 105)]
    accounts = _accounts(*rows)
    accounts.index = [7, 3, 5]
    table = vangnet_table(accounts, RULES)
    assert list(table.index) == [7, 3, 5]
    assert list(table.year) == [2018, 2016, 2017]
    assert list(table.columns) == [
        "municipality", "year", "budget", "spending", "result", "deficit_share",
        "cumulative_result", "eligible", "compensation", "result_after_vangnet", "assessment",
        "rule_status",
    ]
    assert table.loc[7, "cumulative_result"] == -35
    assert table.loc[7, "deficit_share"] == pytest.approx(0.2)


def test_first_rows_that_complete_a_later_test_are_history() -> None:
    rows = [("A", y, 1_000_000, 1_100_000) for y in range(2017, 2022)]
    table = vangnet_table(_accounts(*rows), RULES).set_index("year")
    assert table.loc[[2017, 2018], "cumulative_result"].isna().all()
    assert table.loc[[2017, 2018], "eligible"].isna().all()
    assert list(table.loc[[2017, 2018], "assessment"]) == ["history", "history"]
    assert (table.loc[[2017, 2018], "compensation"] == 0).all()
    assert table.loc[2019, "cumulative_result"] == -300_000
    assert table.loc[2019, "compensation"] == 12_500  # 2019 from 7.5%: 50% of 10% - 7.5%
    assert table.loc[2021, "compensation"] == 12_500  # 2021: 50% of 10% - 7.5%


# --- errors -----------------------------------------------------------------------------------


def test_missing_rule_year_names_the_year_and_the_years_with_rules() -> None:
    with pytest.raises(VangnetError) as err:
        vangnet_table(_accounts(("A", 2026, 100, 90)), RULES)
    assert "2026" in str(err.value) and "2015-2025" in str(err.value)
    assert err.value.issues[0].row == 0 and err.value.issues[0].field == "year"


def test_gap_in_rules_is_an_error() -> None:
    rules = {year: rule for year, rule in RULES.items() if year != 2019}
    with pytest.raises(VangnetError, match=r"2019.*2015-2018, 2020-2025"):
        vangnet_table(_accounts(("A", 2019, 100, 90)), rules)


def test_missing_history_names_municipality_and_years() -> None:
    with pytest.raises(VangnetError) as err:
        vangnet_table(_accounts(("Bedum", 2018, 100, 120)), RULES)
    message = str(err.value)
    assert "Bedum" in message and "2016-2017" in message


def test_duplicate_rows_are_an_error() -> None:
    with pytest.raises(VangnetError, match="twice"):
        vangnet_table(_accounts(("A", 2015, 100, 90), ("A", 2015, 100, 95)), RULES)


# --- the rules file ---------------------------------------------------------------------------


def test_bundled_rules_cover_2015_2025_with_honest_status() -> None:
    assert list(RULES) == list(range(2015, 2026))
    status = {year: rule.status for year, rule in RULES.items()}
    assert [y for y, s in status.items() if s == "verified"] == [2018]
    assert [y for y, s in status.items() if s == "documented"] == [2021, 2023, 2024]
    assert assumed_years(RULES) == [2015, 2016, 2017, 2019, 2020, 2022, 2025]
    for rule in RULES.values():
        # every rule cites a source; only assumed ones name assumed fields
        assert "[S" in rule.source or "seed 003" in rule.source.lower()
        assert bool(rule.assumed) == (rule.status == "assumed")
    # from 2019 the entry threshold is 7.5% (Toetsingscommissie, 22-08-2019)
    assert [RULES[y].threshold for y in range(2015, 2026)] == [0.10] + [0.05] * 3 + [0.075] * 7
    assert RULES[2016].cumulative_years == 0 and RULES[2017].cumulative_years == 2
    assert status_note(RULES, range(2018, 2022)) == ("vangnet rules: verified 2018; documented 2021; "
                                                     "assumed 2019-2020")
    assert load_vangnet_rules(DEFAULT_RULES_PATH) == RULES


def test_assumed_must_match_the_status(tmp_path: Path) -> None:
    file = tmp_path / "rules.yaml"
    file.write_text("rules:\n" + RULE_2018.replace("verified", "assumed"))
    with pytest.raises(InputError, match=r"rules\[0\]\.assumed: status assumed names no assumed field"):
        load_vangnet_rules(file)


RULE_2018 = """\
  - year: 2018
    threshold: 0.05
    tiers:
      - {lower: 0.05, upper: 0.125, rate: 0.5}
      - {lower: 0.125, upper: null, rate: 1.0}
    cumulative_years: 3
    cumulative_threshold: 0.05
    status: verified
    source: seed 003
"""


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        (RULE_2018.replace("0.05\n    tiers", "5%\n    tiers"), "rules[0].threshold", "share"),
        (RULE_2018.replace("    source", "    colour: red\n    source"), "rules[0].colour",
         "fields of a rule"),
        (RULE_2018.replace("lower: 0.125", "lower: 0.1"), "rules[0].tiers[1].lower",
         "each starting where the previous one ends"),
        (RULE_2018.replace("rate: 1.0", "rate: 2"), "rules[0].tiers[1].rate", "at most 1"),
        (RULE_2018.replace("verified", "sure"), "rules[0].status", "documented"),
        (RULE_2018 + RULE_2018, "rules[1].year", "one rule per year"),
    ],
)
def test_bad_rules_file_names_file_field_and_what_is_allowed(
    tmp_path: Path, text: str, path: str, fragment: str,
) -> None:
    file = tmp_path / "rules.yaml"
    file.write_text("rules:\n" + text)
    with pytest.raises(InputError) as err:
        load_vangnet_rules(file)
    assert f"{file}: {path}: " in str(err.value)
    assert fragment in str(err.value)


def test_rules_file_missing_or_not_yaml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_vangnet_rules(tmp_path / "nope.yaml")
    (tmp_path / "bad.yaml").write_text("rules: [\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_vangnet_rules(tmp_path / "bad.yaml")


# --- properties for any rule ------------------------------------------------------------------


@st.composite
def rules(draw: st.DrawFn) -> VangnetRule:
    """Any valid rule: contiguous tiers from some share up, rates between 0 and 1."""
    cuts = draw(st.lists(st.integers(0, 300), min_size=1, max_size=4, unique=True))
    cuts = [c / 1000 for c in sorted(cuts)]
    uppers: list[float | None] = [*cuts[1:], None]
    tiers = [VangnetTier(lower=lo, upper=up, rate=draw(st.integers(0, 100)) / 100)
             for lo, up in zip(cuts, uppers, strict=True)]
    years = draw(st.sampled_from([0, 2, 3]))
    return VangnetRule(
        year=2030, threshold=draw(st.integers(0, 150)) / 1000, tiers=tiers,
        cumulative_years=years, cumulative_threshold=draw(st.integers(0, 150)) / 1000,
        status="assumed", assumed=["tiers"], source="hypothesis",
    )


budgets = st.integers(1, 50_000_000)
money = st.integers(0, 80_000_000)
history = st.integers(-20_000_000, 20_000_000)


@settings(max_examples=300, deadline=None)
@given(rule=rules(), budget=budgets, spending=money, earlier=history)
def test_compensation_is_between_zero_and_the_deficit(
    rule: VangnetRule, budget: int, spending: int, earlier: int,
) -> None:
    compensation = vangnet_compensation(budget, spending, earlier + budget - spending, rule)
    assert 0 <= compensation <= max(spending - budget, 0)
    if spending <= budget:
        assert compensation == 0


@settings(max_examples=300, deadline=None)
@given(rule=rules(), budget=budgets, spending=st.tuples(money, money), earlier=history)
def test_compensation_never_falls_when_spending_rises(
    rule: VangnetRule, budget: int, spending: tuple[int, int], earlier: int,
) -> None:
    low, high = sorted(spending)
    assert vangnet_compensation(budget, low, earlier + budget - low, rule) <= (
        vangnet_compensation(budget, high, earlier + budget - high, rule))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(budgets, money), min_size=12, max_size=12))
def test_table_never_turns_a_deficit_into_a_surplus(accounts: list[tuple[int, int]]) -> None:
    years = range(2013, 2025)  # 2013-2014: history before the first rule year
    frame = _accounts(*[("A", y, b, s) for y, (b, s) in zip(years, accounts, strict=True)])
    table = vangnet_table(frame, RULES)
    deficit = (table.spending - table.budget).clip(lower=0)
    assert (table.result_after_vangnet <= table.result + deficit).all()
    assert (table.compensation <= deficit).all()
    assert (table.result == table.budget - table.spending).all()
    assert (table.compensation[~table.eligible.fillna(False)] == 0).all()
    assert (table.compensation[table.assessment == "surplus"] == 0).all()
    assert table.equals(vangnet_table(frame, RULES))  # deterministic


# --- the `sporen vangnet` command -------------------------------------------------------------


def _run(*args: str) -> object:
    return CliRunner().invoke(main, ["vangnet", *args])


def test_cli_prints_the_table_with_the_seed_2018_figures() -> None:
    result = _run(str(ACCOUNTS))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("municipality,year,budget,spending,result,deficit_share,"
                        "cumulative_result,eligible,compensation,result_after_vangnet,assessment,rule_status")
    assert len(lines) == 21
    assert "Bedum,2018,2253777,2468000,-214223,0.095051,-992788,True,50767,-163456,compensated,verified" in lines
    assert ("De Marne,2018,3778263,4146000,-367737,0.09733,-1389246,True,89412,-278325,compensated,verified"
            in lines)
    assert ("Winsum,2018,3816060,3983000,-166940,0.043747,-839615,False,0,-166940,below threshold,verified"
            in lines)
    assert ("Eemsmond,2018,6095789,6314000,-218211,0.035797,-951137,False,0,-218211,below threshold,verified"
            in lines)
    assert "Bedum,2014,1694682,1921589,-226907,0.133894,,,0,-226907,history," in lines
    assert result.stderr.strip() == "vangnet rules: verified 2018; assumed 2015-2017"


def test_cli_writes_out_file_without_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "vangnet.csv"
    result = _run(str(ACCOUNTS), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert pd.read_csv(out).query("year == 2018").compensation.tolist() == [50767, 89412, 0, 0]
    assert [p.name for p in tmp_path.iterdir()] == ["vangnet.csv"]


def test_cli_reads_semicolon_csv_with_custom_rules(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("municipality;year;budget;spending\nA;2018;1000000;1060001\n")
    (tmp_path / "r.yaml").write_text("rules:\n" + RULE_2018.replace("cumulative_years: 3",
                                                                    "cumulative_years: 0"))
    result = _run(str(tmp_path / "a.csv"), "--rules", str(tmp_path / "r.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith(",True,5001,-55000,compensated,verified")


HEADER = "municipality,year,budget,spending\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, ": file not found"),
        ("", ": the file is empty"),
        (HEADER, ": no data rows"),
        ("municipality,year,budget\nA,2018,100\n", ": row 1: missing column 'spending'"),
        (HEADER.replace("\n", ",note\n") + "A,2018,100,90,x\n", ": row 1: unknown column 'note'"),
        (HEADER + "A,2018,1.000,90\n", ": row 2.budget: '1.000' is ambiguous, it can be read two ways: 1000 (Dutch"),
        (HEADER + "A,2018,abc,90\n", ": row 2.budget: 'abc' is not a number (a whole"),
        (HEADER + "A,2018,1000.5,90\n", ": row 2.budget: '1000.5' is not a whole number (a whole"),
        (HEADER + "A,2018,100,-5\n", ": row 2.spending: -5 is too small (zero or more)"),
        (HEADER + "A,2018,0,5\n", ": row 2.budget: 0 is too small (a positive amount)"),
        (HEADER + "A,2030,100,90\n", ": row 2.year: no vangnet rules for 2030 (years with"),
        (HEADER + "Bedum,2017,100,110\nBedum,2018,100,120\n",
         ": row 3.year: the 3-year test of 2018 needs Bedum's results for 2016"),
        (HEADER + "A,2015,100,90\n\nA,2015,100,95\n",
         ": row 4.year: A 2015 appears again (first in row 2)"),
    ],
)
def test_cli_bad_accounts_exit_2_with_file_row_field(
    tmp_path: Path, content: str | None, expected: str,
) -> None:
    accounts = tmp_path / "accounts.csv"
    if content is not None:
        accounts.write_text(content)
    result = _run(str(accounts))
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert f"{accounts}{expected}" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_cli_bad_rules_and_out_folder_exit_2(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n" + RULE_2018.replace("status: verified", "status: sure"))
    result = _run(str(ACCOUNTS), "--rules", str(rules))
    assert result.exit_code == 2
    assert f"{rules}: rules[0].status: " in result.stderr

    result = _run(str(ACCOUNTS), "--out", str(tmp_path / "no" / "such" / "x.csv"))
    assert result.exit_code == 2
    assert "the folder does not exist" in result.stderr


def test_cli_error_leaves_existing_out_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "vangnet.csv"
    out.write_text("previous\n")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(HEADER + "A,2030,100,90\n")
    result = _run(str(accounts), "--out", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv", "vangnet.csv"]


def test_cli_help_has_an_example() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "Example:\n    sporen vangnet tests/data/bmwe_accounts.csv" in result.output
