"""The scenario workbook's sheets: which sheet and column holds which field of the schema.

Shared by the writer (`inputs.workbook_write`) and the reader (`inputs.workbook_read`), so both
follow one layout; docs/scenario-format.md describes it for a planner.
"""

from __future__ import annotations

from typing import Any

from sporen.inputs.schema import Scenario
from sporen.inputs.types import bare_type, child_type
from sporen.inputs.types import kind as _kind

ITEM_SHEETS = {
    "municipalities": "municipality",
    "mergers": "merger",
    "segments": "segment",
    "tracks": "track",
    "roles": "role",
    "instruments": "instrument",
    "measures": "measure",
}
"""List sheets: sheet (= Scenario field) -> the column name other sheets use to refer to an item."""

# Long sheets for a mapping inside each item: sheet -> (list, field path in the item, key column, value column)
ITEM_MAPS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "buig_budget": ("municipalities", ("buig_budget",), "year", "budget"),
    "merger_budget": ("mergers", ("buig_budget",), "year", "budget"),
    "benefit": ("municipalities", ("benefit_per_month",), "segment", "benefit"),
    "municipality_hazards": ("municipalities", ("hazard_multipliers",), "hazard", "multiplier"),
    "initial_stock": ("municipalities", ("initial_stock",), "segment", "clients"),
    "applications": ("municipalities", ("applications_per_month",), "segment", "applications"),
    "ladder_at_entry": ("segments", ("ladder_at_entry",), "rung", "share"),
    "segment_hazards": ("segments", ("hazard_multipliers",), "hazard", "multiplier"),
    "measure_hazards": ("measures", ("effects", "hazard_multipliers"), "hazard", "multiplier"),
    "measure_fte": ("measures", ("effects", "extra_fte"), "role", "fte"),
}
# Other long sheets, with their columns
OTHER_SHEETS: dict[str, tuple[str, ...]] = {
    "history": ("municipality", "year", "budget", "spending"),
    "initial_instruments": ("municipality", "instrument", "segment", "clients"),
    "intensity_curve": ("track", "caseload", "multiplier"),
    "hazards": ("track", "cause", "band", "rate"),
    "transitions": ("track", "to", "rate_per_month", "in_view_only"),
    "finance": ("line", "year", "amount"),
    "application_series": ("month", "municipality", "segment", "applications"),
    "uncertainty": ("parameter", "low", "high"),
    "sources": ("path", "source", "kind", "unit", "note"),
}
# Fields held by a long sheet rather than a column: list -> field paths in the item
IN_LONG_SHEETS: dict[str, set[tuple[str, ...]]] = {
    "municipalities": {("buig_budget",), ("initial_stock",), ("applications_per_month",), ("history",),
                       ("benefit_per_month",), ("hazard_multipliers",), ("initial_instruments",)},
    "mergers": {("buig_budget",)},
    "segments": {("ladder_at_entry",), ("hazard_multipliers",)},
    "tracks": {("hazards",), ("transitions",), ("intensity", "curve")},
    "measures": {("effects", "hazard_multipliers"), ("effects", "extra_fte")},
}
# Scenario fields not on the `scenario` sheet (their own sheets, or consumed by the loader)
NOT_ON_SCENARIO_SHEET = {
    *ITEM_SHEETS, "uncertainty", "sources", "application_series", "series",
    "finance.participatiebudget", "finance.other_lines",
}
SHEET_ORDER = ("scenario", *ITEM_SHEETS, "buig_budget", "merger_budget", "history", "initial_stock", "applications",
               "benefit", "municipality_hazards", "initial_instruments", "ladder_at_entry", "segment_hazards",
               "hazards", "transitions", "intensity_curve", "measure_hazards", "measure_fte", "finance",
               "application_series", "uncertainty", "sources")
PARTICIPATIEBUDGET = "participatiebudget"
INSTRUCTION_SHEETS = ("uitleg", "instructions")
"""The first sheet of a workbook sporen writes: text for the planner, not read back."""
EMPTY_LIST = "[]"
ABOUT = {  # the `about` column of the scenario sheet where the schema gives no description
    "name": "the scenario's name",
    "description": "free text",
    "years": "whole years simulated from the start month",
    "gate.intakes_per_fte_per_month": "intakes one fte of the intake role does per month",
    "gate.decisions": "share of applications with this decision; the five sum to 1",
    "wage_cost_subsidy.flat_share": "share of the minimum wage paid while the wage value is not yet assessed",
    "wage_cost_subsidy.flat_months": "months of the flat share",
    "wage_cost_subsidy.wage_value": "average wage value, as a share of the minimum wage",
    "wage_cost_subsidy.max_share": "the subsidy is at most this share of the minimum wage",
    "policy.priority": "who gets a free caseworker slot first: fifo, kansrijk_first or longest_waiting",
    "policy.benefit_pause_months": "a client back within this many months skips the gate",
    "policy.everyone_in_view": "every client must have a caseworker",
    "returns.share_back": "share of work exits that come back on benefit",
    "returns.within_months": "... within this many months",
    "ladder.work_multiplier": "multiplier on the work hazard at this participation-ladder rung",
    "ladder.kansrijk_from_rung": "from this rung a client counts as kansrijk (good prospects)",
    "economy.application_multiplier": "multiplier on every application rate (upswing < 1 < downturn)",
    "economy.work_hazard_multiplier": "multiplier on every work hazard",
}


# -- schema helpers ------------------------------------------------------------------------------
class LayoutError(RuntimeError):
    """A schema field the workbook layout has no place for: a programming error, not bad input."""


def columns_of(model: Any, skip: set[tuple[str, ...]], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Field paths of an item model that get a column; mappings must be held by a long sheet."""
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        kind = _kind(field.annotation)
        if path in skip:
            continue
        if kind == "model":
            out += columns_of(bare_type(field.annotation), skip, path)
        elif kind in ("dict", "models"):
            raise LayoutError(f"{model.__name__}.{'.'.join(path)} has no place in the workbook layout")
        else:
            out.append(path)
    return out


def item_model(sheet: str) -> Any:
    return bare_type(child_type(child_type(Scenario, sheet), 0))
