"""Reading a planner's YAML file safely: one document, safe tags, bounded size, unique keys.

A scenario, variant, plan or rules file is YAML. `read_yaml` turns every file problem (missing,
empty, not UTF-8, not a mapping, too large, nested too deep, an alias bomb, a key given twice)
into an `InputError` naming the file and line; parsed documents are kept per file content, so a
variant's base read several times is parsed once.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from sporen.common.errors import InputError, Problem
from sporen.inputs.textfile import read_bytes

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: str | Path) -> bool:
    """A file the loaders read as a scenario workbook (by its extension)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


# -- YAML ----------------------------------------------------------------------------------------
MAX_YAML_BYTES = 10 * 2**20
"""A scenario, variant, plan or rules file is at most 10 MB of YAML."""
MAX_DEPTH = 40
"""Mappings and lists nested at most this deep (a scenario needs about 8)."""
MAX_VALUES = 1_000_000
"""At most a million values once aliases (*name) are expanded: a 1 kB alias bomb would be 10^9."""


class _TooLarge(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (the second would silently win)
    and nesting deeper than MAX_DEPTH (Python's recursion would fail first)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooLarge(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:
            continue  # unhashable key: the base constructor reports it
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice (first on line {first + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expanded(root: yaml.Node, limit: int = MAX_VALUES) -> None:
    """Refuse a document whose aliases refer to themselves or expand to more than `limit` values.

    Counts each node once per place it appears (what the loader's walkers will visit), in time
    linear in the document's own size."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            open_nodes.discard(key)
            if total > limit:
                raise _TooLarge(f"more than {limit:,} values once its aliases (*name) are expanded",
                                node.start_mark)
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _TooLarge("an alias (*name) refers to the mapping or list it is in", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def parse_yaml(text: str, file: str) -> Any:
    """The data of one YAML document (safe tags only), or an InputError naming the file and line."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded(node)
        return loader.construct_document(node)
    except _TooLarge as exc:
        where = f"line {exc.problem_mark.line + 1}" if exc.problem_mark is not None else ""
        raise InputError([Problem(file, where, exc.problem, f"at most {MAX_DEPTH} levels of nesting and "
                                  f"{MAX_VALUES:,} values with aliases expanded")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise InputError([Problem(file, where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                                  "YAML syntax")]) from None
    except RecursionError:
        raise InputError([Problem(file, "", "nested too deeply", f"at most {MAX_DEPTH} levels")]) from None
    except (ValueError, TypeError, OverflowError) as exc:   # e.g. an integer of 5,000 digits
        text = str(exc).split("\n")[0][:200]
        raise InputError([Problem(file, "", f"a value cannot be read: {text}", "YAML numbers and text")]) from None
    finally:
        loader.dispose()


_PARSED: dict[tuple[str, bytes], Any] = {}
"""Documents parsed in this process, by file name and content (a variant's base is read several times)."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, turning every file problem into an InputError."""
    path = Path(path)
    name = str(path)
    data = read_bytes(path, "an existing YAML file", MAX_YAML_BYTES)
    known = _PARSED.get((name, data))
    if known is not None:
        return copy.deepcopy(known)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(name, "", "not a text file", "a UTF-8 YAML file")]) from None
    if not text.strip():
        raise InputError([Problem(name, "", "file is empty", "a YAML mapping")])
    raw = parse_yaml(text, name)
    if raw is None:
        raise InputError([Problem(name, "", "file holds no data (only comments?)", "a YAML mapping")])
    if not isinstance(raw, dict):
        raise InputError([Problem(name, "", f"top level is a {type(raw).__name__}",
                                  "a YAML mapping of keys to values")])
    if len(_PARSED) > 16:
        _PARSED.clear()
    _PARSED[(name, data)] = copy.deepcopy(raw)
    return raw
