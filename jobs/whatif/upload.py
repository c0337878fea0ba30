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

from sporen.common import i18n
from sporen.common.errors import InputError, Problem
from sporen.common.i18n import text
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.bounded import Overrun, run_bounded

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""A bundled scenario is under 100 kB as YAML and as a workbook."""
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_PLAN_BYTES = 256 * 1024
UPLOAD_SECONDS = 20.0
"""Deadline for reading one upload (a bundled scenario takes about 1 s, most of it starting the reader)."""
UPLOAD_MEMORY = 512 * 1024 * 1024
"""Memory the reader of one upload may take beyond its libraries (a bundled scenario needs about 50 MB)."""
YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def display_name(name: str) -> str:
    """The browser's file name as shown in messages: its last part, printable characters only."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = re.sub(r"[^\w.+() -]", "_", base).strip() or "upload"
    return base[:120]


def _megabytes(size: float, lang: str) -> str:
    return i18n.number(size / 1e6, lang, 1)


def _read(path: str | Path, name: str, limit: int | None = None, lang: str = "en") -> bytes:
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError([Problem(name, "", text("upload.missing", lang), text("upload.missing_allowed", lang))]
                         ) from None
    if size > limit:
        raise InputError([Problem(name, "", text("upload.too_large", lang, size=_megabytes(size, lang)),
                                  text("upload.at_most_mb", lang, limit=i18n.number(limit / 1e6, lang)))])
    if size == 0:
        raise InputError([Problem(name, "", text("upload.empty", lang), text("upload.empty_allowed", lang))])
    return path.read_bytes()


def _renamed(exc: InputError, path: str | Path, name: str) -> InputError:
    """The same problems, naming the upload as the browser did instead of the server's file."""
    server = {str(path), str(Path(path)), Path(path).name}
    return InputError([Problem(name if p.file in server else p.file, p.path, p.message, p.allowed)
                       for p in exc.problems])


def check_yaml_text(source: str, name: str, lang: str = "en") -> list[Problem]:
    """Tags, anchors and aliases in a YAML text, by line (the text is scanned, never built)."""
    problems = []
    try:
        for token in yaml.scan(source, Loader=yaml.SafeLoader):
            line = text("upload.line", lang, line=token.start_mark.line + 1)
            if isinstance(token, yaml.TagToken):
                tag = "".join(part or "" for part in token.value)
                problems.append(Problem(name, line, text("upload.yaml_tag", lang, tag=tag),
                                        text("upload.yaml_tag_allowed", lang)))
            elif isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                key = "upload.yaml_anchor" if isinstance(token, yaml.AnchorToken) else "upload.yaml_alias"
                problems.append(Problem(name, line, text(key, lang, name=token.value),
                                        text("upload.yaml_anchor_allowed", lang)))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = text("upload.line", lang, line=mark.line + 1) if mark is not None else ""
        problems.append(Problem(name, where, text("upload.yaml_syntax", lang,
                                                  problem=getattr(exc, "problem", None) or exc),
                                text("upload.yaml_syntax_allowed", lang)))
    return problems[:20]


def parse_yaml(data: bytes, name: str, lang: str = "en") -> dict[str, Any]:
    """A YAML mapping from uploaded bytes: UTF-8, no tags, no anchors or aliases, then the loader's
    own checks (no key twice, bounded nesting and size: `inputs.load.parse_yaml`)."""
    from sporen.inputs.load import parse_yaml as parse

    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, "", text("upload.not_text", lang), text("upload.yaml_allowed", lang))]
                         ) from None
    if not source.strip():
        raise InputError([Problem(name, "", text("upload.empty", lang), text("upload.yaml_allowed", lang))])
    problems = check_yaml_text(source, name, lang)
    if problems:
        raise InputError(problems)
    raw = parse(source, name)
    if raw is None:
        raise InputError([Problem(name, "", text("upload.no_data", lang), text("upload.yaml_allowed", lang))])
    if not isinstance(raw, dict):
        raise InputError([Problem(name, "", text("upload.not_mapping", lang, kind=type(raw).__name__),
                                  text("upload.yaml_allowed", lang))])
    return raw


def _no_paths(raw: dict[str, Any], name: str, lang: str = "en") -> list[Problem]:
    problems = []
    if "variant" in raw or "base" in raw:
        problems.append(Problem(name, "variant", text("upload.variant", lang), text("upload.variant_allowed", lang)))
    if raw.get("series"):
        problems.append(Problem(name, "series", text("upload.series", lang), text("upload.series_allowed", lang)))
    finance = raw.get("finance")
    if isinstance(finance, dict) and finance.get("vangnet_rules") not in (None, ""):
        problems.append(Problem(name, "finance.vangnet_rules", text("upload.rules_file", lang),
                                text("upload.rules_file_allowed", lang)))
    return problems


