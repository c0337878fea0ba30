"""`sporen compare` on tests/data/tiny.yaml: paired differences on common random numbers.

tiny-more-caseworkers.yaml doubles every track's caseworker fte (a large change); tiny-noop.yaml
sets the priority rule tiny.yaml already has (no change at all); tiny-more-places.yaml triples the
learn-work places (the instruments' part of the gain decomposition).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.jobs.compare import COMPARISON_COLUMNS, paired_comparison
from sporen.outputs import gain_decomposition as gd

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
MORE = DATA / "tiny-more-caseworkers.yaml"
NOOP = DATA / "tiny-noop.yaml"
PLACES = DATA / "tiny-more-places.yaml"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "run"
    result = CliRunner().invoke(main, ["compare", str(TINY), "--variant", str(MORE), "--variant", str(NOOP),
                                       "--variant", str(PLACES), "-n", "8", "-j", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result, pd.read_csv(out / "comparison.csv")


def _total(comparison: pd.DataFrame, variant: str, measure: str) -> pd.Series:
    rows = comparison[(comparison["variant"] == variant) & (comparison["measure"] == measure)
                      & (comparison["municipality"] == "all") & (comparison["year"] == "all")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_writes_the_files(compared):
    out, result, comparison = compared
    assert {"comparison.csv", "report.html", "results.xlsx", "manifest.json"} <= {p.name for p in out.iterdir()}
    assert list(comparison.columns) == COMPARISON_COLUMNS
    assert set(comparison["variant"]) == {"tiny-more-caseworkers", "tiny-noop", "tiny-more-places"}
    assert {"result_after_vangnet", "exploitatie_result", "spending", "outflow_to_work_share",
            "share_in_view"} <= set(comparison["measure"])
    assert (comparison["replications"].dropna() <= 8).all()
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    assert "Vergelijking" in book.sheetnames          # Dutch by default (--lang en: Comparison)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["variants"]) == {"tiny-more-caseworkers", "tiny-noop", "tiny-more-places"}
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in text and "<script" not in text
    assert "tiny-more-caseworkers" in text and "significant" in text
    assert "tiny-more-caseworkers: " in result.output


def test_large_change_is_significant(compared):
    _, _, comparison = compared
    spending = _total(comparison, "tiny-more-caseworkers", "spending")
    assert spending["significant"] and spending["diff_mean"] < 0        # more people to work: less benefit
    in_view = _total(comparison, "tiny-more-caseworkers", "share_in_view")
    assert in_view["significant"] and in_view["diff_mean"] > 0
    exploitatie = _total(comparison, "tiny-more-caseworkers", "exploitatie_result")
    assert exploitatie["significant"] and exploitatie["diff_mean"] < 0  # the staff cost more than they save here
    result = _total(comparison, "tiny-more-caseworkers", "result_after_vangnet")
    assert result["ci_low"] <= result["diff_mean"] <= result["ci_high"]


def test_no_op_is_not_significant(compared):
    _, _, comparison = compared
    noop = comparison[comparison["variant"] == "tiny-noop"]
    assert not noop["significant"].any()
    assert (noop["diff_mean"].dropna() == 0).all()                    # common random numbers: identical futures


def test_gain_decomposition_sums_to_the_gain_year_by_year(compared):
    """The parts (vangnet, instruments, staff, rest) add up to the paired exploitatie difference of
    comparison.csv, in every year and over the horizon; each variant's change shows in its own part."""
    out, _, comparison = compared
    table = pd.read_csv(out / "gain_decomposition.csv", dtype={"year": str})
    assert list(table.columns) == gd.COLUMNS
    mean = table.set_index(["variant", "year", "measure"])["mean"].sort_index()
    for (variant, year), _ in table.groupby(["variant", "year"]):
        parts = sum(mean[(variant, year, p)] for p in gd.PARTS)
        gain = mean[(variant, year, "gain")]
        assert parts == pytest.approx(gain, abs=0.01), (variant, year)
        assert mean[(variant, year, "gain_without_vangnet")] == pytest.approx(
            gain - mean[(variant, year, "vangnet_part")], abs=0.01)
        reference = comparison[(comparison.variant == variant) & (comparison.measure == "exploitatie_result")
                               & (comparison.municipality == "all") & (comparison.year.astype(str) == year)]
        assert gain == pytest.approx(float(reference.diff_mean.iloc[0]), abs=0.01)
    noop = table[table.variant == "tiny-noop"]
    assert (noop["mean"] == 0).all()
    more = mean.loc["tiny-more-caseworkers", "all"]
    assert more["caseworkers_part"] < 0 and more["instruments_part"] == pytest.approx(0, abs=1e4)
    places = mean.loc["tiny-more-places", "all"]
    assert places["caseworkers_part"] == 0
    # 20 more places a year at EUR 3,000: at most EUR 120,000 more cost, less what their work effect saves
    assert -120_000 <= places["instruments_part"] < 0
    book = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    assert "Winst uitgesplitst" in book.sheetnames
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Waar rust de winst op?" in html and "winst zonder extra vangnet" in html


