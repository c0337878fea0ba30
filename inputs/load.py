"""Loading scenarios, plans and variants from files into validated objects.

A planner may write any value as ``{value: X, source: "...", kind: seed|public|assumption}``;
`unwrap_sources` replaces such mappings by their value and records the source under the
field's dotted path (list items by their name). Every problem, from a missing file to a typo
in a key, becomes an `inputs.errors.Problem` naming file, field and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from inputs.errors import InputError, Problem
from inputs.plan import Plan, check_plan
from inputs.schema import Scenario, Source, check_references

SOURCE_KEYS = {"value", "source", "kind", "unit", "note"}


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, turning every file problem into an InputError."""
    name = str(path)
    if not path.exists():
        raise InputError([Problem(name, "", "file not found", "an existing YAML file")])
    if path.is_dir():
        raise InputError([Problem(name, "", "is a folder", "a YAML file")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, "", f"cannot be read: {exc}", "a UTF-8 text file")]) from None
    if not text.strip():
        raise InputError([Problem(name, "", "file is empty", "a YAML mapping")])
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise InputError([Problem(name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                  "YAML syntax")]) from None
    if not isinstance(raw, dict):
        raise InputError([Problem(name, "", f"top level is a {type(raw).__name__}",
                                  "a YAML mapping of keys to values")])
    return raw


def unwrap_sources(raw: Any, path: str = "") -> tuple[Any, dict[str, dict[str, str]]]:
    """Replace ``{value:, source:}`` mappings by their value; return (clean, {path: source})."""
    sources: dict[str, dict[str, str]] = {}
    if isinstance(raw, dict):
        if "value" in raw and "source" in raw and set(raw) <= SOURCE_KEYS:
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
            label = item.get("name", i) if isinstance(item, dict) else i
            value, inner = unwrap_sources(item, f"{path}.{label}")
            out_list.append(value)
            sources.update(inner)
        return out_list, sources
    return raw, sources


def pydantic_problems(file: str, exc: ValidationError, raw: Any) -> list[Problem]:
    """Turn pydantic errors into Problems whose paths name list items by their `name`."""
    problems = []
    for err in exc.errors():
        parts: list[str] = []
        node = raw
        for loc in err["loc"]:
            if isinstance(loc, int) and isinstance(node, list) and loc < len(node):
                node = node[loc]
                parts.append(str(node.get("name", loc)) if isinstance(node, dict) else str(loc))
            else:
                parts.append(str(loc))
                node = node.get(loc) if isinstance(node, dict) else None
        problems.append(Problem(file, ".".join(parts), *_explain(err)))
    return problems


def _explain(err: dict) -> tuple[str, str]:
    kind, msg = err["type"], err["msg"]
    ctx = err.get("ctx", {})
    if kind == "extra_forbidden":
        return "unknown key (a typo?)", "see the scenario format in README.md"
    if kind == "missing":
        return "required field is missing", "add it"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bounds = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                  "less_than": "<"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"{err.get('input')!r} is out of range", f"{bounds} {limit}"
    if kind == "value_error":
        text = str(ctx.get("error", msg))
        if "(allowed:" in text:
            head, allowed = text.split("(allowed:", 1)
            return head.strip(), allowed.rstrip(")").strip()
        return text, ""
    if kind == "literal_error":
        return f"{err.get('input')!r} is not allowed", f"one of {ctx.get('expected', '')}"
    return f"{msg} (got {err.get('input')!r})" if "input" in err else msg, ""


def validate_model(model: type[BaseModel], raw: dict, file: str) -> BaseModel:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(pydantic_problems(file, exc, raw)) from None


def scenario_from_dict(raw: dict, file: str = "<scenario>") -> Scenario:
    """Validate a raw scenario mapping (sources unwrapped here) and check its references."""
    clean, sources = unwrap_sources(raw)
    if isinstance(clean, dict) and "sources" not in clean:
        clean["sources"] = {p: Source.model_validate(s).model_dump() for p, s in sources.items()
                            if isinstance(s, dict) and "source" in s}
    scenario = validate_model(Scenario, clean, file)
    problems = [Problem(file, path, msg, allowed) for path, msg, allowed in
                check_references(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate one scenario YAML file."""
    path = Path(path)
    return scenario_from_dict(read_yaml(path), str(path))


def load_plan(path: str | Path, scenario: Scenario) -> Plan:
    """Load a plan.yaml and check it against the scenario (roles, 0.5-fte steps, ...)."""
    path = Path(path)
    raw = read_yaml(path)
    plan = validate_model(Plan, raw, str(path))
    problems = [Problem(str(path), p, m, a) for p, m, a in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    return plan