def _check_zip(path: str | Path, name: str, lang: str = "en") -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError([Problem(name, "", text("upload.not_xlsx", lang), text("upload.xlsx_allowed", lang))]
                         ) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise InputError([Problem(name, "", text("upload.unpacks_to", lang, size=i18n.number(unpacked / 1e6, lang),
                                                 parts=len(members)),
                                  text("upload.unpacked_allowed", lang,
                                       limit=i18n.number(MAX_UNPACKED_BYTES / 1e6, lang)))])


def load_scenario_upload(path: str | Path, name: str, lang: str = "en") -> Scenario:
    """A scenario from an uploaded file (`path` is where the server holds it, `name` what the browser
    called it): YAML or the scenario workbook, by the name's extension. InputError naming `name`.
    In this process, unbounded: the page calls `read_scenario_upload`."""
    from sporen.inputs.load import scenario_from_dict

    shown = display_name(name)
    suffix = PurePath(shown).suffix.lower()
    if suffix not in YAML_SUFFIXES + WORKBOOK_SUFFIXES:
        raise InputError([Problem(shown, "", text("upload.not_scenario", lang, suffix=suffix or "—"),
                                  text("upload.scenario_allowed", lang))])
    data = _read(path, shown, lang=lang)
    if suffix in WORKBOOK_SUFFIXES:
        from sporen.inputs.workbook import import_workbook

        _check_zip(path, shown, lang)
        try:
            raw = import_workbook(path)
        except InputError as exc:
            raise _renamed(exc, path, shown) from None
    else:
        raw = parse_yaml(data, shown, lang)
    problems = _no_paths(raw, shown, lang)
    if problems:
        raise InputError(problems)
    try:
        return scenario_from_dict(raw, shown, base_dir=Path(path).parent)
    except InputError as exc:
        raise _renamed(exc, path, shown) from None


def load_plan_upload(path: str | Path, name: str, scenario: Scenario, lang: str = "en") -> Plan:
    """A plan.yaml from the browser, checked against the scenario like `sporen simulate --plan`.
    In this process, unbounded: the page calls `read_plan_upload`."""
    from sporen.inputs.load import unwrap_sources, validate_model
    from sporen.inputs.plan import check_plan

    shown = display_name(name)
    if PurePath(shown).suffix.lower() not in YAML_SUFFIXES:
        raise InputError([Problem(shown, "", text("upload.not_plan", lang), text("upload.plan_allowed", lang))])
    raw = parse_yaml(_read(path, shown, limit=MAX_PLAN_BYTES, lang=lang), shown, lang)
    clean, _ = unwrap_sources(raw)
    plan = validate_model(Plan, clean, shown)
    assert isinstance(plan, Plan)
    problems = [Problem(shown, p, m, a) for p, m, a in check_plan(plan, scenario)]
    if problems:
        raise InputError(problems)
    return plan


def _overrun(exc: Overrun, name: str, lang: str) -> InputError:
    """An upload the bounded reader stopped, in the page's words."""
    if exc.kind == "busy":
        return InputError([Problem(name, "", text("upload.busy", lang), text("upload.busy_allowed", lang))])
    key = {"time": "upload.too_slow", "memory": "upload.too_big_in_memory"}.get(exc.kind, "upload.crashed")
    return InputError([Problem(name, "", text(key, lang, seconds=i18n.number(exc.seconds, lang),
                                              memory=i18n.number(exc.memory / 1e6, lang)),
                               text("upload.bounded_allowed", lang))])


def read_scenario_upload(path: str | Path, name: str, lang: str = "en", *, seconds: float = UPLOAD_SECONDS,
                         memory: int = UPLOAD_MEMORY) -> Scenario:
    """`load_scenario_upload` in a child process with a deadline and a memory bound (`jobs.whatif.bounded`):
    whatever a reader does with a hostile file, the server's process and its other visitors do not wait."""
    shown = display_name(name)
    try:
        return run_bounded(load_scenario_upload, str(path), name, lang, seconds=seconds, memory=memory)
    except Overrun as exc:
        raise _overrun(exc, shown, lang) from None
    except RuntimeError as exc:
        raise InputError([Problem(shown, "", text("upload.failed", lang, kind=str(exc).split(":")[0]),
                                  text("upload.scenario_allowed", lang))]) from None


def read_plan_upload(path: str | Path, name: str, scenario: Scenario, lang: str = "en", *,
                     seconds: float = UPLOAD_SECONDS, memory: int = UPLOAD_MEMORY) -> Plan:
    """`load_plan_upload` in a child process with a deadline and a memory bound."""
    shown = display_name(name)
    try:
        return run_bounded(load_plan_upload, str(path), name, scenario, lang, seconds=seconds, memory=memory)
    except Overrun as exc:
        raise _overrun(exc, shown, lang) from None
    except RuntimeError as exc:
        raise InputError([Problem(shown, "", text("upload.failed", lang, kind=str(exc).split(":")[0]),
                                  text("upload.plan_allowed", lang))]) from None
