"""What the scenario schema allows at a place: pydantic type introspection, in one module.

The loader's messages (which fields exist here?), the variants' paths (may `set` create this
key?), the references check (which fields name an item?) and the workbook (which sheet holds
this field, which unit has this column?) all ask the same questions of the schema's types; they
ask them here, so none of them needs another's module.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel


def bare_type(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] (X | None) from a type annotation."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def metadata(tp: Any, through_optional: bool = True) -> list[Any]:
    """Every Annotated metadata object on the way to the bare type (constraints, descriptions,
    markers such as `inputs.references.Ref`), outermost first; with `through_optional` False it
    stops at ``X | None``."""
    out: list[Any] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            out += list(getattr(tp, "__metadata__", ()))
            tp = get_args(tp)[0]
            continue
        if through_optional and origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return out


def field_type(field: Any) -> Any:
    """A pydantic field's annotation with the metadata pydantic moved off it (a field annotated
    ``Annotated[str, Ref("roles")]`` keeps ``str`` as annotation and the Ref in ``metadata``)."""
    extra = list(getattr(field, "metadata", ()) or ())
    return Annotated[(field.annotation, *extra)] if extra else field.annotation


def is_model(tp: Any) -> bool:
    """A pydantic model class (not an instance, not a generic alias)."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def kind(tp: Any) -> str:
    """'model', 'dict', 'models' (a list of models), 'list' (of plain values) or 'scalar'."""
    tp = bare_type(tp)
    if is_model(tp):
        return "model"
    origin = get_origin(tp)
    if origin is dict:
        return "dict"
    if origin is list:
        return "models" if is_model(bare_type(get_args(tp)[0])) else "list"
    return "scalar"


def child_type(tp: Any, part: Any) -> Any:
    """The type of `part` inside a value of type `tp` (a model field, a dict value, a list item)."""
    tp = bare_type(tp)
    if is_model(tp):
        field = tp.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None


def key_type(tp: Any) -> Any:
    """The key type of a dict type (int for years and rungs, else str), else None."""
    tp = bare_type(tp)
    if get_origin(tp) is dict:
        key = bare_type(get_args(tp)[0])
        return int if key is int else str
    return None


def item_types(tp: Any) -> tuple[Any, Any]:
    """(key type, value type) of a dict type as annotated (with their Annotated metadata)."""
    key, value = get_args(bare_type(tp))
    return key, value


def type_at(model: Any, loc: tuple | list) -> Any:
    """The type at a location inside `model` (pydantic's ``[key]`` parts are stepped over)."""
    tp: Any = model
    for part in loc:
        if part == "[key]":
            continue
        tp = child_type(tp, part)
        if tp is None:
            return None
    return tp


def field_at(model: Any, path: tuple[str, ...]) -> tuple[Any, Any]:
    """(type, pydantic FieldInfo of the last model field) at a path of model fields (None, None
    when the path leaves the models)."""
    tp: Any = model
    field = None
    for part in path:
        owner = bare_type(tp)
        if not is_model(owner) or part not in owner.model_fields:
            return None, None
        field = owner.model_fields[part]
        tp = field.annotation
    return tp, field


def fields_of(tp: Any) -> list[str]:
    """The field names of a model type (none for anything else)."""
    tp = bare_type(tp)
    return list(tp.model_fields) if is_model(tp) else []


def literal_values(tp: Any) -> list[str]:
    """The allowed values of a Literal type, as text (none for anything else)."""
    tp = bare_type(tp)
    return [str(v) for v in get_args(tp)] if get_origin(tp) is Literal else []


def numbers_only(tp: Any) -> bool:
    """The annotation holds numbers only (int or float, in dicts and lists, maybe None): no text,
    no yes/no, no model."""
    origin = get_origin(tp)
    if origin is Annotated:
        return numbers_only(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return all(numbers_only(a) for a in get_args(tp) if a is not type(None))
    if origin is dict:
        return numbers_only(get_args(tp)[1])
    if origin is list:
        return numbers_only(get_args(tp)[0])
    return tp in (int, float)


def description(model: Any, path: tuple[str, ...]) -> str:
    """The description of the field at a path of model fields ('' when it has none)."""
    _, field = field_at(model, path)
    return (field.description or "") if field is not None else ""
