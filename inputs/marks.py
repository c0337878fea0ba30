"""Marks the scenario schema's fields carry (Annotated metadata), read by the code that needs them.

`Ref`: the value names an item of one of the scenario's lists (`inputs.references` checks it,
the workbook offers the names in a dropdown). `Table`: the workbook holds the field on a sheet
of its own, one row per value (`inputs.workbook_sheets`). `NotInWorkbook`: the workbook does not
hold the field at all (it is read and cleared by the loader). pydantic ignores all three.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """The marked value names an item of the scenario's list field `target` (by its `name`)."""

    target: str


@dataclass(frozen=True)
class Table:
    """The marked field (a mapping or a list, inside an item or the scenario) sits on sheet `sheet`.

    One row per value: a column for the item that holds it (its noun: ``municipality``), one per
    mapping level (`keys`, outer first), then `value` for a plain value or one column per field
    of a model. `order` lists the columns in the sheet's order when that differs; `fixed` is a
    column whose every row of this field holds the same text (a sheet shared by two fields);
    `shown_with` is the column the value's source is shown beside (default: `value`, else the
    last column). With `bands`, the last key is a list index written as the duration band's first
    month (``duration_bands``)."""

    sheet: str
    keys: tuple[str, ...] = ()
    value: str = ""
    order: tuple[str, ...] = ()
    fixed: tuple[str, str] | None = None
    shown_with: str = ""
    bands: bool = False


@dataclass(frozen=True)
class NotInWorkbook:
    """The workbook does not hold the marked field."""
