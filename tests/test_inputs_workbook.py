"""The scenario workbook: YAML -> XLSX -> Scenario equals YAML -> Scenario, and layout mistakes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.workbook import SHEET_ORDER, export_workbook, import_workbook

ROOT = Path(__file__).parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BUNDLED = sorted((ROOT / "inputs" / "scenarios").glob("*.yaml"))


def _problems(excinfo: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


@pytest.fixture(scope="module")
def tiny_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "tiny.xlsx"
    export_workbook(load_scenario(TINY), path)
    return path


@pytest.mark.parametrize("source", [TINY, *BUNDLED], ids=lambda p: p.name)
def test_round_trip(source: Path, tmp_path: Path):
    scenario = load_scenario(source)
    export_workbook(scenario, tmp_path / "s.xlsx")
    assert load_scenario(tmp_path / "s.xlsx").model_dump() == scenario.model_dump()


def test_round_trip_keeps_exact_floats_series_and_uncertainty(tmp_path):
    raw = load_scenario(TINY).model_dump()
    raw["municipalities"][0]["applications_per_month"]["regular"] = 0.1 + 0.2  # not exact in 16 digits
    raw["application_series"] = {"Noord": {"regular": {"2018-01": 4.5, "2018-02": 3.0}}}
    raw["uncertainty"] = [{"parameter": "tracks.werk.served_work_multiplier", "low": 1.1, "high": 1.6}]
    raw["tracks"][0]["segments"] = ["regular"]
    raw["instruments"][0]["eligible_ladder"] = [3, 4]
    raw["policy"]["no_reintegration_money_for"] = ["participatie"]
    raw["measures"][0]["effects"]["extra_fte"] = {"km_werk": 1.5}
    raw["description"] = "=not a formula"
    export_workbook(raw, tmp_path / "s.xlsx")
    scenario = load_scenario(tmp_path / "s.xlsx")
    assert scenario.municipalities[0].applications_per_month["regular"] == 0.1 + 0.2
    assert scenario.model_dump() == load_scenario_from(raw).model_dump()


def load_scenario_from(raw: dict):
    from sporen.inputs.load import scenario_from_dict

    return scenario_from_dict(raw)


def test_layout_is_planner_friendly(tiny_xlsx):
    wb = openpyxl.load_workbook(tiny_xlsx)
    assert wb.sheetnames == list(SHEET_ORDER)
    settings = {row[0]: row[1] for row in wb["scenario"].iter_rows(min_row=2, values_only=True)}
    assert settings["name"] == "tiny" and settings["start"] == "2018-01"
    assert settings["duration_bands"] == "0, 12, 36"
    assert settings["gate.decisions.granted"] == 0.8 and settings["policy.priority"] == "fifo"
    assert settings["ladder.work_multiplier.6"] == 1.5
    rows = list(wb["hazards"].iter_rows(values_only=True))
    assert rows[0] == ("track", "cause", "band", "rate") and rows[1] == ("werk", "work", 0, 0.03)
    assert list(wb["buig_budget"].iter_rows(values_only=True))[:2] == [("municipality", "year", "budget"),
                                                                       ("Noord", 2018, 1000000)]
    assert ("wsw_shortfall", 2018, 50000) in list(wb["finance"].iter_rows(values_only=True))
    header = next(wb["tracks"].iter_rows(values_only=True))
    assert header[:5] == ("name", "label", "label_en", "description", "caseworker_role")


def _edit(src: Path, dest: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dest)
    return dest


def test_planner_edits_are_read(tiny_xlsx, tmp_path):
    import datetime

    def edit(wb):
        ws = wb["tracks"]
        ws["D2"] = 25  # caseload_per_fte of werk
        for row in wb["scenario"].iter_rows(min_row=2):
            if row[0].value == "start":
                row[1].value = datetime.datetime(2019, 1, 1)  # Excel turned the month into a date
            if row[0].value == "years":
                row[1].value = "1"
        wb["buig_budget"].append(["Noord", 2019.0, 5])
        wb["buig_budget"].delete_rows(3)

    s = load_scenario(_edit(tiny_xlsx, tmp_path / "e.xlsx", edit))
    assert s.track("werk").caseload_per_fte == 25 and s.start == "2019-01" and s.years == 1
    assert s.municipalities[0].buig_budget == {2018: 1000000, 2019: 5}


def test_layout_mistakes_name_sheet_row_and_column(tiny_xlsx, tmp_path):
    last = openpyxl.load_workbook(tiny_xlsx)["scenario"].max_row

    def edit(wb):
        wb.create_sheet("notes")
        wb["tracks"]["H1"] = "caseload"
        wb["hazards"].append(["werkk", "work", 0, 0.1])
        wb["hazards"].append(["werk", "work", 6, 0.1])
        wb["ladder_at_entry"].append(["regular", 1, 0.5])
        wb["scenario"].append(["polcy.priority", "fifo"])
        wb["scenario"].append(["policy.priority", "fifo"])

    with pytest.raises(InputError) as excinfo:
        import_workbook(_edit(tiny_xlsx, tmp_path / "bad.xlsx", edit))
    problems = [p.split(": ", 1)[1] for p in _problems(excinfo)]
    assert any(p.startswith("sheet notes: unknown sheet (a typo?)") for p in problems)
    assert any(p.startswith("tracks row 1.caseload: unknown column (a typo?)") for p in problems)
    assert any(p.startswith("hazards row 38.track: unknown track 'werkk' (one of: werk, werkleer, participatie)")
               for p in problems)
    assert any(p.startswith("hazards row 39.band: 6 is not a duration band") for p in problems)
    assert any(p.startswith("ladder_at_entry row 11.rung: 1 is also given in row 2") for p in problems)
    assert any(p.startswith(f"scenario row {last + 1}.key: unknown key 'polcy.priority'") for p in problems)
    assert any(p.startswith(f"scenario row {last + 2}.key: 'policy.priority' is also given in row") for p in problems)


def test_field_problems_after_import_name_items(tiny_xlsx, tmp_path):
    def edit(wb):
        wb["roles"]["C2"] = -1  # fte_now of km_werk

    with pytest.raises(InputError) as excinfo:
        load_scenario(_edit(tiny_xlsx, tmp_path / "neg.xlsx", edit))
    assert _problems(excinfo) == [f"{tmp_path / 'neg.xlsx'}: roles.km_werk.fte_now: -1 is out of range (>= 0)"]


def test_not_a_workbook(tmp_path):
    (tmp_path / "x.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        load_scenario(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="file not found"):
        load_scenario(tmp_path / "y.xlsx")


def test_convert_command_both_ways(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["convert", str(TINY), str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["convert", str(tmp_path / "t.xlsx"), str(tmp_path / "t.yaml")])
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "t.yaml").model_dump() == load_scenario(TINY).model_dump()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_convert_command_refuses_bad_input(tmp_path):
    result = CliRunner().invoke(main, ["convert", str(TINY), str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "unknown file type '.csv'" in result.output
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "none.yaml"), str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2 and "file not found" in result.output
    assert not (tmp_path / "t.xlsx").exists()
