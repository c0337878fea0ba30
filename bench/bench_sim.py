"""Benchmark of the simulation engine on one core: `python bench/bench_sim.py` (or `make bench`).

Prints the machine and date, then
1. client-months simulated per second and ms per replication for inputs/scenarios/bmwe.yaml
   (tests/data/tiny.yaml scaled x10 to BMWE's size when bmwe.yaml is absent), against raw SimPy
   `env.timeout` events per second measured in the same run (the ratio is the engine's speed in
   units of bare SimPy events, so it means the same on a busy or a quiet machine);
2. a synthetic national scenario (~400,000 clients on benefit at the start, 5 years, one
   replication, intensity curves on every track): wall and CPU time, client-months per second and
   peak memory (resource.getrusage), and the exponent of CPU time against clients from 10% of
   that size (a log-log slope: 1 is linear).
The runner's 1,000-replication figure comes from `bench_replications()` in bench/bench_runner.py
when that file exists.

Options: --reps N (replications for 1., default 50), --skip-bmwe, --skip-national,
--national-scale F (fraction of the national size, default 1.0), --no-intensity (the national
tracks without intensity curves), --skip-exponent (no 10% run), --skip-runner.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

from sporen.inputs.load import load_scenario  # noqa: E402
from sporen.inputs.plan import baseline_plan  # noqa: E402
from sporen.inputs.schema import Scenario  # noqa: E402
from sporen.sim.engine import run_replication  # noqa: E402


def scaled(scenario: Scenario, factor: int) -> Scenario:
    """A scenario with every municipality's stock, applications and every fte x factor."""
    raw = scenario.model_dump()
    for m in raw["municipalities"]:
        m["initial_stock"] = {k: v * factor for k, v in m["initial_stock"].items()}
        m["applications_per_month"] = {k: v * factor for k, v in m["applications_per_month"].items()}
    for r in raw["roles"]:
        r["fte_now"] *= factor
        r["max_fte"] = None
    return Scenario.model_validate(raw)


def bmwe_sized() -> tuple[str, Scenario]:
    path = ROOT / "inputs" / "scenarios" / "bmwe.yaml"
    if path.exists():
        return "inputs/scenarios/bmwe.yaml", load_scenario(path)
    tiny = load_scenario(ROOT / "tests" / "data" / "tiny.yaml")
    raw = scaled(tiny, 10).model_dump()
    raw["years"] = 4
    for m in raw["municipalities"]:
        m["buig_budget"] = {y: 10**8 for y in range(2018, 2022)}
    return "tests/data/tiny.yaml x10, 4 years", Scenario.model_validate(raw)


def simpy_events_per_s(events: int = 300_000) -> float:
    """Raw SimPy: `env.timeout` events per CPU second of one process looping over them."""
    import simpy

    def loop(env: simpy.Environment):
        for _ in range(events):
            yield env.timeout(1.0)

    best = 0.0
    for _ in range(3):
        env = simpy.Environment()
        env.process(loop(env))
        t0 = time.process_time()
        env.run()
        best = max(best, events / (time.process_time() - t0))
    return best


