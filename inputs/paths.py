"""Dotted paths into a raw scenario mapping, with list items addressed by their `name`.

`tracks.werkspoor.caseload_per_fte` names the field `caseload_per_fte` of the track whose name
is `werkspoor`; `*` stands for every item of a list or every value of a mapping. Variants
(`set`/`scale` patches) and per-replication uncertainty both use these helpers, on plain
dicts and lists (before validation), so the result is validated like any scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeGuard


class PathError(KeyError):
    """A dotted path that does not lead to an existing field; `.where` is the part that failed."""

    def __init__(self, path: str, where: str, allowed: list[str]):
        super().__init__(path)
        self.path, self.where, self.allowed = path, where, allowed

    def __str__(self) -> str:
        return f"'{self.where}' does not exist in '{self.path}'"


SOURCE_KEYS = {"value", "source", "kind", "unit", "note"}


def is_wrapper(value: Any) -> TypeGuard[dict[str, Any]]:
    """Whether a raw value is the ``{value:, source:}`` form."""
    return isinstance(value, dict) and "value" in value and "source" in value and set(value) <= SOURCE_KEYS


def item_label(item: Any, index: int) -> str:
    """How a path names a list item: its `name` when it has one, else its index."""
    while is_wrapper(item):
        item = item["value"]
    if isinstance(item, dict) and isinstance(item.get("name"), (str, int)) and not isinstance(item["name"], bool):
        return str(item["name"])
    return str(index)


def find_key(container: Any, part: str) -> Any:
    """The key (dict; also int keys like years) or index (list item by name, else by index) that
    `part` names in `container`, or None."""
    if isinstance(container, dict):
        if part in container:
            return part
        if part.lstrip("-").isdigit() and int(part) in container:
            return int(part)
        return None
    if isinstance(container, list):
        for i, item in enumerate(container):
            if item_label(item, i) == part:
                return i
        if part.isdigit() and int(part) < len(container):
            return int(part)
    return None


def child_names(container: Any) -> list[str]:
    """What a path can name inside `container`: its keys, or its items' labels."""
    if isinstance(container, dict):
        return [str(k) for k in container]
    if isinstance(container, list):
        return [item_label(item, i) for i, item in enumerate(container)]
    return []


def resolve(raw: Any, path: str) -> Iterator[tuple[Any, Any]]:
    """Yield (container, key) for every field the path names; PathError if one is missing."""
    parts = path.split(".")

    def walk(node: Any, i: int, done: str) -> Iterator[tuple[Any, Any]]:
        part = parts[i]
        if part == "*":
            if isinstance(node, dict):
                keys: list[Any] = list(node)
            elif isinstance(node, list):
                keys = list(range(len(node)))
            else:
                raise PathError(path, done + "*", [])
        else:
            key = find_key(node, part)
            if key is None:
                raise PathError(path, f"{done}{part}", child_names(node))
            keys = [key]
        for key in keys:
            if i == len(parts) - 1:
                yield node, key
            else:
                yield from walk(node[key], i + 1, f"{done}{part}.")

    yield from walk(raw, 0, "")


def get_path(raw: Any, path: str) -> Any:
    """The value at a path without wildcards."""
    container, key = next(iter(resolve(raw, path)))
    return container[key]


def set_path(raw: Any, path: str, value: Any) -> None:
    """Set every field the path names to `value`."""
    for container, key in list(resolve(raw, path)):
        container[key] = value


def map_numbers(value: Any, fn: Callable[[float], float]) -> Any:
    """Apply fn to every number inside a value (nested dicts and lists); bools are left alone."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        out = fn(value)
        return int(round(out)) if isinstance(value, int) else out
    if isinstance(value, dict):
        return {k: map_numbers(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [map_numbers(v, fn) for v in value]
    return value


def scale_path(raw: Any, path: str, factor: float) -> None:
    """Multiply every number at (and below) the path by factor; ints stay whole numbers."""
    for container, key in list(resolve(raw, path)):
        container[key] = map_numbers(container[key], lambda x: x * factor)
