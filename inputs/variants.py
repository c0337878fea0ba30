"""Variants: a small patch on a base scenario, in its own file (docs/DESIGN.md, the model in brief, §2).

A variant file::

    variant: bmwe-social                # the variant's name
    base: ../bmwe.yaml                  # relative to this file: a scenario (YAML/XLSX) or a variant
    description: "..."                  # optional; default the base's description
    remove: [instruments.lks]           # delete named list items or mapping keys
    add:                                # append named items to a list (or keys to a mapping)
      measures: [{name: review, ...}]
    set:                                # set fields; a value may be {value:, source:}
      policy.priority: kansrijk_first
      tracks.werkspoor.caseload_per_fte: 40
    scale:                              # multiply every number at (and below) the path
      municipalities.*.applications_per_month: 1.1

Paths are dotted, list items by name, ``*`` for every item or key (`inputs.paths`). The
operations apply in the order remove, add, set, scale, so a variant can replace an item (remove
it, add the new one) and scale a value it has just set. `set` may create a field the base left
at its default (``policy.priority`` when the base has no ``policy``), never one the schema does
not know. Every set value is recorded in ``Scenario.sources`` (its own source, or "variant
<name>"); a scaled value keeps its source with a note of the factor. The patched scenario's
name is ``<base name>+<variant>``.

`apply_variant` works on raw mappings, so the runner can apply a variant given separately;
give it a base from `read_scenario_raw`, which has its CSV series already read.
"""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path
from typing import Any

from sporen.common.errors import InputError, Problem
from sporen.inputs.build import scenario_from_dict
from sporen.inputs.paths import child_names, find_key, is_wrapper, item_label
from sporen.inputs.schema import Scenario
from sporen.inputs.series import SERIES, resolve_series
from sporen.inputs.types import bare_type, child_type, fields_of, is_model, key_type
from sporen.inputs.workbook_read import import_workbook
from sporen.inputs.yamlfile import is_workbook, read_yaml

OPERATIONS = ("remove", "add", "set", "scale")
VARIANT_KEYS = ("variant", "base", "description", *OPERATIONS)


class PatchError(Exception):
    """A patch path that does not lead to a field: `where` is the failing part, `allowed` what exists."""

    def __init__(self, where: str, allowed: list[str], message: str = "", hint: str = ""):
        super().__init__(where)
        self.where, self.allowed, self.message, self.hint = where, allowed, message, hint


def _is_container_type(tp: Any) -> bool:
    tp = bare_type(tp)
    return is_model(tp) or getattr(tp, "__origin__", None) is dict


def locate(raw: dict, path: str, *, create: bool = False) -> list[tuple[Any, Any, str]]:
    """Every (container, key, concrete path) a dotted path names in a raw scenario.

    ``{value:, source:}`` forms along the way are stepped through. With `create`, a missing last
    part (or a missing mapping on the way) is allowed when the scenario schema knows it: a model
    field the base left out, or a new key of a mapping such as a year of ``buig_budget``.
    Raises `PatchError` naming the failing part and what exists there.
    """
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise PatchError(path, [], "is not a dotted path")
    found: list[tuple[Any, Any, str]] = []

    def walk(node: Any, tp: Any, i: int, done: list[str]) -> None:
        while is_wrapper(node):
            node = node["value"]
        part = parts[i]
        last = i == len(parts) - 1
        here = ".".join(done) or "the scenario"
        if part == "*":
            if isinstance(node, dict):
                keys: list[Any] = list(node)
            elif isinstance(node, list):
                keys = list(range(len(node)))
            else:
                raise PatchError(".".join([*done, "*"]), [], f"'{here}' has no items for '*'")
        else:
            key = find_key(node, part)
            if key is None:
                schema_fields = fields_of(tp)
                ktype = key_type(tp)
                can_create = create and isinstance(node, dict) and (
                    part in schema_fields or (ktype is not None and (ktype is str or part.lstrip("-").isdigit())))
                if not can_create:
                    allowed = schema_fields or child_names(node)
                    kind = "fields" if schema_fields else "entries"
                    raise PatchError(".".join([*done, part]), allowed, f"'{part}' does not exist in {here}",
                                     f"{kind} there: {', '.join(allowed) if allowed else 'none'}")
                key = int(part) if ktype is int else part
                if not last:
                    if not _is_container_type(child_type(tp, key)):
                        raise PatchError(".".join([*done, part]), [], f"'{part}' in {here} holds no fields")
                    node[key] = {}
            keys = [key]
        for key in keys:
            label = item_label(node[key], key) if isinstance(node, list) else str(key)
            sub = child_type(tp, key)
            if last:
                found.append((node, key, ".".join([*done, label])))
                continue
            if node[key] is None and create and _is_container_type(sub):
                node[key] = {}
            walk(node[key], sub, i + 1, [*done, label])

    walk(raw, Scenario, 0, [])
    return found


