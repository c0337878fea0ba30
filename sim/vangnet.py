"""The vangnet (safety-net grant): how much of a BUIG deficit the state compensates.

A municipality pays its bijstand benefits from the yearly BUIG budget and its deficit from its
own funds. When the deficit is large, the vangnetuitkering compensates part of it, by the rule
of that year (see `inputs/rules/vangnet.yaml`, MODEL.md section 5):

* the deficit share d = deficit / BUIG budget must be MORE than the year's threshold;
* when the rule has a multi-year test, the BUIG results of the last `cumulative_years` years
  (this one included; surpluses offset deficits) must sum to a deficit of MORE than
  `cumulative_threshold` x this year's budget;
* then the compensation is, summed over the tiers, the part of the deficit inside the tier
  times the tier's rate, rounded to whole euros, half up.

Amounts are computed in exact decimals (a share such as 0.05 means exactly 5%), so 2018 for the
four BMWE municipalities gives the seed's own figures to the euro. These functions are pure (no
I/O, no randomness): the simulation calls `vangnet_table` on its yearly results, and the
`sporen vangnet` command calls it on a planner's accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from sporen.inputs.vangnet_rules import VangnetRule

ACCOUNT_COLUMNS = ["municipality", "year", "budget", "spending"]


@dataclass(frozen=True)
class VangnetIssue:
    """One reason the vangnet cannot be computed; `row` is the accounts' index label, if any."""

    row: object
    field: str
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}.{self.field}: " if self.row is not None else f"{self.field}: "
        return where + self.message + (f" ({self.allowed})" if self.allowed else "")


class VangnetError(ValueError):
    """The accounts and rules do not allow a vangnet calculation; `issues` lists every reason."""

    def __init__(self, issues: list[VangnetIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(issue) for issue in issues))


def _share(value: float) -> Decimal:
    """The share exactly as written in the rules (0.05 -> Decimal('0.05'))."""
    return Decimal(repr(float(value)))


def vangnet_eligible(budget: int, spending: int, cumulative_result: int, rule: VangnetRule) -> bool:
    """Whether the year qualifies: deficit share above the threshold and the multi-year test met.

    `cumulative_result` is the summed BUIG result (budget - spending; negative = deficit) of the
    rule's cumulative years, this year included; it is ignored when the rule has no such test.
    """
    if budget <= 0:
        raise VangnetError([VangnetIssue(None, "budget", f"{budget} is not positive", "> 0")])
    deficit = spending - budget
    if deficit <= _share(rule.threshold) * budget:
        return False
    if rule.cumulative_years == 0:
        return True
    return -cumulative_result > _share(rule.cumulative_threshold) * budget


