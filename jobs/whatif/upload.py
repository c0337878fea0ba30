"""Files that come from a browser: a scenario (YAML or the scenario workbook) or a plan.yaml.

They are checked like any input -- the same loaders, the same problems (`file: path.field: what
is wrong (allowed)`) -- and more strictly, because whoever opens the page need not be whoever runs
the server:

* at most `MAX_UPLOAD_BYTES`; a workbook also at most `MAX_UNPACKED_BYTES` unpacked (a zip bomb
  is refused before it is opened);
* YAML without tags (``!!python/...``, ``!include``, even ``!!str``) and without anchors and
  aliases (a "billion laughs" file is refused before it is built);
* no paths: no ``series`` side tables, no ``finance.vangnet_rules`` file, no variant (a variant
  names its base file); a scenario from the browser is self-contained;
* problems name the file as the browser called it (its base name), never a server path.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePath
from typing import Any

import yaml

from sporen.common.errors import InputError, Problem
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""A bundled scenario is under 100 kB as YAML and as a workbook."""
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def display_name(name: str) -> str:
    """The browser's file name as shown in messages: its last part, printable characters only."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = re.sub(r"[^\w.+() -]", "_", base).strip() or "upload"
    return base[:120]


def _read(path: str | Path, name: str, limit: int | None = None) -> bytes:
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError([Problem(name, "", "the upload did not arrive", "upload the file again")]) from None
    if size > limit:
        raise InputError([Problem(name, "", f"is {size / 1e6:.1f} MB", f"at most {limit / 1e6:.0f} MB")])
    if size == 0:
        raise InputError([Problem(name, "", "file is empty", "a scenario or plan file")])
    return path.read_bytes()


def _renamed(exc: InputError, path: str | Path, name: str) -> InputError:
    """The same problems, naming the upload as the browser did instead of the server's file."""
    server = {str(path), str(Path(path)), Path(path).name}
    return InputError([Problem(name if p.file in server else p.file, p.path, p.message, p.allowed)
                       for p in exc.problems])


def check_yaml_text(text: str, name: str) -> list[Problem]:
    """Tags, anchors and aliases in a YAML text, by line (the text is scanned, never built)."""
    problems = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            line = f"line {token.start_mark.line + 1}"
            if isinstance(token, yaml.TagToken):
                tag = "".join(part or "" for part in token.value)
                problems.append(Problem(name, line, f"a YAML tag ({tag}) is not accepted from the browser",
                                        "plain values without tags"))
            elif isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                kind = "anchor" if isinstance(token, yaml.AnchorToken) else "alias"
                problems.append(Problem(name, line, f"a YAML {kind} ({token.value}) is not accepted from the browser",
                                        "write the values out"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.append(Problem(name, where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                                "YAML syntax"))
    return problems[:20]


def parse_yaml(data: bytes, name: str) -> dict[str, Any]:
    """A YAML mapping from uploaded bytes: UTF-8, no tags, no anchors or aliases, then the loader's
    own checks (no key twice, bounded nesting and size: `inputs.load.parse_yaml`)."""
    from sporen.inputs.load import parse_yaml as parse

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, "", "not a text file", "a UTF-8 YAML file")]) from None
    if not text.strip():
        raise InputError([Problem(name, "", "file is empty", "a YAML mapping")])
    problems = check_yaml_text(text, name)
    if problems:
        raise InputError(problems)
    raw = parse(text, name)
    if raw is None:
        raise InputError([Problem(name, "", "file holds no data (only comments?)", "a YAML mapping")])
    if not isinstance(raw, dict):
        raise InputError([Problem(name, "", f"top level is a {type(raw).__name__}",
                                  "a YAML mapping of keys to values")])
    return raw


def _no_paths(raw: dict[str, Any], name: str) -> list[Problem]:
    problems = []
    if "variant" in raw or "base" in raw:
        problems.append(Problem(name, "variant", "a variant names its base file, which the page cannot open",
                                "a whole scenario: sporen convert VARIANT.yaml scenario.yaml writes one"))
    if raw.get("series"):
        problems.append(Problem(name, "series", "CSV side tables are files the page cannot open",
                                "the series inline (application_series), or the scenario workbook"))
    finance = raw.get("finance")
    if isinstance(finance, dict) and finance.get("vangnet_rules") not in (None, ""):
        problems.append(Problem(name, "finance.vangnet_rules", "a rules file is a path the page does not open",
                                "empty: the bundled vangnet rules"))
    return problems


def _check_zip(path: str | Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError([Problem(name, "", "not a readable XLSX workbook",
                                  "a workbook written by sporen convert or Excel")]) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise InputError([Problem(name, "", f"unpacks to {unpacked / 1e6:.0f} MB in {len(members)} parts",
                                  f"a scenario workbook (at most {MAX_UNPACKED_BYTES / 1e6:.0f} MB unpacked)")])


def load_scenario_upload(path: str | Path, name: str) -> Scenario:
    """A scenario from an uploaded file (`path` is where the server holds it, `name` what the browser
    called it): YAML or the scenario workbook, by the name's extension. InputError naming `name`."""
    from sporen.inputs.load import scenario_from_dict

    shown = display_name(name)
    suffix = PurePath(shown).suffix.lower()
    if suffix not in YAML_SUFFIXES + WORKBOOK_SUFFIXES:
        raise InputError([Problem(shown, "", f"'{suffix or 'no extension'}' is not a scenario file",
                                  "a scenario .yaml or the scenario workbook .xlsx")])
    data = _read(path, shown)
    if suffix in WORKBOOK_SUFFIXES:
        from sporen.inputs.workbook import import_workbook

        _check_zip(path, shown)
        try:
            raw = import_workbook(path)
        except InputError as exc:
            raise _renamed(exc, path, shown) from None
    else:
        raw = parse_yaml(data, shown)
    problems = _no_paths(raw, shown)
    if problems:
        raise InputError(problems)
    try:
        return scenario_from_dict(raw, shown, base_dir=Path(path).parent)
    except InputError as exc:
        raise _renamed(exc, path, shown) from None


def load_plan_upload(path: str | Path, name: str, scenario: Scenario) -> Plan:
    """A plan.yaml from the browser, checked against the scenario like `sporen simulate --plan`."""
    from sporen.inputs.load import unwrap_sources, validate_model
    from sporen.inputs.plan import check_plan

    shown = display_name(name)
    if PurePath(shown).suffix.lower() not in YAML_SUFFIXES:
        raise InputError([Problem(shown, "", "is not a plan file", "a plan.yaml (as sporen optimise writes it)")])
    raw = parse_yaml(_read(path, shown, limit=256 * 1024), shown)
    clean, _ = unwrap_sources(raw)
    plan = validate_model(Plan, clean, shown)
    assert isinstance(plan, Plan)
    problems = [Problem(shown, p, m, a) for p, m, a in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    return plan
