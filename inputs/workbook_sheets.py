"""The scenario workbook's sheets, derived from the schema: which sheet and column holds which field.

- ``scenario``: one row per setting (``key``, ``value``): every field of the scenario that is not
  a list of items and not marked for a sheet of its own, a dotted key for a field inside a section;
- one sheet per list of named items (`ITEM_SHEETS`: the scenario's list fields whose item model
  has a ``noun``), one row per item, one column per plain field (``effects.grant_multiplier`` for
  a field inside a section of the item);
- one sheet per field marked `inputs.marks.Table` (a mapping or list inside an item or the
  scenario), one row per value (`Placement`): the item's noun, the mapping's keys, the value.

Adding a field to the schema adds its column or row; a mapping inside an item needs a `Table`
mark (the layout refuses it otherwise: `LayoutError`). Sheets are named in the workbook's
language (`title`, from the catalogue's ``wbs.sheet.*``); the reader accepts either language's
names and the codes (`code_of`). Shared by the writer (`inputs.workbook_write`) and the reader
(`inputs.workbook_read`); docs/scenario-format.md describes the layout for a planner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sporen.common.i18n import has_text, text
from sporen.inputs.marks import NotInWorkbook, Ref, Table
from sporen.inputs.schema import Scenario
from sporen.inputs.types import bare_type, field_type, is_model, item_types, kind, metadata

PARTICIPATIEBUDGET = "participatiebudget"
INSTRUCTION_SHEETS = ("uitleg", "instructions")
"""The first sheet of a workbook sporen writes: text for the planner, not read back."""
EMPTY_LIST = "[]"


class LayoutError(RuntimeError):
    """A schema field the workbook layout has no place for: a programming error, not bad input."""


def mark_of(tp: Any, mark: type) -> Any:
    """The first metadata object of class `mark` a type carries, or None."""
    return next((m for m in metadata(tp) if isinstance(m, mark)), None)


def _noun(model: Any) -> str | None:
    noun = getattr(model, "noun", None)
    return noun if isinstance(noun, str) else None


def _item_sheets() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, field in Scenario.model_fields.items():
        if kind(field.annotation) == "models":
            noun = _noun(bare_type(bare_type(field.annotation).__args__[0]))
            if noun:
                out[name] = noun
    return out


ITEM_SHEETS: dict[str, str] = _item_sheets()
"""Sheets of named items: sheet (= Scenario field) -> the item's noun, the column other sheets use for it."""


def item_model(sheet: str) -> Any:
    """The model of one item of an item sheet."""
    return bare_type(bare_type(Scenario.model_fields[sheet].annotation).__args__[0])


def held_elsewhere(tp: Any) -> bool:
    """The field sits on a sheet of its own (`Table`) or not in the workbook at all."""
    return mark_of(tp, Table) is not None or mark_of(tp, NotInWorkbook) is not None


