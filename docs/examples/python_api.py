"""sporen from Python: simulate a scenario, try a plan, compare a policy variant.

Run from the repository root: `python docs/examples/python_api.py`. It prints what
docs/examples/python_api.out shows (tests/test_api.py runs it and compares the two: every line, word
and order; the figures move when the engine's random draws change -- then rewrite the .out file
with `python docs/examples/python_api.py > docs/examples/python_api.out`). Every function returns
pandas frames (or a result holding them); nothing is written to disk.
"""

import sporen

# 1. A scenario: the bundled BMWE one (four municipalities, 2018-2021), validated.
scenario = sporen.load_scenario("inputs/scenarios/bmwe.yaml")
print(f"{scenario.name}: {len(scenario.municipalities)} municipalities, {scenario.start} + {scenario.years} years")

# 2. Simulate the baseline on 8 futures; `run.yearly` has one row per future, year and municipality.
run = sporen.simulate(scenario, replications=8, seed=1, workers=2)
result = run.yearly.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
print("BUIG result after vangnet, mean over 8 futures (EUR):")
for year, value in result.items():
    print(f"  {year}: {value:,.0f}")

# 3. A plan: one more fte for the work track's caseworkers, simulated on the same futures (paired).
role = next(r for r in scenario.roles if r.function == "caseworker")
plan = sporen.Plan(name="one more caseworker", staff={role.name: {"fte": role.fte_now + 1}})
with_plan = sporen.simulate(scenario, plan, replications=8, seed=1, workers=2, frames=("yearly",))
difference = (with_plan.yearly["result_after_vangnet"].sum() - run.yearly["result_after_vangnet"].sum()) / 8
print(f"+1 fte {role.name}: result after vangnet over the horizon {difference:+,.0f} EUR per future (paired)")

# 4. A policy variant against its base on the same futures, with 95% confidence intervals.
comparison = sporen.compare("inputs/scenarios/bmwe.yaml", ["inputs/scenarios/variants/bmwe-social.yaml"],
                            replications=8, seed=1, workers=2)
total = comparison[(comparison["measure"] == "result_after_vangnet") & (comparison["municipality"] == "all")
                   & (comparison["year"] == "all")].iloc[0]
print(f"bmwe-social minus base: {total['diff_mean']:+,.0f} EUR [95% CI {total['ci_low']:+,.0f}; "
      f"{total['ci_high']:+,.0f}]")
