"""A scenario as one XLSX workbook, for planners who work in Excel.

`export_workbook(scenario, path)` writes a validated scenario; `import_workbook(path)` reads a
workbook back into a raw scenario mapping, so `inputs.load.load_scenario("x.xlsx")` works
wherever a YAML scenario does. The layout (docs/scenario-format.md has the full list):

- ``scenario``: one row per setting, columns ``key``, ``value``, ``about``: name, description,
  start, years, duration_bands, gate.*, wage_cost_subsidy.*, finance.vangnet_rules, policy.*,
  returns.*, ladder.*, economy.*. A dotted key names a field inside a section.
- one sheet per list (``municipalities``, ``mergers``, ``segments``, ``tracks``, ``roles``,
  ``instruments``, ``measures``), one row per item, one column per scalar field (``effects.grant_multiplier``
  for a field inside a section of the item);
- long sheets (one row per value) for the mappings inside them: ``buig_budget``
  (municipality, year, budget), ``history`` (municipality, year, budget, spending),
  ``initial_stock`` (municipality, segment, clients), ``applications`` (municipality, segment,
  applications: the monthly level), ``ladder_at_entry`` (segment, rung, share),
  ``segment_hazards`` (segment, hazard, multiplier), ``hazards`` (track, cause, band, rate; band
  = the band's first month as in duration_bands), ``transitions`` (track, to, rate_per_month,
  in_view_only), ``merger_budget`` (merger, year, budget), ``benefit`` (municipality, segment,
  benefit), ``municipality_hazards`` (municipality, hazard, multiplier), ``initial_instruments``
  (municipality, instrument, segment, clients), ``intensity_curve`` (track, caseload,
  multiplier), ``measure_hazards`` (measure, hazard, multiplier), ``measure_fte`` (measure,
  role, fte), ``finance`` (line, year, amount; line ``participatiebudget`` or an other line),
  ``application_series`` (month, municipality, segment, applications), ``uncertainty``
  (parameter, low, high) and ``sources`` (path, source, kind, unit, note).

A list inside one cell (duration_bands, a track's ladder) is written ``0, 12, 36``; an empty
cell means "the default", ``[]`` an empty list. Problems name the workbook, the sheet, the row
as Excel numbers it and the column (``x.xlsx: hazards row 5.band: ...``).
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
