"""A workbook's extent does not decide what it costs to read: stray cells far down or far right.

Excel keeps a formatted cell as part of the sheet even when it is empty, so a planner's workbook
may claim a million rows or rows 16,384 columns wide. The reader reads the cells that hold
values (issue: a stray cell at row 1,048,576 was refused as "more than 1,000,000 rows"; rows
reaching column XFD made 200,000 x 16,384 cells).
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.sheet_rows import sheet_rows
from sporen.inputs.workbook import export_workbook, import_workbook

TINY = Path(__file__).parent / "data" / "tiny.yaml"
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384


@pytest.fixture(scope="module")
def tiny_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "tiny.xlsx"
    export_workbook(load_scenario(TINY), path)
    return path


def _edited(source: Path, dest: Path, edit) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    wb.save(dest)
    return dest


def _data_sheet(wb: openpyxl.Workbook) -> openpyxl.worksheet.worksheet.Worksheet:
    """The sheet of the initial stock (by its header, whatever the sheet is called)."""
    return next(ws for ws in wb.worksheets if ws.cell(1, 1).value == "municipality"
                and ws.cell(1, 2).value == "segment" and ws.cell(1, 3).value == "clients")


@pytest.mark.parametrize("stray", [None, "  "], ids=["formatted", "blank text"])
def test_a_stray_cell_at_the_last_row_changes_nothing(tiny_xlsx, tmp_path, stray):
    def edit(wb):
        for ws in (_data_sheet(wb), wb.worksheets[1]):
            cell = ws.cell(row=LAST_ROW, column=2, value=stray)
            cell.font = Font(bold=True)

    path = _edited(tiny_xlsx, tmp_path / "stray.xlsx", edit)
    assert openpyxl.load_workbook(path, read_only=True).worksheets[1].max_row == LAST_ROW
    assert load_scenario(path).model_dump() == load_scenario(TINY).model_dump()


def test_a_value_at_the_last_row_is_read_as_a_row_there(tiny_xlsx, tmp_path):
    def edit(wb):
        ws = _data_sheet(wb)
        for col, value in enumerate(("Nergens", "regular", 5), start=1):
            ws.cell(row=LAST_ROW, column=col, value=value)

    with pytest.raises(InputError) as excinfo:
        import_workbook(_edited(tiny_xlsx, tmp_path / "far.xlsx", edit))
    assert [p.path for p in excinfo.value.problems] == [f"{_data_sheet(openpyxl.load_workbook(tiny_xlsx)).title} "
                                                        f"row {LAST_ROW}.municipality"]


def test_rows_reaching_column_xfd_are_read_in_bounded_memory(tiny_xlsx, tmp_path):
    """5,000 rows with a formatted cell at XFD: padded, 82 million cells (650 MB of references)."""
    def edit(wb):
        ws = _data_sheet(wb)
        bold = Font(bold=True)
        for row in range(ws.max_row + 1, ws.max_row + 5001):
            ws.cell(row=row, column=LAST_COLUMN).font = bold

    path = _edited(tiny_xlsx, tmp_path / "wide.xlsx", edit)
    tracemalloc.start()
    try:
        scenario = load_scenario(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert scenario.model_dump() == load_scenario(TINY).model_dump()
    assert peak < 100 * 2**20


def test_sheet_rows_gives_the_stored_values_by_row_and_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["C1"], ws["B4"], ws["XFD4"] = "a", 3, " ", 2.5
    ws["A7"].font = Font(bold=True)
    wb.save(tmp_path / "s.xlsx")
    stored = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    assert list(sheet_rows(stored.active)) == [(1, {1: "a", 3: 3}), (4, {LAST_COLUMN: 2.5})]
    assert list(sheet_rows(openpyxl.load_workbook(tmp_path / "s.xlsx").active)) == [(1, {1: "a", 3: 3}),
                                                                                   (4, {LAST_COLUMN: 2.5})]


def test_values_outside_the_named_columns_are_refused_and_reading_stops_in_time(tiny_xlsx, tmp_path):
    """100,000 values at XFD (a 0.6 MB upload): each is a problem, and reading stops after STOP_AFTER."""
    from sporen.inputs.workbook_read import STOP_AFTER

    def edit(wb):
        ws = _data_sheet(wb)
        ws.cell(row=4, column=LAST_COLUMN, value="x")
        for row in range(ws.max_row + 1, ws.max_row + 100_001):
            ws.cell(row=row, column=LAST_COLUMN, value="x")

    path = _edited(tiny_xlsx, tmp_path / "values.xlsx", edit)
    with pytest.raises(InputError) as excinfo:
        import_workbook(path)
    problems = excinfo.value.problems
    title = _data_sheet(openpyxl.load_workbook(tiny_xlsx)).title
    assert problems[0].path == f"{title} cell XFD4" and "column without a name" in problems[0].message
    assert problems[-1].message == f"reading stopped after {STOP_AFTER:,} problems"
