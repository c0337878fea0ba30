"""The planner-facing layout of the scenario workbook: what makes it usable as it is.

`inputs.workbook` decides which sheets and columns hold which fields; this module dresses them
for a planner and reads back what a planner types:

- an instructions sheet first (``uitleg`` / ``instructions``);
- under each sheet's header row (field codes, row 1) a row with the unit and a row with an
  explanation of every column (rows 2 and 3, marked ``eenheid:`` and ``uitleg:`` in column A so
  the reader skips them); data from row 4;
- dropdowns (data validation) for every choice: priority rule, kinds, tracks, roles, segments,
  municipalities, yes/no;
- next to every sourced value its source, as a formula that looks the path up in the ``sources``
  sheet (one place to edit a source, shown everywhere); the ``sources`` sheet keeps, per path,
  the value as its source gives it (column ``value``), so an edited value is recognised and the
  report marks it "changed by user" (`mark_changed`);
- numbers typed as text read by `inputs.numbers` (``1,67``, ``1.742.859``, ``9%``,
  ``€ 7.098.000``), money rounded to whole euros (a formula's cached value may have cents), and a
  value that cannot be read named by sheet and cell (`CellReader`).

Texts come from the message catalogue in the workbook's language (`lang`, Dutch by default).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, get_origin

from sporen.common.i18n import has_text, text
from sporen.inputs.numbers import NumberError, read_number
from sporen.inputs.types import bare_type, literal_values, metadata

HEADER_ROWS = 3
"""Field codes, unit, explanation: data starts in the row after."""
MARKS = {"eenheid:", "unit:", "uitleg:", "about:"}
"""What column A of the unit and explanation rows starts with (both languages), so any reader skips them."""
YES = {"ja", "j", "yes", "y", "waar", "true", "1", "on", "aan"}
NO = {"nee", "n", "no", "onwaar", "false", "0", "off", "uit"}
MAX_ROWS = 2000
"""Rows below the data that still get the column's dropdown (room to add items)."""
EURO_FORMAT = '"€" #,##0'
SHARE_FORMAT = "0.0##%"


def is_mark_row(values: Iterable[Any]) -> bool:
    """A unit or explanation row (column A starts with a mark), which holds no data."""
    first = next(iter(values), None)
    return isinstance(first, str) and first.strip().split(" ")[0].lower() in MARKS


# ------------------------------------------------------------------------------------------- types
MONEY_NAMES = ("cost", "budget", "amount", "spending", "benefit_per_month", "minimum_wage_month")


def is_money(tp: Any, field: Any = None, name: str = "") -> bool:
    """A whole-euro field (`inputs.schema.Money`, `UnitMoney`, `SignedMoney`; by its type, or by its
    name where a field's own description hides the type's)."""
    if bare_type(tp) is not int:
        return False
    descriptions = [getattr(m, "description", None) for m in metadata(tp, through_optional=False)]
    if field is not None:
        descriptions.append(getattr(field, "description", None))
    leaf = name.split(".")[-1]
    return any(d and "whole euros" in d for d in descriptions) or any(w in leaf for w in MONEY_NAMES)


def unit_code(name: str, tp: Any, field: Any = None) -> str:
    """The unit of a column by its type and name (a key into the catalogue's ``u.*`` words)."""
    base = bare_type(tp)
    leaf = name.split(".")[-1]
    if base is bool:
        return "yes_no"
    if literal_values(base):
        return "choice"
    if get_origin(base) is list:
        return "list"
    if is_money(tp, field, name):
        return "euro"
    if base is str:
        return "month" if leaf == "month" or leaf == "start" else "text"
    if leaf in ("year", "years") and leaf != "years":
        return "year"
    for words, code in ((("fte",), "fte"), (("months", "band"), "months"), (("intakes_per_fte",), "per_fte_month"),
                        (("multiplier",), "multiplier"), (("rate", "hazard", "rate_per_month"), "per_month"),
                        (("share", "probability", "wage_value", "flat_share", "max_share", "reduction"), "share"),
                        (("cost", "budget", "amount", "spending", "wage"), "euro"), (("rung",), "rung"),
                        (("clients",), "clients"), (("applications",), "applications"), (("places",), "places"),
                        (("year",), "year"), (("trend",), "share")):
        if any(w in leaf for w in words):
            return code
    return "number" if base in (int, float) else "text"


def numeric(tp: Any) -> bool:
    return bare_type(tp) in (int, float)


