"""The scenario workbook: YAML -> XLSX -> Scenario equals YAML -> Scenario, and layout mistakes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sporen.cli import main
from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario
from sporen.inputs.workbook import PARTICIPATIEBUDGET, SHEET_ORDER, export_workbook, import_workbook
from sporen.inputs.workbook_sheets import title

ROOT = Path(__file__).parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"
BUNDLED = sorted((ROOT / "inputs" / "scenarios").glob("*.yaml"))


def T(code: str) -> str:
    """A sheet's name in a Dutch workbook (the default)."""
    return title(code, "nl")


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


def _col(ws, code: str) -> int:
    """The column number of a field code in a sheet's header row."""
    return [c.value for c in ws[1]].index(code) + 1


def _row(ws, name: str, column: int = 1) -> int:
    """The row whose first (or given) column holds `name`."""
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, column).value == name)


def _settings(wb) -> dict:
    return {row[0]: row[1] for row in wb[T("scenario")].iter_rows(min_row=4, values_only=True)}


def test_layout_is_planner_friendly(tiny_xlsx):
    wb = openpyxl.load_workbook(tiny_xlsx)
    assert wb.sheetnames == ["uitleg", *(T(code) for code in SHEET_ORDER)]
    assert "sporen validate" in "\n".join(str(c.value) for c in wb["uitleg"]["A"])
    settings = _settings(wb)
    assert settings["name"] == "tiny" and settings["start"] == "2018-01"
    assert settings["duration_bands"] == "0, 12, 36"
    assert settings["gate.decisions.granted"] == 0.8 and settings["policy.priority"] == "fifo"
    assert settings["policy.everyone_in_view"] == "nee"                          # yes/no in words, with a dropdown
    assert settings["ladder.work_multiplier.6"] == 1.5
    hazards = wb[T("hazards")]
    assert [c.value for c in hazards[1]][:4] == ["track", "cause", "band", "rate"]
    assert hazards["A2"].value.startswith("eenheid:") and hazards["A3"].value.startswith("uitleg:")
    assert hazards["D2"].value == "per maand" and "uitstroomkans" in hazards["D3"].value
    assert [c.value for c in hazards[4]][:4] == ["werk", "work", 0, 0.03]
    budget = wb[T("buig_budget")]
    assert [c.value for c in budget[4]][:3] == ["Noord", 2018, 1000000] and budget["C2"].value == "€"
    assert budget.cell(4, 3).number_format == '"€" #,##0'
    header = [c.value for c in wb[T("tracks")][1]]
    assert header[:5] == ["name", "label", "label_en", "description", "caseworker_role"]
    # dropdowns: the priority rule, a track's role, a role's function, yes/no
    lists = {str(dv.sqref): dv.formula1 for ws in wb for dv in ws.data_validations.dataValidation}
    assert '"fifo,kansrijk_first,longest_waiting"' in lists.values()
    assert '"km_werk,km_werkleer,km_participatie,intake,handhaving,werkgeversdienst"' in lists.values()
    assert '"ja,nee"' in lists.values()
    # the source next to a sourced value: a formula on the sources sheet; the source's own value kept there
    segments = wb[T("segments")]
    value_col = _col(segments, "benefit_per_month")
    assert segments.cell(1, value_col + 1).value == "benefit_per_month.source"
    formula = segments.cell(_row(segments, "regular"), value_col + 1).value
    assert formula.startswith("=IFERROR(INDEX(bronnen!") and "segments.regular.benefit_per_month" in formula
    sources = wb[T("sources")]
    assert [c.value for c in sources[1]] == ["path", "source", "kind", "unit", "note", "value"]
    assert sources.cell(_row(sources, "segments.regular.benefit_per_month"), 6).value == "1167"


