"""References between the parts of a scenario, declared on the fields and checked generically.

A field that names an item of one of the scenario's lists (a track's ``caseworker_role`` names a
role, the keys of a municipality's ``initial_stock`` name segments) carries a `Ref` in its type::

    caseworker_role: Annotated[str, Ref("roles")] | None = None
    initial_stock: dict[Annotated[str, Ref("segments")], Clients]

`reference_problems` walks a validated scenario along its schema and reports every name that is
not an item of the list it refers to, with the dotted path a planner finds it at (list items by
their name, mapping keys as written) and the names allowed there. The workbook reads the same
marks for its dropdowns (`inputs.workbook_sheets`). Items must have unique names (`duplicate_names`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sporen.inputs.marks import Ref
from sporen.inputs.types import bare_type, field_type, item_types, kind, metadata


def named_lists(model: type[BaseModel]) -> dict[str, str]:
    """The list fields of `model` whose items are named things (their model declares a ClassVar
    `noun`, e.g. "segment") -> that noun: their names must be unique, and a `Ref` may name them."""
    out: dict[str, str] = {}
    for name, field in model.model_fields.items():
        if kind(field.annotation) == "models":
            noun = getattr(bare_type(bare_type(field.annotation).__args__[0]), "noun", None)
            if isinstance(noun, str):
                out[name] = noun
    return out


def ref_of(tp: Any) -> Ref | None:
    """The `Ref` a type carries (through Annotated and Optional), if any."""
    return next((m for m in metadata(tp) if isinstance(m, Ref)), None)


def _label(item: Any, index: int) -> str:
    name = getattr(item, "name", None)
    return str(name) if isinstance(name, str) else str(index)


def references(value: Any, tp: Any, path: str) -> Iterator[tuple[Ref, str, str]]:
    """(ref, path, name) for every marked name inside a value of type `tp` found at `path`.

    A name inside a list of names is reported at the list's path (``tracks.x.segments``), a
    mapping key at the key's (``municipalities.A.initial_stock.lage``)."""
    ref = ref_of(tp)
    if ref is not None and isinstance(value, str):
        yield ref, path, value
        return
    shape = kind(tp)
    if shape == "model" and isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from references(getattr(value, name), field_type(field), f"{path}.{name}" if path else name)
    elif shape == "models" and isinstance(value, list):
        item_tp = bare_type(tp).__args__[0]
        for i, item in enumerate(value):
            yield from references(item, item_tp, f"{path}.{_label(item, i)}")
    elif shape == "list" and isinstance(value, list):
        item_ref = ref_of(bare_type(tp).__args__[0])
        if item_ref is not None:
            yield from ((item_ref, path, item) for item in value if isinstance(item, str))
    elif shape == "dict" and isinstance(value, dict):
        key_tp, value_tp = item_types(tp)
        key_ref = ref_of(key_tp)
        for key, item in value.items():
            where = f"{path}.{key}"
            if key_ref is not None and isinstance(key, str):
                yield key_ref, where, key
            yield from references(item, value_tp, where)


def names_of(root: BaseModel, target: str) -> list[str]:
    """The names of the items of the list field `target` of `root`."""
    return [str(item.name) for item in getattr(root, target, None) or []]


def reference_problems(root: BaseModel) -> list[tuple[str, str, str]]:
    """Every marked name in `root` that is not an item of the list it refers to, as (dotted path,
    what is wrong, what is allowed)."""
    nouns = named_lists(type(root))
    known: dict[str, list[str]] = {}
    problems: list[tuple[str, str, str]] = []
    for ref, path, name in references(root, type(root), ""):
        allowed = known.setdefault(ref.target, names_of(root, ref.target))
        if name not in allowed:
            problems.append((path, f"unknown {nouns[ref.target]} '{name}'", "one of: " + ", ".join(allowed)))
    return problems


def duplicate_names(root: BaseModel) -> list[tuple[str, str, str]]:
    """Every name given to two items of one named list (a second definition would shadow the first)."""
    problems: list[tuple[str, str, str]] = []
    for target, noun in named_lists(type(root)).items():
        counts = Counter(names_of(root, target))
        for name in sorted(n for n, k in counts.items() if k > 1):
            problems.append((target, f"{noun} '{name}' is defined twice", "unique names"))
    return problems