def _scale(value: Any, factor: float, note: str) -> Any:
    """Multiply every number in a raw value by factor (ints stay whole); wrappers get a note."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        out = value * factor
        return int(round(out)) if isinstance(value, int) else out
    if is_wrapper(value):
        wrapped = dict(value)
        wrapped["value"] = _scale(value["value"], factor, note)
        wrapped["note"] = f"{value['note']}; {note}" if value.get("note") else note
        return wrapped
    if isinstance(value, dict):
        return {k: _scale(v, factor, note) for k, v in value.items()}
    if isinstance(value, list):
        return [_scale(v, factor, note) for v in value]
    return value


def _has_number(value: Any) -> bool:
    """A raw value holds a number `_scale` would multiply."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, dict):
        return any(_has_number(v) for k, v in value.items() if not (is_wrapper(value) and k != "value"))
    if isinstance(value, list):
        return any(_has_number(v) for v in value)
    return False


def _drop_sources(raw: dict, path: str) -> None:
    """Forget explicit sources at or below a concrete path (its value was replaced or removed)."""
    sources = raw.get("sources")
    if isinstance(sources, dict):
        for key in [k for k in sources if k == path or str(k).startswith(path + ".")]:
            del sources[key]


def _note_sources(raw: dict, path: str, note: str) -> None:
    sources = raw.get("sources")
    if isinstance(sources, dict):
        for key, src in sources.items():
            if (key == path or str(key).startswith(path + ".")) and isinstance(src, dict):
                src["note"] = f"{src['note']}; {note}" if src.get("note") else note


def apply_variant(raw_base: dict, variant_raw: dict, file: str) -> dict:
    """The raw base scenario patched by a raw variant mapping; `raw_base` is not changed.

    `file` names the variant in problems. Raises one `InputError` with every problem: unknown
    operation keys, paths that do not exist (naming the failing part and what exists there),
    values of the wrong shape. The result still needs validating (`scenario_from_dict`).
    """
    file = str(file)
    if not isinstance(variant_raw, dict):
        raise InputError([Problem(file, "", f"top level is a {type(variant_raw).__name__}", "a mapping")])
    patch = _Patch(raw_base, variant_raw, file)
    patch.remove()
    patch.add()
    patch.set()
    patch.scale()
    patch.describe()
    if patch.problems:
        raise InputError(patch.problems)
    return patch.finish()


