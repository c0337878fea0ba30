"""The results workbook: every sheet reads back equal to its frame, and it is formatted for management."""

from __future__ import annotations

import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sporen.outputs.workbook import EURO_FORMAT, SHARE_FORMAT, column_kind, read_workbook, sheet_names, write_workbook


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
    expected = frame.reset_index(drop=True).replace({"": np.nan, None: np.nan})
    got = read.reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        a, b = got[column].tolist(), expected[column].tolist()
        for x, y in zip(a, b, strict=True):
            if isinstance(y, float) and np.isnan(y):
                assert x is None or (isinstance(x, float) and np.isnan(x)), (column, x, y)
            elif isinstance(y, float):
                assert x == float(f"{y:.15g}"), (column, x, y)   # Excel's precision: 15 significant digits
            else:
                assert x == y and type(x) is type(y), (column, x, y)


def test_every_sheet_reads_back_equal(tmp_path):
    tables = _tables()
    path = write_workbook(tmp_path / "results.xlsx", tables)
    sheets = read_workbook(path)
    names = sheet_names(tables)
    assert list(sheets) == names
    assert all(len(name) <= 31 for name in names)
    assert len(set(n.lower() for n in names)) == len(names)
    for name, frame in zip(names, tables.values(), strict=True):
        _equal(sheets[name], frame)


def test_formatted_for_management(tmp_path):
    path = write_workbook(tmp_path / "results.xlsx", _tables())
    book = openpyxl.load_workbook(path)
    sheet = book["yearly"]
    header = [c.value for c in sheet[1]]
    assert all(sheet.cell(1, j + 1).font.b for j in range(len(header)))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    fmt = {h: sheet.cell(2, j + 1).number_format for j, h in enumerate(header)}
    assert fmt["buig_budget"] == EURO_FORMAT and "#,##0" in EURO_FORMAT
    assert fmt["result_after_vangnet"] == EURO_FORMAT
    assert fmt["probability_deficit"] == SHARE_FORMAT
    assert fmt["fte_planned"] == "0.00"
    assert fmt["year"] == "General"          # 2018, not 2,018
    for j, h in enumerate(header):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
        assert width >= len(h), h
    assert sheet.column_dimensions["C"].width >= len("De Marne")


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
