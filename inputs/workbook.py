"""A scenario as one XLSX workbook, for planners who work in Excel, and conversion to and from YAML.

`export_workbook(scenario, path)` writes a validated scenario (`inputs.workbook_write`);
`import_workbook(path)` reads a workbook back into a raw scenario mapping
(`inputs.workbook_read`), so `inputs.load.load_scenario("x.xlsx")` works wherever a YAML
scenario does; `convert_scenario` converts between the two by the files' extensions. The sheets
follow the schema (`inputs.workbook_sheets`; docs/scenario-format.md lists them): a ``scenario``
sheet of single settings, a sheet per list of items, a sheet per mapping inside them, named in
the workbook's language. A list inside one cell (duration_bands, a track's ladder) is written
``0, 12, 36``; an empty cell means "the default", ``[]`` an empty list. Problems name the
workbook, the sheet, the row as Excel numbers it and the column (``x.xlsx: uitstroomkansen row
5.band: ...``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sporen.common.errors import InputError, Problem, disk_full
from sporen.common.files import write_text
from sporen.inputs.load import load_scenario
from sporen.inputs.schema import Scenario
from sporen.inputs.workbook_read import import_workbook
from sporen.inputs.workbook_sheets import PARTICIPATIEBUDGET, SHEET_ORDER
from sporen.inputs.workbook_write import export_workbook

__all__ = ["PARTICIPATIEBUDGET", "SHEET_ORDER", "convert_scenario", "export_workbook", "import_workbook",
           "write_scenario_yaml"]


# -- conversion ----------------------------------------------------------------------------------
YAML_SUFFIXES = (".yaml", ".yml")


def write_scenario_yaml(scenario: Scenario, path: str | Path, comment: str = "") -> None:
    """Write a validated scenario as YAML (every field, sources in ``sources``), atomically."""
    target = Path(path)
    data = scenario.model_dump(mode="python", exclude_none=True)
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    text = head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    write_text(target, text)


def convert_scenario(src: str | Path, dest: str | Path, lang: str | None = None) -> Scenario:
    """Convert a scenario between YAML and XLSX by the files' extensions (a variant is written patched).

    Raises `InputError` for an unknown extension, a missing destination folder or a bad source.
    """
    src, dest = Path(src), Path(dest)
    problems = []
    for path in (src, dest):
        if path.suffix.lower() not in (*YAML_SUFFIXES, ".xlsx"):
            problems.append(Problem(str(path), "", f"unknown file type '{path.suffix}'", ".yaml, .yml or .xlsx"))
    if not dest.parent.is_dir():
        problems.append(Problem(str(dest), "", "the folder does not exist", "an existing folder"))
    elif dest.is_dir():
        problems.append(Problem(str(dest), "", "is a folder", "a file name"))
    if problems:
        raise InputError(problems)
    scenario = load_scenario(src)
    try:
        if dest.suffix.lower() == ".xlsx":
            export_workbook(scenario, dest, lang=lang)
        else:
            write_scenario_yaml(scenario, dest, f"Scenario '{scenario.name}', converted from {src.name} by "
                                "`sporen convert`.\nFormat: docs/scenario-format.md")
    except OSError as exc:
        if disk_full(exc):
            raise    # the run failed (exit 1), not the input
        raise InputError([Problem(str(dest), "", f"cannot write: {exc.strerror or exc}", "a writable file")]) from None
    return scenario
