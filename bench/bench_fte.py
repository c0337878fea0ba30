"""The fte lever measured: BMWE with +50% and -40% caseworker fte, paired with the baseline.

`python bench/bench_fte.py [--reps R] [--seed S] [--workers K] [--years Y] [--ends R2]` (default 60
replications, seed 20180101, the scenario's own 4 years). Every plan runs on the same seeds as the
baseline (common random numbers), so each difference is paired replication by replication and
its 95% interval is narrow. `--years 8` extends the horizon to 2018-2025 (the last budgets, the
participatiebudget and the other lines held flat; the vangnet rules reach 2025) so that a
pay-back later than 2021 gets a month; `--ends R2` repeats the two plans with R2 replications at
the two ends of the scenario's intensity ranges (`uncertainty`: the served multipliers and the
half-effect caseload all at their weak ends, then all at their strong ends).

The plans change every caseworker role (`function: caseworker`) from the start month plus the
role's lead time (5 months in bmwe.yaml: the staff arrive in June 2018): +50% (werkcoach 10 -> 15,
participatiespoor 4 -> 6 fte) and -40% (10 -> 6 and 4 -> 2.5: 14 -> 8.5 fte, -39%; steps of 0.5
fte). Printed per plan, with the 95% interval of the paired difference:

* size: caseload at the end of 2021, exits to work 2018-2021, BUIG spending 2018-2021, the
  exploitatie result 2018-2021 (spending, vangnet and personnel together), the extra personnel cost;
* pay-back: the month in which the cumulative BUIG saving since the staff arrived first covers the
  cumulative extra personnel cost (for -40%: in which the cumulative extra spending first exceeds
  the cumulative personnel saving), for the mean path and for the interval's two ends;
* the literature's ranges (DOMAIN.md) beside them, and whether the measured figures lie inside.

The literature (DOMAIN.md, effects table): the German BA pilot (490 extra caseworkers, Hainmueller
et al. 2016) earned its cost back in benefit savings after about 10 months, among unemployment
insurance claimants whose caseload turns over far faster than a bijstand caseload; SEO's
Bijstandsteller (24 -> 15 clients per staff member, +60% staff) gives a long-run stock of 530
instead of 750 (-29%; an elasticity of the stock to staff of -0.74, so -26% for +50%); Almere's
RCT gives +8 points to work at a caseload of at most 25; Amsterdam 2019-2021 found no significant
outflow effect. The range for +50% fte over a four-year horizon is therefore: a stock effect
between 0 (Amsterdam) and -26% (SEO, long run, whole department), exits to work up, and a
pay-back time of at least about 10 months (the German pilot's fast-turning caseload) that falls
within the horizon when the effect is as large as the Dutch evidence suggests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import load_scenario  # noqa: E402
from sporen.inputs.plan import Plan, StaffLevel, staff_arrival_month  # noqa: E402
from sporen.inputs.schema import Scenario  # noqa: E402
from sporen.sim.runner import simulate_seeds  # noqa: E402
from sporen.sim.stats import mean_ci  # noqa: E402

SEO_LONG_RUN_FOR_PLUS_50 = 1.5 ** (np.log(530 / 750) / np.log(24 / 15)) - 1   # about -0.26
GERMAN_PAYBACK_MONTHS = 10


def caseworker_plan(scenario: Scenario, change: float, name: str) -> Plan:
    """Every caseworker role's fte x (1 + change), to the nearest 0.5-fte step of fte_now."""
    staff = {}
    for role in scenario.roles:
        if role.function != "caseworker" or role.fte_now == 0:
            continue
        steps = round(role.fte_now * change / 0.5)
        staff[role.name] = StaffLevel(fte=role.fte_now + 0.5 * steps)
    return Plan(name=name, staff=staff)