def test_gain_parts_per_replication_by_hand():
    """One replication, one year: every accounting line moved by a known amount."""
    lines = dict(exploitatie_result=0.0, participatiebudget=100.0, buig_budget=1000.0, benefit_cost=900.0,
                 subsidy_cost=10.0, vangnet=50.0, personnel_cost=60.0, instrument_cost=30.0, measure_cost=0.0,
                 other_lines=20.0)
    lines["exploitatie_result"] = (100 + 1000 - 900 - 10 + 50 - 60 - 30 - 0 - 20)
    base = pd.DataFrame([{"replication": 0, "year": 2018, **lines}])
    variant = base.copy()
    variant[["benefit_cost", "vangnet", "personnel_cost", "instrument_cost"]] = [850.0, 20.0, 70.0, 40.0]
    variant["exploitatie_result"] = 100 + 1000 - 850 - 10 + 20 - 70 - 40 - 0 - 20
    base_off, variant_off = base.copy(), base.copy()
    variant_off["benefit_cost"] = 880.0     # without the instruments' effect the variant saves only 20
    parts = gd.parts_per_replication(base, variant, base_off, variant_off).iloc[0]
    assert parts["gain"] == -30 + 50 - 10 - 10 + 0    # 0 + 50 saved - 30 vangnet - 10 staff - 10 instruments
    assert parts["vangnet_part"] == -30 and parts["caseworkers_part"] == -10
    assert parts["instruments_part"] == 30 - 10      # 30 of the 50 saved are the instruments' effect
    assert parts["rest_part"] == 20
    assert parts["gain_without_vangnet"] == parts["gain"] + 30


def test_paired_comparison_matches_a_hand_computation():
    base = pd.DataFrame({"replication": [0, 1, 2], "year": 2018, "municipality": "A",
                         "result_after_vangnet": [10, 20, 30], "exploitatie_result": [0, 0, 0],
                         "spending": [5, 5, 5]})
    variant = base.assign(result_after_vangnet=[13, 22, 36])          # differences 3, 2, 6: mean 11/3
    out = paired_comparison(base, None, variant, None, "v")
    row = out[(out["measure"] == "result_after_vangnet") & (out["year"] == "2018")
              & (out["municipality"] == "A")].iloc[0]
    assert row["diff_mean"] == pytest.approx(11 / 3)
    half = 4.302653 * pd.Series([3, 2, 6]).std() / 3 ** 0.5             # t(0.975, 2) x s / sqrt(n)
    assert row["ci_low"] == pytest.approx(11 / 3 - half) and row["ci_high"] == pytest.approx(11 / 3 + half)
    assert not row["significant"]
    total = out[(out["measure"] == "spending") & (out["year"] == "all") & (out["municipality"] == "all")].iloc[0]
    assert total["diff_mean"] == 0 and not total["significant"]


def test_bad_input_exits_2(tmp_path):
    runner = CliRunner()
    out = tmp_path / "never"
    for args in (["compare", str(TINY), "--out", str(out)],                             # no variant
                 ["compare", str(TINY), "--variant", str(tmp_path / "nope.yaml"), "--out", str(out)],
                 ["compare", str(TINY), "--variant", str(TINY), "--out", str(out)],    # not a variant
                 ["compare", str(TINY), "--variant", str(MORE), "-n", "1", "--out", str(out)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert not out.exists()