def national_scenario(scale: float = 1.0, regions: int = 40, intensity: bool = True) -> Scenario:
    """Synthetic national scenario: ~400,000 clients on benefit, 5 years, 40 regions x 3 segments.

    Rates follow DOMAIN.md's public figures: about 26% of the stock leaves in a year, inflow about
    the same, 9% of work exits back within 18 months; three tracks as in BMWE with 80-115
    clients per caseworker and instruments on every track."""
    per_region = int(round(10_000 * scale))
    bands = [0, 12, 36]
    haz = {
        "werkspoor": {"work": [0.022, 0.012, 0.006], "partial_work": [0.004, 0.003, 0.002],
                      "moved": [0.004, 0.004, 0.003], "pension": [0.0005, 0.0008, 0.0015],
                      "partner_income": [0.002, 0.0015, 0.001], "death": [0.0003, 0.0004, 0.0005],
                      "other": [0.005, 0.004, 0.003]},
        "werkleerspoor": {"work": [0.010, 0.006, 0.003], "moved": [0.004, 0.004, 0.003],
                          "pension": [0.0006, 0.001, 0.002], "partner_income": [0.002, 0.0015, 0.001],
                          "death": [0.0004, 0.0005, 0.0006], "other": [0.005, 0.004, 0.003]},
        "participatiespoor": {"work": [0.003, 0.0015, 0.0008], "moved": [0.003, 0.003, 0.003],
                              "pension": [0.001, 0.0015, 0.0025], "partner_income": [0.0015, 0.001, 0.0006],
                              "death": [0.001, 0.0012, 0.0016], "other": [0.004, 0.003, 0.002]},
    }
    split = {"regular": 0.7, "refugees": 0.15, "young": 0.15}
    years = 5
    municipalities = [{
        "name": f"regio-{i:02d}",
        "buig_budget": {2020 + y: int(per_region * 14_000 * 0.97) for y in range(years)},
        "initial_stock": {s: int(round(per_region * f)) for s, f in split.items()},
        "applications_per_month": {s: per_region * 0.26 / 12 / 0.85 * f for s, f in split.items()},
    } for i in range(regions)]
    n = per_region * regions
    fte = lambda clients, caseload: round(clients / caseload * 2) / 2  # noqa: E731
    raw = {
        "name": "national-synthetic", "start": "2020-01", "years": years, "duration_bands": bands,
        "municipalities": municipalities,
        "segments": [
            {"name": "regular", "benefit_per_month": 1170, "share_without_benefit": 0.03,
             "ladder_at_entry": {1: 0.12, 2: 0.22, 3: 0.18, 4: 0.14, 5: 0.19, 6: 0.15},
             "initial_duration": [0.25, 0.25, 0.5], "seasonality": [1.2, 1.1, 1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 1.0,
                                                                     1.0, 1.0, 1.1]},
            {"name": "refugees", "benefit_per_month": 1170,
             "ladder_at_entry": {1: 0.2, 2: 0.35, 3: 0.25, 4: 0.12, 5: 0.05, 6: 0.03},
             "initial_duration": [0.15, 0.35, 0.5], "hazard_multipliers": {"pension": 0.2}},
            {"name": "young", "benefit_per_month": 1000, "application_trend_per_year": 0.02,
             "ladder_at_entry": {1: 0.02, 2: 0.1, 3: 0.25, 4: 0.23, 5: 0.25, 6: 0.15},
             "initial_duration": [0.45, 0.35, 0.2], "hazard_multipliers": {"work": 1.3, "pension": 0.0}},
        ],
        "gate": {"intake_role": "intake", "intakes_per_fte_per_month": 30,
                 "decisions": {"granted": 0.85, "rejected": 0.04, "withdrawn": 0.05, "not_processed": 0.03,
                               "no_application": 0.03}},
        "tracks": [
            {"name": "werkspoor", "caseworker_role": "km_werk", "caseload_per_fte": 80, "ladder": [5, 6],
             "hazards": haz["werkspoor"], "served_work_multiplier": 1.4},
            {"name": "werkleerspoor", "caseworker_role": "km_werkleer", "caseload_per_fte": 80, "ladder": [3, 4],
             "hazards": haz["werkleerspoor"], "served_work_multiplier": 1.5,
             "transitions": [{"to": "werkspoor", "rate_per_month": 0.004}]},
            {"name": "participatiespoor", "caseworker_role": "km_participatie", "caseload_per_fte": 115,
             "ladder": [1, 2], "hazards": haz["participatiespoor"], "served_work_multiplier": 1.3,
             "transitions": [{"to": "werkleerspoor", "rate_per_month": 0.004}]},
        ],
        "roles": [
            {"name": "km_werk", "function": "caseworker", "fte_now": fte(0.3 * n * 0.8, 80),
             "cost_per_fte_year": 70000},
            {"name": "km_werkleer", "function": "caseworker", "fte_now": fte(0.33 * n * 0.8, 80),
             "cost_per_fte_year": 70000},
            {"name": "km_participatie", "function": "caseworker", "fte_now": fte(0.37 * n * 0.7, 115),
             "cost_per_fte_year": 70000},
            {"name": "intake", "function": "intake", "fte_now": fte(n * 0.26 / 12 / 0.85 * 1.2, 30),
             "cost_per_fte_year": 70000},
            {"name": "handhaving", "function": "enforcement", "fte_now": fte(n, 1000), "cost_per_fte_year": 70000,
             "enforcement_hazard_per_fte": 0.0003 / max(fte(n, 1000), 0.5)},
            {"name": "werkgeversdienst", "function": "employer_services", "fte_now": 2.0 * regions,
             "cost_per_fte_year": 70000, "work_multiplier_per_fte": 0.2 / (2.0 * regions)},
        ],
        "instruments": [
            {"name": "loc", "track": "werkleerspoor", "cost_per_participant": 2500, "duration_months": 4,
             "places_per_year": int(n * 0.1), "work_multiplier_while_in": 3.0, "work_probability_at_end": 0.35},
            {"name": "ttac", "track": "participatiespoor", "cost_per_participant": 1500, "duration_months": 6,
             "places_per_year": int(n * 0.05), "work_probability_at_end": 0.1},
            {"name": "lks", "track": "werkspoor", "kind": "wage_cost_subsidy", "duration_months": 24,
             "places_per_year": int(n * 0.015), "paid_from": "buig"},
        ],
        "wage_cost_subsidy": {"minimum_wage_month": 1900},
        "measures": [{"name": "screening", "on_in_baseline": True, "start_offset_months": 12,
                      "duration_months": 24, "effects": {"hazard_multipliers": {"prior_provision": 5.0},
                                                         "extra_fte": {"km_werk": 10.0}}}],
        "policy": {"priority": "kansrijk_first", "benefit_pause_months": 3},
        "returns": {"share_back": 0.09, "within_months": 18},
    }
    for t in raw["tracks"]:
        t["hazards"]["prior_provision"] = [0.0001] * len(bands)
        t["hazards"]["enforcement"] = [0.0001] * len(bands)
        if intensity:  # as BMWE's curves: the served multiplier at the formation's caseload, H = 10
            t["intensity"] = {"reference_caseload": t["caseload_per_fte"] * 0.95, "half_effect_caseload": 10}
    return Scenario.model_validate(raw)