# ------------------------------------------------------------------------------------------- reading
class CellReader:
    """Reads numbers and yes/no typed by a planner; collects problems naming sheet and cell."""

    def __init__(self, problem: Any):
        self.problem = problem   # (where, message, allowed) -> None

    def value(self, sheet: str, cell: str, column: str, value: Any, tp: Any, field: Any = None) -> Any:
        """A cell's value for a field of type `tp`: text numbers read, money to whole euros, yes/no to bool."""
        base = bare_type(tp)
        if value is None or isinstance(value, (_dt.date, _dt.datetime)):
            return value
        if base is bool:
            if isinstance(value, str) and value.strip().lower() in YES | NO:
                return value.strip().lower() in YES
            return value
        if base not in (int, float):
            return value
        if isinstance(value, str):
            if not value.strip():
                return value
            try:
                value = read_number(value)
            except NumberError as exc:
                self.problem(f"{sheet} cell {cell} ({column})", str(exc), "a number, e.g. 1742859, 1.742.859, "
                             "1,67, 9% or € 7.098.000")
                return value
        if isinstance(value, float) and base is int:
            if is_money(tp, field, column) and math.isfinite(value):
                return int(math.floor(value + 0.5))   # whole euros, half up (a formula's cents)
            if value.is_integer():
                return int(value)
        return value


def bool_word(value: bool, lang: str) -> str:
    return ("ja" if value else "nee") if lang == "nl" else ("yes" if value else "no")


# ------------------------------------------------------------------------------------------- sources
def covering_source(path: str, sources: Iterable[str]) -> str | None:
    """The source path that covers a value's path (itself, or the longest prefix ending at a dot)."""
    best = None
    for source in sources:
        if (path == source or path.startswith(source + ".")) and (best is None or len(source) > len(best)):
            best = source
    return best


def source_formula(source: str | None, sheet: str = "sources") -> str | None:
    """A cell formula showing the source text of `source` from the sources sheet named `sheet`
    (None: no source)."""
    if source is None:
        return None
    quoted = source.replace('"', '""')
    ref = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f'=IFERROR(INDEX({ref}!$B:$B,MATCH("{quoted}",{ref}!$A:$A,0)),"")'


def lookup(tree: Any, path: str) -> Any:
    """The value at a dotted path of a raw scenario (list items by name or index, int keys as text)."""
    node = tree
    for part in path.split("."):
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
            elif part.lstrip("-").isdigit() and int(part) in node:
                node = node[int(part)]
            else:
                return None
        elif isinstance(node, list):
            match = [i for i in node if isinstance(i, Mapping) and str(i.get("name")) == part]
            if match:
                node = match[0]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        else:
            return None
    return node


def comparable(value: Any) -> Any:
    """A value as the change check compares it: numbers as floats (1 == 1.0 == '1'), containers item by item;
    a mapping's empty (None) fields count as absent (the workbook leaves their cells empty)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 9)
    if isinstance(value, str):
        try:
            return round(float(value), 9)
        except ValueError:
            return value.strip()
    if isinstance(value, Mapping):
        return {str(k): comparable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [comparable(v) for v in value]
    return value


def encode(value: Any) -> str:
    """The value of a sourced parameter as the sources sheet keeps it (JSON, compact)."""
    return json.dumps(value, default=str, ensure_ascii=False, separators=(", ", ": "))


def mark_changed(raw: dict, originals: Mapping[str, str]) -> None:
    """Mark every source whose parameter no longer has the value its source gives: the Source gets
    ``changed_from`` (the original, as text), which the report shows as 'changed by user'."""
    sources = raw.get("sources") or {}
    for path, original in originals.items():
        if path not in sources or original in (None, ""):
            continue
        try:
            before = json.loads(original)
        except (TypeError, ValueError):
            before = original
        now = lookup(raw, path)
        if now is None:
            continue
        if comparable(now) != comparable(before):
            sources[path] = {**sources[path], "changed_from": shown(before)}


def shown(value: Any) -> str:
    """A value for a person: lists with commas, mappings as 'key: value; ...', numbers compact."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    return str(value)


def help_text(sheet: str, column: str, lang: str, fallback: str = "") -> str:
    """The explanation of a column: the catalogue's (sheet-specific, then general), else `fallback`."""
    for key in (f"help.{sheet}.{column}", f"help.{column}"):
        if has_text(key):
            return text(key, lang)
    return fallback


def unit_text(code: str, lang: str) -> str:
    return text(f"u.{code}", lang) if has_text(f"u.{code}") else ""


def choices_of(tp: Any) -> list[str]:
    return [str(v) for v in literal_values(bare_type(tp))]
