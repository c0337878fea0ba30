"""From a raw mapping to a validated model, with every problem named by file, field and what is allowed.

A planner may write any value as ``{value: X, source: "...", kind: seed|public|assumption}``;
`unwrap_sources` replaces such mappings by their value and records the source under the field's
dotted path (list items by their name). `scenario_from_dict` validates a raw scenario (what every
loader ends with: YAML, workbook, variant) and checks its references, series and uncertain
parameters; pydantic's errors become `Problem`s whose paths name list items by their `name` and
whose messages say what is allowed there (`pydantic_problems`).
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sporen.common.errors import InputError, Problem
from sporen.inputs.checks import check_references
from sporen.inputs.paths import SOURCE_KEYS, PathError, is_wrapper, item_label, resolve, set_path
from sporen.inputs.schema import NumberProblem, Scenario, Source
from sporen.inputs.series import check_series, resolve_series
from sporen.inputs.types import fields_of, type_at

FORMAT_DOC = "docs/scenario-format.md"


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