class _Patch:
    """One variant being applied to a copy of its base: an operation per method, problems collected."""

    def __init__(self, raw_base: dict, variant_raw: dict, file: str):
        self.file, self.variant = file, variant_raw
        self.problems: list[Problem] = [
            Problem(file, str(key), "unknown operation or key", "one of: " + ", ".join(VARIANT_KEYS))
            for key in variant_raw if key not in VARIANT_KEYS]
        name = variant_raw.get("variant")
        if not isinstance(name, str) or not name.strip():
            self.problems.append(Problem(file, "variant", f"{name!r} is not a name",
                                         "the variant's name, e.g. bmwe-social"))
            name = "variant"
        self.name = name
        self.raw = copy.deepcopy(raw_base)
        self.source = f"variant {name}"
        self.touched_series: set[str] = set()

    def problem(self, where: str, message: str, allowed: str) -> None:
        self.problems.append(Problem(self.file, where, message, allowed))

    def section(self, op: str, shape: type) -> Any:
        """The operation's list or mapping (empty when absent or of the wrong shape, which is a problem)."""
        value = self.variant.get(op)
        if value is None:
            return shape()
        if not isinstance(value, shape):
            what = "a list of dotted paths" if shape is list else "a mapping of dotted path to value"
            self.problem(op, f"a {type(value).__name__}", what)
            return shape()
        return value

    def places(self, op: str, path: Any, create: bool) -> list[tuple[Any, Any, str]]:
        if not isinstance(path, str):
            self.problem(op, f"{path!r} is not a dotted path", "e.g. tracks.werkspoor.caseload_per_fte")
            return []
        try:
            return locate(self.raw, path, create=create)
        except PatchError as exc:
            self.problem(f"{op}.{path}", exc.message or f"'{exc.where}' does not exist",
                         exc.hint or "a field of the base scenario; see docs/scenario-format.md")
            return []

    def remove(self) -> None:
        for path in self.section("remove", list):
            found = self.places("remove", path, create=False)
            # delete list items from the back so indices stay valid
            for container, key, concrete in sorted(found, key=lambda f: f[1] if isinstance(f[1], int) else -1,
                                                   reverse=True):
                del container[key]
                _drop_sources(self.raw, concrete)

    def add(self) -> None:
        for path, items in self.section("add", dict).items():
            for container, key, concrete in self.places("add", path, create=True):
                if isinstance(container, dict) and container.get(key) is None:
                    is_list = getattr(bare_type(_type_of(concrete)), "__origin__", None) is list
                    container[key] = [] if is_list else {}
                target = container[key]
                while is_wrapper(target):
                    target = target["value"]
                if self._add_to(target, items, path, concrete) and concrete.split(".")[0] == "series":
                    self.touched_series.add(concrete)

    def _add_to(self, target: Any, items: Any, path: str, concrete: str) -> bool:
        """Append items to a list or new keys to a mapping; False when nothing could be added."""
        if isinstance(target, list):
            if isinstance(items, dict):
                items = [items]
            if not isinstance(items, list):
                self.problem(f"add.{path}", f"a {type(items).__name__}",
                             "a list of items to append, e.g. [{name: x, ...}]")
                return False
            existing = child_names(target)
            for item in items:
                label = item_label(item, -1)
                if label in existing and label != "-1":
                    self.problem(f"add.{path}", f"'{label}' already exists in {concrete}",
                                 "a new name (remove the old item first, or use set)")
                    continue
                target.append(copy.deepcopy(item))
                existing.append(label)
            return True
        if not isinstance(target, dict):
            self.problem(f"add.{path}", f"{concrete} is not a list or mapping",
                         "a list (e.g. measures) or a mapping (e.g. buig_budget)")
            return False
        if not isinstance(items, dict):
            self.problem(f"add.{path}", f"a {type(items).__name__}", f"a mapping of new keys for {concrete}")
            return False
        for new_key, value in items.items():
            if find_key(target, str(new_key)) is not None:
                self.problem(f"add.{path}", f"'{new_key}' already exists in {concrete}", "a new key (or use set)")
                continue
            target[new_key] = copy.deepcopy(value)
        return True

    def set(self) -> None:
        for path, value in self.section("set", dict).items():
            for container, key, concrete in self.places("set", path, create=True):
                wrapped = value if is_wrapper(value) else {"value": copy.deepcopy(value), "source": self.source,
                                                             "kind": "assumption", "note": f"set by {self.file}"}
                container[key] = copy.deepcopy(wrapped)
                _drop_sources(self.raw, concrete)
                if concrete.split(".")[0] == "series":
                    self.touched_series.add(concrete)

    def scale(self) -> None:
        for path, factor in self.section("scale", dict).items():
            if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor) \
                    or factor < 0:
                self.problem(f"scale.{path}", f"{factor!r} is not a factor", "a number >= 0, e.g. 1.1")
                continue
            note = f"x {factor:g} by {self.source}"
            found = self.places("scale", path, create=False)
            if found and not any(_has_number(container[key]) for container, key, _ in found):
                self.problem(f"scale.{path}", "holds no number to scale",
                             "a path to numbers, e.g. municipalities.*.applications_per_month")
                continue
            for container, key, concrete in found:
                container[key] = _scale(container[key], float(factor), note)
                _note_sources(self.raw, concrete, note)

    def describe(self) -> None:
        if "description" not in self.variant:
            return
        description = self.variant["description"]
        if description is not None and not isinstance(description, str):
            self.problem("description", f"a {type(description).__name__}", "text")
        elif description:
            self.raw["description"] = description

    def finish(self) -> dict:
        """The patched mapping: a new CSV series replaces the base's parsed data; named base+variant."""
        raw = self.raw
        for concrete in self.touched_series:
            parts = concrete.split(".")
            targets = SERIES.values() if len(parts) == 1 else [SERIES.get(parts[1])]
            for target in targets:
                if target:
                    raw.pop(target, None)
        base_name = raw.get("name")
        while is_wrapper(base_name):
            base_name = base_name["value"]
        raw["name"] = f"{base_name}+{self.name}"
        return raw


def _type_of(concrete: str) -> Any:
    tp: Any = Scenario
    for part in concrete.split("."):
        tp = child_type(tp, part) if tp is not None else None
    return tp