def client_months(result) -> int:
    mo = result.monthly
    return int((mo.on_benefit + mo.without_benefit).sum())


def bench_bmwe(reps: int) -> dict:
    label, sc = bmwe_sized()
    plan = baseline_plan(sc)
    run_replication(sc, plan, np.random.SeedSequence(0))  # warm up
    times, months = [], []
    for i, seed in enumerate(np.random.SeedSequence(2026).spawn(reps)):
        t0 = time.process_time()
        result = run_replication(sc, plan, seed, i)
        times.append(time.process_time() - t0)
        months.append(client_months(result))
    times_arr = np.array(times)
    per_rep = float(np.median(times_arr))
    return {"label": label, "reps": reps, "ms_per_rep": per_rep * 1000, "ms_min": times_arr.min() * 1000,
            "client_months_per_rep": float(np.mean(months)),
            "client_months_per_s": float(np.sum(months) / times_arr.sum()),
            "client_months_per_s_median": float(np.mean(months)) / per_rep}


def bench_national(scale: float, intensity: bool = True) -> dict:
    sc = national_scenario(scale, intensity=intensity)
    plan = baseline_plan(sc)
    stock = sum(sum(m.initial_stock.values()) for m in sc.municipalities)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    result = run_replication(sc, plan, np.random.SeedSequence(2026))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"stock": stock, "months": sc.months, "persons": int(result.spells.client.nunique()),
            "spells": len(result.spells), "wall_s": wall, "cpu_s": cpu,
            "client_months": client_months(result), "client_months_per_s": client_months(result) / cpu,
            "peak_rss_mib": peak / 1024, "rss_before_mib": rss0 / 1024}


def report_bmwe(reps: int) -> None:
    """Part 1: BMWE replications against raw SimPy events, both per CPU second of this process."""
    simpy_before = simpy_events_per_s()
    b = bench_bmwe(reps)
    simpy_rate = (simpy_before + simpy_events_per_s()) / 2
    print(f"\n1. {b['label']}: {b['reps']} replications, one core (CPU time)")
    print(f"   {b['client_months_per_rep']:,.0f} client-months per replication")
    print(f"   {b['ms_per_rep']:.1f} ms per replication (median; fastest {b['ms_min']:.1f} ms)")
    print(f"   {b['client_months_per_s'] / 1e6:.2f} M client-months/s (total), "
          f"{b['client_months_per_s_median'] / 1e6:.2f} M (median replication)")
    print(f"   raw SimPy: {simpy_rate / 1e6:.2f} M env.timeout events/s (before and after, mean)")
    print(f"   ratio: {b['client_months_per_s'] / simpy_rate:.2f}x (BMWE client-months per raw SimPy event, "
          "per CPU second)")


def report_national(scale: float, intensity: bool, exponent: bool) -> None:
    """Part 2: the national run, and the exponent of its CPU time against clients (10% -> 100%)."""
    small = bench_national(scale / 10, intensity) if exponent else None
    n = bench_national(scale, intensity)
    print(f"\n2. synthetic national scenario: {n['stock']:,} clients at the start, {n['months']} months, "
          f"one replication, intensity {'on' if intensity else 'off'}")
    print(f"   {n['persons']:,} persons, {n['spells']:,} caseload spells, {n['client_months']:,} client-months")
    print(f"   wall {n['wall_s']:.1f} s, CPU {n['cpu_s']:.1f} s, "
          f"{n['client_months_per_s'] / 1e6:.2f} M client-months/s")
    print(f"   peak memory (max RSS of the process) {n['peak_rss_mib']:,.0f} MiB "
          f"(before the run {n['rss_before_mib']:,.0f} MiB)")
    if small is not None:
        slope = math.log(n["cpu_s"] / small["cpu_s"]) / math.log(n["stock"] / small["stock"])
        print(f"   {small['stock']:,} clients: CPU {small['cpu_s']:.2f} s; exponent of CPU time against "
              f"clients {slope:.3f} (1 = linear)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--skip-bmwe", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-exponent", action="store_true")
    parser.add_argument("--skip-runner", action="store_true")
    parser.add_argument("--no-intensity", action="store_true")
    parser.add_argument("--national-scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(f"machine: {describe_machine()}")
    print(f"date:    {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(other processes share the cores: compare CPU times, not wall times, on a busy machine)")
    if not args.skip_bmwe:
        report_bmwe(args.reps)
    if not args.skip_national:
        report_national(args.national_scale, not args.no_intensity, not args.skip_exponent)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_runner and (ROOT / "bench" / "bench_runner.py").exists():  # the 1,000-replication figure
        import importlib

        bench_replications = getattr(importlib.import_module("bench.bench_runner"), "bench_replications", None)
        if bench_replications is not None:
            print()
            bench_replications()


if __name__ == "__main__":
    main()
