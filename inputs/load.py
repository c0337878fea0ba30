"""Loading scenarios, plans and variants from files into validated objects.

A planner may write any value as ``{value: X, source: "...", kind: seed|public|assumption}``;
`unwrap_sources` replaces such mappings by their value and records the source under the
field's dotted path (list items by their name). Every problem, from a missing file to a typo
in a key, becomes an `inputs.errors.Problem` naming file, field and what is allowed, and every
problem of a file is reported at once (one `InputError`).

Entry points:

- `load_scenario(path)`: a scenario YAML, an XLSX workbook (`inputs.workbook`) or a variant YAML
  (`inputs.variants`); CSV series named in ``series`` are read relative to the file
  (`inputs.series`). `load_scenario_or_variant` is the same function under the name that says so.
- `load_variant(path)`, `load_with_variant(scenario, variant)`: see `inputs.variants`.
- `scenario_from_dict(raw, file)`: validate a raw mapping (what the loaders above end with).
- `load_plan(path, scenario)`: a plan.yaml checked against its scenario.
"""

from __future__ import annotations

import copy
import difflib
import types
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sporen.common.errors import InputError, Problem
from sporen.inputs.paths import SOURCE_KEYS, is_wrapper, item_label  # noqa: F401  (re-exported)
from sporen.inputs.plan import Plan, check_plan
from sporen.inputs.schema import NumberProblem, Scenario, Source, check_references
from sporen.inputs.series import check_series, resolve_series

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
FORMAT_DOC = "docs/scenario-format.md"


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
    from sporen.inputs.textfile import read_bytes

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


def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


# -- {value:, source:} ---------------------------------------------------------------------------
def unwrap_sources(raw: Any, path: str = "") -> tuple[Any, dict[str, dict[str, str]]]:
    """Replace ``{value:, source:}`` mappings by their value; return (clean, {path: source})."""
    sources: dict[str, dict[str, str]] = {}
    if isinstance(raw, dict):
        if is_wrapper(raw):
            sources[path] = {k: v for k, v in raw.items() if k != "value"}
            value, inner = unwrap_sources(raw["value"], path)
            sources.update(inner)
            return value, sources
        out = {}
        for key, value in raw.items():
            child = f"{path}.{key}" if path else str(key)
            out[key], inner = unwrap_sources(value, child)
            sources.update(inner)
        return out, sources
    if isinstance(raw, list):
        out_list = []
        for i, item in enumerate(raw):
            label = item_label(item, i)
            value, inner = unwrap_sources(item, f"{path}.{label}")
            out_list.append(value)
            sources.update(inner)
        return out_list, sources
    return raw, sources


def _wrapper_problems(raw: Any, file: str, path: str = "") -> list[Problem]:
    """``{value:, ...}`` forms with a typo in a key or without a source."""
    problems: list[Problem] = []
    if isinstance(raw, dict):
        keys = set(raw)
        if "value" in keys and keys <= SOURCE_KEYS and "source" not in keys and len(keys) > 1:
            problems.append(Problem(file, path or "(top level)", "a {value:} form without a source",
                                    "add source: \"...\", or write the value alone"))
        elif "value" in keys and "source" in keys and not keys <= SOURCE_KEYS:
            extra = ", ".join(sorted(str(k) for k in keys - SOURCE_KEYS))
            problems.append(Problem(file, path or "(top level)", f"unknown key in a {{value:, source:}} form: {extra}",
                                    "value, source, kind, unit, note"))
        for key, value in raw.items():
            problems += _wrapper_problems(value, file, f"{path}.{key}" if path else str(key))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            problems += _wrapper_problems(item, file, f"{path}.{item_label(item, i)}")
    return problems


# -- what the schema allows at a path (for messages and variants) -------------------------------
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


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


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
    """The key type of a dict type (e.g. int for years), else None."""
    tp = bare_type(tp)
    if get_origin(tp) is dict:
        key = bare_type(get_args(tp)[0])
        return int if key is int else str
    return None


def type_at(model: type[BaseModel], loc: tuple | list) -> Any:
    tp: Any = model
    for part in loc:
        if part == "[key]":
            continue
        tp = child_type(tp, part)
        if tp is None:
            return None
    return tp


def fields_of(tp: Any) -> list[str]:
    tp = bare_type(tp)
    return list(tp.model_fields) if is_model(tp) else []


