"""The inputs of the vangnet calculation: the rules per year and the BUIG accounts.

The vangnetuitkering (safety-net grant) compensates part of a large BUIG deficit. Its rules
(threshold, compensation tiers, the multi-year test) change from year to year, so they live in a
data file, `inputs/rules/vangnet.yaml`, one entry per year, each with a `status` that says how
sure we are of it and a `source` that says where it comes from. This module turns that file into
checked `VangnetRule` objects, and reads the accounts a planner gives the `sporen vangnet`
command (a CSV with one row per municipality and year: BUIG budget and spending in whole euros).

Both readers collect every problem they find and raise one `InputError`, each `Problem` naming
the file, the field (for the CSV: the row as a spreadsheet numbers it, header = row 1) and what
is allowed, so a planner can fix the file in one pass. The arithmetic is in `sim/vangnet.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from sporen.common.errors import InputError, Problem, Problems
from sporen.inputs.schema import MAX_MONEY, NumberProblem, Scenario, StrictModel
from sporen.inputs.textfile import csv_rows, number_problem, parse_number, read_text
from sporen.inputs.yamlfile import read_yaml

DEFAULT_RULES_PATH = Path(__file__).parent / "rules" / "vangnet.yaml"
ACCOUNT_COLUMNS = ("municipality", "year", "budget", "spending")
MAX_ACCOUNT_ROWS = 100_000
"""One row per municipality and year: the Netherlands' 342 municipalities over a century fit 10 times."""


def _rule_error(field: str, message: str, allowed: str) -> PydanticCustomError:
    """A validation error that carries the exact field and what is allowed (see `_problems`)."""
    return PydanticCustomError(
        "vangnet_rule", message.replace("{", "(").replace("}", ")"),
        {"field": field, "allowed": allowed},
    )


class VangnetTier(StrictModel):
    """A band of the deficit share (share of the BUIG budget) and the rate compensated in it."""

    lower: float = Field(ge=0)
    upper: float | None = Field(default=None, gt=0)
    rate: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _upper_above_lower(self) -> VangnetTier:
        if self.upper is not None and self.upper <= self.lower:
            raise _rule_error(
                "upper", f"upper {self.upper} is not above lower {self.lower}",
                "a share above lower, or null for no upper end",
            )
        return self


AssumedPart = Literal["threshold", "tiers", "tiers.lower", "tiers.upper", "tiers.rate", "cumulative_years",
                      "cumulative_threshold"]
"""The fields of a rule that `assumed` may name."""
STATUSES = ("verified", "documented", "assumed")


class VangnetRule(StrictModel):
    """The vangnet rule of one year; all shares are shares of that year's BUIG budget."""

    year: int = Field(ge=1900, le=2100)
    threshold: float = Field(ge=0, le=1)
    tiers: list[VangnetTier] = Field(min_length=1)
    cumulative_years: int = Field(ge=0, le=10)
    cumulative_threshold: float = Field(default=0.0, ge=0, le=1)
    status: Literal["verified", "documented", "assumed"]
    assumed: list[AssumedPart] = Field(default_factory=list)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _assumed_matches_status(self) -> VangnetRule:
        if self.status == "assumed" and not self.assumed:
            raise _rule_error("assumed", "status assumed names no assumed field",
                              "the assumed fields, e.g. [tiers]")
        if self.status != "assumed" and self.assumed:
            raise _rule_error("assumed", f"status {self.status} cannot have assumed fields",
                              "[] or status: assumed")
        return self

    @model_validator(mode="after")
    def _tiers_join(self) -> VangnetRule:
        for i, (below, above) in enumerate(zip(self.tiers, self.tiers[1:], strict=False)):
            if below.upper is None:
                raise _rule_error(
                    f"tiers[{i}].upper", "only the last tier may have no upper end",
                    f"a share equal to tiers[{i + 1}].lower",
                )
            if not math.isclose(below.upper, above.lower, abs_tol=1e-12):
                raise _rule_error(
                    f"tiers[{i + 1}].lower",
                    f"lower {above.lower} does not join the upper {below.upper} of tiers[{i}]",
                    "tiers lowest first, each starting where the previous one ends",
                )
        return self


class _RulesFile(StrictModel):
    rules: list[VangnetRule] = Field(min_length=1)


