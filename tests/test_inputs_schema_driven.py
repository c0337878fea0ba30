"""inputs/ driven by the schema: references declared on the fields, the workbook's sheets derived.

The references check and the workbook layout read marks on the schema's fields; these tests
enumerate the schema and check that every reference is found wherever it sits, that every field
of the schema has exactly one place in the workbook, and that sheets are read by either
language's name.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sporen.common.errors import InputError
from sporen.inputs.checks import check_references
from sporen.inputs.load import load_scenario
from sporen.inputs.marks import Ref
from sporen.inputs.references import named_lists, references
from sporen.inputs.schema import InitialInstrument, Scenario
from sporen.inputs.types import bare_type, field_type, kind, metadata
from sporen.inputs.workbook import export_workbook, import_workbook
from sporen.inputs.workbook_sheets import (
    ITEM_SHEETS,
    NOT_ON_SCENARIO_SHEET,
    PLACEMENTS,
    SHEET_ORDER,
    code_of,
    columns_of,
    item_model,
    title,
)

TINY = Path(__file__).parent / "data" / "tiny.yaml"

EXPECTED_REFERENCES = {
    ("Municipality", "initial_stock"): "segments", ("Municipality", "applications_per_month"): "segments",
    ("Municipality", "benefit_per_month"): "segments", ("InitialInstrument", "instrument"): "instruments",
    ("InitialInstrument", "segment"): "segments", ("Gate", "intake_role"): "roles",
    ("Transition", "to"): "tracks", ("Track", "caseworker_role"): "roles", ("Track", "segments"): "segments",
    ("Instrument", "track"): "tracks", ("Effects", "extra_fte"): "roles",
    ("Policy", "no_reintegration_money_for"): "tracks",
}
"""Every field that names an item: a field that loses its mark would no longer be checked."""


def _models(model, seen=None):
    seen = seen if seen is not None else {}
    seen[model.__name__] = model
    for info in model.model_fields.values():
        tp = bare_type(info.annotation)
        inner = [tp, *(getattr(tp, "__args__", ()) or ())]
        for candidate in inner:
            candidate = bare_type(candidate)
            if isinstance(candidate, type) and hasattr(candidate, "model_fields") and candidate.__name__ not in seen:
                _models(candidate, seen)
    return seen


def _marked(tp) -> str | None:
    """The target of a Ref on a type, its items or its keys."""
    for part in (tp, *(getattr(bare_type(tp), "__args__", ()) or ())):
        ref = next((m for m in metadata(part) if isinstance(m, Ref)), None)
        if ref is not None:
            return ref.target
    return None


def test_the_references_the_schema_declares():
    found = {(name, field): target for name, model in _models(Scenario).items()
             for field, info in model.model_fields.items() if (target := _marked(field_type(info)))}
    assert found == EXPECTED_REFERENCES
    assert set(found.values()) <= set(named_lists(Scenario))


def _node_step(node, part):
    if isinstance(node, list):
        return next((i for i in node if getattr(i, "name", None) == part), None) or node[int(part)]
    return node[part] if isinstance(node, dict) else getattr(node, part)


def test_every_reference_in_tiny_is_checked_where_it_sits():
    """Each name tiny refers to, renamed to one that does not exist: exactly one problem, at its path."""
    tiny = load_scenario(TINY).model_copy(deep=True)
    tiny.municipalities[0].initial_instruments = [InitialInstrument(
        instrument=tiny.instruments[0].name, segment=tiny.segments[0].name, clients=1)]
    assert check_references(tiny) == []
    places = list(references(tiny, Scenario, ""))
    assert {ref.target for ref, _, _ in places} == {"segments", "instruments", "roles", "tracks"}
    nouns = named_lists(Scenario)
    for ref, path, name in places:
        changed = tiny.model_copy(deep=True)
        parts = path.split(".")
        node = changed
        for part in parts[:-1]:
            node = _node_step(node, part)
        if isinstance(node, dict):
            node["nergens"] = node.pop(name)
            where = ".".join([*parts[:-1], "nergens"])
        elif isinstance(getattr(node, parts[-1]), list):
            values = getattr(node, parts[-1])
            values[values.index(name)] = "nergens"
            where = path
        else:
            setattr(node, parts[-1], "nergens")
            where = path
        problems = [p for p in check_references(changed) if p[0] == where and "nergens" in p[1]]
        assert problems == [(where, f"unknown {nouns[ref.target]} 'nergens'",
                             "one of: " + ", ".join(i.name for i in getattr(tiny, ref.target)))], path


def test_every_field_has_one_place_in_the_workbook():
    """A scenario-sheet key, an item sheet's column, or a table sheet: never two, never none."""
    places: dict[str, list[str]] = {}
    for name in Scenario.model_fields:
        if name not in NOT_ON_SCENARIO_SHEET:
            places.setdefault(name, []).append("scenario")
    for sheet in ITEM_SHEETS:
        for path in columns_of(item_model(sheet)):
            places.setdefault(f"{sheet}.{'.'.join(path)}", []).append(sheet)
    for p in PLACEMENTS:
        places.setdefault(".".join(filter(None, [p.owner or "", *p.path])), []).append(p.sheet)
    assert all(len(where) == 1 for where in places.values())
    item_fields = {f"{sheet}.{name}" for sheet in ITEM_SHEETS for name in item_model(sheet).model_fields}
    for field in item_fields:
        assert any(key == field or key.startswith(field + ".") for key in places), field
    assert set(SHEET_ORDER) == {"scenario", *ITEM_SHEETS, *(p.sheet for p in PLACEMENTS)}
    assert all(kind(field_type(info)) != "models" for name, info in Scenario.model_fields.items()
               if name not in NOT_ON_SCENARIO_SHEET)


