"""CSV side tables: `series: {applications: applications.csv}` next to a scenario."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sporen.common.errors import InputError
from sporen.inputs.load import load_scenario, scenario_from_dict
from sporen.inputs.series import read_application_series

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
TINY = DATA / "tiny.yaml"


def _scenario_with_series(folder: Path, csv_text: str, series: object = "applications.csv") -> Path:
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["series"] = {"applications": series}
    path = folder / "with_series.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    (folder / "applications.csv").write_text(csv_text, encoding="utf-8")
    return path


def _problems(excinfo: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_series_is_read_relative_to_the_scenario(tmp_path):
    path = _scenario_with_series(tmp_path, "month,municipality,segment,applications\n"
                                 "2018-01,Noord,regular,4.5\n\n2018-02,Noord,regular,3\n2019-12,Zuid,regular,0\n")
    scenario = load_scenario(path)
    assert scenario.application_series == {"Noord": {"regular": {"2018-01": 4.5, "2018-02": 3.0}},
                                           "Zuid": {"regular": {"2019-12": 0.0}}}
    assert scenario.series is None  # consumed: the scenario carries the data
    source = scenario.sources["application_series"]
    assert source.source == "applications.csv" and "read from applications.csv" in source.note


def test_semicolons_and_decimal_commas_as_a_dutch_spreadsheet_writes_them(tmp_path):
    path = _scenario_with_series(tmp_path, "\ufeffMonth;Municipality;Segment;Applications\n2018-03;Zuid;regular;2,5\n")
    assert load_scenario(path).application_series == {"Zuid": {"regular": {"2018-03": 2.5}}}


def test_the_planner_can_give_the_series_a_source(tmp_path):
    path = _scenario_with_series(tmp_path, "month,municipality,segment,applications\n2018-01,Noord,regular,4\n",
                                 series={"value": "applications.csv", "source": "Divosa benchmark", "kind": "public"})
    source = load_scenario(path).sources["application_series"]
    assert (source.source, source.kind) == ("Divosa benchmark", "public")


def test_a_loaded_scenario_with_series_dumps_to_a_self_contained_one(tmp_path):
    path = _scenario_with_series(tmp_path, "month,municipality,segment,applications\n2018-01,Noord,regular,4\n")
    first = load_scenario(path)
    again = scenario_from_dict(first.model_dump(), str(tmp_path / "elsewhere" / "dump.yaml"))
    assert again.model_dump() == first.model_dump()


def test_bad_rows_name_file_row_and_column():
    with pytest.raises(InputError) as excinfo:
        load_scenario(BAD / "series_bad.yaml")
    csv = str(BAD / "series_bad.csv")
    assert _problems(excinfo) == [
        f"{csv}: row 3.month: '2018-13' is not a month (YYYY-MM, e.g. 2018-01)",
        f"{csv}: row 4.applications: -1 is negative (>= 0)",
        f"{csv}: row 5.applications: 'many' is not a number (mean applications that month, e.g. 4.5 or 4,5)",
        f"{csv}: row 6: Stad, regular, 2018-01 is also given in row 2 (one row per month, municipality and segment)",
        f"{csv}: row 7.month: 2019-01 is outside the scenario's horizon (2018-01 to 2018-12)",
    ]


def test_bad_columns_and_missing_file():
    with pytest.raises(InputError) as excinfo:
        load_scenario(BAD / "series_bad_columns.yaml")
    problems = _problems(excinfo)
    assert any("series_bad_columns.csv: row 1.municipality: missing column" in p for p in problems)
    assert any("series_bad_columns.csv: row 1.municiplity: unknown column (a typo?)" in p for p in problems)
    with pytest.raises(InputError) as excinfo:
        load_scenario(BAD / "series_missing.yaml")
    assert _problems(excinfo)[0].startswith(f"{BAD / 'no_such_applications.csv'}: file not found")


def test_unknown_municipality_and_segment_in_the_csv():
    with pytest.raises(InputError) as excinfo:
        load_scenario(BAD / "references.yaml")
    csv = str(BAD / "references_applications.csv")
    problems = _problems(excinfo)
    assert f"{csv}: row 3.municipality: unknown municipality 'Dorp' (one of: Stad)" in problems
    assert f"{csv}: row 4.segment: unknown segment 'youth' (one of: regular)" in problems


def test_unknown_series_name_and_both_forms(tmp_path):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["series"] = {"aplications": "a.csv"}
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert "x.yaml: series.aplications: unknown series (one of: applications)" in _problems(excinfo)
    path = _scenario_with_series(tmp_path, "month,municipality,segment,applications\n2018-01,Noord,regular,4\n")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["application_series"] = {"Noord": {"regular": {"2018-01": 1}}}
    with pytest.raises(InputError, match="application_series is also given inline"):
        scenario_from_dict(raw, str(path))


def test_inline_series_is_checked_against_the_scenario():
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["application_series"] = {"Oost": {"regular": {"2018-01": 1}}, "Noord": {"jongeren": {"2018-01": 1}},
                                 "Zuid": {"regular": {"2018-1": 1}}}
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    problems = _problems(excinfo)
    assert any(p.startswith("x.yaml: application_series: '2018-1' is not a month") for p in problems)
    raw["application_series"]["Zuid"] = {"regular": {"2018-01": 1}}
    with pytest.raises(InputError) as excinfo:
        scenario_from_dict(raw, "x.yaml")
    assert _problems(excinfo) == [
        "x.yaml: application_series.Oost: unknown municipality 'Oost' (one of: Noord, Zuid)",
        "x.yaml: application_series.Noord.jongeren: unknown segment 'jongeren' (one of: regular, refugees)",
    ]


def test_reader_on_its_own(tmp_path):
    shutil.copy(BAD / "series_bad_columns.csv", tmp_path / "a.csv")
    (tmp_path / "ok.csv").write_text("month,municipality,segment,applications\n2018-01,A,s,1e1\n", encoding="utf-8")
    assert read_application_series(tmp_path / "ok.csv") == {"A": {"s": {"2018-01": 10.0}}}
    (tmp_path / "empty.csv").write_text("month,municipality,segment,applications\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        read_application_series(tmp_path / "empty.csv")
    (tmp_path / "short.csv").write_text("month,municipality,segment,applications\n2018-01,A,s\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: 3 fields, expected 4"):
        read_application_series(tmp_path / "short.csv")
