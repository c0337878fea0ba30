"""What a person sees of each result table: words instead of codes, in the reader's language.

The CSV and Parquet files keep codes and plain numbers (`km_regulier=2.67`, `as good as best`,
`EUR/year`); the results workbook shows the same rows to a planner. `for_person(table, frame,
scenario, lang)` gives that view of one table:

* values that are codes become words: a verdict ('haalt het doel'), a test or its outcome
  ('even goed als het beste', 'afgewezen'), a stop reason, a relaxed constraint, a unit
  ('maanden', '€ per jaar'), yes/no, a plan written as `code=level` pairs (by display names);
* columns that only explain the machinery to an engineer in English (`how`, the seed streams'
  names, the optimiser's own one-line summary) and columns with no value in any row are left out;
* probabilities are marked as shares, so they are shown as percentages;
* tables with no rows are left out (`None`): an empty sheet beside a filled one only confuses.

Codes the catalogue does not know are shown as they are, so a new value is visible (and the
language test names it) rather than lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from sporen.common import i18n
from sporen.common.i18n import text
from sporen.outputs.labels import level_words, value_words
from sporen.outputs.model_description import DISPLAY_TEXTS, format_value
from sporen.outputs.model_description import parameter_value as value_at

SHARE_COLUMNS: dict[str, tuple[str, ...]] = {
    "relaxations": ("estimate_without", "low", "high"),
    "optimiser_tests": ("estimate", "low", "high"),
    "tradeoff": ("probability", "estimate", "low", "high", "ci_low", "ci_high"),
    "verification": ("required_probability", "probability", "ci_low", "ci_high", "confidence", "zone"),
}
"""Columns of shares (shown as percentages) whose names do not say so."""
DROPPED: dict[str, tuple[str, ...]] = {
    "relaxations": ("how",),
    "optimiser_tests": ("stream",),
    "verification": ("best_reachable",),
}
"""Columns that explain the machinery in English to an engineer; the CSV keeps them."""
ENGLISH_ONLY = {"blocking"}
"""Tables of the optimiser's own sentences (English): in another language the report's 'Wat nu?'
and the relaxations table say it in words."""
_PLAN_PAIR = re.compile(r"^\s*([\w.:-]+)=([-+0-9.eE]+|on|off)\s*$")
_STREAM = re.compile(r"^SeedSequence\((\d+)\) children (\d+)-(\d+)$")


def plan_words(plan: object, scenario: Any, lang: str) -> object:
    """'km_regulier=2.67, loc=120' -> 'Klantmanager regulier 2,67; Leerwerktraject LOC 120' (by display
    names and in the locale's notation); other text as it is."""
    if not isinstance(plan, str) or "=" not in plan or scenario is None:
        return value_words("plan", plan, lang)
    shown = []
    for part in plan.split(","):
        found = _PLAN_PAIR.match(part)
        if found is None:
            return plan
        code, level = found.groups()
        name = code.split(":")[-1]
        try:
            words = i18n.fte(float(level), lang)
        except ValueError:
            words = str(value_words("chosen", level, lang))   # a measure: on / off
        shown.append(f"{scenario.label(name, lang)} {words}")
    return "; ".join(shown)


def stream_words(stream: object, lang: str) -> object:
    """'SeedSequence(20180101) children 0-39' -> 'toekomsten 0-39 van seed 20180101'."""
    found = _STREAM.match(str(stream))
    if found is None:
        return stream
    seed, first, last = found.groups()
    return text("value.stream", lang, seed=seed, first=first, last=last)


def _relaxed(row: Mapping[Any, Any], lang: str) -> str:
    """A relaxations row's meaning in words: 'het doel in 2019', or the constraint family's name."""
    if row.get("kind") == "target year":
        return text("relaxed.year", lang, year=row.get("relaxed"))
    key = "family." + str(row.get("relaxed"))
    return text(key, lang) if i18n.has_text(key) else str(row.get("meaning", ""))


_COLUMN_WORDS: dict[str, Callable[[object, Any, str], object]] = {
    "plan": plan_words,
    "plan_without": plan_words,
    "stream": lambda v, _s, lang: stream_words(v, lang),
    "baseline": lambda v, _s, lang: level_words(v, lang),
    "chosen": lambda v, _s, lang: level_words(v, lang),
}
_CODED = ("verdict", "test", "outcome", "stage", "stop_reason", "kind", "paid_from", "origin", "met", "out_of_reach",
          "significant", "on", "on_in_baseline", "status", "binding", "accepted", "baseline", "chosen", "priority",
          "regime", "is_answer")
PARAMETER_TABLES = ("assumptions", "unsourced_parameters")
"""Tables of scenario parameters by dotted path: their values are shown from the scenario itself."""


def parameter_value(scenario: Any, path: str, lang: str) -> object:
    """A parameter for the workbook: a number as a number, anything else in words of the locale."""
    value = value_at(scenario, path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return format_value(value, lang)


def _objects(frame: pd.DataFrame, values: list[object]) -> pd.Series:
    return pd.Series(values, index=frame.index, dtype=object)


def for_person(table: str, frame: pd.DataFrame, scenario: Any, lang: str) -> pd.DataFrame | None:
    """The view of `table` a person reads (see the module docstring); None to leave the table out."""
    if frame is None or not len(frame) or not len(frame.columns):
        return None
    if table in ENGLISH_ONLY and lang != "en":
        return None
    shown = frame.drop(columns=[c for c in DROPPED.get(table, ()) if c in frame.columns])
    empty = [c for c in shown.columns if shown[c].map(lambda v: v is None or v == "" or pd.isna(v)).all()]
    shown = shown.drop(columns=empty).copy()
    if table == "unsourced_parameters" and "parameter" in shown:
        shown = shown[~shown["parameter"].astype(str).str.endswith(DISPLAY_TEXTS)]
    if table in PARAMETER_TABLES and scenario is not None and "parameter" in shown and "value" in shown:
        shown["value"] = _objects(shown, [parameter_value(scenario, str(p), lang) for p in shown["parameter"]])
    if table == "relaxations" and "meaning" in shown:
        shown["meaning"] = _objects(shown, [_relaxed(row, lang) for row in frame.to_dict("records")])
    for column in shown.columns:
        name = str(column)
        if name in _COLUMN_WORDS:
            shown[column] = _objects(shown, [_COLUMN_WORDS[name](v, scenario, lang) for v in shown[column]])
        elif shown[column].map(lambda v: isinstance(v, str) and _STREAM.match(v) is not None).any():
            shown[column] = _objects(shown, [stream_words(v, lang) for v in shown[column]])
        elif name in _CODED or shown[column].map(lambda v: isinstance(v, bool)).all():
            shown[column] = _objects(shown, [value_words(name, v, lang) for v in shown[column]])
    return shown


def share_columns(table: str) -> dict[str, str]:
    """{column: 'share'} for the table's probability columns (for the workbook's number formats)."""
    return {c: "share" for c in SHARE_COLUMNS.get(table, ())}
