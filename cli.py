"""The `sporen` command: wires inputs -> sim -> optimise -> outputs together.

Exit codes: 0 ok; 1 target not met or run failed; 2 bad input (a message per problem, no
traceback). Each command imports its heavy modules inside the function so `sporen --help` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NoReturn

import click

from sporen.common.errors import InputError, Problem

EXIT_OK, EXIT_TARGET_NOT_MET, EXIT_BAD_INPUT = 0, 1, 2


def fail(problems: Iterable[Problem] | InputError) -> NoReturn:
    """Print every input problem on stderr and exit with code 2."""
    if isinstance(problems, InputError):
        problems = problems.problems
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sporen")
def main() -> None:
    """sporen: simulate clients through the Participatiewet tracks (sporen), project the BUIG
    result with vangnet, and find the cheapest staffing and budget plan that closes the deficit.

    \b
    Example:
      sporen validate inputs/scenarios/bmwe.yaml
      sporen plan
    """


# --- vangnet command (begin) ---
@main.command("vangnet")
@click.argument("accounts", metavar="ACCOUNTS.csv", type=click.Path())
@click.option(
    "--rules", "rules_file", type=click.Path(), default=None, metavar="FILE",
    help="Vangnet rules per year (YAML). Default: the bundled inputs/rules/vangnet.yaml.",
)
@click.option(
    "--out", "out_file", type=click.Path(), default=None, metavar="FILE",
    help="Write the table to FILE (CSV) instead of standard output.",
)
@click.option("--quiet", "-q", is_flag=True, help="Without --out: write nothing (only check the file).")
def vangnet(accounts: str, rules_file: str | None, out_file: str | None, quiet: bool) -> None:
    """Compute the vangnet (safety-net grant) per municipality and year.

    ACCOUNTS.csv has one row per municipality and year, with the columns municipality, year,
    budget (the BUIG budget) and spending (benefits plus wage-cost subsidies), in whole euros;
    comma- or semicolon-separated. Rows for years before the first year with rules (2015 in
    the bundled rules) are history: they only feed the multi-year test, as do a municipality's
    first rows when their own test lacks earlier years but they complete a later year's test.

    \b
    Output (CSV), one row per input row:
      municipality, year, budget, spending, result (budget - spending; negative =
      deficit), deficit_share, cumulative_result (summed result of the multi-year
      test's years), eligible, compensation (the vangnet, whole euros),
      result_after_vangnet

    \b
    Example:
      sporen vangnet tests/data/bmwe_accounts.csv
      sporen vangnet accounts.csv --rules my-rules.yaml --out vangnet.csv

    Bad input exits with code 2 and one line per problem: FILE: row N.field: what is wrong
    (what is allowed); rows are numbered as a spreadsheet shows them (header = row 1).
    """
    import os
    import tempfile
    from pathlib import Path

    from sporen.inputs.vangnet_rules import load_accounts, load_vangnet_rules
    from sporen.sim.vangnet import VangnetError, vangnet_table

    problems: list[Problem] = []
    try:
        frame = load_accounts(Path(accounts))
    except InputError as exc:
        problems += exc.problems
    try:
        rules = load_vangnet_rules(Path(rules_file) if rules_file else None)
    except InputError as exc:
        problems += exc.problems
    out = Path(out_file) if out_file else None
    if out is not None and not out.parent.is_dir():
        problems.append(Problem(out_file, "", "the folder does not exist", "an existing folder"))
    elif out is not None and out.is_dir():
        problems.append(Problem(out_file, "", "is a folder", "a file name"))
    if problems:
        fail(problems)
    try:
        table = vangnet_table(frame, rules)
    except VangnetError as exc:
        fail([
            Problem(accounts, f"row {i.row}.{i.field}" if i.row is not None else i.field,
                    i.message, i.allowed)
            for i in exc.issues
        ])
    text = table.round({"deficit_share": 6}).to_csv(index=False, lineterminator="\n")
    if out is None:
        if not quiet:
            click.echo(text, nl=False)
        return
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fail([Problem(out_file, "", f"cannot write: {exc.strerror}", "a writable file")])
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
# --- vangnet command (end) ---

# --- validate command (begin) ---
@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="FILE...")
@click.option(
    "--scenario", "scenario_file", type=click.Path(), default=None, metavar="S",
    help="The scenario (YAML, XLSX or variant) that plan files are checked against.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def validate(files: tuple[str, ...], scenario_file: str | None, quiet: bool) -> None:
    """Check scenario, variant and plan files; report every problem at once.

    A FILE is a scenario (YAML or an XLSX workbook), a variant (YAML with a `variant:` key) or a
    plan (YAML with `staff:`, checked against --scenario S). Each good file prints one line, e.g.

    \b
      inputs/scenarios/bmwe.yaml: ok — scenario 'bmwe', 4 municipalities, 3 tracks,
      2018-01 + 4 years, 1,206 clients at start

    If any file has problems, every problem of every file is listed on standard error as
    FILE: path.to.field: what is wrong (what is allowed), and the exit code is 2.

    \b
    Example:
      sporen validate inputs/scenarios/*.yaml
      sporen validate plan.yaml --scenario inputs/scenarios/bmwe.yaml
    """
    from sporen.inputs.validate import validate_files

    lines, problems = validate_files(files, scenario_file)
    for line in lines if not quiet else ():
        click.echo(line)
    if problems:
        fail(problems)


@main.command("convert")
@click.argument("src", type=click.Path(), metavar="SRC")
@click.argument("dest", type=click.Path(), metavar="DEST")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def convert(src: str, dest: str, quiet: bool) -> None:
    """Convert a scenario between YAML and an XLSX workbook, by the files' extensions.

    SRC may be a scenario (.yaml/.yml/.xlsx) or a variant (.yaml: written with the variant
    applied). DEST is written whole: every field with its value, the sources in a `sources`
    table. The workbook layout is described in docs/scenario-format.md.

    \b
    Example:
      sporen convert inputs/scenarios/bmwe.yaml bmwe.xlsx
      sporen convert bmwe.xlsx bmwe-edited.yaml
    """
    from sporen.inputs.workbook import convert_scenario

    try:
        scenario = convert_scenario(src, dest)
    except InputError as exc:
        fail(exc)
    if not quiet:
        click.echo(f"{dest}: written — {scenario.name!r} from {src}")
# --- validate command (end) ---

# --- simulate command (begin) ---
SIMULATE_FILES_HELP = """\b
Files written into DIR (CSV, or Parquet with --format parquet):
  yearly          per replication, year, municipality: BUIG budget, spending,
                  BUIG result, vangnet, result after vangnet, personnel,
                  instruments, measures, other lines, participatiebudget,
                  exploitatie result (whole euros)
  monthly         per replication, month, municipality, track, segment: clients,
                  in view, inflow, outflow by reason, benefit and subsidy cost
  kpis            per replication: kpi, municipality, year, value
  spells          per replication: one row per client spell on the caseload
  events          per replication: the event log (only with --events)
  yearly_summary  mean and 95% confidence interval over the replications per
                  year and municipality ("all" = summed)
  kpis_summary    the same for every KPI
  manifest.json   scenario hash, variant, plan, seeds, versions, command, git
  timing.json     wall-clock time, backend and workers (differs between runs)"""


def _simulate_command_line(params: dict) -> list[str]:
    """The command as a canonical argument list: what determines the results and where they went
    (not --workers, --backend, --scheduler or --quiet, which never change the results)."""
    argv = ["sporen", "simulate", params["scenario"]]
    for option in ("variant", "plan", "replications", "seed", "out", "fmt"):
        value = params.get(option)
        if value is not None:
            argv += ["--format" if option == "fmt" else f"--{option}", str(value)]
    if params.get("events"):
        argv.append("--events")
    return argv


def _money_text(value: float) -> str:
    return "-" if value != value else f"{value:,.0f}"


@main.command("simulate", epilog=SIMULATE_FILES_HELP)
@click.argument("scenario", metavar="SCENARIO", type=click.Path())
@click.option("--variant", type=click.Path(), default=None, metavar="FILE",
              help="Apply a policy variant (a YAML patch whose base is SCENARIO).")
@click.option("--plan", "plan_file", type=click.Path(), default=None, metavar="FILE",
              help="Plan to simulate (fte per role, instrument places, measures). Default: the baseline.")
@click.option("--replications", "-n", type=int, default=100, show_default=True, metavar="N",
              help="Number of replications.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S",
              help="Base seed; replication i uses SeedSequence(S).spawn(N)[i].")
@click.option("--workers", "-j", type=int, default=None, metavar="K",
              help="Local worker processes. Default: every CPU. The results do not depend on it.")
@click.option("--backend", type=click.Choice(["local", "dask"]), default=None,
              help="Where replications run. Default: local, or dask when --scheduler is given.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address for --backend dask, e.g. tcp://10.0.0.5:8786.")
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/simulate-<scenario name>.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Table format.")
@click.option("--events", is_flag=True, help="Also record and write the event log (client, time, event).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def simulate(scenario: str, variant: str | None, plan_file: str | None, replications: int, seed: int,
             workers: int | None, backend: str | None, scheduler: str | None, out_dir: str | None, fmt: str,
             events: bool, quiet: bool) -> None:
    """Simulate SCENARIO for N replications and write the results to a run folder.

    Every replication follows each client through gate, tracks, caseworker slots, instruments and
    exits; the yearly money adds the BUIG budget, vangnet and the exploitatie (personnel,
    instruments, measures, other lines, participatiebudget). Identical inputs and seed give
    byte-identical tables, whatever the number of workers or the backend. The folder appears only
    when the whole run succeeded.

    \b
    Examples:
      sporen simulate tests/data/tiny.yaml --replications 20 --out runs/tiny
      sporen simulate inputs/scenarios/bmwe.yaml --plan plan.yaml -n 1000 --seed 7
      sporen simulate bmwe.yaml --variant variants/social.yaml --events
      sporen simulate bmwe.yaml -n 5000 --scheduler tcp://10.0.0.5:8786

    Bad input exits with code 2 and one line per problem; nothing is written then.
    """
    import os
    import re
    import signal
    import time
    from pathlib import Path

    from sporen.inputs.load import load_plan, load_with_variant, read_yaml
    from sporen.inputs.plan import baseline_plan

    problems: list[Problem] = []
    if replications < 1:
        problems.append(Problem("--replications", "", f"{replications} is too small", "a whole number of at least 1"))
    if workers is not None and workers < 1:
        problems.append(Problem("--workers", "", f"{workers} is too small", "a whole number of at least 1"))
    if backend is None:
        backend = "dask" if scheduler else "local"
    if backend == "dask" and not scheduler:
        problems.append(Problem("--backend", "", "dask needs the address of a scheduler",
                                "--scheduler tcp://HOST:8786, or --backend local"))
    if backend == "local" and scheduler:
        problems.append(Problem("--scheduler", "", "a scheduler is only used with --backend dask",
                                "--backend dask, or no --scheduler"))
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        problems.append(Problem(out_dir, "", "exists and is not a folder", "a folder name for the run's files"))
    if problems:
        fail(problems)

    try:
        model = load_with_variant(scenario, variant)
    except InputError as exc:
        fail(exc)
    variant_name = None
    if variant is not None:
        variant_name = str(read_yaml(Path(variant)).get("variant") or Path(variant).stem)
    try:
        plan = load_plan(plan_file, model) if plan_file is not None else baseline_plan(model)
    except InputError as exc:
        fail(exc)

    from sporen.outputs.rundir import RunDirectory
    from sporen.outputs.tables import build_manifest, write_json, write_run_tables
    from sporen.sim.runner import load_rules, run
    from sporen.sim.summary import run_summaries

    try:
        rules = load_rules(model, Path(scenario).parent)
    except InputError as exc:
        fail(exc)
    rules_file = model.finance.vangnet_rules
    if rules_file is not None and not Path(rules_file).is_absolute() and (Path(scenario).parent / rules_file).exists():
        rules_file = str(Path(scenario).parent / rules_file)
    safe_name = re.sub(r"[^A-Za-z0-9._+-]+", "-", model.name).strip("-.") or "scenario"
    target = Path(out_dir) if out_dir is not None else Path("outputs") / "runs" / f"simulate-{safe_name}"

    previous = signal.getsignal(signal.SIGTERM)

    def _terminate(signum, frame):  # a polite kill cleans up like Ctrl-C does
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    try:
        result = run(model, plan, replications=replications, seed=seed, workers=workers, backend=backend,
                     scheduler=scheduler, record_events=events, progress=not quiet, rules=rules)
        simulated = time.perf_counter() - started
        params = {"scenario": scenario, "variant": variant, "plan": plan_file, "replications": replications,
                  "seed": seed, "out": out_dir, "fmt": fmt, "events": events}
        try:
            with RunDirectory(target) as folder:
                files = write_run_tables(result, folder, fmt, summaries=run_summaries(result))
                manifest = build_manifest(
                    command=_simulate_command_line(params), scenario=model, scenario_file=scenario,
                    variant_name=variant_name, variant_file=variant, plan=plan, plan_file=plan_file,
                    rules_file=rules_file, seed=seed, seed_records=result.seed_records(), files=files,
                )
                write_json(manifest, folder / "manifest.json")
                write_json({"simulate_seconds": round(simulated, 3),
                            "total_seconds": round(time.perf_counter() - started, 3),
                            "backend": backend, "workers": workers or os.cpu_count(), "scheduler": scheduler,
                            "replications": replications}, folder / "timing.json")
        except OSError as exc:
            fail([Problem(str(target), "", f"cannot write the run folder: {exc.strerror or exc}",
                          "a writable folder")])
    except InputError as exc:
        fail(exc)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing written", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)

    if quiet:
        return
    click.echo(f"wrote {target} ({replications} replications, seed {seed}; {simulated:.1f} s)")
    summary = result.yearly.groupby(["replication", "year"])[["result_after_vangnet", "exploitatie_result"]].sum()
    from sporen.sim.stats import mean_ci

    click.echo("all municipalities, mean [95% CI] in EUR:")
    click.echo(f"{'year':>6}  {'BUIG result after vangnet':>40}  {'exploitatie result':>40}")
    for year, frame in summary.groupby(level="year"):
        cells = []
        for column in ("result_after_vangnet", "exploitatie_result"):
            _, mean, _, low, high = mean_ci(frame[column].to_numpy(float))
            cells.append(f"{_money_text(mean)} [{_money_text(low)}; {_money_text(high)}]")
        click.echo(f"{year:>6}  {cells[0]:>40}  {cells[1]:>40}")
# --- simulate command (end) ---

# --- optimise command (begin) ---
@main.command("optimise")
@click.argument("scenario_file", metavar="SCENARIO", type=click.Path())
@click.option("--variant", "variant_file", type=click.Path(), default=None, metavar="FILE",
              help="A variant (policy or parameter patch) applied to SCENARIO.")
@click.option("--target-from", type=int, default=None, metavar="YEAR",
              help="First year the target applies to. Default: the second horizon year (staff decided "
                   "at the start arrive months later).")
@click.option("--target", "scope", type=click.Choice(["total", "per-municipality"]), default="total",
              show_default=True, help="Target on the municipalities' total, or on each municipality.")
@click.option("--target-level", type=int, default=0, show_default=True, metavar="EUR",
              help="Result after vangnet that must be reached (0 = the deficit closed; -50000 allows "
                   "a deficit of EUR 50,000).")
@click.option("--cumulative", is_flag=True, help="Sum the target years instead of meeting each year.")
@click.option("--probability", default="0.9", show_default=True, metavar="P|mean",
              help="Share of simulated futures that must meet the target, or 'mean' (on average).")
@click.option("--replications", type=int, default=12, show_default=True, metavar="R",
              help="Simulated futures the optimisation uses (common to every plan).")
@click.option("--verify", type=int, default=100, show_default=True, metavar="V",
              help="Fresh futures the chosen plan is verified on.")
@click.option("--budget-sims", type=int, default=None, metavar="N",
              help="At most N replications simulated in all. Default: the design, three rounds of "
                   "corrections and three verifications.")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S", help="Root seed.")
@click.option("--workers", type=int, default=1, show_default=True, metavar="K", help="Parallel simulations.")
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder. Default: outputs/runs/optimise-<scenario>.")
@click.option("--allow-cuts", is_flag=True,
              help="Let roles shrink below their fte now (down to min_fte). Default: staff only grows.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary on standard output.")
def optimise_command(scenario_file: str, variant_file: str | None, target_from: int | None, scope: str,
                     target_level: int, cumulative: bool, probability: str, replications: int, verify: int,
                     budget_sims: int | None, seed: int, workers: int, out_dir: str | None, allow_cuts: bool,
                     quiet: bool) -> None:
    """Find the cheapest plan (staff, instrument places, measures) whose simulated result after
    vangnet meets the target with the chosen probability, verify it on fresh futures, and explain it.

    \b
    Writes into DIR: plan.yaml (for `sporen simulate --plan`), formation.csv (role, fte now,
    fte planned, change, yearly cost), budget.csv (instrument places and budget per year),
    verification.csv, tradeoff.csv (cost against target and probability), shadow_prices.csv
    (what relaxing each constraint would save), savings.csv (cost and effect per lever),
    history.csv, manifest.json and timing.json. docs/optimisation.md explains the method.

    \b
    Example:
      sporen optimise inputs/scenarios/bmwe.yaml --target-from 2019 --workers 2
      sporen optimise inputs/scenarios/bmwe.yaml --probability mean --cumulative

    Exit code 0: the verified plan meets the target. 1: no plan meets it (the best reachable plan
    is written and the blocking constraint printed). 2: bad input.
    """
    from pathlib import Path

    from sporen.inputs.load import load_with_variant
    from sporen.optimise.loop import OptimiseOptions, OptionsError, optimise
    from sporen.optimise.model import SolveError
    from sporen.optimise.report import write_run

    try:
        scenario = load_with_variant(scenario_file, variant_file)
    except InputError as exc:
        fail(exc)
    prob: float | str = probability.strip().lower()
    if prob != "mean":
        try:
            prob = float(prob)
        except ValueError:
            fail([Problem("--probability", "", f"'{probability}' is not a probability", "a number in (0, 1] or mean")])
    out = Path(out_dir) if out_dir else Path("outputs") / "runs" / f"optimise-{scenario.name}"
    if out.exists() and not out.is_dir():
        fail([Problem(str(out), "", "exists and is not a folder", "a folder name for --out")])
    options = OptimiseOptions(target_from=target_from, scope=scope, target_level=target_level,
                              cumulative=cumulative, probability=prob, replications=replications, verify=verify,
                              budget_sims=budget_sims, seed=seed, workers=workers, progress=not quiet,
                              allow_cuts=allow_cuts)
    try:
        result = optimise(scenario, options)
    except OptionsError as exc:
        fail([Problem(exc.field, "", exc.message, exc.allowed)])
    except InputError as exc:
        fail(exc)
    except SolveError as exc:
        click.echo(f"error: the solver failed: {exc}", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)
    params = click.get_current_context().params
    argv = ["sporen", "optimise", scenario_file] + [f"{k}={v}" for k, v in params.items()
                                                    if k != "scenario_file" and v is not None and v is not False]
    try:
        write_run(result, out, command=argv, scenario_file=scenario_file, variant_file=variant_file)
    except OSError as exc:
        fail([Problem(str(out), "", f"cannot write: {exc.strerror or exc}", "a writable folder")])
    v = result.verification
    if not quiet:
        table = result.formation[["role", "fte_now", "fte_planned", "change", "yearly_cost"]]
        click.echo(table.to_string(index=False))
        changed = result.space.describe(result.choice)
        click.echo(f"plan: {changed}; extra cost over the horizon EUR {result.cost:,}")
        if v is not None:
            click.echo(f"verified: {v.met} of {v.replications} fresh replications meet the target "
                       f"({v.probability:.1%}, 95% CI {v.ci_low:.1%}-{v.ci_high:.1%})")
        click.echo(f"simulated {result.sims_used} replications; written to {out}")
    for line in result.blocking:
        click.echo(f"blocking: {line}", err=True)
    if not result.met:
        click.echo("target not met: the best reachable plan was written", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)
# --- optimise command (end) ---

# --- plan and compare commands (begin) ---
PLAN_FILES_HELP = """\b
Files written into DIR (tables as CSV, or Parquet with --format parquet):
  report.html     the report: summary for the council, money, caseload, formation,
                  trade-off, cohort survival, model description (one file, opens
                  offline in any browser)
  results.xlsx    every summary table below on its own sheet, formatted
  plan.yaml       the plan (for `sporen simulate --plan`)
  summary         per year: result after vangnet without and with the plan, cost
  deficits        per municipality and year: BUIG result, vangnet, result after
                  vangnet (mean, 5-95%), chance of a deficit, without/with plan
  verification    the plan on fresh futures: probability of meeting the target
  formation, budget, plan_cost, plan_effect, savings, shadow_prices, tradeoff,
  blocking, optimiser_rounds, caseload, survival, yearly_summary, kpis_summary,
  plan_yearly_summary, plan_kpis_summary, assumptions, unsourced_parameters,
  comparison (with --variant)
  monthly, yearly, kpis, spells            the baseline, per replication
  plan_monthly, plan_yearly, plan_kpis, plan_spells   the plan, per replication
  manifest.json   scenario hash, variant, plan, seeds, versions, git commit, command
  timing.json     wall-clock time (the only file that differs between reruns)"""

COMPARE_FILES_HELP = """\b
Files written into DIR:
  comparison.csv  per variant, measure, municipality and year: base mean, variant
                  mean, mean paired difference, 95% CI, significant (yes/no)
  comparison_totals, base_yearly_summary, <variant>_yearly_summary
                  (CSV, or Parquet with --format parquet)
  results.xlsx    every table on its own sheet
  report.html     the comparison figure and tables, the model description
  manifest.json, timing.json"""


def _folder_name(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._+-]+", "-", name).strip("-.") or "scenario"


def _canonical_argv(command: str, positionals: list[str], params: dict, options: list[str]) -> list[str]:
    """The command as a canonical argument list: what determines the results and where they went
    (not --workers or --quiet, which never change the results)."""
    argv = ["sporen", command, *positionals]
    for option in options:
        value = params.get(option)
        if value is None or value is False:
            continue
        flag = "--" + ("format" if option == "fmt" else option.replace("_", "-"))
        for item in value if isinstance(value, (list, tuple)) else [value]:
            argv += [flag] if value is True else [flag, str(item)]
    return argv


class _PoliteKill:
    """While active, SIGTERM raises SystemExit(143), so a killed run cleans up like Ctrl-C does."""

    def __enter__(self) -> _PoliteKill:
        import signal

        self.previous = signal.getsignal(signal.SIGTERM)

        def _terminate(signum, frame):
            raise SystemExit(143)

        signal.signal(signal.SIGTERM, _terminate)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        signal.signal(signal.SIGTERM, self.previous)


@main.command("plan", epilog=PLAN_FILES_HELP)
@click.argument("scenario", required=False, default=None, metavar="[SCENARIO]", type=click.Path())
@click.option("--variant", type=click.Path(), default=None, metavar="FILE",
              help="Apply a policy variant (a YAML patch whose base is SCENARIO); the report then also "
                   "compares the variant with its base.")
@click.option("--replications", "-n", type=int, default=None, metavar="N",
              help="Simulated futures per plan the optimiser compares (common to every plan).  [default: 20]")
@click.option("--verify", type=int, default=None, metavar="V",
              help="Fresh futures the chosen plan (and the baseline, for the report) is verified on. "
                   "Default: 3N.")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S",
              help="Root seed; replication i uses SeedSequence(S).spawn(...)[i].")
@click.option("--workers", "-j", type=int, default=None, metavar="K",
              help="Local worker processes. Default: every CPU. The results do not depend on it.")
@click.option("--budget-sims", type=int, default=None, metavar="N",
              help="At most N replications simulated by the optimiser in all (the design, corrections and "
                   "verifications). Default: the optimiser's own.")
@click.option("--target-from", type=int, default=None, metavar="YEAR",
              help="First year whose deficit after vangnet must be closed. Default: the second horizon year "
                   "(staff decided now arrive months later).")
@click.option("--probability", default="0.9", show_default=True, metavar="P|mean",
              help="Share of simulated futures in which the plan must close the deficit, or 'mean'.")
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/<scenario>-plan.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Table format.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars and no summary.")
def plan_command(scenario: str | None, variant: str | None, replications: int | None, verify: int | None,
                 seed: int, workers: int | None, budget_sims: int | None, target_from: int | None,
                 probability: str, out_dir: str | None, fmt: str, quiet: bool) -> None:
    """The main job: project the BUIG deficit, find the cheapest plan that closes it, verify the
    plan and write a report for the council.

    \b
    Steps, each with a progress bar on standard error:
      1. baseline: the current formation and instruments, simulated on N + V futures:
         deficit per year and municipality, with vangnet and its uncertainty
      2. optimise: the cheapest staffing, instrument and measure plan that closes the
         deficit after vangnet in every year from --target-from, with --probability
      3. verify: the plan on V fresh futures
      4. with --variant: the variant against its base on the same futures
      5. write DIR whole (a killed run leaves no half-written folder)

    SCENARIO defaults to the bundled inputs/scenarios/bmwe.yaml (BMWE, 2018-2021).

    \b
    Example:
      sporen plan
      sporen plan inputs/scenarios/kerkrade.yaml --out kerkrade-plan
      sporen plan inputs/scenarios/bmwe.yaml --variant inputs/scenarios/variants/bmwe-social.yaml
      sporen plan my-scenario.yaml -n 20 --budget-sims 4000 --format parquet

    Exit code 0: the verified plan meets the target. 1: it does not (the report still says what
    the best plan reaches and what blocks). 2: bad input, one line per problem.
    """
    from pathlib import Path

    from sporen.optimise.mainjob import BUNDLED_SCENARIO, DEFAULT_REPLICATIONS, PlanJobOptions, run_plan_job
    from sporen.optimise.model import SolveError

    scenario_path = Path(scenario) if scenario is not None else BUNDLED_SCENARIO
    prob: float | str = probability.strip().lower()
    if prob != "mean":
        try:
            prob = float(prob)
        except ValueError:
            fail([Problem("--probability", "", f"'{probability}' is not a probability",
                          "a number in (0, 1] or mean")])
    params = click.get_current_context().params
    argv = _canonical_argv("plan", [str(scenario_path)], params,
                           ["variant", "replications", "verify", "seed", "budget_sims", "target_from",
                            "probability", "out", "fmt"])
    options = PlanJobOptions(
        scenario=scenario_path, variant=Path(variant) if variant else None,
        replications=replications if replications is not None else DEFAULT_REPLICATIONS, verify=verify,
        seed=seed, workers=workers, budget_sims=budget_sims, out=Path(out_dir) if out_dir else None, fmt=fmt,
        quiet=quiet, command=argv, probability=prob, target_from=target_from)
    try:
        with _PoliteKill():
            if options.out is None:
                from sporen.optimise.mainjob import load_job_inputs

                model, _ = load_job_inputs(options)
                options.out = Path("outputs") / "runs" / f"{_folder_name(model.name)}-plan"
            result = run_plan_job(options)
    except InputError as exc:
        fail(exc)
    except SolveError as exc:
        click.echo(f"error: the solver failed: {exc}", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing written", err=True)
        sys.exit(130)
    except OSError as exc:
        fail([Problem(str(options.out), "", f"cannot write the run folder: {exc.strerror or exc}",
                      "a writable folder")])
    opt = result.optimised
    check = opt.verification
    if not quiet:
        verdict = "meets the target" if result.met else "does NOT meet the target"
        click.echo(f"plan for {opt.scenario.name}: {verdict}")
        click.echo(f"  plan: {opt.space.describe(opt.choice)}")
        click.echo(f"  extra cost over the horizon: EUR {opt.cost:,}")
        if check is not None:
            click.echo(f"  verified on {check.replications} fresh futures: {check.probability:.0%} meet the target "
                       f"(95% CI {check.ci_low:.0%}-{check.ci_high:.0%})")
        click.echo(f"  report: {result.out_dir / 'report.html'}  ({result.seconds:.0f} s)")
    for line in opt.blocking:
        click.echo(f"blocking: {line}", err=True)
    if not result.met:
        sys.exit(EXIT_TARGET_NOT_MET)


@main.command("compare", epilog=COMPARE_FILES_HELP)
@click.argument("base", metavar="BASE", type=click.Path())
@click.option("--variant", "variants", multiple=True, type=click.Path(), metavar="FILE",
              help="A variant whose base is BASE; give --variant once per variant (at least one).")
@click.option("--replications", "-n", type=int, default=20, show_default=True, metavar="N",
              help="Simulated futures, the same for the base and every variant (common random numbers).")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S", help="Root seed.")
@click.option("--workers", "-j", type=int, default=None, metavar="K",
              help="Local worker processes. Default: every CPU. The results do not depend on it.")
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/<base>-compare.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Format of the tables besides comparison.csv (always CSV).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars and no summary.")
def compare_command(base: str, variants: tuple[str, ...], replications: int, seed: int, workers: int | None,
                    out_dir: str | None, fmt: str, quiet: bool) -> None:
    """Compare policy variants with their base on the same simulated futures.

    Each variant is simulated on the same seeds as BASE, so the differences are paired (common
    random numbers). For the money (result after vangnet, exploitatie result, spending) and every
    KPI, per municipality and year and in total, it reports the mean difference (variant minus
    base) with its 95% confidence interval and whether it is significant (the interval excludes 0).

    \b
    Example (the three BMWE policy models of seed 004):
      sporen compare inputs/scenarios/bmwe.yaml \
        --variant inputs/scenarios/variants/bmwe-budget-neutral.yaml \
        --variant inputs/scenarios/variants/bmwe-current.yaml \
        --variant inputs/scenarios/variants/bmwe-social.yaml

    Exit code 0: compared and written. 2: bad input, one line per problem.
    """
    from pathlib import Path

    from sporen.optimise.compare import run_compare, totals

    params = click.get_current_context().params
    argv = _canonical_argv("compare", [base], {**params, "variant": list(variants)},
                           ["variant", "replications", "seed", "out", "fmt"])
    try:
        with _PoliteKill():
            out = Path(out_dir) if out_dir else None
            if out is None:
                from sporen.inputs.load import load_scenario

                out = Path("outputs") / "runs" / f"{_folder_name(load_scenario(base).name)}-compare"
            if out.exists() and not out.is_dir():
                fail([Problem(str(out), "", "exists and is not a folder", "a folder name for --out")])
            result = run_compare(base, list(variants), replications=replications, seed=seed, workers=workers,
                                 out=out, fmt=fmt, quiet=quiet, command=argv)
    except InputError as exc:
        fail(exc)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing written", err=True)
        sys.exit(130)
    except OSError as exc:
        fail([Problem(str(out_dir or "outputs/runs"), "", f"cannot write the run folder: {exc.strerror or exc}",
                      "a writable folder")])
    if quiet:
        return
    head = totals(result.comparison)
    head = head[head["measure"] == "result_after_vangnet"]
    click.echo(f"{replications} paired futures per variant; result after vangnet over the horizon, all "
               "municipalities, variant minus base (EUR):")
    for row in head.itertuples():
        mark = "significant" if row.significant else "not significant"
        click.echo(f"  {row.variant}: {row.diff_mean:+,.0f} [95% CI {row.ci_low:+,.0f}; {row.ci_high:+,.0f}] {mark}")
    click.echo(f"  report: {result.out_dir / 'report.html'}")
# --- plan and compare commands (end) ---

# --- calibrate command (begin) ---
CALIBRATE_HELP = """\b
What is fitted (multipliers on the scenario's own values):
  work hazards        one multiplier on tracks.*.hazards.work (every track)
  other exit hazards  one on every other exit cause of every track
  applications        one per municipality (applications_per_month, all segments)
  period levels       one per observed applications period but the one holding the
                      scenario's start (history only: they shape the window)

\b
OBSERVED (CSV; comma or semicolon): date, municipality, measure, value[, source]
  caseload            date YYYY-MM-DD: 1-1-2018 = the stock at the end of 2017-12
  inflow, outflow, applications, outflow_work_share
                      date = a period YYYY-MM..YYYY-MM (or one month YYYY-MM)
  municipality        a name from the scenario, or all
See docs/calibration.md."""


@main.command("calibrate", epilog=CALIBRATE_HELP)
@click.argument("scenario", metavar="SCENARIO", type=click.Path())
@click.option("--observed", "observed_file", required=True, type=click.Path(), metavar="FILE",
              help="Observed caseloads, flows and applications (CSV, see below).")
@click.option("--out", "out_file", type=click.Path(), default=None, metavar="FILE",
              help="Calibrated scenario (YAML), same start and horizon as SCENARIO. "
                   "Default: <SCENARIO file name>-calibrated.yaml in the current folder.")
@click.option("--history-out", "history_file", type=click.Path(), default=None, metavar="FILE",
              help="Also write the fitted observation-window scenario (YAML) that reproduces the history.")
@click.option("--replications", "-n", type=int, default=None, metavar="R",
              help="Replications per candidate (the same seeds for every candidate).  [default: 40]")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S",
              help="Root seed; replication i uses SeedSequence(S).spawn(R)[i].")
@click.option("--workers", "-j", type=int, default=None, metavar="K",
              help="Local worker processes. Default: every CPU. The results do not depend on it.")
@click.option("--applications-scale", "scale_text", default="fit", show_default=True, metavar="fit|X",
              help="Share of the observed applications that the scenario's applications stand for: fit it, or "
                   "a number (1 = the scenario counts applications as the observed file does).")
@click.option("--iterations", type=int, default=None, metavar="N",
              help="At most N Levenberg-Marquardt steps; 0 = no fit, only the table.  [default: 12]")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no fit table.")
def calibrate_command(scenario: str, observed_file: str, out_file: str | None, history_file: str | None,
                      replications: int | None, seed: int, workers: int | None, scale_text: str,
                      iterations: int | None, quiet: bool) -> None:
    """Fit SCENARIO's exit hazards and application rates to an observed history.

    The observation window starts at the first observed caseload date, with that caseload as the
    initial stock (split over segments as in SCENARIO), and ends with the last observed month.
    Every candidate is simulated on the same R seeds (common random numbers); the fit minimises
    the squared relative errors (simulated mean / observed - 1) of all observations. The fitted
    values apply from SCENARIO's start on: the calibrated scenario has SCENARIO's start and
    horizon, with each fitted value written as {value:, source: "sporen calibrate on FILE ...",
    kind: calibrated, note:}. The output is the same for the same inputs and seed.

    \b
    Example:
      sporen calibrate inputs/scenarios/bmwe.yaml --observed tests/data/bmwe_observed.csv
      sporen calibrate bmwe.yaml --observed obs.csv --out bmwe-calibrated.yaml -n 60 --seed 7

    Prints the fit table (observation, observed, simulated, error %). Bad input exits with code 2
    and one line per problem: FILE: row N.field: what is wrong (what is allowed).
    """
    from pathlib import Path

    from sporen.inputs.load import is_workbook, load_scenario, read_yaml, scenario_from_dict
    from sporen.sim import calibrate as cal

    problems: list[Problem] = []
    replications = cal.DEFAULT_REPLICATIONS if replications is None else replications
    iterations = cal.DEFAULT_ITERATIONS if iterations is None else iterations
    if replications < 1:
        problems.append(Problem("--replications", "", f"{replications} is too small", "a whole number of at least 1"))
    if workers is not None and workers < 1:
        problems.append(Problem("--workers", "", f"{workers} is too small", "a whole number of at least 1"))
    if iterations < 0:
        problems.append(Problem("--iterations", "", f"{iterations} is too small", "0 or more"))
    scale: float | None = None
    if scale_text.strip().lower() != "fit":
        try:
            scale = float(scale_text)
        except ValueError:
            scale = None
            problems.append(Problem("--applications-scale", "", f"{scale_text!r} is not a number",
                                    "fit or a number > 0"))
        else:
            if not scale > 0 or scale != scale or scale == float("inf"):
                problems.append(Problem("--applications-scale", "", f"{scale_text} is out of range",
                                        "fit or a number > 0"))
    src = Path(scenario)
    out = Path(out_file) if out_file else Path(f"{src.stem}-calibrated.yaml")
    targets = [(out, out_file or str(out))] + ([(Path(history_file), history_file)] if history_file else [])
    for path, name in targets:
        if path.is_dir():
            problems.append(Problem(name, "", "is a folder", "a file name for the YAML"))
        elif not path.parent.is_dir():
            problems.append(Problem(name, "", "the folder does not exist", "a file in an existing folder"))
    if history_file and Path(history_file).resolve() == out.resolve():
        problems.append(Problem(history_file, "", "is the same file as --out", "another file name"))
    try:
        model = load_scenario(src)
    except InputError as exc:
        problems += exc.problems
        model = None
    if model is not None:
        try:
            observed = cal.load_observed(observed_file, model)
        except InputError as exc:
            problems += exc.problems
    elif not Path(observed_file).is_file():
        problems.append(Problem(observed_file, "", "file not found", "an observed CSV file"))
    if problems:
        fail(problems)

    window = f"{cal.month_text(observed.start)}..{cal.month_text(observed.end)}"
    source = (f"sporen calibrate on {observed_file} (window {window}, {replications} replications, seed {seed})")
    log = None if quiet else (lambda line: click.echo(f"calibrate: {line}", err=True))
    if log:
        log(f"window {window}, {len(observed.observations)} observations, {replications} replications per candidate")
    try:
        with _PoliteKill():
            result = cal.calibrate(model, observed, replications=replications, seed=seed, workers=workers,
                                   applications_scale=scale, iterations=iterations, source=source, log=log)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing written", err=True)
        sys.exit(130)
    except InputError as exc:
        fail(exc)

    p = result.parameters
    fitted = [("work hazards", p.work), ("other exit hazards", p.other)]
    fitted += [(f"applications {m}", v) for m, v in p.applications.items()]
    fitted += [(f"application level {k}{' (reference)' if v == 1.0 else ''}", v) for k, v in p.periods.items()]
    argv = ["sporen", "calibrate", scenario, "--observed", observed_file, "--replications", str(replications),
            "--seed", str(seed)] + (["--applications-scale", scale_text] if scale is not None else [])
    lines = [f"# Calibrated by: {' '.join(argv)}",
             f"# Window {window}; objective (sum of squared relative errors) {result.objective:.5g}, "
             f"{result.objective_start:.5g} before; see docs/calibration.md.",
             "# Fitted multipliers on the input values:",
             f"#   work hazards {p.work:.4f}, other exit hazards {p.other:.4f}",
             "#   applications " + ", ".join(f"{m} {v:.4f}" for m, v in p.applications.items())]
    if p.periods:
        lines.append("#   application level (window only) " + ", ".join(f"{k} {v:.4f}" for k, v in p.periods.items()))
    if result.applications_scale is not None:
        lines.append(f"# The scenario's applications stand for {result.applications_scale:.3f} of the observed "
                     "applications.")
    stamp = "\n".join(lines) + "\n"
    if not is_workbook(src) and "variant" not in (raw := read_yaml(src)):
        header = cal.leading_comments(src.read_text(encoding="utf-8"))
    else:
        raw = model.model_dump(exclude={"series"})
        header = ""
    mapping = cal.calibrated_mapping(raw, model, p, source, result.applications_scale)
    text = cal.dump_yaml(mapping, (header + "#\n" if header else "") + stamp)
    try:
        scenario_from_dict(cal.yaml_load(text), str(out), src.parent)
    except InputError as exc:  # a bug, not the planner's input: say what failed
        click.echo("error: the calibrated scenario does not validate:", err=True)
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)
    writes = [(out, text)]
    if history_file:
        history = cal.history_mapping(result.history, observed, p, source)
        writes.append((Path(history_file), cal.dump_yaml(history, stamp.replace(
            "# Calibrated by", "# The observation window of a calibration, fitted values applied.\n# Made by"))))
    for path, content in writes:
        try:
            cal.write_text(path, content)
        except OSError as exc:
            fail([Problem(str(path), "", f"cannot write: {exc.strerror or exc}", "a writable file")])
    if quiet:
        return
    click.echo(cal.format_table(result.table, result.applications_scale))
    click.echo("fitted multipliers (x the scenario's values):")
    width = max(len(k) for k, _ in fitted)
    for name, value in fitted:
        click.echo(f"  {name:<{width}}  {value:.4f}")
    click.echo(f"objective {result.objective:.5g} ({result.objective_start:.5g} before), {result.evaluations} "
               f"candidates x {replications} replications")
    click.echo(f"written: {out}" + (f", {history_file}" if history_file else ""))
# --- calibrate command (end) ---


if __name__ == "__main__":
    main()