@pytest.fixture(scope="module")
def tiny_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "tiny.xlsx"
    export_workbook(load_scenario(TINY), path)
    return path


def test_sheets_have_dutch_names_and_english_ones_are_read(tiny_xlsx, tmp_path):
    book = openpyxl.load_workbook(tiny_xlsx)
    assert book.sheetnames[1:6] == ["scenario", "gemeenten", "herindelingen", "doelgroepen", "sporen"]
    assert all(code_of(title(code, "nl")) == code_of(code) == code for code in SHEET_ORDER)
    assert all(len(title(code, lang)) <= 31 for code in SHEET_ORDER for lang in ("nl", "en"))
    for index, sheet in enumerate(book.worksheets[1:]):
        if sheet.title != "scenario" and index % 2:
            sheet.title = code_of(sheet.title)       # half the sheets back to their old English names
    book.save(tmp_path / "mixed.xlsx")
    assert load_scenario(tmp_path / "mixed.xlsx").model_dump() == load_scenario(TINY).model_dump()


def test_a_sheet_under_two_names_is_refused(tiny_xlsx, tmp_path):
    book = openpyxl.load_workbook(tiny_xlsx)
    copy = book.copy_worksheet(book[title("roles", "nl")])
    copy.title = "roles"
    book.save(tmp_path / "twice.xlsx")
    with pytest.raises(InputError) as excinfo:
        import_workbook(tmp_path / "twice.xlsx")
    assert [(p.path, p.message) for p in excinfo.value.problems] == [
        ("sheet roles", "the same sheet as 'functies'")]


def _own_imports(path: Path) -> tuple[set[str], list[str]]:
    """(inputs modules imported at the top, own-code imports inside functions) of one module."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            top |= {n.split(".")[2] for n in names if n.startswith("sporen.inputs.") and n.count(".") >= 2}
    inner = [f"{path.name}:{n.lineno}" for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef,
             ast.AsyncFunctionDef)) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))
             and any(name.startswith("sporen") for name in ([n.module or ""] if isinstance(n, ast.ImportFrom)
                                                             else [a.name for a in n.names]))]
    return top, inner


def test_inputs_modules_import_each_other_without_a_cycle_and_only_at_the_top():
    folder = Path(__file__).parent.parent / "inputs"
    graph, inside = {}, []
    for path in folder.glob("*.py"):
        top, inner = _own_imports(path)
        graph[path.stem] = {m for m in top if (folder / f"{m}.py").exists()} - {path.stem}
        inside += inner
    assert inside == []
    done: set[str] = set()

    def visit(module: str, chain: tuple[str, ...]) -> None:
        assert module not in chain, " -> ".join((*chain, module))
        if module not in done:
            for imported in graph[module]:
                visit(imported, (*chain, module))
            done.add(module)

    for module in graph:
        visit(module, ())
