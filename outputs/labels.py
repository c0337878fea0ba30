"""Names a person reads for the codes in result tables: column headers with units, KPIs, units,
coded values ('as good as best', 'target year') and the 'all'/'end' markers in key columns. The
words are in the message catalogue (`common.catalogue`); this module only picks the key. Codes
the catalogue does not know are shown with spaces for underscores, so a new column is readable
before it gets its own words.
"""

from __future__ import annotations

import re

from sporen.common import i18n
from sporen.common.i18n import has_text, text

_RUNG = re.compile(r"^ladder_share_rung_(\d)$")


def column_label(table: str, column: str, lang: str = "nl") -> str:
    """The header of `column` in `table` (a table-specific wording first, then the general one)."""
    for key in (f"col.{table}.{column}", f"col.{column}"):
        if has_text(key):
            return text(key, lang)
    return str(column).replace("_", " ")


def has_column_label(table: str, column: str) -> bool:
    return has_text(f"col.{table}.{column}") or has_text(f"col.{column}")


def kpi_label(code: str, lang: str = "nl") -> str:
    """A KPI or compared measure by its code: 'outflow_to_work_share' -> 'aandeel uitstroom naar werk'."""
    match = _RUNG.match(code)
    if match:
        return text("kpi.ladder_share_rung", lang, rung=match.group(1))
    for key in (f"kpi.{code}", f"measure.{code}"):
        if has_text(key):
            return text(key, lang)
    return str(code).replace("_", " ")


def value_label(column: str, value: object, lang: str = "nl") -> str:
    """A key cell for a person: 'all' as 'alle gemeenten' or 'hele periode', 'end' as 'einde'."""
    shown = str(value)
    if shown in ("all", "total"):
        return text("all_municipalities" if column == "municipality" else "all_years", lang)
    if shown == "end":
        return text("end", lang)
    return shown


def kpi_unit(kpi: str) -> str:
    """The unit of a KPI by its name: EUR, share, months or clients."""
    name = str(kpi)
    if "deficit" in name or "result" in name or "cost" in name:
        return "EUR"
    if "share" in name:
        return "share"
    if "months" in name:
        return "months"
    return "clients"


def value_words(column: str, value: object, lang: str) -> object:
    """A code in a value column in words (`value.<column>.<code>` in the catalogue), else as it is."""
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if not isinstance(value, str):
        return value
    key = f"value.{column}.{value}"
    return text(key, lang) if has_text(key) else value


def unit_words(unit: object, lang: str) -> object:
    """A unit as the scenario writes it ('EUR/year', 'months') in words ('€ per jaar', 'maanden')."""
    key = f"unitname.{unit}"
    return text(key, lang) if isinstance(unit, str) and has_text(key) else unit


def level_words(level: object, lang: str) -> object:
    """A lever's level as the optimiser writes it ('on', '2.5', '2.5/3' per year): a number as a number,
    levels per year in the locale's notation ('2,5/3'), on/off in words."""
    if isinstance(level, (int, float)) and not isinstance(level, bool):
        return level
    parts = str(level).split("/")
    if all(re.fullmatch(r"-?\d+(\.\d+)?", p) for p in parts):
        return float(parts[0]) if len(parts) == 1 else "/".join(i18n.decimal(float(p), lang) for p in parts)
    return value_words("chosen", level, lang)
