"""The `sporen` command: parse the options, call one job (`sporen.jobs`), print its answer.

Every command is thin: the work lives in the application layer (`jobs/`, no click there), so the
Python API and the web page run the same code. Exit codes, in one place (`run_job`): 0 ok; 1 the
target is not met or the run failed; 2 bad input (one line per problem, no traceback, nothing
written); 130 interrupted (Ctrl-C or SIGTERM: every worker process is stopped first). Heavy modules are imported inside
the commands so `sporen --help` is fast.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, TypeVar

from sporen.common import interrupt


def _remember(signum: int, frame: Any) -> None:
    interrupt.request()


if os.path.basename(sys.argv[0]) in ("sporen", "sporen.exe"):
    # The `sporen` program: Ctrl-C or SIGTERM while it is still loading its modules is remembered
    # and acted on (exit 130) once the command starts, instead of a traceback from the import.
    signal.signal(signal.SIGINT, _remember)
    signal.signal(signal.SIGTERM, _remember)

import click  # noqa: E402

from sporen.common.errors import InputError, Problem, RunFailed  # noqa: E402

EXIT_OK, EXIT_TARGET_NOT_MET, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")


MAX_SHOWN = 200
"""At most this many problem lines; the rest are counted in one closing line."""


def fail(problems: Iterable[Problem] | InputError) -> NoReturn:
    """Print the input problems on stderr (at most MAX_SHOWN lines) and exit with code 2."""
    if isinstance(problems, InputError):
        problems = problems.problems
    shown = 0
    for problem in problems:
        shown += 1
        if shown <= MAX_SHOWN:
            click.echo(f"error: {problem}", err=True)
    if shown > MAX_SHOWN:
        click.echo(f"error: ... and {shown - MAX_SHOWN:,} more problems", err=True)
    sys.exit(EXIT_BAD_INPUT)


def run_job(job: Callable[[], T], out: object = None) -> T:
    """Run a job with SIGTERM handled like Ctrl-C, and turn what it raises into an exit code."""
    from sporen.jobs.signals import stop_on_terminate

    try:
        with stop_on_terminate():
            return job()
    except InputError as exc:
        fail(exc)
    except KeyboardInterrupt:   # Ctrl-C, or SIGTERM (jobs.signals.Terminated)
        click.echo("interrupted: nothing written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except MemoryError:
        click.echo("error: out of memory: try fewer replications (-n) or a smaller scenario", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)
    except OSError as exc:
        fail([Problem(str(out or "outputs/runs"), "", f"cannot write the run folder: {exc.strerror or exc}",
                      "a writable folder")])
    except RunFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)


def parallel_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--workers, --backend and --scheduler: where the simulations run (never what they give)."""
    f = click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Dask scheduler address for --backend dask, e.g. tcp://10.0.0.5:8786.")(f)
    f = click.option("--backend", type=click.Choice(["local", "dask"]), default=None,
                     help="Where replications run. Default: local, or dask when --scheduler is given.")(f)
    f = click.option("--workers", "-j", type=int, default=None, metavar="K",
                     help="Local worker processes. Default: every CPU. The results do not depend on it.")(f)
    return f


def parallel(workers: int | None, backend: str | None, scheduler: str | None) -> dict[str, Any]:
    return {"workers": workers, "backend": backend, "scheduler": scheduler}


def money(value: float, lang: str = "en") -> str:
    from sporen.common.i18n import money as euros

    return "-" if value != value else euros(value, lang).replace("\u00a0", " ")


def lang_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--lang: the language of what a person reads (report, workbook, this summary)."""
    return click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                        help="Language of the report, the workbook and the summary: nl (Dutch) or en (English). "
                             "Default: the scenario's language (nl unless it says otherwise).")(f)


class _Group(click.Group):
    """The `sporen` group: Ctrl-C or SIGTERM at any moment of any command -- also while it loads its
    modules or reads its inputs, before `run_job` -- exits with 130 and one line, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from sporen.jobs.signals import stop_on_terminate

        early = interrupt.requested()
        try:
            with stop_on_terminate():
                if early:
                    raise KeyboardInterrupt
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing written", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sporen")
def main() -> None:
    """sporen: simulate clients through the Participatiewet tracks (sporen), project the BUIG
    result with vangnet, and find the cheapest staffing and budget plan that closes the deficit.

    \b
    Example:
      sporen validate inputs/scenarios/bmwe.yaml
      sporen plan
    """