def columns_of(model: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Field paths of an item model that get a column; a mapping or list of models needs a `Table`."""
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        path, tp = (*prefix, name), field_type(field)
        if held_elsewhere(tp):
            continue
        shape = kind(tp)
        if shape == "model":
            out += columns_of(bare_type(tp), path)
        elif shape in ("dict", "models"):
            raise LayoutError(f"{model.__name__}.{'.'.join(path)} has no place in the workbook layout")
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Placement:
    """A `Table`-marked field on its sheet: in each item of the scenario's list `owner` (None: in
    the scenario itself) at field path `path`; `tp` is the field's type."""

    owner: str | None
    path: tuple[str, ...]
    mark: Table
    tp: Any

    @property
    def sheet(self) -> str:
        return self.mark.sheet

    @property
    def owner_column(self) -> str | None:
        return ITEM_SHEETS[self.owner] if self.owner else None

    def levels(self) -> list[tuple[str, Any, str]]:
        """(column, key type, 'dict' or 'band') per key level, outer first."""
        out, tp = [], bare_type(self.tp)
        for i, column in enumerate(self.mark.keys):
            if self.mark.bands and i == len(self.mark.keys) - 1:
                out.append((column, int, "band"))
                tp = bare_type(tp).__args__[0]
            else:
                key_tp, tp = item_types(tp)
                out.append((column, key_tp, "dict"))
        return out

    def leaf(self) -> Any:
        """The type below the keys: a plain value, a model, or a list of models (one row each)."""
        tp = self.tp
        for _, _, level in self.levels():
            tp = bare_type(tp).__args__[0] if level == "band" else item_types(tp)[1]
        return tp

    def row_model(self) -> Any:
        """The model each row holds (its fields are columns), or None for a plain value."""
        leaf = self.leaf()
        if kind(leaf) == "models":
            return bare_type(bare_type(leaf).__args__[0])
        return bare_type(leaf) if is_model(bare_type(leaf)) else None

    def model_columns(self) -> list[str]:
        model = self.row_model()
        if model is None:
            return []
        return [n for n, f in model.model_fields.items() if mark_of(field_type(f), NotInWorkbook) is None]

    def columns(self) -> list[str]:
        """The sheet's columns for this field, in the sheet's order."""
        natural = [c for c in (self.owner_column, self.mark.fixed[0] if self.mark.fixed else None) if c]
        natural += list(self.mark.keys) + ([self.mark.value] if self.mark.value else self.model_columns())
        return list(self.mark.order) if self.mark.order else natural

    def types(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The type of each column (for reading numbers and offering choices) and its pydantic field."""
        types: dict[str, Any] = {c: str for c in (self.owner_column, self.mark.fixed and self.mark.fixed[0]) if c}
        types.update({column: key_tp for column, key_tp, _ in self.levels()})
        fields: dict[str, Any] = {}
        model = self.row_model()
        if model is None:
            types[self.mark.value] = self.leaf()
        for name in self.model_columns():
            fields[name] = model.model_fields[name]
            types[name] = field_type(fields[name])
        return types, fields

    def required(self) -> list[str]:
        """Columns every row must fill: the item, the keys, the value or the model's required fields."""
        model = self.row_model()
        if model is None:
            needed = [self.owner_column, *self.mark.keys, self.mark.value]
        else:
            needed = [self.owner_column, *self.mark.keys,
                      *(n for n in self.model_columns() if model.model_fields[n].is_required())]
        return [c for c in needed if c]

    def shown_with(self) -> str:
        """The column beside which the row's source is shown."""
        return self.mark.shown_with or self.mark.value or self.columns()[-1]


def _placements(model: Any, owner: str | None, prefix: tuple[str, ...]) -> Iterator[Placement]:
    for name, field in model.model_fields.items():
        tp, path = field_type(field), (*prefix, name)
        mark = mark_of(tp, Table)
        if mark is not None:
            yield Placement(owner, path, mark, tp)
        elif kind(tp) == "model":
            yield from _placements(bare_type(tp), owner, path)
        elif owner is None and name in ITEM_SHEETS:
            yield from _placements(item_model(name), name, ())


PLACEMENTS: tuple[Placement, ...] = tuple(_placements(Scenario, None, ()))
"""Every field on a sheet of its own, in the schema's order."""
TABLE_SHEETS: dict[str, list[Placement]] = {}
for _placement in PLACEMENTS:
    TABLE_SHEETS.setdefault(_placement.sheet, []).append(_placement)
SHEET_ORDER: tuple[str, ...] = ("scenario", *ITEM_SHEETS, *TABLE_SHEETS)
"""The codes of the sheets, in the workbook's order (after the instructions)."""


def _scenario_sheet_skips() -> set[str]:
    skip = set(ITEM_SHEETS)
    skip |= {".".join(p.path) for p in PLACEMENTS if p.owner is None}
    skip |= {name for name, field in Scenario.model_fields.items() if held_elsewhere(field_type(field))}
    return skip


NOT_ON_SCENARIO_SHEET = _scenario_sheet_skips()
"""Scenario fields (dotted) not on the ``scenario`` sheet: item lists and fields on sheets of their own."""


def reference_target(tp: Any) -> str | None:
    """The list a column's values name (`Ref`, through lists), or None."""
    ref = mark_of(tp, Ref)
    if ref is None and kind(tp) == "list":
        ref = mark_of(bare_type(tp).__args__[0], Ref)
    return ref.target if ref is not None else None


def title(code: str, lang: str) -> str:
    """The name of a sheet in the workbook's language (the code when the catalogue has none)."""
    return text(f"wbs.sheet.{code}", lang) if has_text(f"wbs.sheet.{code}") else code


def _titles() -> dict[str, str]:
    out: dict[str, str] = {}
    for code in SHEET_ORDER:
        for name in (code, title(code, "nl"), title(code, "en")):
            out.setdefault(name.strip().casefold(), code)
    return out


_CODES = _titles()


def code_of(name: str) -> str | None:
    """The code of a sheet named in either language (or by its code), or None for an unknown sheet."""
    return _CODES.get(str(name).strip().casefold())


def names_of(data: BaseModel | dict, sheet: str) -> list[str]:
    """The names of the items of an item sheet in a scenario (validated or dumped)."""
    items = data.get(sheet) if isinstance(data, dict) else getattr(data, sheet)
    return [str(i["name"] if isinstance(i, dict) else i.name) for i in items or []]