_ALLOWED = {
    "missing": "a required field",
    "extra_forbidden": "fields of a rule: year, threshold, tiers, cumulative_years, "
    "cumulative_threshold, status, assumed, source; of a tier: lower, upper, rate",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number, as a share: 0.05 for 5%",
    "float_type": "a number, as a share: 0.05 for 5%",
    "list_type": "a list",
    "too_short": "at least one entry",
    "model_type": "a mapping of field: value",
    "model_attributes_type": "a mapping of field: value",
    "string_type": "text",
}


def _problems(file: str, error: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into Problems that name the field and what is allowed."""
    problems = []
    for err in error.errors():
        loc = list(err["loc"])
        ctx = err.get("ctx") or {}
        if err["type"] == "vangnet_rule":
            loc.append(ctx["field"])
            allowed = ctx["allowed"]
        elif "expected" in ctx:
            allowed = f"one of {ctx['expected']}"
        elif err["type"] in ("greater_than_equal", "greater_than", "less_than_equal"):
            words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
            allowed = ", ".join(f"{words[k]} {v}" for k, v in ctx.items() if k in words)
        else:
            allowed = _ALLOWED.get(err["type"], "")
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = err["msg"].removeprefix("Value error, ")
        if isinstance(ctx.get("error"), NumberProblem):
            path += f".{ctx['error'].where}" if ctx["error"].where else ""
        if err["type"] == "value_error" and "(allowed:" in message:
            message, _, allowed = message.partition(" (allowed:")
            allowed = allowed.rstrip(")").strip()
        if err["type"] not in ("missing", "value_error") and "input" in err and not isinstance(err["input"], dict):
            message = f"{message}, got {err['input']!r}"
        problems.append(Problem(file, path, message, allowed))
    return problems


def load_vangnet_rules(path: Path | None = None) -> dict[int, VangnetRule]:
    """Read and check a vangnet rules file; default: the bundled `inputs/rules/vangnet.yaml`.

    Returns the rules keyed by year. Raises `InputError` listing every problem found.
    """
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    file = str(path)
    shape = "a YAML file with a list `rules:` of one rule per year (see inputs/rules/vangnet.yaml)"
    raw: Any = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError([Problem(file, "", "expected a mapping with the key `rules`", shape)])
    try:
        parsed = _RulesFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_problems(file, exc)) from None

    rules: dict[int, VangnetRule] = {}
    problems = []
    for i, rule in enumerate(parsed.rules):
        if rule.year in rules:
            problems.append(Problem(
                file, f"rules[{i}].year", f"a second rule for {rule.year}", "one rule per year",
            ))
        rules[rule.year] = rule
    if problems:
        raise InputError(problems)
    return dict(sorted(rules.items()))


def _whole_number(text: str, convention: str | None = None) -> int | None:
    """A whole number by `inputs.numbers` ("2253777", "2.253.777", "€ 2.253.777", "-5"), or None.

    An ambiguous "1.000" (a thousand in Dutch, one in English) is read by the file's convention
    and refused when the file has none; a number with decimals is not whole.
    """
    value = parse_number(text, convention)
    return int(value) if value is not None and float(value).is_integer() else None


def load_accounts(path: Path) -> pd.DataFrame:
    """Read a BUIG accounts CSV: columns municipality, year, budget, spending (whole euros).

    Accepts comma- or semicolon-separated files (as Dutch spreadsheets export them) and skips
    blank lines. The returned frame is indexed by the row number a spreadsheet shows (header =
    row 1), so later problems (e.g. from `sim.vangnet.vangnet_table`) can name the row.
    Raises `InputError` listing every problem found.
    """
    path = Path(path)
    file = str(path)
    shape = "a CSV file with the columns " + ", ".join(ACCOUNT_COLUMNS)
    text = read_text(path, shape)
    header, reader, delimiter = csv_rows(text, file, MAX_ACCOUNT_ROWS)
    problems = Problems(Problem(file, "row 1", f"missing column {name!r}", shape)
                        for name in ACCOUNT_COLUMNS if name not in header)
    problems += (Problem(file, "row 1", f"unknown column {name!r}", shape)
                 for name in dict.fromkeys(header) if name not in ACCOUNT_COLUMNS)
    problems += (Problem(file, "row 1", f"column {name!r} appears {header.count(name)} times", shape)
                 for name in ACCOUNT_COLUMNS if header.count(name) > 1)
    if problems:
        raise InputError(problems)

    problems = Problems()
    records: dict[int, dict[str, Any]] = {}
    seen: dict[tuple[str, int | None], int] = {}  # (municipality, year) -> first row
    whole = "a whole number of euros, e.g. 2253777, 2.253.777 or € 2.253.777"
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(
                file, f"row {row}", f"{len(cells)} fields, expected {len(header)}",
                f"one value per column, separated by {delimiter!r}",
            ))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        record: dict[str, Any] = {"municipality": values["municipality"]}
        if not record["municipality"]:
            problems.append(Problem(file, f"row {row}.municipality", "empty", "a name"))
        year = int(values["year"]) if re.fullmatch(r"[0-9]{4}", values["year"]) else None
        if year is None or not 1900 <= year <= 2100:
            problems.append(Problem(
                file, f"row {row}.year", f"{values['year']!r} is not a year", "e.g. 2018",
            ))
        record["year"] = year
        for name, least in (("budget", 1), ("spending", 0)):
            amount = _whole_number(values[name], reader.convention)
            if amount is None:
                problems.append(Problem(
                    file, f"row {row}.{name}",
                    number_problem(values[name], reader.convention)
                    if parse_number(values[name], reader.convention) is None
                    else f"{values[name]!r} is not a whole number",
                    whole,
                ))
            elif amount < least:
                problems.append(Problem(
                    file, f"row {row}.{name}", f"{amount} is too small",
                    "a positive amount" if least else "zero or more",
                ))
            elif amount > MAX_MONEY:
                problems.append(Problem(
                    file, f"row {row}.{name}", f"{amount:.6g} is too large", f"at most {MAX_MONEY:,} euros",
                ))
                amount = None
            record[name] = amount
        key = (record["municipality"], year)
        if year is not None and key in seen:
            problems.append(Problem(
                file, f"row {row}.year",
                f"{key[0]} {year} appears again (first in row {seen[key]})",
                "one row per municipality and year",
            ))
        seen.setdefault(key, row)
        records[row] = record
    if not records and not problems:
        problems.append(Problem(file, "", "no data rows below the header", shape))
    if problems:
        raise InputError(problems)

    frame = pd.DataFrame.from_dict(records, orient="index", columns=list(ACCOUNT_COLUMNS))
    frame.index.name = "row"
    return frame.astype({"year": "int64", "budget": "int64", "spending": "int64"})


def scenario_vangnet_rules(scenario: Scenario, base_dir: str | Path | None = None) -> dict[int, Any]:
    """The scenario's vangnet rules: `finance.vangnet_rules` (relative to `base_dir`, the scenario
    file's folder, when it exists there) or the bundled rules."""
    name = scenario.finance.vangnet_rules
    if name is None:
        return load_vangnet_rules(None)
    path = Path(name)
    if not path.is_absolute() and base_dir is not None and (Path(base_dir) / path).exists():
        path = Path(base_dir) / path
    return load_vangnet_rules(path)


def rule_statuses(rules: Mapping[int, VangnetRule], years: Iterable[int] | None = None) -> dict[int, str]:
    """{year: status} of the rules (verified, documented or assumed), for `years` (default all);
    a year without a rule is absent. Outputs use it to say which years' vangnet rests on assumed
    rules."""
    wanted = rules if years is None else [y for y in years if y in rules]
    return {int(y): rules[y].status for y in wanted}


def assumed_years(rules: Mapping[int, VangnetRule], years: Iterable[int] | None = None) -> list[int]:
    """The years (of `years`, default all) whose rule is assumed."""
    return [y for y, status in rule_statuses(rules, years).items() if status == "assumed"]


def status_note(rules: Mapping[int, VangnetRule], years: Iterable[int]) -> str:
    """One line for a planner: which years' rules are verified, documented or assumed."""
    statuses = rule_statuses(rules, years)
    parts = []
    for status in STATUSES:
        chosen = [y for y, s in statuses.items() if s == status]
        if chosen:
            parts.append(f"{status} {_span_text(chosen)}")
    missing = [y for y in years if y not in statuses]
    if missing:
        parts.append(f"no rule {_span_text(missing)}")
    return "vangnet rules: " + "; ".join(parts) if parts else "vangnet rules: none"


def _span_text(years: Iterable[int]) -> str:
    spans: list[list[int]] = []
    for year in sorted(set(years)):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