def vangnet_compensation(
    budget: int, spending: int, cumulative_result: int, rule: VangnetRule
) -> int:
    """The vangnet for one municipality and year, in whole euros (0 when not eligible)."""
    if not vangnet_eligible(budget, spending, cumulative_result, rule):
        return 0
    deficit = Decimal(spending - budget)
    total = Decimal(0)
    for tier in rule.tiers:
        lower = _share(tier.lower) * budget
        upper = deficit if tier.upper is None else min(deficit, _share(tier.upper) * budget)
        if upper > lower:
            total += (upper - lower) * _share(tier.rate)
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _years_text(years: list[int]) -> str:
    """2015, 2016, 2017, 2019 -> '2015-2017, 2019'."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans) or "none"


ASSESSMENTS = ("history", "surplus", "below threshold", "multi-year test not met", "compensated")
"""The `assessment` of a row of `vangnet_table`: why it gets the vangnet it gets."""
TABLE_COLUMNS = [
    "municipality", "year", "budget", "spending", "result", "deficit_share", "cumulative_result",
    "eligible", "compensation", "result_after_vangnet", "assessment", "rule_status",
]


# complexity over 15: the vangnet rule's cases (surplus, threshold, multi-year, merger) in one pass
def vangnet_table(accounts: pd.DataFrame, rules: Mapping[int, VangnetRule],  # noqa: C901
                  predecessors: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """The vangnet per row of `accounts` (columns municipality, year, budget, spending).

    Returns one row per input row, same order and index, with the columns `TABLE_COLUMNS`:
    municipality, year, budget, spending, result (budget - spending), deficit_share (0 for a
    surplus), cumulative_result (summed result of the multi-year test's years; empty where the
    rule has no such test or the row is not tested), eligible, compensation, result_after_vangnet
    (result + compensation), assessment (one of `ASSESSMENTS`) and rule_status (the status of the
    year's rule: verified, documented or assumed; empty for history rows).

    * A year whose result is a surplus (or nil) gets no vangnet whatever its history: assessment
      "surplus", eligible False, even when the years its multi-year test would sum are missing.
    * Rows that only serve as history get no vangnet and are not assessed (assessment "history",
      eligible and cumulative_result empty): rows for years before the first year with rules (the
      vangnet started in 2015), and rows whose own multi-year test lacks earlier years but which
      complete the test of a later row of the same municipality (given 2017-2021, the 2019 test
      uses 2017 and 2018).
    * `predecessors` maps a merged municipality to the municipalities it was formed from (MODEL.md
      2): a year it has no row for counts, in its multi-year test, as the sum of its predecessors'
      results that year when every predecessor has a row for it.

    Any other year without a rule, any other deficit row whose test lacks earlier years, a
    duplicate municipality-year or a budget that is not positive raises `VangnetError` listing
    every issue.
    """
    missing = [name for name in ACCOUNT_COLUMNS if name not in accounts.columns]
    if missing:
        raise VangnetError([VangnetIssue(
            None, "columns", f"missing {', '.join(missing)}", ", ".join(ACCOUNT_COLUMNS),
        )])
    rows = [
        (label, muni, int(year), int(budget), int(spending))
        for label, muni, year, budget, spending
        in accounts[ACCOUNT_COLUMNS].itertuples(index=True, name=None)
    ]
    issues: list[VangnetIssue] = []
    results: dict[tuple[object, int], int] = {}
    for label, muni, year, budget, spending in rows:
        if (muni, year) in results:
            issues.append(VangnetIssue(
                label, "year", f"{muni} {year} appears twice", "one row per municipality and year",
            ))
        results[(muni, year)] = budget - spending
        if budget <= 0:
            issues.append(VangnetIssue(label, "budget", f"{budget} is not positive", "> 0"))
    first_rule_year = min(rules, default=None)
    # keyed by object: the frame's municipality values are looked up in it
    before: dict[object, Sequence[str]] = {name: parts for name, parts in (predecessors or {}).items()}

    def result_of(muni: object, year: int) -> int | None:
        """The year's BUIG result of a municipality, or of its predecessors summed."""
        if (muni, year) in results:
            return results[(muni, year)]
        parts = before.get(muni)
        if not parts:
            return None
        values = [results.get((p, year)) for p in parts]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    # The multi-year test's years per row, and which rows only serve as history for the test of
    # a later row whose test years are all present.
    windows: dict[tuple[object, int], list[int]] = {}
    for _, muni, year, _, _ in rows:
        rule = rules.get(year)
        if rule is not None and rule.cumulative_years > 0:
            windows[(muni, year)] = list(range(year - rule.cumulative_years + 1, year + 1))
    complete = {key for key, window in windows.items()
                if all(result_of(key[0], y) is not None for y in window)}
    history = {(key[0], y) for key in complete for y in windows[key][:-1]}
    history |= {(part, y) for key in complete for y in windows[key][:-1] if (key[0], y) not in results
                for part in before.get(key[0], ())}

    columns: dict[str, list] = {name: [] for name in (
        "cumulative_result", "eligible", "compensation", "assessment", "rule_status",
    )}
    for label, muni, year, budget, spending in rows:
        rule = rules.get(year)
        window = windows.get((muni, year))
        cumulative: int | None = None
        eligible: bool | None = None
        compensation, assessment, status = 0, "history", ""
        if rule is None:
            if first_rule_year is None or year > first_rule_year:
                issues.append(VangnetIssue(
                    label, "year", f"no vangnet rules for {year}",
                    f"years with rules: {_years_text(list(rules))}",
                ))
        elif window is not None and (muni, year) not in complete:
            if (muni, year) not in history and spending > budget:
                lacking = [y for y in window if result_of(muni, y) is None]
                issues.append(VangnetIssue(
                    label, "year",
                    f"the {rule.cumulative_years}-year test of {year} needs {muni}'s results for "
                    f"{_years_text(lacking)}, which the accounts lack",
                    f"add rows for {muni} {_years_text(lacking)}",
                ))
            elif (muni, year) not in history:
                eligible, assessment, status = False, "surplus", rule.status
        else:
            if window is not None:
                cumulative = sum(result_of(muni, y) or 0 for y in window)
            status = rule.status
            if budget > 0:
                eligible = vangnet_eligible(budget, spending, cumulative or 0, rule)
                compensation = vangnet_compensation(budget, spending, cumulative or 0, rule)
                assessment = _assessment(budget, spending, eligible, rule)
        columns["cumulative_result"].append(cumulative)
        columns["eligible"].append(eligible)
        columns["compensation"].append(compensation)
        columns["assessment"].append(assessment)
        columns["rule_status"].append(status)
    if issues:
        raise VangnetError(issues)

    table = pd.DataFrame(
        {
            "municipality": [row[1] for row in rows],
            "year": [row[2] for row in rows],
            "budget": [row[3] for row in rows],
            "spending": [row[4] for row in rows],
        },
        index=accounts.index,
    ).astype({"year": "int64", "budget": "int64", "spending": "int64"})
    table["result"] = table["budget"] - table["spending"]
    table["deficit_share"] = (-table["result"]).clip(lower=0) / table["budget"]
    table["cumulative_result"] = pd.array(columns["cumulative_result"], dtype="Int64")
    table["eligible"] = pd.array(columns["eligible"], dtype="boolean")
    table["compensation"] = pd.array(columns["compensation"], dtype="int64")
    table["result_after_vangnet"] = table["result"] + table["compensation"]
    table["assessment"] = columns["assessment"]
    table["rule_status"] = columns["rule_status"]
    return table


def _assessment(budget: int, spending: int, eligible: bool, rule: VangnetRule) -> str:
    """Why an assessed row gets its vangnet (see `ASSESSMENTS`)."""
    if spending <= budget:
        return "surplus"
    if eligible:
        return "compensated"
    if spending - budget <= _share(rule.threshold) * budget:
        return "below threshold"
    return "multi-year test not met"