def extended(scenario: Scenario, years: int) -> Scenario:
    """The scenario over `years` years: every yearly figure after its last year held at that value."""
    if years <= scenario.years:
        return scenario
    raw = scenario.model_dump()
    raw["years"] = years
    first = scenario.horizon_years[0]
    wanted = range(first, first + years)

    def hold(per_year: dict) -> dict:
        if not per_year:
            return per_year
        last = per_year[max(per_year)]
        return {y: per_year.get(y, last) if y > max(per_year) else per_year.get(y, 0) for y in wanted
                if y in per_year or y > max(per_year)}

    for g in raw["mergers"]:
        g["buig_budget"] = hold(g["buig_budget"])
    for m in raw["municipalities"]:
        if not any(m["name"] in g["municipalities"] for g in raw["mergers"]):
            m["buig_budget"] = hold(m["buig_budget"])
    raw["finance"]["participatiebudget"] = hold(raw["finance"]["participatiebudget"])
    raw["finance"]["other_lines"] = {k: hold(v) for k, v in raw["finance"]["other_lines"].items()}
    return Scenario.model_validate(raw)


INTENSITY = ("served_work_multiplier", "half_effect_caseload")


def at_end(scenario: Scenario, strong: bool) -> Scenario:
    """The scenario with its intensity parameters fixed at one end of their uncertainty ranges: the
    strong end is the high served multipliers and the low half-effect caseload."""
    raw = scenario.model_dump()
    for item in raw["uncertainty"]:
        if item["parameter"].endswith(INTENSITY):
            high = item["parameter"].endswith("served_work_multiplier") == strong
            value = item["high"] if high else item["low"]
            item["low"] = item["high"] = value
    return Scenario.model_validate(raw)


def monthly_by_replication(run, column: str) -> np.ndarray:
    """(replications, months) of a monthly column summed over municipalities, tracks and segments."""
    table = run.monthly.groupby(["replication", "month"])[column].sum().unstack("month").sort_index()
    return table.to_numpy(dtype=float)


def payback_month(net: np.ndarray, first: int) -> int | None:
    """First month index >= first where the cumulative net (saving - cost) is >= 0 and stays so
    for the rest of the horizon; None when it never does."""
    ok = net >= 0
    for m in range(first, len(net)):
        if ok[m:].all():
            return m
    return None


def describe(months: int | None, first: int) -> str:
    return "not within the horizon" if months is None else f"{months - first + 1} months after arrival"