# -- files ---------------------------------------------------------------------------------------
def _base_path(variant_file: Path, variant_raw: dict) -> Path:
    base = variant_raw.get("base")
    if not isinstance(base, str) or not base.strip():
        raise InputError([Problem(str(variant_file), "base", "missing" if base is None else f"{base!r} is not a path",
                                  "the base scenario or variant file, relative to this file")])
    path = Path(os.path.normpath(variant_file.parent / base))
    if not path.exists():
        raise InputError([Problem(str(variant_file), "base", f"base file not found: {path} (from base: {base})",
                                  "an existing scenario or variant file, relative to this variant")])
    return path


def _shown(path: Path) -> str:
    """A path as short as it can be shown: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_any(path: Path) -> dict:
    if is_workbook(path):
        return import_workbook(path)
    return read_yaml(path)


def _load(path: Path, chain: tuple[Path, ...]) -> tuple[dict, Scenario, tuple[Path, ...]]:
    """(raw with series read, validated scenario, files of the chain) for a scenario or variant file."""
    resolved = path.resolve()
    if resolved in chain:
        names = " -> ".join(_shown(p) for p in (*chain[chain.index(resolved):], resolved))
        raise InputError([Problem(str(path), "base", f"variants form a cycle: {names}",
                                  "a chain of variants that ends in a scenario")])
    raw = _read_any(path)
    if "variant" not in raw or is_workbook(path):
        problems = resolve_series(raw, path.parent, str(path))
        try:
            scenario = scenario_from_dict(raw, str(path), path.parent)
        except InputError as exc:
            raise InputError(problems + exc.problems) from None
        if problems:
            raise InputError(problems)
        return raw, scenario, (*chain, resolved)
    base_path = _base_path(path, raw)
    base_raw, _, files = _load(base_path, (*chain, resolved))
    patched = apply_variant(base_raw, raw, str(path))
    problems = resolve_series(patched, path.parent, str(path), replace=True)
    try:
        scenario = scenario_from_dict(patched, str(path), path.parent)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return patched, scenario, (*files, resolved)


def read_scenario_raw(path: str | Path) -> dict:
    """The raw mapping of a scenario (YAML/XLSX) or variant file, validated, with CSV series read
    inline and variants applied: a base for `apply_variant` that needs no side files."""
    raw, _, _ = _load(Path(path), ())
    return raw


def load_file(path: str | Path) -> Scenario:
    """A scenario (YAML or an XLSX workbook) or the scenario a variant YAML describes (by its
    `variant:` key), validated."""
    path = Path(path)
    if is_workbook(path):
        return scenario_from_dict(import_workbook(path), str(path), path.parent)
    raw = read_yaml(path)
    if "variant" in raw:
        return load_variant(path)
    return scenario_from_dict(raw, str(path), path.parent)


def load_variant(path: str | Path) -> Scenario:
    """The patched, validated scenario a variant file describes (named ``<base>+<variant>``)."""
    path = Path(path)
    raw = read_yaml(path)
    if "variant" not in raw:
        raise InputError([Problem(str(path), "variant", "missing: this is not a variant file",
                                  "a variant YAML with variant: <name> and base: <file>")])
    _, scenario, _ = _load(path, ())
    return scenario


def load_with_variant(scenario_path: str | Path, variant_path: str | Path | None) -> Scenario:
    """The scenario, or with `variant_path` the variant applied to it.

    The variant's own `base` (or a base further down its chain) must be the same file as
    `scenario_path`; otherwise that is a problem naming both.
    """
    scenario_path = Path(scenario_path)
    if variant_path is None:
        return load_file(scenario_path)
    variant_path = Path(variant_path)
    if not scenario_path.exists():
        raise InputError([Problem(str(scenario_path), "", "file not found", "an existing scenario file")])
    raw = read_yaml(variant_path)
    if "variant" not in raw:
        raise InputError([Problem(str(variant_path), "variant", "missing: this is not a variant file",
                                  "a variant YAML with variant: <name> and base: <file>")])
    target = scenario_path.resolve()
    current, current_raw, seen = variant_path, raw, set()
    bases: list[Path] = []
    while True:
        base = _base_path(current, current_raw)
        bases.append(base)
        if base.resolve() == target or base.resolve() in seen:
            break
        seen.add(base.resolve())
        if is_workbook(base):
            break
        current_raw = read_yaml(base)
        if "variant" not in current_raw:
            break
        current = base
    if all(b.resolve() != target for b in bases):
        raise InputError([Problem(str(variant_path), "base",
                                  f"the variant's base is {bases[0]}, not the scenario given: {scenario_path}",
                                  "a variant whose base is the scenario it is applied to")])
    _, scenario, _ = _load(variant_path, ())
    return scenario
