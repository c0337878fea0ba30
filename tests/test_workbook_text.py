"""Every text a results workbook writes is text: never a formula, an error value or a broken file.

A municipality named ``=HYPERLINK("http://...","klik")`` became 194 live formula cells in
results.xlsx (openpyxl writes a string starting with '=' as a formula, and '#N/A' as an error). The
property test draws hostile texts (formulas, error codes, control characters, anything) into every
text a workbook shows -- the scenario's and municipalities' names, the roles' labels, every text
cell of every table, the target, the plan in words, the next steps -- writes the workbook and reads
the file's XML: no formula element, no error cell, and each text read back as it was written.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sporen.inputs.load import load_scenario
from sporen.outputs.report import NextStep, PlanOutcome
from sporen.outputs.workbook import write_plan_workbook, write_workbook

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
HOSTILE = ['=HYPERLINK("http://example.invalid","klik")', "=1+1", "=", "==A1", "+1", "-1+2", "@SUM(A1:A2)", "#N/A",
           "#REF!", "#DIV/0!", "'=x", "=cmd|' /C calc'!A0", "\x00nul", "tab\tand\nnewline", "\x1b[31m", "ñ€✓",
           " =lead space"]
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30),
                  st.text(alphabet="=+-@#!()\"',;:/ A1", min_size=1, max_size=12))


def formula_cells(path: Path) -> list[str]:
    """Cells of the file that are formulas or error values, read from the sheets' XML."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                found += [f"{name}: formula" for _ in re.finditer(r"<f[ >]", xml)]
                found += [f"{name}: error {m}" for m in re.findall(r'<c [^>]*t="e"', xml)]
    return found


def written(text: str) -> str:
    """A text as the file holds it: characters XML cannot hold replaced; a carriage return is a line end."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture(scope="module")
def tiny_tables(tiny_plans):
    """The summary tables of a real `sporen plan` run (conftest.tiny_plans), read back from its CSVs."""
    out, result = tiny_plans["nl"]
    assert result.exit_code in (0, 1), result.output
    names = ["summary", "deficits", "verification", "budget", "plan_cost", "plan_effect", "relaxations",
             "optimiser_tests", "yearly_summary", "kpis_summary", "caseload", "survival", "assumptions",
             "unsourced_parameters", "formation"]
    tables = {}
    for name in names:
        path = out / f"{name}.csv"
        if path.exists() and path.stat().st_size > 1:
            try:
                tables[name] = pd.read_csv(path, keep_default_na=False)
            except pd.errors.EmptyDataError:
                continue
    return tables


def _poisoned(frame: pd.DataFrame, draw: list[str]) -> pd.DataFrame:
    """Every text cell replaced by a drawn text (cycling); numbers stay."""
    out = frame.copy()
    k = 0
    for column in out.columns:
        if out[column].dtype == object:
            values = []
            for _ in range(len(out)):
                values.append(draw[k % len(draw)])
                k += 1
            out[column] = values
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])   # shrinking a workbook takes minutes
@given(draw=st.lists(texts, min_size=3, max_size=12), lang=st.sampled_from(["nl", "en"]))
def test_every_text_of_the_plan_workbook_is_text(tiny_tables, tmp_path, draw, lang):
    scenario = load_scenario(TINY)
    scenario = scenario.model_copy(update={
        "name": draw[0],
        "municipalities": [m.model_copy(update={"name": draw[(i + 1) % len(draw)]})
                           for i, m in enumerate(scenario.municipalities)],
        "roles": [r.model_copy(update={"label": draw[(i + 2) % len(draw)]}) for i, r in enumerate(scenario.roles)],
    })
    tables = {name: _poisoned(frame, draw) if name != "formation" else frame for name, frame in tiny_tables.items()}
    outcome = PlanOutcome(plan=None, total_cost=1234.0, probability=0.5, probability_ci=(0.4, 0.6),
                          required_probability=0.9, verdict="does_not_meet", target_text=draw[1],
                          verification_replications=6, plan_lines=list(draw),
                          next_steps=[NextStep("next.add_levers", {"file": draw[2]})])
    path = write_plan_workbook(tmp_path / "results.xlsx", tables, scenario=scenario, outcome=outcome, lang=lang,
                               run={"seed": 1})
    assert formula_cells(path) == []
    shown = {cell.value for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)}
    for hostile in (draw[0], draw[1], *draw):
        if hostile.strip() and not hostile.strip().lstrip("-+").replace(".", "").isdigit():
            assert any(written(hostile) in written(value) for value in shown), hostile


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])   # shrinking a workbook takes minutes
@given(draw=st.lists(texts, min_size=1, max_size=8))
def test_every_text_of_a_tables_workbook_is_text(tmp_path, draw):
    names = [*draw, "Noord"]   # one plain name: a column with no value in any row would be left out
    frame = pd.DataFrame({"municipality": names, "year": range(len(names)), "result_after_vangnet_mean": 1.5})
    path = write_workbook(tmp_path / "t.xlsx", {"deficits": frame, draw[0][:20] or "x": frame})
    assert formula_cells(path) == []
    book = load_workbook(path)
    values = [cell.value for cell in book.worksheets[0]["A"][1:]]
    # numeric text is a number (a year '2018' in a column that also holds 'all'); every other text as written
    assert [written(str(v)) if v is not None else "" for v in values] == [written(d) for d in names]


def test_the_pages_workbook_download_writes_a_formula_name_as_text(tmp_path):
    """The page's download (`jobs.whatif.files.workbook_bytes`) through the same writer: a municipality
    and a scenario named as formulas stay text."""
    from sporen.inputs.plan import Plan
    from sporen.jobs.whatif.evaluate import default_target, futures_for
    from sporen.jobs.whatif.files import workbook_bytes

    scenario = load_scenario(TINY)
    hostile = '=HYPERLINK("http://example.invalid","klik")'
    scenario = scenario.model_copy(update={"name": hostile, "municipalities": [
        m.model_copy(update={"name": hostile if i == 0 else m.name}) for i, m in enumerate(scenario.municipalities)]})
    futures = futures_for(scenario, futures=2, seed=1, workers=1)
    data = workbook_bytes(futures, Plan(name="p"), default_target(scenario))
    path = tmp_path / "page.xlsx"
    path.write_bytes(data)
    assert formula_cells(path) == []
    texts_shown = [cell.value for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row
                   if isinstance(cell.value, str)]
    assert any(hostile in t for t in texts_shown)
