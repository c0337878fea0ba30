"""Loading scenarios, plans and variants from files into validated objects: the one import of the
layers above.

Every problem, from a missing file to a typo in a key, becomes a `common.errors.Problem` naming
file, field and what is allowed, and every problem of a file is reported at once (one
`InputError`). The work is done below this module (YAML in `inputs.yamlfile`, validation in
`inputs.build`, workbooks in `inputs.workbook_read`, variants in `inputs.variants`); this module
gathers their entry points, so none of them imports another's upwards.

Entry points:

- `load_scenario(path)`: a scenario YAML, an XLSX workbook (`inputs.workbook`) or a variant YAML
  (`inputs.variants`); CSV series named in ``series`` are read relative to the file
  (`inputs.series`). `load_scenario_or_variant` is the same function under the name that says so.
- `load_variant(path)`, `load_with_variant(scenario, variant)`: see `inputs.variants`.
- `scenario_from_dict(raw, file)`: validate a raw mapping (what the loaders above end with).
- `load_plan(path, scenario)`: a plan.yaml checked against its scenario.
"""

from __future__ import annotations

from pathlib import Path

from sporen.common.errors import InputError, Problem
from sporen.inputs.build import (  # noqa: F401  (re-exported: the loaders' one import)
    FORMAT_DOC,
    check_uncertainty,
    pydantic_problems,
    scenario_from_dict,
    unwrap_sources,
    validate_model,
)
from sporen.inputs.paths import SOURCE_KEYS, is_wrapper, item_label  # noqa: F401  (re-exported)
from sporen.inputs.plan import Plan, check_plan
from sporen.inputs.schema import Scenario
from sporen.inputs.types import (  # noqa: F401  (re-exported)
    bare_type,
    child_type,
    fields_of,
    is_model,
    key_type,
    literal_values,
    type_at,
)
from sporen.inputs.variants import load_file
from sporen.inputs.variants import load_variant as load_variant
from sporen.inputs.variants import load_with_variant as load_with_variant
from sporen.inputs.yamlfile import (  # noqa: F401  (re-exported)
    MAX_DEPTH,
    MAX_VALUES,
    MAX_YAML_BYTES,
    WORKBOOK_SUFFIXES,
    is_workbook,
    parse_yaml,
    read_yaml,
)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario: YAML, an XLSX workbook, or a variant YAML (by its `variant:` key)."""
    return load_file(path)


def load_scenario_or_variant(path: str | Path) -> Scenario:
    """A scenario (YAML or XLSX) or a variant (YAML with a `variant:` key), decided by the file."""
    return load_file(path)


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
