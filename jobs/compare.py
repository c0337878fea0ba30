"""`sporen compare`: policy variants against their base on common random numbers.

Each variant (a patch on the base scenario, `inputs.variants`) is simulated on the same seeds as
the base, so replication i of the base and replication i of a variant share their random draws
and their difference is paired. For the money (result after vangnet, exploitatie result,
spending; per municipality and year and summed) and for every KPI (`sim.kpis`), the comparison
gives the mean of base and variant, the mean paired difference (variant minus base) with its 95%
confidence interval (`sim.stats.paired_difference`) and whether it is significant (the interval
excludes zero). What each variant's gain rests on (the vangnet, the instruments' net effect, the
caseworkers, the rest; year by year) is `gain_decomposition` (`outputs.gain_decomposition`).

The comparison table (`COMPARISON_COLUMNS`) is long: one row per variant, measure,
municipality and year. "all" in `municipality` is the municipalities together; "all" in `year`
is the whole horizon (money summed over its years; KPIs as `sim.kpis` defines them), "end" its
last month.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sporen.common.errors import InputError, Problem
from sporen.inputs.load import read_yaml
from sporen.inputs.schema import Scenario
from sporen.jobs.options import CompareOptions, check_out_folder, raise_problems
from sporen.jobs.runs import folder_name, rules_file_of, run_folder
from sporen.outputs.labels import kpi_unit

MONEY_MEASURES = ("result_after_vangnet", "exploitatie_result", "spending")
"""Money compared, EUR: higher is better for the results, lower for spending."""
ALL = "all"
COMPARISON_COLUMNS = [
    "variant", "kind", "measure", "municipality", "year", "unit", "replications",
    "base_mean", "variant_mean", "diff_mean", "ci_low", "ci_high", "significant",
]
HEADLINE_MEASURES = (
    "result_after_vangnet", "exploitatie_result", "spending", "outflow_to_work_share", "share_in_view",
    "mean_time_on_benefit_months", "caseload_end", "outflow_work",
)
"""Measures drawn in the comparison figure (the table has all of them)."""


def _money_long(yearly: pd.DataFrame) -> pd.DataFrame:
    """Yearly money per replication with 'all' rows for municipalities summed and years summed."""
    columns = list(MONEY_MEASURES)
    frame = yearly[["replication", "year", "municipality", *columns]].copy()
    frame["year"] = frame["year"].astype(str)
    frame["municipality"] = frame["municipality"].astype(str)
    per_year = frame.groupby(["replication", "year"], sort=True)[columns].sum().reset_index()
    per_muni = frame.groupby(["replication", "municipality"], sort=True)[columns].sum().reset_index()
    overall = frame.groupby(["replication"], sort=True)[columns].sum().reset_index()
    return pd.concat([frame, per_year.assign(municipality=ALL), per_muni.assign(year=ALL),
                      overall.assign(year=ALL, municipality=ALL)], ignore_index=True)


def paired_comparison(base_yearly: pd.DataFrame, base_kpis: pd.DataFrame | None,
                      variant_yearly: pd.DataFrame, variant_kpis: pd.DataFrame | None,
                      variant: str) -> pd.DataFrame:
    """The comparison rows of one variant against the base (both on the same seeds)."""
    from sporen.sim.api import paired_difference

    parts = []
    money = paired_difference(_money_long(base_yearly), _money_long(variant_yearly), ["municipality", "year"],
                              list(MONEY_MEASURES))
    money = money.rename(columns={"quantity": "measure"}).assign(kind="money", unit="EUR")
    parts.append(money)
    if base_kpis is not None and variant_kpis is not None and len(base_kpis):
        a = base_kpis.assign(year=base_kpis["year"].astype(str), municipality=base_kpis["municipality"].astype(str))
        b = variant_kpis.assign(year=variant_kpis["year"].astype(str),
                                municipality=variant_kpis["municipality"].astype(str))
        kpis = paired_difference(a, b, ["kpi", "municipality", "year"], "value")
        kpis = kpis.drop(columns="quantity").rename(columns={"kpi": "measure"}).assign(kind="kpi")
        kpis["unit"] = kpis["measure"].map(kpi_unit)
        parts.append(kpis)
    out = pd.concat(parts, ignore_index=True)
    out = out.rename(columns={"n": "replications", "mean_a": "base_mean", "mean_b": "variant_mean",
                              "mean_diff": "diff_mean"})
    out["variant"] = variant
    out["significant"] = out["significant"].astype(bool)
    return out[COMPARISON_COLUMNS]


def totals(comparison: pd.DataFrame, headline: bool = True) -> pd.DataFrame:
    """The rows for all municipalities and the whole horizon (or its end), headline measures first."""
    mask = comparison["municipality"].eq(ALL) & comparison["year"].isin([ALL, "end"])
    out = comparison[mask]
    if headline:
        out = out[out["measure"].isin(HEADLINE_MEASURES)]
        order = {m: i for i, m in enumerate(HEADLINE_MEASURES)}
        variants = {v: i for i, v in enumerate(dict.fromkeys(comparison["variant"]))}   # as given
        out = out.assign(_v=out["variant"].map(variants), _o=out["measure"].map(order)).sort_values(
            ["_v", "_o"], kind="stable").drop(columns=["_v", "_o"])
    return out


# -- variant files --------------------------------------------------------------------------------
def describe_variant(path: str | Path) -> tuple[str, list[str]]:
    """(name, one line per change) of a variant file, for the report."""
    raw = read_yaml(Path(path))
    name = str(raw.get("variant") or Path(path).stem)
    lines: list[str] = []
    if raw.get("description"):
        lines.append(str(raw["description"]).strip())
    for item in raw.get("remove") or []:
        lines.append(f"remove {item}")
    for key, value in (raw.get("add") or {}).items():
        names = [v.get("name", "?") for v in value if isinstance(v, dict)] if isinstance(value, list) else []
        lines.append(f"add to {key}: {', '.join(map(str, names)) if names else value}")
    for key, value in (raw.get("set") or {}).items():
        shown = value.get("value") if isinstance(value, dict) and "value" in value else value
        lines.append(f"set {key} = {shown}")
    for key, value in (raw.get("scale") or {}).items():
        lines.append(f"scale {key} x {value}")
    return name, lines


@dataclass
class CompareResult:
    """What `sporen compare` computed and wrote."""

    base: Scenario
    variants: dict[str, Scenario]
    comparison: pd.DataFrame
    base_run: Any
    variant_runs: dict[str, Any]
    changes: dict[str, list[str]] = field(default_factory=dict)
    out_dir: Path | None = None
    seconds: float = 0.0
    lang: str = "nl"
    decomposition: pd.DataFrame | None = None


def load_inputs(base_path: str | Path, variant_paths: Sequence[str | Path]) -> tuple[Scenario, dict[str, Scenario],
                                                                                        dict[str, list[str]]]:
    """The base scenario and each variant applied to it; every problem of every file at once."""
    from sporen.inputs.load import load_scenario
    from sporen.inputs.variants import load_with_variant

    problems: list[Problem] = []
    base = None
    try:
        base = load_scenario(base_path)
    except InputError as exc:
        problems += exc.problems
    variants: dict[str, Scenario] = {}
    changes: dict[str, list[str]] = {}
    if not variant_paths:
        problems.append(Problem("--variant", "", "no variant given", "at least one --variant FILE"))
    for path in variant_paths:
        try:
            scenario = load_with_variant(base_path, path)
            name, lines = describe_variant(path)
        except InputError as exc:
            problems += exc.problems
            continue
        if name in variants:
            problems.append(Problem(str(path), "variant", f"the name '{name}' is given twice", "unique names"))
            continue
        variants[name] = scenario
        changes[name] = lines
    if problems:
        raise InputError(problems)
    assert base is not None
    return base, variants, changes


def run_compare(options: CompareOptions) -> CompareResult:
    """Simulate base and variants on the same seeds, compare them and write the run directory."""
    from sporen.sim.api import session

    raise_problems(check_out_folder(options.out, [options.base, *options.variants]))
    parallel = options.parallel
    with session(parallel.chosen_backend, parallel.scheduler) as client:
        return _compare(options, functools.partial(_simulate_with_api, backend=parallel.chosen_backend,
                                                   scheduler=client))


def _compare(options: CompareOptions, simulate: Callable[..., Any]) -> CompareResult:
    from tqdm import tqdm

    from sporen.outputs import tables
    from sporen.outputs.report import RunFrames, compare_report, write_report
    from sporen.outputs.workbook import write_workbook
    from sporen.sim import api as summary

    started = time.perf_counter()
    base_path, variant_paths = options.base, options.variants
    replications, seed, fmt, quiet = options.replications, options.seed, options.fmt, options.quiet
    workers, command = options.parallel.local_workers(replications), options.command
    base, variants, changes = load_inputs(base_path, variant_paths)
    lang = options.lang or base.language
    folder = run_folder(options.out, "compare", base.name, [base_path, *variant_paths,
                                                          rules_file_of(base, base_path)], f"{base.name}-compare")
    out_dir = folder.path

    steps = tqdm(total=3, desc="sporen compare", file=sys.stderr, disable=quiet, leave=False,
                 bar_format="{desc} [{elapsed}]")
    frames = ("yearly", "kpis", "monthly")
    try:
        steps.set_description_str(f"sporen compare 1/3: base + {len(variants)}")
        runs = simulate([base, *variants.values()], replications=replications, seed=seed, workers=workers,
                        progress=not quiet, frames=frames)
        base_run, variant_runs = runs[0], dict(zip(variants, runs[1:], strict=True))
        comparison = pd.concat([paired_comparison(base_run.yearly, base_run.kpis, run.yearly, run.kpis, name)
                                for name, run in variant_runs.items()], ignore_index=True)
        steps.update(1)
        steps.set_description_str("sporen compare 2/3: " + "decomposition")
        decomposition = gain_decomposition(base, variants, base_run, variant_runs,
                                           functools.partial(simulate, replications=replications, seed=seed,
                                                             workers=workers, progress=not quiet, frames=("yearly",)))
        steps.update(1)

        steps.set_description_str("sporen compare 3/3: " + "writing")
        run_info = {"replications": replications, "seed": seed, "command": " ".join(command or []),
                    "variant": ", ".join(variants), "scenario_hash": tables.model_hash(base),
                    "versions": tables.package_versions(), "git_commit": tables.git_state().get("commit")}
        result = CompareResult(base=base, variants=variants, comparison=comparison, base_run=base_run,
                               variant_runs=variant_runs, changes=changes, out_dir=out_dir, lang=lang,
                               decomposition=decomposition)
        named = {
            "comparison": comparison,
            "comparison_totals": totals(comparison, headline=False),
            "gain_decomposition": decomposition,
            "base_yearly_summary": summary.yearly_summary(base_run.yearly),
            **{f"{_file_name(name)}_yearly_summary": summary.yearly_summary(run.yearly)
               for name, run in variant_runs.items()},
        }
        html = compare_report(
            base, comparison_for_report(comparison),
            base=RunFrames(monthly=base_run.monthly, yearly=base_run.yearly, kpis=base_run.kpis),
            variant_changes=changes, run=run_info, rules=_rules(base, base_path), lang=lang,
            decomposition=decomposition)
        with folder.open() as tmp:
            files: dict[str, Path] = {}
            for name, frame in named.items():
                # comparison.csv always, whatever --format: it is the command's promised output
                files[name] = tables.write_table(frame, tmp, name, "csv" if name == "comparison" else fmt)
            files["results.xlsx"] = write_workbook(tmp / "results.xlsx", named, lang=lang, scenario=base,
                                                   title=f"sporen compare {base.name}")
            files["report.html"] = write_report(tmp / "report.html", html)
            manifest = tables.build_manifest(
                command=list(command or []), scenario=base, scenario_file=str(base_path), variant_name=None,
                variant_file=None, plan=_baseline_plan(base), plan_file=None, rules_file=base.finance.vangnet_rules,
                seed=seed, seed_records=base_run.seed_records(),
                files=files,
                extra={"kind": "compare", "variants": {
                    name: {"file": str(path), "sha256": tables.sha256_file(path), "scenario_sha256":
                           tables.model_hash(variants[name]), "changes": changes[name]}
                    for name, path in zip(variants, variant_paths, strict=True)}})
            tables.write_json(manifest, tmp / "manifest.json")
            tables.write_json({"seconds": round(time.perf_counter() - started, 3), "workers": workers,
                               "backend": options.parallel.chosen_backend, "platform": platform.platform(terse=True),
                               "cpus": os.cpu_count()}, tmp / "timing.json")
        steps.update(1)
    finally:
        steps.close()
    result.seconds = time.perf_counter() - started
    return result


def gain_decomposition(base: Scenario, variants: dict[str, Scenario], base_run: Any, variant_runs: dict[str, Any],
                       simulate: Callable[..., Any]) -> pd.DataFrame:
    """What each variant's gain rests on, year by year (`outputs.gain_decomposition`): when the
    scenarios have instruments with a work effect, base and variants are simulated again on the
    same seeds without it, to tell the benefits that effect saves from the rest."""
    from sporen.outputs import gain_decomposition as gd
    from sporen.sim.instruments import has_instrument_effects, without_instrument_effects

    effects = has_instrument_effects(base) or any(has_instrument_effects(v) for v in variants.values())
    # base and variants without the effect, on the same seeds, in one dispatch
    off = simulate([without_instrument_effects(s) for s in (base, *variants.values())]) if effects else None
    base_off = off[0].yearly if off else None
    tables = []
    for index, name in enumerate(variants, start=1):
        variant_off = off[index].yearly if off else None
        per = gd.parts_per_replication(base_run.yearly, variant_runs[name].yearly, base_off, variant_off)
        tables.append(gd.decomposition(name, per))
    return pd.concat(tables, ignore_index=True)


def comparison_for_report(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison with a `headline` column marking the totals the report draws and lists first."""
    head = totals(comparison)
    marked = comparison.assign(headline=comparison.index.isin(head.index))
    order = list(head.index) + [i for i in marked.index if i not in set(head.index)]
    return marked.loc[order]


def _rules(scenario: Scenario, path: Path) -> Any:
    """The base scenario's vangnet rules (for the report's table of rules and their status)."""
    from sporen.sim.api import scenario_vangnet_rules

    return scenario_vangnet_rules(scenario, Path(path).parent)


def _file_name(name: str) -> str:
    return folder_name(name) if name else "variant"


def _cpus() -> int:
    return os.cpu_count() or 1


def _baseline_plan(scenario: Scenario):
    from sporen.inputs.plan import baseline_plan

    return baseline_plan(scenario)


def _simulate_with_api(scenarios: Sequence[Scenario], *, replications: int, seed: int, workers: int | None,
                       progress: bool, frames: Sequence[str], backend: str = "local", scheduler: Any = None) -> list:
    """Each scenario (baseline plan) on the first `replications` selection futures of `seed`, all in one
    dispatch (`sim.api.evaluate_many`): the base and its variants are paired."""
    from sporen.sim.api import SELECTION, evaluate_many

    runs = evaluate_many([(scenario, None) for scenario in scenarios], SELECTION.seeds(seed, 0, replications),
                         workers=workers or _cpus(), progress=progress, frames=frames, backend=backend,
                         scheduler=scheduler)
    for run in runs:
        run.seed = seed
    return runs
