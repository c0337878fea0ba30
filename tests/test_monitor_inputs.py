"""The actuals file of `sporen monitor` (inputs/actuals.py): Dutch columns and numbers, CSV and the
workbook, and every problem named by file, row and column (gaps, duplicates, contradictions, months
outside the horizon, unknown names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from sporen.common.errors import InputError
from sporen.inputs.actuals import read_actuals
from sporen.inputs.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = load_scenario(ROOT / "tests" / "data" / "tiny.yaml")
BMWE_ACTUALS = ROOT / "inputs" / "scenarios" / "bmwe-actuals-2018-05.csv"
HEADER = "maand;gemeente;bestand;instroom;uitstroom;uitstroom werk;uitgaven (€)"
GOOD = [
    "2018-01;Noord;70;3;3;1;€ 81.690",
    "2018-01;Zuid;50;;;;",
    "2018-02;Noord;71;4;3;2;€ 82.857,50",
    "2018-02;Zuid;49;;;;",
]


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "werkelijk.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_actuals(path, TINY)
    return [str(p) for p in caught.value.problems]


def test_dutch_columns_and_numbers(tmp_path: Path) -> None:
    actuals = read_actuals(write(tmp_path, GOOD), TINY)
    assert actuals.last_month == "2018-02" and not actuals.by_segment
    row = actuals.table.set_index(["month", "municipality"]).loc[("2018-02", "Noord")]
    assert (row["caseload"], row["inflow"], row["outflow"], row["outflow_work"]) == (71, 4, 3, 2)
    assert row["spending"] == 82858          # € 82.857,50 in whole euros
    assert actuals.table.set_index(["month", "municipality"]).loc[("2018-01", "Zuid")].isna()["inflow"]


def test_the_bundled_bmwe_actuals() -> None:
    bmwe = load_scenario(ROOT / "inputs" / "scenarios" / "bmwe.yaml")
    actuals = read_actuals(BMWE_ACTUALS, bmwe)
    assert actuals.months == ["2018-01", "2018-02", "2018-03", "2018-04", "2018-05"]
    may = actuals.per_municipality().query("month == '2018-05'").set_index("municipality")["caseload"]
    assert may.to_dict() == {"Bedum": 173, "De Marne": 294, "Eemsmond": 439, "Winsum": 285}   # seed 003, 1-6-2018
    assert int(may.sum()) == 1191


def test_a_workbook_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "toelichting"
    sheet = book.create_sheet("Werkelijk")
    sheet.append(["Maand", "Gemeente", "Bestand", "Uitgaven (€)"])
    for month, noord, zuid in (("2018-01", 70, 50), ("2018-02", 71, 49)):
        sheet.append([month, "Noord", noord, 81690.0])
        sheet.append([month, "Zuid", zuid, None])
    path = tmp_path / "werkelijk.xlsx"
    book.save(path)
    actuals = read_actuals(path, TINY)
    assert actuals.per_municipality()["caseload"].tolist() == [70, 50, 71, 49]


def test_gaps_duplicates_and_contradictions(tmp_path: Path) -> None:
    lines = [
        "2018-01;Noord;70;3;3;1;",
        "2018-01;Noord;70;;;;",               # duplicate
        "2018-03;Noord;80;4;3;;",             # gap: 2018-02 missing; 70 + 4 - 3 != 80 is not checked (no 2018-02)
        "2018-01;Zuid;50;;;;",
        "2018-02;Zuid;49;2;2;3;",             # by cause 3 > outflow 2; 50 + 2 - 2 = 50 != 49
        "2018-03;Zuid;49;;;;",
    ]
    found = problems(write(tmp_path, lines))
    assert any("row 3" in p and "also given in row 2" in p for p in found)
    assert any(p.endswith("(a row for every month from 2018-01 to 2018-03 (the last month given))")
               and "Noord: no row for 2018-02" in p for p in found)
    assert any("row 6.uitstroom" in p and "add up to 3" in p for p in found)
    assert any("row 6.bestand" in p and "50 + inflow 2 - outflow 2 = 50" in p for p in found)


@pytest.mark.parametrize(("line", "expected"), [
    ("2019-12;Noord;70;;;;", "row 2.maand: 2019-12 is outside the months that can be actuals (2018-01 to 2019-11"),
    ("2017-12;Noord;70;;;;", "row 2.maand: 2017-12 is outside"),
    ("18-01;Noord;70;;;;", "row 2.maand: '18-01' is not a month"),
    ("2018-01;Oost;70;;;;", "row 2.gemeente: unknown municipality 'Oost' (one of: Noord, Zuid)"),
    ("2018-01;Noord;;;;;", "row 2.caseload: empty"),
    ("2018-01;Noord;-3;;;;", "row 2.caseload: -3 is negative"),
    ("2018-01;Noord;70,5;;;;", "row 2.caseload: 70,5 is not a whole number"),
    ("2018-01;Noord;70;veel;;;", "row 2.inflow:"),
    ("2018-01;Noord;70;;;;;", "row 2: 8 fields, expected 7"),
])
def test_one_bad_cell(tmp_path: Path, line: str, expected: str) -> None:
    found = problems(write(tmp_path, [line, "2018-01;Zuid;50;;;;"]))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "werkelijk.csv")) for p in found)


def test_header_problems(tmp_path: Path) -> None:
    found = problems(write(tmp_path, GOOD, header="maand;gemeente;uitkering;instroom;uitstroom;uitstroom werk;x"))
    assert any("row 1.caseload: missing column" in p for p in found)
    assert any("row 1.uitkering: unknown column" in p for p in found)


def test_segments_all_or_none(tmp_path: Path) -> None:
    lines = ["2018-01;Noord;regular;60", "2018-01;Noord;refugees;10", "2018-01;Zuid;regular;50"]
    found = problems(write(tmp_path, lines, header="maand;gemeente;doelgroep;bestand"))
    assert any("Zuid, refugees: no row for 2018-01" in p for p in found)
    lines.append("2018-01;Zuid;refugees;0")
    actuals = read_actuals(write(tmp_path, lines, header="maand;gemeente;doelgroep;bestand"), TINY)
    assert actuals.by_segment and actuals.per_municipality()["caseload"].tolist() == [70, 50]


def test_not_a_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "missing.csv")[0].startswith(f"{tmp_path / 'missing.csv'}: file not found (")
    (tmp_path / "empty.csv").write_text(HEADER + "\n", encoding="utf-8")
    assert "no data rows" in problems(tmp_path / "empty.csv")[0]