def literal_values(tp: Any) -> list[str]:
    tp = bare_type(tp)
    return [str(v) for v in get_args(tp)] if get_origin(tp) is Literal else []


# -- pydantic errors -> problems ------------------------------------------------------------------
def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def pydantic_problems(file: str, exc: ValidationError, raw: Any,
                      model: type[BaseModel] | None = None) -> list[Problem]:
    """Turn pydantic errors into Problems whose paths name list items by their `name`."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        parts: list[str] = []
        node = raw
        for part in loc:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                parts.append(item_label(node, part))
            else:
                parts.append(str(part))
                if isinstance(node, dict):
                    node = node.get(part, node.get(str(part)))
                else:
                    node = None
        message, allowed = _explain(err, model, loc)
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, NumberProblem):      # a number deep inside the field: name its place
            parts += [inner.where] if inner.where else []
            message, allowed = inner.message, inner.allowed
        if is_key and not message.startswith("key"):
            message = f"key {message}"
        problems.append(Problem(file, ".".join(parts), message, allowed))
    return problems


_TYPE_WORDS = {  # pydantic error type -> (what the value is not, what is allowed)
    "int_parsing": ("a whole number", "e.g. 4"), "int_type": ("a whole number", "e.g. 4"),
    "int_from_float": ("a whole number", "e.g. 4"), "float_parsing": ("a number", "e.g. 0.5"),
    "float_type": ("a number", "e.g. 0.5"), "string_type": ("text", "text; quote it if it looks like a number"),
    "bool_parsing": ("true or false", "true or false"), "bool_type": ("true or false", "true or false"),
    "list_type": ("a list", "a list, e.g. [1, 2]"), "dict_type": ("a mapping", "a mapping of keys to values"),
    "model_type": ("a mapping", "a mapping of fields"), "model_attributes_type": ("a mapping", "a mapping of fields"),
    "finite_number": ("a finite number", "a finite number"),
}


def _explain(err: ErrorDetails, model: type[BaseModel] | None = None, loc: tuple = ()) -> tuple[str, str]:
    kind, msg = err["type"], err["msg"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "extra_forbidden":
        fields = fields_of(type_at(model, loc[:-1])) if model is not None and loc else []
        if not fields:
            return "unknown key (a typo?)", f"see {FORMAT_DOC}"
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f" did you mean '{close[0]}'?" if close else ""
        return f"unknown key (a typo?{hint})", "allowed here: " + ", ".join(fields)
    if kind == "missing":
        return "required field is missing", "add it"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bounds = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                  "less_than": "<"}[kind]
        limit = next(iter(ctx.values()), "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"{_show(got)} is out of range", f"{bounds} {limit}"
    if kind == "value_error":
        text = str(ctx.get("error", msg))
        if "(allowed:" in text:
            head, allowed = text.split("(allowed:", 1)
            return head.strip(), allowed.rstrip(")").strip()
        return text, ""
    if kind == "literal_error":
        return f"{_show(got)} is not allowed", f"one of {ctx.get('expected', '')}"
    if kind in ("too_short", "too_long"):
        if "min_length" in ctx:
            return f"{ctx.get('actual_length', 'too few')} items", f"at least {ctx['min_length']}"
        return f"{ctx.get('actual_length', 'too many')} items", f"at most {ctx.get('max_length')}"
    if kind == "string_too_short":
        return "empty text", "at least one character"
    if kind in _TYPE_WORDS:
        noun, allowed = _TYPE_WORDS[kind]
        return f"{_show(got)} is not {noun}", allowed
    return f"{msg} (got {_show(got)})" if "input" in err else msg, ""


Model = TypeVar("Model", bound=BaseModel)


def validate_model(model: type[Model], raw: dict, file: str) -> Model:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(pydantic_problems(file, exc, raw, model)) from None


# -- scenarios -----------------------------------------------------------------------------------
def scenario_from_dict(raw: dict, file: str = "<scenario>", base_dir: str | Path | None = None) -> Scenario:
    """Validate a raw scenario mapping and check its references; raise one InputError with all problems.

    ``{value:, source:}`` forms are unwrapped here; their sources are merged into ``sources``
    (over an explicit ``sources`` mapping for the same path). CSV series named in ``series`` are
    read relative to `base_dir` (default: the folder of `file`). `raw` is not changed.
    """
    if not isinstance(raw, dict):
        raise InputError([Problem(file, "", f"top level is a {type(raw).__name__}", "a mapping of keys to values")])
    raw = copy.deepcopy(raw)
    if base_dir is None:
        base_dir = Path(file).parent if not file.startswith("<") else Path.cwd()
    problems = resolve_series(raw, Path(base_dir), file)
    problems += _wrapper_problems(raw, file)
    clean, inline = unwrap_sources(raw)
    explicit = clean.get("sources")
    if explicit is None or isinstance(explicit, dict):
        merged = dict(explicit or {})
        for path, source in inline.items():
            if not path:
                continue
            try:
                merged[path] = Source.model_validate(source).model_dump()
            except ValidationError as exc:
                for p in pydantic_problems(file, exc, source, Source):
                    problems.append(Problem(file, f"{path}.{p.path}" if p.path else path, p.message, p.allowed))
        if merged or "sources" in clean:
            clean["sources"] = merged
    try:
        scenario = Scenario.model_validate(clean)
    except ValidationError as exc:
        raise InputError(problems + pydantic_problems(file, exc, clean, Scenario)) from None
    problems += [Problem(file, path, msg, allowed) for path, msg, allowed in
                 check_references(scenario) + check_series(scenario) + check_uncertainty(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


def check_uncertainty(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Every uncertain parameter must name numbers that exist in the scenario."""
    from sporen.inputs.paths import PathError, resolve, set_path

    problems: list[tuple[str, str, str]] = []
    if not scenario.uncertainty:
        return problems
    data = scenario.model_dump()
    for i, item in enumerate(scenario.uncertainty):
        where = f"uncertainty.{i}.parameter"
        try:
            values = [container[key] for container, key in resolve(data, item.parameter)]
        except PathError as exc:
            problems.append((where, f"'{exc.where}' does not exist",
                             "there: " + ", ".join(exc.allowed) if exc.allowed else "a dotted path to a number"))
            continue
        if not values or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
            problems.append((where, f"'{item.parameter}' does not name numbers",
                             "a path to a number, e.g. tracks.werkspoor.served_work_multiplier"))
            continue
        for end in ("low", "high"):
            trial = copy.deepcopy(data)
            set_path(trial, item.parameter, getattr(item, end))
            try:
                Scenario.model_validate(trial)
            except ValidationError as exc:
                first = pydantic_problems("", exc, trial, Scenario)[0]
                problems.append((f"uncertainty.{i}.{end}", f"{getattr(item, end):g} makes {first.path} invalid: "
                                 f"{first.message}", first.allowed))
    return problems


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario: YAML, an XLSX workbook, or a variant YAML (by its `variant:` key)."""
    path = Path(path)
    if is_workbook(path):
        from sporen.inputs.workbook import import_workbook

        return scenario_from_dict(import_workbook(path), str(path), path.parent)
    raw = read_yaml(path)
    if "variant" in raw:
        from sporen.inputs.variants import load_variant

        return load_variant(path)
    return scenario_from_dict(raw, str(path), path.parent)


def load_scenario_or_variant(path: str | Path) -> Scenario:
    """A scenario (YAML or XLSX) or a variant (YAML with a `variant:` key), decided by the file."""
    return load_scenario(path)


def load_variant(path: str | Path) -> Scenario:
    """The scenario a variant file describes (its base, patched and validated); see inputs.variants."""
    from sporen.inputs.variants import load_variant as _load_variant

    return _load_variant(path)


def load_with_variant(scenario_path: str | Path, variant_path: str | Path | None) -> Scenario:
    """A scenario, with a variant applied when one is given; see inputs.variants."""
    from sporen.inputs.variants import load_with_variant as _load_with_variant

    return _load_with_variant(scenario_path, variant_path)


# -- plans ---------------------------------------------------------------------------------------
def load_plan(path: str | Path, scenario: Scenario) -> Plan:
    """Load a plan.yaml and check it against the scenario (roles, 0.5-fte steps, ...)."""
    path = Path(path)
    raw = read_yaml(path)
    clean, _ = unwrap_sources(raw)
    plan = validate_model(Plan, clean, str(path))
    problems = [Problem(str(path), p, m, a) for p, m, a in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    return plan