def compare(scenario: Scenario, seeds: list, workers: int, label: str) -> None:
    """Baseline and the two plans on the same seeds; print size and pay-back."""
    frames = ("monthly", "yearly")
    base = simulate_seeds(scenario, None, seeds, workers=workers, frames=frames)
    b_spend = monthly_by_replication(base, "benefit_cost") + monthly_by_replication(base, "subsidy_cost")
    b_load = monthly_by_replication(base, "on_benefit") + monthly_by_replication(base, "without_benefit")
    b_work = monthly_by_replication(base, "outflow_work").sum(axis=1)
    b_yearly = base.yearly.groupby("replication")[["exploitatie_result", "spending", "personnel_cost"]].sum()
    last = scenario.horizon_years[-1]
    print(f"\n== {label}: {len(seeds)} paired replications, {scenario.horizon_years[0]}-{last}; baseline caseload at "
          f"the end {b_load[:, -1].mean():,.0f}, BUIG spending EUR {b_spend.sum(axis=1).mean():,.0f}")

    for change, name in ((0.5, "+50% caseworker fte"), (-0.4, "-40% caseworker fte")):
        plan = caseworker_plan(scenario, change, name)
        run = simulate_seeds(scenario, plan, seeds, workers=workers, frames=frames)
        spend = monthly_by_replication(run, "benefit_cost") + monthly_by_replication(run, "subsidy_cost")
        load = monthly_by_replication(run, "on_benefit") + monthly_by_replication(run, "without_benefit")
        work = monthly_by_replication(run, "outflow_work").sum(axis=1)
        yearly = run.yearly.groupby("replication")[["exploitatie_result", "spending", "personnel_cost"]].sum()
        first = min(staff_arrival_month(plan, scenario, r) for r in plan.staff)
        extra_fte = {r: level.fte - scenario.role(r).fte_now for r, level in plan.staff.items()}
        cost_month = np.zeros(scenario.months)
        for r, d in extra_fte.items():
            cost_month[staff_arrival_month(plan, scenario, r):] += d * scenario.role(r).cost_per_fte_year / 12
        saving = b_spend - spend                      # (R, months): BUIG saved by the plan
        sign = 1.0 if change > 0 else -1.0            # -40%: the personnel saving is the "cost" side
        net = sign * (np.cumsum(saving, axis=1) - np.cumsum(cost_month)[None, :])
        mean_net = net.mean(axis=0)
        half = np.array([mean_ci(net[:, m])[4] - net[:, m].mean() for m in range(net.shape[1])])
        pay = payback_month(mean_net, first)
        pay_lo = payback_month(mean_net + half, first)   # the favourable end of the interval
        pay_hi = payback_month(mean_net - half, first)
        print(f"{name}: " + ", ".join(f"{r} {scenario.role(r).fte_now:g} -> {lv.fte:g}"
                                       for r, lv in plan.staff.items()) + f" fte from month {first + 1}")

        def line(text: str, values: np.ndarray, unit: str = "") -> None:
            n, mean, _, lo, hi = mean_ci(values)
            print(f"  {text:<46} {mean:+14,.1f}{unit}  [95% CI {lo:+,.1f}; {hi:+,.1f}]")

        line(f"caseload end {last} (clients)", load[:, -1] - b_load[:, -1])
        line(f"caseload end {last} (% of baseline)", 100 * (load[:, -1] / b_load[:, -1] - 1), " %")
        line("exits to work (% of baseline)", 100 * (work / b_work - 1), " %")
        line("BUIG spending (EUR)", spend.sum(axis=1) - b_spend.sum(axis=1))
        line("personnel cost (EUR)", (yearly["personnel_cost"] - b_yearly["personnel_cost"]).to_numpy())
        line("exploitatie result (EUR)", (yearly["exploitatie_result"] - b_yearly["exploitatie_result"]).to_numpy())
        what = "pays back" if change > 0 else "the cut is eaten by extra spending"
        print(f"  {what}: {describe(pay, first)} (95% CI: {describe(pay_lo, first)} .. {describe(pay_hi, first)})")
        if change > 0:
            stock = 100 * (load[:, -1].mean() / b_load[:, -1].mean() - 1)
            inside = SEO_LONG_RUN_FOR_PLUS_50 * 100 <= stock < 0
            after = None if pay is None else pay - first + 1
            pay_ok = after is None or after >= GERMAN_PAYBACK_MONTHS
            print(f"  literature range: stock effect {stock:+.1f}% within [SEO {SEO_LONG_RUN_FOR_PLUS_50:+.0%}, "
                  f"Amsterdam 0): {'yes' if inside else 'NO'}; pay-back between the German pilot's ~"
                  f"{GERMAN_PAYBACK_MONTHS} months and never (Amsterdam): {'yes' if pay_ok else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20180101)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--years", type=int, default=0, help="extend the horizon to this many years")
    parser.add_argument("--ends", type=int, default=0, help="replications at each end of the intensity ranges")
    parser.add_argument("--scenario", default=str(ROOT / "inputs" / "scenarios" / "bmwe.yaml"))
    args = parser.parse_args()

    print(f"bench_fte.py, {dt.date.today().isoformat()}; {describe_machine()}")
    scenario = extended(load_scenario(args.scenario), args.years)
    print(f"literature (DOMAIN.md): pay-back about {GERMAN_PAYBACK_MONTHS} months (German pilot, UI claimants); "
          f"SEO Bijstandsteller long-run stock {SEO_LONG_RUN_FOR_PLUS_50:+.0%} for +50% staff; Almere +8 points to "
          "work at a caseload <= 25 (bmwe.yaml's curve is anchored on it); Amsterdam: no significant effect")
    compare(scenario, np.random.SeedSequence(args.seed).spawn(args.reps), args.workers,
            f"{scenario.name}, intensity drawn per replication in its uncertainty ranges")
    if args.ends:
        seeds = np.random.SeedSequence(args.seed).spawn(args.ends)
        compare(at_end(scenario, False), seeds, args.workers, "weak end (served multipliers low, half-effect 25)")
        compare(at_end(scenario, True), seeds, args.workers, "strong end (served multipliers high, half-effect 5)")


if __name__ == "__main__":
    main()
