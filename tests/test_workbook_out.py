"""The results workbook: every number reads back equal to its frame and is stored as a number with
its unit's format, headers are words with units in the chosen language, and it prints on A4."""

from __future__ import annotations

import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sporen.outputs.workbook import (
    EURO_FORMAT,
    SHARE_FORMAT,
    column_kind,
    read_workbook,
    sheet_names,
    write_workbook,
)


def _tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    yearly = pd.DataFrame({
        "replication": np.repeat(np.arange(3), 4),
        "year": np.tile([2018, 2019, 2020, 2021], 3),
        "municipality": ["Bedum", "De Marne", "Winsum", "Eemsmond"] * 3,
        "buig_budget": rng.integers(1_000_000, 6_000_000, 12),
        "result_after_vangnet": rng.integers(-900_000, 300_000, 12),
        "probability_deficit": rng.random(12),
        "fte_planned": rng.choice([1.5, 2.0, 4.5], 12),
        "met": rng.random(12) > 0.5,
        "month": [f"2018-{m:02d}" for m in range(1, 13)],
        "ratio": rng.random(12) / 3,          # floats that need every digit to round-trip
    })
    mixed = pd.DataFrame({"kpi": ["inflow", "inflow", "share_in_view"], "year": [2018, "all", "end"],
                          "value": [12.5, np.nan, 0.25], "note": ["", "x", None]})
    return {
        "yearly": yearly,
        "kpis with a mixed year column": mixed,
        "a very long table name that Excel would refuse": yearly.head(2),
        "a very long table name that Excel would refuse, again": yearly.head(1),
        "empty": pd.DataFrame({"role": pd.Series(dtype=str), "yearly_cost": pd.Series(dtype="int64")}),
    }


def _equal(read: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Numbers read back equal (at Excel's 15 digits); text may be shown in words."""
    expected = frame.reset_index(drop=True).replace({"": np.nan, None: np.nan})
    got = read.reset_index(drop=True)
    assert len(got.columns) == len(expected.columns)
    assert len(got) == len(expected)
    for a_col, column in zip(got.columns, expected.columns, strict=True):
        for x, y in zip(got[a_col].tolist(), expected[column].tolist(), strict=True):
            if isinstance(y, (bool, np.bool_)):
                assert x == ("ja" if y else "nee"), (column, x, y)   # yes/no in words
            elif isinstance(y, float) and np.isnan(y):
                assert x is None or (isinstance(x, float) and np.isnan(x)), (column, x, y)
            elif isinstance(y, (int, float, np.integer, np.floating)):
                assert isinstance(x, (int, float)) and x == float(f"{y:.15g}"), (column, x, y)
            elif isinstance(y, str) and y.lstrip("-").isdigit():
                assert x == int(y), (column, x, y)      # a year written as text is a number in the sheet
            else:
                assert isinstance(x, str), (column, x, y)


def test_every_sheet_reads_back_equal(tmp_path):
    tables = _tables()
    path = write_workbook(tmp_path / "results.xlsx", tables)
    sheets = read_workbook(path)
    filled = {name: frame for name, frame in tables.items() if len(frame)}   # an empty table gets no sheet
    names = sheet_names(filled)
    assert list(sheets) == names
    assert all(len(name) <= 31 for name in names)
    assert len(set(n.lower() for n in names)) == len(names)
    for name, frame in zip(names, filled.values(), strict=True):
        _equal(sheets[name], frame)


def test_formatted_for_a_planner(tmp_path):
    path = write_workbook(tmp_path / "results.xlsx", _tables())
    book = openpyxl.load_workbook(path)
    sheet = book["yearly"]
    header = [c.value for c in sheet[1]]
    assert header[1:3] == ["jaar", "gemeente"] and header[4] == "resultaat na vangnet (€)"
    assert all(sheet.cell(1, j + 1).font.b for j in range(len(header)))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    fmt = {h: sheet.cell(2, j + 1).number_format for j, h in enumerate(header)}
    assert fmt["jaar"] == "0" and isinstance(sheet.cell(2, header.index("jaar") + 1).value, int)   # 2018, not 2.018
    assert fmt[header[3]] == EURO_FORMAT and fmt[header[4]] == EURO_FORMAT
    assert fmt[header[5]] == SHARE_FORMAT
    assert fmt[header[6]] == "#,##0.0#"
    # a year column that also holds 'all' and 'end': the years are numbers, the markers words
    mixed = book[sheet_names(_tables())[1]]
    years = [mixed.cell(r, 2).value for r in range(2, 5)]
    assert years == [2018, "hele periode", "einde"]
    # print setup: A4, one page wide, header repeated, landscape for a wide table
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["C"].width >= len("De Marne")


def test_headers_in_english(tmp_path):
    path = write_workbook(tmp_path / "results.xlsx", {"summary": pd.DataFrame({
        "year": [2018], "result_after_vangnet_without_plan": [-5], "plan_extra_cost": [3], "budget_sims": [4000]})},
        lang="en")
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["year", "result after vangnet without the plan (€)",
                                           "extra cost of the plan (€)", "optimiser's replication budget (count)"]
    assert sheet.cell(2, 4).number_format == "#,##0"        # a count, not euros
    dutch = openpyxl.load_workbook(write_workbook(tmp_path / "nl.xlsx", {"summary": pd.DataFrame({"year": [2018]})}))
    assert dutch.sheetnames == ["Resultaat per jaar"] and dutch.active["A1"].value == "jaar"


def test_same_tables_same_bytes(tmp_path):
    tables = _tables()
    a = write_workbook(tmp_path / "a.xlsx", tables).read_bytes()
    b = write_workbook(tmp_path / "b.xlsx", tables).read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


@pytest.mark.parametrize(("name", "values", "kind"), [
    ("buig_budget", [1, 2], "euro"),
    ("yearly_cost", [1, 2], "euro"),
    ("result_after_vangnet_p95", [1, 2], "euro"),
    ("share_in_view", [0.1, 0.2], "share"),
    ("fte_now", [1.5, 2.0], "fte"),
    ("year", [2018, 2019], "text"),
    ("replication", [0, 1], "text"),
    ("municipality", ["a", "b"], "text"),
    ("clients", [10, 20], "integer"),
])
def test_column_kinds(name, values, kind):
    assert column_kind(name, pd.Series(values)) == kind