# --- vangnet ------------------------------------------------------------------------------------
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
    comma- or semicolon-separated. A surplus year gets no vangnet whatever its history. Rows
    for years before the first year with rules (2015 in the bundled rules) are history: they only
    feed the multi-year test, as do a municipality's first rows when their own test lacks earlier
    years but they complete a later year's test.

    \b
    Output (CSV), one row per input row:
      municipality, year, budget, spending, result (budget - spending; negative =
      deficit), deficit_share, cumulative_result (summed result of the multi-year
      test's years), eligible, compensation (the vangnet, whole euros),
      result_after_vangnet, assessment (history, surplus, below threshold, multi-year
      test not met, compensated), rule_status (verified, documented or assumed: how
      sure the year's rule is). A line on standard error says which years' rules are
      assumed.

    \b
    Example:
      sporen vangnet tests/data/bmwe_accounts.csv
      sporen vangnet accounts.csv --rules my-rules.yaml --out vangnet.csv

    Bad input exits with code 2 and one line per problem: FILE: row N.field: what is wrong
    (what is allowed); rows are numbered as a spreadsheet shows them (header = row 1).
    """
    from sporen.jobs.vangnet import VangnetOptions, run_vangnet

    result = run_job(lambda: run_vangnet(VangnetOptions.parse(accounts=accounts, rules=rules_file, out=out_file)))
    if result.out is None and not quiet:
        click.echo(result.text, nl=False)
    if result.note and not quiet:
        click.echo(result.note, err=True)


# --- validate and convert -----------------------------------------------------------------------
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
    from sporen.jobs.validate import ValidateOptions, run_validate

    result = run_job(lambda: run_validate(ValidateOptions.parse(files=list(files), scenario=scenario_file)))
    for line in result.lines if not quiet else ():
        click.echo(line)
    if result.problems:
        fail(result.problems)


@main.command("convert")
@click.argument("src", type=click.Path(), metavar="SRC")
@click.argument("dest", type=click.Path(), metavar="DEST")
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def convert(src: str, dest: str, lang: str | None, quiet: bool) -> None:
    """Convert a scenario between YAML and an XLSX workbook, by the files' extensions.

    SRC may be a scenario (.yaml/.yml/.xlsx) or a variant (.yaml: written with the variant
    applied). DEST is written whole: every field with its value, the sources in a `sources`
    table. The workbook layout is described in docs/scenario-format.md.

    \b
    Example:
      sporen convert inputs/scenarios/bmwe.yaml bmwe.xlsx
      sporen convert bmwe.xlsx bmwe-edited.yaml
    """
    from sporen.jobs.convert import ConvertOptions, run_convert

    scenario = run_job(lambda: run_convert(ConvertOptions.parse(src=src, dest=dest, lang=lang)))
    if not quiet:
        click.echo(f"{dest}: written — {scenario.name!r} from {src}")


# --- simulate -----------------------------------------------------------------------------------
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
@parallel_options
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/simulate-<scenario name> "
                   "(with --plan: simulate-<scenario name>-plan).")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Table format.")
@click.option("--events", is_flag=True, help="Also record and write the event log (client, time, event).")
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def simulate(scenario: str, variant: str | None, plan_file: str | None, replications: int, seed: int,
             workers: int | None, backend: str | None, scheduler: str | None, out_dir: str | None, fmt: str,
             events: bool, lang: str | None, quiet: bool) -> None:
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
    from sporen.common.i18n import text
    from sporen.jobs.simulate import SimulateOptions, run_simulate

    result = run_job(lambda: run_simulate(SimulateOptions.parse(
        scenario=scenario, variant=variant, plan=plan_file, replications=replications, seed=seed,
        parallel=parallel(workers, backend, scheduler), out=out_dir, fmt=fmt, events=events, progress=not quiet,
        lang=lang)), out_dir)
    if quiet:
        return
    lang = result.lang
    click.echo(text("cli.simulate.wrote", lang, path=result.out_dir, n=replications, seed=seed,
                    seconds=f"{result.seconds:.1f}"))
    click.echo(text("cli.simulate.head", lang))
    click.echo(f"{text('cli.simulate.year', lang):>6}  {text('cli.simulate.result', lang):>40}  "
               f"{text('cli.simulate.exploitatie', lang):>40}")
    for row in result.headline().itertuples():
        cells = [f"{money(getattr(row, c), lang)} [{money(getattr(row, c + '_ci_low'), lang)}; "
                 f"{money(getattr(row, c + '_ci_high'), lang)}]"
                 for c in ("result_after_vangnet", "exploitatie_result")]
        click.echo(f"{row.year:>6}  {cells[0]:>40}  {cells[1]:>40}")


# --- optimise -----------------------------------------------------------------------------------
def guarantee_options(f: Callable[..., Any], max_futures: int | None = None,
                      tradeoff: str = "0.8,0.95") -> Callable[..., Any]:
    """The options of the optimiser's guarantee and objective, shared by `optimise` and `plan`
    (which has its own defaults for the cap and the trade-off curve)."""
    options = [
        click.option("--objective", type=click.Choice(["buig", "exploitatie", "net"]), default="buig",
                     show_default=True,
                     help="buig: the cheapest plan whose BUIG result after vangnet meets the target; exploitatie: "
                          "the cheapest plan whose exploitatie result meets it (budget-neutral at level 0); "
                          "net: the plan with the best mean net result (which investments pay for themselves)."),
        click.option("--confidence", type=float, default=0.95, show_default=True, metavar="C",
                     help="Confidence of every decision and of the verdict's bounds, in (0, 1)."),
        click.option("--zone", type=float, default=0.02, show_default=True, metavar="D",
                     help="Indifference zone around the probability, in (0, 1): 0.02 = two points. A plan "
                          "within it of p is 'on the edge'; sampling stops at the latest when the interval is "
                          "that narrow."),
        click.option("--max-futures", type=int, default=max_futures, show_default=max_futures is not None,
                     metavar="N",
                     help="Most futures one plan is simulated on in one test. "
                          + ("Default: enough for the interval to shrink to the zone." if max_futures is None else
                             "A cap below what the zone needs widens 'on the edge' (sporen optimise has none; "
                             "give e.g. 2000 for its behaviour).")),
        click.option("--tradeoff", default=tradeoff, show_default=True, metavar="P,P,...",
                     help="Probabilities of the cost-versus-probability curve besides the target's own; each "
                          "point is searched and verified like the answer ('' for none)."),
        click.option("--static", is_flag=True,
                     help="One level per lever for the whole horizon (no per-year taper or later arrival)."),
        click.option("--allow-cuts", is_flag=True,
                     help="Let roles, instruments and running measures go below the baseline (down to min_fte, "
                          "0 places, off). Default: they only grow."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def tradeoff_list(text: str) -> list[Any]:
    """'0.8,0.95' -> [0.8, 0.95]; words are passed on for the options' check to name."""
    out: list[Any] = []
    for part in str(text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            out.append(part)
    return out


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
              help="Result that must be reached (0 = the deficit closed; -50000 allows a deficit of EUR 50,000).")
@click.option("--cumulative", is_flag=True, help="Sum the target years instead of meeting each year.")
@click.option("--probability", default="0.9", show_default=True, metavar="P|mean",
              help="Share of simulated futures that must meet the target, in (0, 1), or 'mean' (on average).")
@guarantee_options
@click.option("--replications", type=int, default=40, show_default=True, metavar="R",
              help="Futures of the design and of every test's first look (each test adds futures as needed).")
@click.option("--budget-sims", type=int, default=None, metavar="N",
              help="At most N replications simulated in all. Default: the design plus 30 + 4 per lever full-length "
                   "tests (a ceiling, rarely reached).")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S", help="Root seed.")
@parallel_options
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder. Default: outputs/runs/optimise-<scenario>.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on standard output.")
def optimise_command(scenario_file: str, variant_file: str | None, target_from: int | None, scope: str,
                     target_level: int, cumulative: bool, probability: str, objective: str, confidence: float,
                     zone: float, max_futures: int | None, tradeoff: str, static: bool, allow_cuts: bool,
                     replications: int, budget_sims: int | None, seed: int, workers: int | None,
                     backend: str | None, scheduler: str | None, out_dir: str | None, quiet: bool) -> None:
    """Find the cheapest plan (staff, instrument places per year, measures) whose simulated result
    meets the target with the chosen probability, decided at a stated confidence, verified on
    fresh futures, and explained.

    \b
    The verdict is one of: meets (the lower confidence bound reaches p), on the edge (the interval
    straddles p within the indifference zone: no plan does clearly better), does not meet (the
    upper bound is below p: out of reach). docs/optimisation.md states the method and guarantee.

    \b
    Writes into DIR: plan.yaml (for `sporen simulate --plan`), formation.csv (role, fte now,
    fte planned, arrival, fte per year), budget.csv (instrument places and budget per year),
    verification.csv (verdict, probability, bounds, futures), tradeoff.csv (cost against the
    probability, each point verified), relaxations.csv (each year and constraint relaxed),
    savings.csv (what each lever does), history.csv (every test), manifest.json, timing.json.

    \b
    Example:
      sporen optimise inputs/scenarios/bmwe.yaml --target-from 2019
      sporen optimise inputs/scenarios/bmwe.yaml --probability mean --cumulative
      sporen optimise inputs/scenarios/nijkerk.yaml --objective net

    Exit code 0: the plan meets the target or is on the edge of it. 1: the target is out of reach
    (the verified plan, as good as the best reachable one, is below it; the plan is written and
    what blocks is printed). 2: bad input.
    """
    from sporen.jobs.optimise import OptimiseJobOptions, run_optimise, verdict_line

    job = run_job(lambda: run_optimise(OptimiseJobOptions.parse(
        scenario=scenario_file, variant=variant_file, target_from=target_from, scope=scope,
        target_level=target_level, cumulative=cumulative, probability=probability, objective=objective,
        confidence=confidence, zone=zone, max_futures=max_futures, tradeoff=tradeoff_list(tradeoff),
        static=static, replications=replications, budget_sims=budget_sims, seed=seed,
        parallel=parallel(workers, backend, scheduler), out=out_dir, allow_cuts=allow_cuts, progress=not quiet)),
        out_dir)
    result = job.optimised
    if not quiet:
        if result.formation is not None:
            table = result.formation[["role", "fte_now", "fte_planned", "change", "yearly_cost", "arrives"]]
            click.echo(table.to_string(index=False))
        click.echo(f"plan: {result.describe()}; extra cost over the horizon EUR {result.cost:,}")
        click.echo(f"verdict: {result.verdict}: {verdict_line(result)}")
        click.echo(f"simulated {result.sims_used} replications; written to {job.out_dir}")
    for line in result.blocking:
        click.echo(f"blocking: {line}", err=True)
    if result.out_of_reach and objective != "net":
        click.echo("target out of reach: the best reachable plan was written", err=True)
        sys.exit(EXIT_TARGET_NOT_MET)


# --- plan ---------------------------------------------------------------------------------------
PLAN_FILES_HELP = """\b
Files written into DIR (tables as CSV, or Parquet with --format parquet):
  report.html     the report: a one-page summary for the council (verdict, plan,
                  cost, probability, what to do next), glossary, money and the
                  vangnet rules used, caseload, formation, trade-off, model
                  description, assumptions in an appendix (one file, opens
                  offline in any browser, prints on A4)
  results.xlsx    a summary sheet, the formation as a council table, then every
                  summary table below with headers in words and units
  plan.yaml       the plan (for `sporen simulate --plan`)
  summary         per year: result after vangnet without and with the plan, cost
  deficits        per municipality and year: BUIG result, vangnet, result after
                  vangnet (mean, 5-95%), chance of a deficit, without/with plan
  verification    the verdict (meets / on_the_edge / does_not_meet), the probability on
                  fresh futures with its confidence bounds
  formation, budget, plan_cost, plan_effect, savings, relaxations, tradeoff,
  blocking, optimiser_tests, caseload, survival, yearly_summary, kpis_summary,
  plan_yearly_summary, plan_kpis_summary, assumptions, unsourced_parameters,
  comparison (with --variant)
  monthly, yearly, kpis, spells            the baseline, per replication
  plan_monthly, plan_yearly, plan_kpis, plan_spells   the plan, per replication
  manifest.json   scenario hash, variant, plan, seeds, versions, git commit, command
  timing.json     wall-clock time (the only file that differs between reruns)"""


@main.command("plan", epilog=PLAN_FILES_HELP)
@click.argument("scenario", required=False, default=None, metavar="[SCENARIO]", type=click.Path())
@click.option("--variant", type=click.Path(), default=None, metavar="FILE",
              help="Apply a policy variant (a YAML patch whose base is SCENARIO); the report then also "
                   "compares the variant with its base.")
@click.option("--replications", "-n", type=int, default=None, metavar="N",
              help="Futures of the optimiser's design and of every test's first look.  [default: 40]")
@click.option("--verify", type=int, default=None, metavar="V",
              help="Futures the report compares baseline and plan on: the first V of the plan's own fresh "
                   "verification futures.  [default: 200]")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S",
              help="Root seed; selection futures are children 0, 1, ... of SeedSequence(S).")
@parallel_options
@click.option("--budget-sims", type=int, default=None, metavar="N",
              help="At most N replications simulated by the optimiser in all. Default: the optimiser's own.")
@click.option("--target-from", type=int, default=None, metavar="YEAR",
              help="First year whose deficit after vangnet must be closed. Default: the second horizon year "
                   "(staff decided now arrive months later).")
@click.option("--target-level", type=int, default=0, show_default=True, metavar="EUR",
              help="Result that must be reached (0 = the deficit closed).")
@click.option("--cumulative", is_flag=True, help="Sum the target years instead of meeting each year.")
@click.option("--probability", default="0.9", show_default=True, metavar="P|mean",
              help="Share of simulated futures in which the plan must close the deficit, in (0, 1), or 'mean'.")
@functools.partial(guarantee_options, tradeoff="0.8")   # jobs.plan.PLAN_TRADEOFF
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/<scenario>-plan.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Table format.")
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bars and no summary.")
def plan_command(scenario: str | None, variant: str | None, replications: int | None, verify: int | None,
                 seed: int, workers: int | None, backend: str | None, scheduler: str | None,
                 budget_sims: int | None, target_from: int | None, target_level: int, cumulative: bool,
                 probability: str, objective: str, confidence: float, zone: float, max_futures: int | None,
                 tradeoff: str, static: bool, allow_cuts: bool, out_dir: str | None, fmt: str, lang: str | None,
                 quiet: bool) -> None:
    """The main job: project the BUIG deficit, find the cheapest plan that closes it, verify the
    plan on fresh futures and write a report for the council.

    \b
    Steps, each with a progress bar on standard error:
      1. optimise: the cheapest staffing, instrument and measure plan that closes the
         deficit after vangnet in every year from --target-from, with --probability,
         each decision at --confidence; the plan judged on fresh futures: meets, on the
         edge, or does not meet
      2. report futures: the baseline and the plan on V of the plan's fresh futures:
         deficit per year and municipality, with vangnet and its uncertainty
      3. with --variant: the variant against its base on the same futures
      4. write DIR whole (a killed run leaves no half-written folder)

    SCENARIO defaults to the bundled inputs/scenarios/bmwe.yaml (BMWE, 2018-2021).

    \b
    Example:
      sporen plan
      sporen plan inputs/scenarios/kerkrade.yaml --out kerkrade-plan
      sporen plan inputs/scenarios/bmwe.yaml --variant inputs/scenarios/variants/bmwe-social.yaml
      sporen plan my-scenario.yaml --objective exploitatie --format parquet
      sporen plan --lang en

    The report, the workbook and this command's summary are in Dutch unless --lang en (or the
    scenario's `language`) says otherwise; the CSV files keep codes and plain numbers.

    Exit code 0: the plan meets the target or is on the edge of it. 1: the target is out of reach
    (the report still says what the best plan reaches, what blocks and what to try next). 2: bad
    input, one line per problem.
    """
    from sporen.common.i18n import text
    from sporen.jobs.plan import (
        BUNDLED_SCENARIO,
        DEFAULT_REPLICATIONS,
        REPORT_FUTURES,
        PlanJobOptions,
        end_message,
        run_plan_job,
    )

    scenario_path = scenario if scenario is not None else str(BUNDLED_SCENARIO)
    argv = ["sporen", "plan", scenario_path] + [
        part for name, value in (("--variant", variant), ("--replications", replications), ("--verify", verify),
                                 ("--seed", seed), ("--budget-sims", budget_sims), ("--target-from", target_from),
                                 ("--target-level", target_level or None), ("--probability", probability),
                                 ("--objective", objective), ("--confidence", confidence), ("--zone", zone),
                                 ("--max-futures", max_futures), ("--tradeoff", tradeoff),
                                 ("--static", "" if static else None), ("--allow-cuts", "" if allow_cuts else None),
                                 ("--out", out_dir), ("--format", fmt), ("--lang", lang))
        if value is not None for part in ((name, str(value)) if value != "" else (name,))]
    result = run_job(lambda: run_plan_job(PlanJobOptions.parse(
        scenario=scenario_path, variant=variant,
        replications=replications if replications is not None else DEFAULT_REPLICATIONS,
        verify=verify if verify is not None else REPORT_FUTURES, seed=seed,
        parallel=parallel(workers, backend, scheduler), budget_sims=budget_sims, out=out_dir, fmt=fmt, quiet=quiet,
        command=argv, probability=probability, target_from=target_from, target_level=target_level,
        cumulative=cumulative, objective=objective, confidence=confidence, zone=zone, max_futures=max_futures,
        tradeoff=tradeoff_list(tradeoff), static=static, allow_cuts=allow_cuts, lang=lang)), out_dir)
    if not quiet:
        for line in end_message(result):
            click.echo(line)
    for line in result.optimised.blocking if result.lang == "en" else []:   # Dutch: 'wat nu' says it in words
        click.echo(text("cli.blocking", result.lang, line=line), err=True)
    if result.out_of_reach:
        sys.exit(EXIT_TARGET_NOT_MET)


# --- compare ------------------------------------------------------------------------------------
COMPARE_FILES_HELP = """\b
Files written into DIR:
  comparison.csv  per variant, measure, municipality and year: base mean, variant
                  mean, mean paired difference, 95% CI, significant (yes/no)
  comparison_totals, base_yearly_summary, <variant>_yearly_summary
                  (CSV, or Parquet with --format parquet)
  results.xlsx    every table on its own sheet, headers in words with units
  report.html     the comparison figure and tables, the model description
  manifest.json, timing.json"""


@main.command("compare", epilog=COMPARE_FILES_HELP)
@click.argument("base", metavar="BASE", type=click.Path())
@click.option("--variant", "variants", multiple=True, type=click.Path(), metavar="FILE",
              help="A variant whose base is BASE; give --variant once per variant (at least one).")
@click.option("--replications", "-n", type=int, default=20, show_default=True, metavar="N",
              help="Simulated futures, the same for the base and every variant (common random numbers).")
@click.option("--seed", type=int, default=20180101, show_default=True, metavar="S", help="Root seed.")
@parallel_options
@click.option("--out", "out_dir", type=click.Path(), default=None, metavar="DIR",
              help="Output folder (replaced when the run succeeds). Default: outputs/runs/<base>-compare.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="Format of the tables besides comparison.csv (always CSV).")
@lang_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bars and no summary.")
def compare_command(base: str, variants: tuple[str, ...], replications: int, seed: int, workers: int | None,
                    backend: str | None, scheduler: str | None, out_dir: str | None, fmt: str, lang: str | None,
                    quiet: bool) -> None:
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
    from sporen.common.i18n import money_signed, text
    from sporen.jobs.compare import CompareOptions, run_compare, totals

    argv = ["sporen", "compare", base] + [p for v in variants for p in ("--variant", v)] + [
        "--replications", str(replications), "--seed", str(seed)] + (["--out", out_dir] if out_dir else []) + [
        "--format", fmt] + (["--lang", lang] if lang else [])
    result = run_job(lambda: run_compare(CompareOptions.parse(
        base=base, variants=list(variants), replications=replications, seed=seed,
        parallel=parallel(workers, backend, scheduler), out=out_dir, fmt=fmt, quiet=quiet, command=argv,
        lang=lang)), out_dir)
    if quiet:
        return
    lang = result.lang
    head = totals(result.comparison)
    head = head[head["measure"] == "result_after_vangnet"]
    click.echo(text("cli.compare.head", lang, n=replications))
    for variant, significant, *interval in zip(head["variant"], head["significant"], head["diff_mean"],
                                               head["ci_low"], head["ci_high"], strict=True):
        mark = text("cli.compare.significant" if significant else "cli.compare.not_significant", lang)
        shown = [money_signed(float(v), lang).replace("\u00a0", " ") for v in interval]
        click.echo(text("cli.compare.row", lang, variant=variant, diff=shown[0], low=shown[1], high=shown[2],
                        sig=mark))
    assert result.out_dir is not None
    click.echo(text("cli.report", lang, path=result.out_dir / "report.html"))


# --- serve --------------------------------------------------------------------------------------
@main.command("serve")
@click.argument("scenario", required=False, default=None, metavar="[SCENARIO]", type=click.Path())
@click.option("--host", default="127.0.0.1", show_default=True, metavar="HOST",
              help="Address to listen on. Anything but localhost shares the page on the network and needs --token.")
@click.option("--port", "-p", type=int, default=8050, show_default=True, metavar="PORT",
              help="Port to listen on; 0 picks a free one (the address is printed).")
@click.option("--token", default=None, envvar="SPOREN_TOKEN", metavar="SECRET",
              help="Access token (at least 12 characters) that every visitor needs; required with --host. "
                   "Also read from the environment variable SPOREN_TOKEN.")
@click.option("--futures", "-n", type=int, default=60, show_default=True, metavar="N",
              help="Simulated futures behind every change (the same N for every try: common random numbers).")
@click.option("--seed", type=int, default=1, show_default=True, metavar="S",
              help="Root seed of the futures: the page's numbers equal `sporen simulate --plan P -n N --seed S`.")
@click.option("--workers", "-j", type=int, default=None, metavar="K",
              help="Local worker processes. Default: every CPU. The results do not depend on it.")
@click.option("--optimise-replications", type=int, default=40, show_default=True, metavar="R",
              help="Futures of the optimiser button's design and first looks (as sporen optimise --replications).")
@click.option("--optimise-max-futures", type=int, default=None, metavar="N",
              help="Most futures one plan is simulated on in one of the optimiser's tests (as sporen optimise "
                   "--max-futures). Default: the optimiser's own.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the address.")
def serve_command(scenario: str | None, host: str, port: int, token: str | None, futures: int, seed: int,
                  workers: int | None, optimise_replications: int, optimise_max_futures: int | None,
                  quiet: bool) -> None:
    """Open the what-if page: try a formation and see the deficit move, in the browser.

    Controls per staff role (fte in 0.5 steps within its limits), per instrument and year
    (places), per measure (on/off), the priority rule and the target. Every change is simulated
    again on the same N futures and shows the BUIG result after vangnet per year with its band,
    the probability of meeting the target (95% interval), the formation and its cost, the
    caseload per track, and the difference with the current formation and with the optimiser's
    plan. A button runs the optimiser; the current plan downloads as plan.yaml (for
    `sporen simulate --plan`), as a report and as a results workbook; Dutch or English.

    SCENARIO defaults to the bundled inputs/scenarios/bmwe.yaml; the page can switch to another
    bundled scenario or take an uploaded one (YAML or the scenario workbook).

    The page listens on this computer only (127.0.0.1) unless --host says otherwise; then every
    visitor needs the --token. Press Ctrl-C to stop.

    \b
    Example:
      sporen serve
      sporen serve inputs/scenarios/kerkrade.yaml --port 8080
      sporen serve --host 0.0.0.0 --token "$(python -c 'import secrets; print(secrets.token_urlsafe())')"

    Bad options exit with code 2 and one line per problem.
    """
    from sporen.jobs.plan import BUNDLED_SCENARIO
    from sporen.jobs.whatif.serve import ServeOptions

    options = run_job(lambda: ServeOptions.parse(
        scenario=scenario if scenario is not None else BUNDLED_SCENARIO, host=host, port=port, token=token,
        futures=futures, seed=seed, workers=workers, quiet=quiet))
    if optimise_replications < 2 or (optimise_max_futures is not None and optimise_max_futures < 2):
        fail([Problem("--optimise-replications" if optimise_replications < 2 else "--optimise-max-futures", "",
                      "must be at least 2", "a whole number of futures")])
    from sporen.web.server import serve

    # the button answers with the plan and its verdict: no trade-off curve (that is the report's)
    optimiser: dict[str, object] = {"replications": optimise_replications, "tradeoff": ()}
    if optimise_max_futures is not None:
        optimiser["max_futures"] = optimise_max_futures
    run_job(lambda: serve(options, optimiser=optimiser, echo=click.echo))


# --- calibrate ----------------------------------------------------------------------------------
CALIBRATE_HELP = """\b
What is fitted (multipliers on the scenario's own values):
  work hazards        one multiplier on tracks.*.hazards.work (every track)
  other exit hazards  one on every other exit cause of every track
  applications        one per municipality (applications_per_month, all segments)
  period levels       one per observed applications period but the one holding the
                      scenario's start (history only: they shape the window)
  benefit level       one per municipality with a spending row (see below), on a
                      forward run of the scenario itself (not the window)

\b
OBSERVED (CSV; comma or semicolon): date, municipality, measure, value[, source]
  caseload            date YYYY-MM-DD: 1-1-2018 = the stock at the end of 2017-12
  inflow, outflow, applications, outflow_work_share
                      date = a period YYYY-MM..YYYY-MM (or one month YYYY-MM)
  spending            date = a calendar year of SCENARIO's horizon (YYYY-01..YYYY-12):
                      BUIG spending in EUR (e.g. a prognosis); sets the benefit level
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
@parallel_options
@click.option("--applications-scale", "scale_text", default="fit", show_default=True, metavar="fit|X",
              help="Share of the observed applications that the scenario's applications stand for: fit it, or "
                   "a number (1 = the scenario counts applications as the observed file does).")
@click.option("--iterations", type=int, default=None, metavar="N",
              help="At most N least-squares evaluations; 0 = no fit, only the table.  [default: 12]")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no fit table.")
def calibrate_command(scenario: str, observed_file: str, out_file: str | None, history_file: str | None,
                      replications: int | None, seed: int, workers: int | None, backend: str | None,
                      scheduler: str | None, scale_text: str, iterations: int | None, quiet: bool) -> None:
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
    from sporen.jobs.calibrate import CalibrateOptions, run_calibrate

    log = None if quiet else (lambda line: click.echo(f"calibrate: {line}", err=True))
    values: dict[str, Any] = {"scenario": scenario, "observed": observed_file, "out": out_file,
                              "history_out": history_file, "seed": seed, "applications_scale": scale_text,
                              "parallel": parallel(workers, backend, scheduler)}
    if replications is not None:
        values["replications"] = replications
    if iterations is not None:
        values["iterations"] = iterations
    job = run_job(lambda: run_calibrate(CalibrateOptions.parse(**values), log=log), out_file)
    if quiet:
        return
    from sporen.jobs.calibrate import format_table

    result = job.result
    click.echo(format_table(result.table, result.applications_scale))
    if result.spending is not None:
        from sporen.jobs.calibrate import format_spending

        click.echo("benefit level from spending (forward run of the calibrated scenario):")
        click.echo(format_spending(result.spending))
    click.echo("fitted multipliers (x the scenario's values):")
    width = max(len(k) for k, _ in job.fitted)
    for name, value in job.fitted:
        click.echo(f"  {name:<{width}}  {value:.4f}")
    click.echo(f"objective {result.objective:.5g} ({result.objective_start:.5g} before), {result.evaluations} "
               f"candidates x {result.replications} replications")
    click.echo("written: " + ", ".join(str(p) for p in job.written))


if __name__ == "__main__":
    main()