def test_english_workbook(tmp_path):
    path = tmp_path / "en.xlsx"
    export_workbook(load_scenario(TINY), path, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "instructions" and wb["hazards"]["D2"].value == "per month"
    assert _settings(wb)["policy.everyone_in_view"] == "no"
    assert load_scenario(path).model_dump() == load_scenario(TINY).model_dump()


def _edit(src: Path, dest: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dest)
    return dest


def _setting_cell(wb, key: str):
    ws = wb[T("scenario")]
    return ws.cell(_row(ws, key), 2)


def test_planner_edits_are_read(tiny_xlsx, tmp_path):
    import datetime

    def edit(wb):
        tracks = wb[T("tracks")]
        tracks.cell(_row(tracks, "werk"), _col(tracks, "caseload_per_fte")).value = 25
        _setting_cell(wb, "start").value = datetime.datetime(2019, 1, 1)   # Excel turned the month into a date
        _setting_cell(wb, "years").value = "1"
        _setting_cell(wb, "policy.everyone_in_view").value = "ja"
        wb[T("buig_budget")].append(["Noord", 2019.0, 5])
        wb[T("buig_budget")].delete_rows(5)

    s = load_scenario(_edit(tiny_xlsx, tmp_path / "e.xlsx", edit))
    assert s.track("werk").caseload_per_fte == 25 and s.start == "2019-01" and s.years == 1
    assert s.policy.everyone_in_view is True
    assert s.municipalities[0].buig_budget == {2018: 1000000, 2019: 5}


def test_dutch_numbers_and_money_typed_as_text(tiny_xlsx, tmp_path):
    def edit(wb):
        roles = wb[T("roles")]
        roles.cell(_row(roles, "km_werk"), _col(roles, "fte_now")).value = "1,67"
        roles.cell(_row(roles, "km_werk"), _col(roles, "cost_per_fte_year")).value = "€ 70.500"
        budget = wb[T("buig_budget")]
        budget.cell(_row(budget, "Noord"), 3).value = "1.742.859"
        _setting_cell(wb, "returns.share_back").value = "9%"
        finance = wb[T("finance")]
        finance.cell(_row(finance, PARTICIPATIEBUDGET), 3).value = "€ 7.098.000"

    s = load_scenario(_edit(tiny_xlsx, tmp_path / "nl.xlsx", edit))
    assert s.role("km_werk").fte_now == 1.67 and s.role("km_werk").cost_per_fte_year == 70500
    assert s.municipalities[0].buig_budget[2018] == 1742859
    assert s.returns.share_back == 0.09 and s.finance.participatiebudget[2018] == 7098000


def _cache(path: Path, sheet_index: int, cell: str, value: float) -> None:
    """Give a formula cell the cached value Excel or LibreOffice would have saved with it."""
    import re
    import zipfile

    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as z:
        entries = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = entries[name].decode()
    xml, n = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", xml)
    assert n == 1, xml[:500]
    entries[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for file, data in entries.items():
            z.writestr(file, data)


def test_formula_cells_are_read_by_their_value_and_money_rounded(tiny_xlsx, tmp_path):
    def edit(wb):
        budget = wb[T("buig_budget")]
        budget["C5"] = "=C4*1.02"       # Noord 2019 = 2018 x 1.02

    path = _edit(tiny_xlsx, tmp_path / "f.xlsx", edit)
    index = openpyxl.load_workbook(path).sheetnames.index(T("buig_budget")) + 1
    _cache(path, index, "C5", 1000000 * 1.02 + 0.4)
    s = load_scenario(path)
    assert s.municipalities[0].buig_budget[2019] == 1020000          # whole euros, not 'not a whole number'


def test_unreadable_and_ambiguous_cells_are_named_by_sheet_and_cell(tiny_xlsx, tmp_path):
    def edit(wb):
        roles = wb[T("roles")]
        roles.cell(_row(roles, "km_werk"), _col(roles, "fte_now")).value = "1.066"
        budget = wb[T("buig_budget")]
        budget.cell(_row(budget, "Noord"), 3).value = "veel"

    path = _edit(tiny_xlsx, tmp_path / "bad.xlsx", edit)
    with pytest.raises(InputError) as excinfo:
        load_scenario(path)
    problems = _problems(excinfo)
    wb = openpyxl.load_workbook(path)
    roles = wb[T("roles")]
    fte = f"{openpyxl.utils.get_column_letter(_col(roles, 'fte_now'))}{_row(roles, 'km_werk')}"
    assert any(p.startswith(f"{path}: {T('roles')} cell {fte} (fte_now): '1.066' is ambiguous, it can be read two ways")
               for p in problems)
    assert any(p.startswith(f"{path}: {T('buig_budget')} cell C4 (budget): 'veel' is not a number") for p in problems)


def test_an_edited_value_is_marked_changed_by_user(tiny_xlsx, tmp_path):
    from sporen.outputs.model_description import assumptions_appendix, assumptions_table

    def edit(wb):
        segments = wb[T("segments")]
        segments.cell(_row(segments, "regular"), _col(segments, "benefit_per_month")).value = 1250

    s = load_scenario(_edit(tiny_xlsx, tmp_path / "c.xlsx", edit))
    source = s.sources["segments.regular.benefit_per_month"]
    assert source.changed_from == "1167" and source.kind == "public"
    row = assumptions_table(s).set_index("parameter").loc["segments.regular.benefit_per_month"]
    assert row["value"] == "1250" and row["changed_from"] == "1167"
    appendix = assumptions_appendix(s)
    assert "gewijzigd door gebruiker" in appendix and "de bron geeft 1167" in appendix
    assert "changed by user" in assumptions_appendix(s, "en")
    # unchanged values stay unmarked, and the mark survives a conversion to YAML and back
    assert all(v.changed_from is None for k, v in s.sources.items() if k != "segments.regular.benefit_per_month")
    export_workbook(s, tmp_path / "again.xlsx")
    assert load_scenario(tmp_path / "again.xlsx").sources["segments.regular.benefit_per_month"].changed_from == "1167"


def test_layout_mistakes_name_sheet_row_and_column(tiny_xlsx, tmp_path):
    last = openpyxl.load_workbook(tiny_xlsx)[T("scenario")].max_row

    def edit(wb):
        wb.create_sheet("notes")
        wb[T("tracks")]["Z1"] = "caseload"
        wb[T("hazards")].append(["werkk", "work", 0, 0.1])
        wb[T("hazards")].append(["werk", "work", 6, 0.1])
        wb[T("ladder_at_entry")].append(["regular", 1, 0.5])
        wb[T("scenario")].append(["polcy.priority", "fifo"])
        wb[T("scenario")].append(["policy.priority", "fifo"])

    with pytest.raises(InputError) as excinfo:
        import_workbook(_edit(tiny_xlsx, tmp_path / "bad.xlsx", edit))
    problems = [p.split(": ", 1)[1] for p in _problems(excinfo)]
    hazards_last = openpyxl.load_workbook(tiny_xlsx)[T("hazards")].max_row
    ladder_first = 4
    assert any(p.startswith("sheet notes: unknown sheet (a typo?)") for p in problems)
    assert any(p.startswith(f"{T('tracks')} row 1.caseload: unknown column (a typo?)") for p in problems)
    assert any(p.startswith(f"{T('hazards')} row {hazards_last + 1}.track: unknown track 'werkk' "
                            "(one of: werk, werkleer, participatie)") for p in problems)
    assert any(p.startswith(f"{T('hazards')} row {hazards_last + 2}.band: 6 is not a duration band") for p in problems)
    ladder = openpyxl.load_workbook(tiny_xlsx)[T("ladder_at_entry")]
    assert any(p.startswith(f"{ladder.title} row {ladder.max_row + 1}.rung: 1 is also given in row {ladder_first}")
               for p in problems)
    assert any(p.startswith(f"scenario row {last + 1}.key: unknown key 'polcy.priority'") for p in problems)
    assert any(p.startswith(f"scenario row {last + 2}.key: 'policy.priority' is also given in row") for p in problems)


def test_field_problems_after_import_name_items(tiny_xlsx, tmp_path):
    def edit(wb):
        roles = wb[T("roles")]
        roles.cell(_row(roles, "km_werk"), _col(roles, "fte_now")).value = -1

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
