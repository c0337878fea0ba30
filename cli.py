"""The `sporen` command: parse the options, call one job (`sporen.jobs`), print its answer.

Every command is thin: the work lives in the application layer (`jobs/`, no click there), so the
Python API and the web page run the same code. Every option is built from the field that declares
it (`jobs.options`, composed from the layers' models: `common.options.option`): its flag, help,
default and limits are written once; this module adds only the presentation (--quiet, what is
printed). Problems name options as typed here (``--max-futures``), in the language of --lang,
else $SPOREN_LANG, else Dutch.

Exit codes, in one place (`run_job`): 0 ok; 1 the target is not met or the run failed (also: the
disk or standard output is full); 2 bad input (one line per problem, no traceback, nothing
written); 3 the optimiser's --budget-sims ran out before its search was done (the best plan
verified so far is written); 130 interrupted (Ctrl-C or SIGTERM: every worker process is stopped first). Heavy
modules are imported inside the commands so `sporen --help` is fast.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, NoReturn, TypeVar, Union, get_args, get_origin

from sporen.common import interrupt


def _remember(signum: int, frame: Any) -> None:
    interrupt.request()


if os.path.basename(sys.argv[0]) in ("sporen", "sporen.exe"):
    # The `sporen` program: Ctrl-C or SIGTERM while it is still loading its modules is remembered
    # and acted on (exit 130) once the command starts, instead of a traceback from the import.
    signal.signal(signal.SIGINT, _remember)
    signal.signal(signal.SIGTERM, _remember)

import click  # noqa: E402
from click.core import ParameterSource  # noqa: E402

from sporen.common.errors import DISK_FULL, InputError, Problem, RunFailed, disk_full  # noqa: E402
from sporen.common.options import Flat, OptionProblem, Options, message_lang, meta, shown, text  # noqa: E402
from sporen.jobs import options as commands  # noqa: E402

EXIT_OK, EXIT_TARGET_NOT_MET, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_RUN_FAILED = EXIT_TARGET_NOT_MET
EXIT_BUDGET_SPENT = 3
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

MAX_SHOWN = 200
"""At most this many problem lines; the rest are counted in one closing line."""
_LANG: list[str] = []
"""The language of the running command's messages (set when its options are read)."""


def speaking() -> str:
    """The language of the messages of the command running now."""
    return _LANG[-1] if _LANG else message_lang()


def fail(problems: Iterable[Problem] | InputError, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print the problems on stderr (at most MAX_SHOWN lines) and exit with `code` (2: bad input)."""
    if isinstance(problems, InputError):
        problems = problems.problems
    shown_lines = 0
    for problem in problems:
        shown_lines += 1
        if shown_lines <= MAX_SHOWN:
            click.echo(f"error: {problem}", err=True)
    if shown_lines > MAX_SHOWN:
        click.echo("error: " + text("cli.error.more", speaking(), n=f"{shown_lines - MAX_SHOWN:,}"), err=True)
    sys.exit(code)


def write_failed(exc: OSError, target: str | None = None) -> NoReturn:
    """A full disk or standard output: one clear line, exit 1 (the run failed; nothing half-written)."""
    lang = speaking()
    where = target or text("cli.standard_output", lang)
    reason = text("cli.no_space", lang) if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror or str(exc)
    fail([Problem(where, "", text("cli.disk_full", lang, reason=reason), text("cli.allowed.disk_full", lang))],
         EXIT_RUN_FAILED)


def run_job(job: Callable[[], T], out: object = None, model: type[Options] | None = None) -> T:
    """Run a job with SIGTERM handled like Ctrl-C, and turn what it raises into an exit code.

    `model` names the options of an `OptionProblem` raised after they were read (the optimiser's
    checks against the scenario) as the command line spells them."""
    from sporen.jobs.signals import stop_on_terminate

    lang = speaking()
    try:
        with stop_on_terminate():
            return job()
    except OptionProblem as exc:
        fail([model.problem(exc, edge="cli", lang=lang)] if model is not None else exc)
    except InputError as exc:
        fail(exc)
    except KeyboardInterrupt:   # Ctrl-C, or SIGTERM (jobs.signals.Terminated)
        click.echo(text("cli.interrupted", lang), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except MemoryError:
        click.echo("error: " + text("cli.out_of_memory", lang), err=True)
        sys.exit(EXIT_RUN_FAILED)
    except OSError as exc:
        if disk_full(exc):
            write_failed(exc, str(out or getattr(exc, "filename", None) or "outputs/runs"))
        fail([Problem(str(out or "outputs/runs"), "", text("cli.cannot_write_folder", lang,
                                                           reason=exc.strerror or str(exc)),
                      text("cli.allowed.writable_folder", lang))])
    except RunFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_RUN_FAILED)


# -- options from their declarations ------------------------------------------------------------------
def _choices(annotation: Any) -> list[str] | None:
    """The values of a Literal annotation (inside Optional), else None."""
    origin = get_origin(annotation)
    if origin is Literal:
        return [str(a) for a in get_args(annotation)]
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _choices(arg)
            if found:
                return found
    return None


def _is(annotation: Any, kind: type) -> bool:
    """The annotation is `kind` (maybe Optional) or a container of it (list[...])."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_is(a, kind) for a in get_args(annotation) if a is not type(None))
    return annotation is kind or origin is kind


def _default_text(flat: Flat) -> str | bool:
    info = meta(flat.field)
    show = info.get("show_default", True)
    if isinstance(show, str):
        return show
    if not show or flat.field.is_required() or flat.default is None or isinstance(flat.default, bool):
        return False
    value = flat.default
    if isinstance(value, tuple):
        return ",".join(f"{v:g}" for v in value) or "''"
    return shown(value) if isinstance(value, (int, float)) else str(value)


def click_option(flat: Flat) -> Callable[[F], F]:
    """The click option of one declared option: flag, help, default shown, metavar; values reach
    the model as typed (the model checks them and says what is wrong in the user's language)."""
    info = meta(flat.field)
    declarations = [flat.flag] + ([info["short"]] if info.get("short") and not flat.prefix else []) + [flat.name]
    annotation = flat.field.annotation
    choices = _choices(annotation)
    settings: dict[str, Any] = {"help": flat.help, "show_default": _default_text(flat)}
    if _is(annotation, bool) and not _is(annotation, str):
        settings.update(is_flag=True, default=False, show_default=False)
    elif _is(annotation, list):
        settings.update(multiple=True, type=click.Path(), metavar=info.get("metavar"))
    else:
        default = settings.pop("show_default")
        settings.update(default=default or None, show_default=bool(default),
                        metavar=info.get("metavar") or ("[" + "|".join(choices) + "]" if choices else None))
        if info.get("envvar"):
            settings["envvar"] = info["envvar"]
    if flat.field.is_required():
        settings["required"] = True
    return click.option(*declarations, **settings)


def options_of(model: type[Options]) -> Callable[[F], F]:
    """Every command-line option of `model`: its input files first (`leading`), then in declaration order."""
    leading = getattr(model, "leading", ())
    flats = sorted((flat for flat in model.flat().values() if flat.cli),
                   key=lambda flat: leading.index(flat.name) if flat.name in leading else len(leading))

    def decorate(f: F) -> F:
        for flat in reversed(flats):
            f = click_option(flat)(f)
        return f
    return decorate


def read_options(model: type[Options], given: dict[str, Any], **fixed: Any) -> Any:
    """The command's options from what was typed (`given`, by flat name) and its arguments (`fixed`):
    checked by the model; InputError naming the options as typed, in the command's language."""
    flats = model.flat()
    context = click.get_current_context(silent=True)
    values: dict[str, Any] = {}
    for name, value in given.items():
        flat = flats.get(name)
        if flat is None or value is None or value == () or value is False:
            continue
        if context is not None and context.get_parameter_source(name) is ParameterSource.DEFAULT:
            continue    # the model's own default (shown in --help), not typed
        values[name] = (not value) if meta(flat.field).get("negate") else (list(value) if isinstance(value, tuple)
                                                                          else value)
    return model.read({**values, **fixed}, edge="cli", lang=speaking())


def begin(given: dict[str, Any]) -> str:
    """Start a command: its language from --lang (else $SPOREN_LANG, else Dutch)."""
    lang = message_lang(given.get("lang"))
    _LANG.append(lang)
    return lang


def note_workers(options: Any) -> None:
    """Say so when --workers asks for more processes than this computer runs (`sim.options`)."""
    parallel = getattr(options, "parallel", None)
    if parallel is None or parallel.capped() is None or parallel.chosen_backend != "local":
        return
    click.echo(text("option.workers_capped", speaking(), flag="--workers", asked=parallel.workers,
                    cpus=os.cpu_count() or 1, most=parallel.local_workers()), err=True)


def quiet_option(help: str) -> Callable[[F], F]:
    """--quiet: what this command prints (presentation, not an option of the job)."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


def money(value: float, lang: str = "en") -> str:
    from sporen.common.i18n import money as euros

    return "-" if value != value else euros(value, lang).replace("\u00a0", " ")


class _Group(click.Group):
    """The `sporen` group: Ctrl-C or SIGTERM at any moment of any command -- also while it loads its
    modules or reads its inputs, before `run_job` -- exits with 130 and one line, no traceback; a
    full disk or standard output exits with 1 and one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:    # writing --help or a command's answer to a full standard output
            if exc.errno not in (*DISK_FULL, errno.EPIPE):
                raise
            _quiet_stdout()
            if exc.errno == errno.EPIPE:
                sys.exit(EXIT_RUN_FAILED)
            write_failed(exc)

    def invoke(self, ctx: click.Context) -> Any:
        from sporen.jobs.signals import stop_on_terminate

        early = interrupt.requested()
        try:
            with stop_on_terminate():
                if early:
                    raise KeyboardInterrupt
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(text("cli.interrupted", speaking()), err=True)
            sys.exit(EXIT_INTERRUPTED)


def _quiet_stdout() -> None:
    """Standard output failed: send what is left to /dev/null, so the exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sporen")
def main() -> None:
    """sporen: simulate clients through the Participatiewet tracks (sporen), project the BUIG
    result with vangnet, and find the cheapest staffing and budget plan that closes the deficit.

    \b
    Example:
      sporen validate inputs/scenarios/bmwe.yaml
      sporen plan

    Messages are in Dutch unless --lang en or the environment variable SPOREN_LANG=en says otherwise.
    """


# --- vangnet ------------------------------------------------------------------------------------
@main.command("vangnet")
@click.argument("accounts", metavar="ACCOUNTS.csv", type=click.Path())
@options_of(commands.VangnetOptions)
@quiet_option("Without --out: write nothing (only check the file).")
def vangnet(accounts: str, quiet: bool, **given: Any) -> None:
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
    from sporen.jobs.vangnet import run_vangnet

    begin(given)
    options = run_job(lambda: read_options(commands.VangnetOptions, given, accounts=accounts))
    result = run_job(lambda: run_vangnet(options), options.out)
    if result.out is None and not quiet:
        click.echo(result.text, nl=False)
    if result.note and not quiet:
        click.echo(result.note, err=True)


# --- validate and convert -----------------------------------------------------------------------
@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="FILE...")
@options_of(commands.ValidateOptions)
@quiet_option("Print nothing but errors.")
def validate(files: tuple[str, ...], quiet: bool, **given: Any) -> None:
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
    from sporen.jobs.validate import run_validate

    begin(given)
    result = run_job(lambda: run_validate(read_options(commands.ValidateOptions, given, files=list(files))))
    for line in result.lines if not quiet else ():
        click.echo(line)
    if result.problems:
        fail(result.problems)


@main.command("convert")
@click.argument("src", type=click.Path(), metavar="SRC")
@click.argument("dest", type=click.Path(), metavar="DEST")
@options_of(commands.ConvertOptions)
@quiet_option("Print nothing but errors.")
def convert(src: str, dest: str, quiet: bool, **given: Any) -> None:
    """Convert a scenario between YAML and an XLSX workbook, by the files' extensions.

    SRC may be a scenario (.yaml/.yml/.xlsx) or a variant (.yaml: written with the variant
    applied). DEST is written whole: every field with its value, the sources in a `sources`
    table. The workbook layout is described in docs/scenario-format.md.

    \b
    Example:
      sporen convert inputs/scenarios/bmwe.yaml bmwe.xlsx
      sporen convert bmwe.xlsx bmwe-edited.yaml
    """
    from sporen.jobs.convert import run_convert

    begin(given)
    scenario = run_job(lambda: run_convert(read_options(commands.ConvertOptions, given, src=src, dest=dest)), dest)
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
@options_of(commands.SimulateOptions)
@quiet_option("No progress bar and no summary.")
def simulate(scenario: str, quiet: bool, **given: Any) -> None:
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
    from sporen.jobs.simulate import run_simulate

    lang = begin(given)
    options = run_job(lambda: read_options(commands.SimulateOptions, given, scenario=scenario, progress=not quiet))
    note_workers(options)
    result = run_job(lambda: run_simulate(options), options.out)
    if quiet:
        return
    lang = result.lang
    click.echo(text("cli.simulate.wrote", lang, path=result.out_dir, n=options.replications, seed=options.seed,
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
@main.command("optimise")
@click.argument("scenario", metavar="SCENARIO", type=click.Path())
@options_of(commands.OptimiseJobOptions)
@quiet_option("No progress bar and no summary on standard output.")
def optimise_command(scenario: str, quiet: bool, **given: Any) -> None:
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
    what blocks is printed). 2: bad input. 3: --budget-sims ran out before the search was done
    (the best plan verified so far is written, with its verdict; never "out of reach").
    """
    from sporen.jobs.optimise import cheaper_on_edge_lines, run_optimise, verdict_line

    begin(given)
    model = commands.OptimiseJobOptions
    options = run_job(lambda: read_options(model, given, scenario=scenario, progress=not quiet))
    note_workers(options)
    job = run_job(lambda: run_optimise(options), options.out, model)
    result = job.optimised
    if not quiet:
        if result.formation is not None:
            table = result.formation[["role", "fte_now", "fte_planned", "change", "yearly_cost", "arrives"]]
            click.echo(table.to_string(index=False))
        click.echo(f"plan: {result.describe()}; extra cost over the horizon EUR {result.cost:,}")
        click.echo(f"verdict: {result.verdict}: {verdict_line(result)}")
        for line in cheaper_on_edge_lines(result, "en"):
            click.echo(line.strip())
        click.echo(f"simulated {result.sims_used} replications; written to {job.out_dir}")
    for line in result.blocking:
        click.echo(f"blocking: {line}", err=True)
    if result.budget_spent:
        click.echo(text("cli.plan.budget_spent" if result.verified else "cli.plan.budget_unverified", "en",
                        budget=f"{result.budget_sims:,}"), err=True)
        sys.exit(EXIT_BUDGET_SPENT)
    if result.out_of_reach and options.optimiser.objective != "net":
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
@options_of(commands.PlanJobOptions)
@quiet_option("No progress bars and no summary.")
def plan_command(scenario: str | None, quiet: bool, **given: Any) -> None:
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
    input, one line per problem. 3: --budget-sims ran out before the search was done (the report
    shows the best plan verified so far; never "out of reach" without a verified plan).
    """
    from sporen.jobs.plan import end_message, run_plan_job

    begin(given)
    model = commands.PlanJobOptions
    arguments = {"scenario": scenario} if scenario is not None else {}
    options = run_job(lambda: read_options(model, given, quiet=quiet, **arguments))
    options = options.model_copy(update={"command": options.command_line()})
    note_workers(options)
    result = run_job(lambda: run_plan_job(options), options.out, model)
    if not quiet:
        for line in end_message(result):
            click.echo(line)
    for line in result.optimised.blocking if result.lang == "en" else []:   # Dutch: 'wat nu' says it in words
        click.echo(text("cli.blocking", result.lang, line=line), err=True)
    if result.budget_spent:
        sys.exit(EXIT_BUDGET_SPENT)
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
@options_of(commands.CompareOptions)
@quiet_option("No progress bars and no summary.")
def compare_command(base: str, quiet: bool, **given: Any) -> None:
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
    from sporen.common.i18n import money_signed
    from sporen.jobs.compare import run_compare, totals

    begin(given)
    options = run_job(lambda: read_options(commands.CompareOptions, given, base=base, quiet=quiet))
    options = options.model_copy(update={"command": commands.command_line(options, "compare", [base])})
    note_workers(options)
    result = run_job(lambda: run_compare(options), options.out)
    if quiet:
        return
    lang = result.lang
    head = totals(result.comparison)
    head = head[head["measure"] == "result_after_vangnet"]
    click.echo(text("cli.compare.head", lang, n=options.replications))
    for variant, significant, *interval in zip(head["variant"], head["significant"], head["diff_mean"],
                                               head["ci_low"], head["ci_high"], strict=True):
        mark = text("cli.compare.significant" if significant else "cli.compare.not_significant", lang)
        shown_values = [money_signed(float(v), lang).replace("\u00a0", " ") for v in interval]
        click.echo(text("cli.compare.row", lang, variant=variant, diff=shown_values[0], low=shown_values[1],
                        high=shown_values[2], sig=mark))
    assert result.out_dir is not None
    click.echo(text("cli.report", lang, path=result.out_dir / "report.html"))


# --- monitor ------------------------------------------------------------------------------------
MONITOR_FILES_HELP = """\b
Files written into DIR:
  report.html     the flag in words, the fan chart (caseload: actuals, the plan's
                  forecast and the re-forecast; BUIG spending per year against the
                  budget), per year the re-forecast against the plan, the actuals
                  against the plan's band, the method
  results.xlsx    the re-forecast per year and the actuals against the band
  monitor.csv     per year, municipality ('all' summed) and measure (spending,
                  buig_result, vangnet, result_after_vangnet): BUIG budget, the plan's
                  forecast (mean, 5%, 95%), the re-forecast (mean, 5%, 25%, 50%,
                  75%, 95%) and the change of the mean
  monitor_months.csv  every actual: the plan's mean, 5% and 95%, outside (yes/no)
  plan_yearly.csv, reforecast_yearly.csv   the yearly money per future
  realised.csv    what the realised months count (spending: the actuals' or estimated)
  manifest.json, timing.json"""


@main.command("monitor", epilog=MONITOR_FILES_HELP)
@click.argument("scenario", metavar="SCENARIO", type=click.Path())
@options_of(commands.MonitorOptions)
@quiet_option("No progress bar and no summary.")
def monitor_command(scenario: str, quiet: bool, **given: Any) -> None:
    """Is the plan on course? Re-forecast the rest of the horizon from the actuals so far.

    The plan (default: the baseline) is simulated from the scenario's start (its original
    forecast) and again from the month after the last actual, starting with the actual caseload
    per municipality (split over segments by the forecast, or as the file gives them); the
    realised months count as realised (the actuals' spending, or the forecast's per client
    scaled by the actual caseload). Per year: the re-forecast BUIG spending, result, vangnet and
    result after vangnet with their 5-95% band, against the plan's forecast and the budget. A flag
    says in words when an actual leaves the plan's 90% band (5th to 95th percentile of its
    forecast for that month).

    \b
    ACTUALS (CSV, comma or semicolon, Dutch numbers; or an XLSX sheet 'werkelijk'):
      maand (YYYY-MM), gemeente, bestand (clients on benefit at the end of the month),
      and where known: doelgroep, instroom, uitstroom, uitstroom werk / verhuizing /
      aow / partner / overlijden / handhaving / voorliggende voorziening / overig,
      uitgaven (BUIG spending for the month, EUR)

    \b
    Example (BMWE's actuals to May 2018, seed 003):
      sporen monitor inputs/scenarios/bmwe.yaml --actuals inputs/scenarios/bmwe-actuals-2018-05.csv
      sporen monitor bmwe.yaml --actuals werkelijk.xlsx --plan plan.yaml -n 200

    Exit code 0: written (also when the actuals leave the band: the report says so). 2: bad input,
    one line per problem (file, row and column, what is allowed); nothing is written then.
    """
    from sporen.jobs.monitor import run_monitor

    begin(given)
    options = run_job(lambda: read_options(commands.MonitorOptions, given, scenario=scenario, progress=not quiet))
    options = options.model_copy(update={"command": options.command_line()})
    note_workers(options)
    result = run_job(lambda: run_monitor(options), options.out)
    if quiet:
        return
    for line in [result.flag, *result.years]:
        click.echo(line.replace("\u00a0", " "))
    click.echo(text("cli.report", result.lang, path=result.out_dir / "report.html"))
# --- sensitivity --------------------------------------------------------------------------------
SENSITIVITY_FILES_HELP = """\b
Files written into DIR:
  sensitivity_indices  per outcome (each year's result after vangnet, the target
                  years together, meeting the target) and assumption: first- and
                  total-order Sobol index with 95% interval; 'seed' is chance
  tornado         each assumption at its low and high end: mean result, share
                  of futures meeting the target
  robustness      the 3 most influential assumptions at their pessimistic end,
                  one at a time and together: does the plan still meet the target?
  metamodel_indices  the same indices from a regression metamodel, and whether
                  they agree with the simulation's
  results.xlsx    the conclusion in words, then the tables
  report.html     the tornado chart, the conclusion and the tables
  manifest.json, timing.json"""


@main.command("sensitivity", epilog=SENSITIVITY_FILES_HELP)
@click.argument("scenario", required=False, default=None, metavar="[SCENARIO]", type=click.Path())
@options_of(commands.SensitivityJobOptions)
@quiet_option("No progress bar and no summary.")
def sensitivity_command(scenario: str | None, quiet: bool, **given: Any) -> None:
    """Which assumptions decide whether a plan meets the target.

    Sobol indices (first and total order, 95% intervals) of the BUIG result after vangnet per
    year and of meeting the target, for every parameter in the scenario's `uncertainty:` and each
    --parameter PATH=LOW:HIGH, with chance (the clients' own randomness) as its own row; a
    tornado chart; and whether the plan still meets the target when the 3 most influential
    assumptions turn out badly.

    \b
    Example:
      sporen sensitivity inputs/scenarios/bmwe.yaml --plan plan.yaml

    Exit code 0: analysed and written. 2: bad input, one line per problem.
    """
    from sporen.jobs.sensitivity import end_lines, run_sensitivity

    begin(given)
    model = commands.SensitivityJobOptions
    arguments = {"scenario": scenario} if scenario is not None else {}
    options = run_job(lambda: read_options(model, given, quiet=quiet, **arguments))
    options = options.model_copy(update={"command": options.command_line()})
    note_workers(options)
    result = run_job(lambda: run_sensitivity(options), options.out, model)
    if quiet:
        return
    for line in end_lines(result):
        click.echo(line)


# --- serve --------------------------------------------------------------------------------------
@main.command("serve")
@click.argument("scenario", required=False, default=None, metavar="[SCENARIO]", type=click.Path())
@options_of(commands.ServeOptions)
@quiet_option("Print only the address.")
@click.pass_context
def serve_command(ctx: click.Context, scenario: str | None, quiet: bool, **given: Any) -> None:
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
    visitor needs the access token, from SPOREN_TOKEN or --token-file (never on the command line,
    where `ps` shows it to every user of this computer). Press Ctrl-C to stop.

    \b
    Example:
      sporen serve
      sporen serve inputs/scenarios/kerkrade.yaml --port 8080
      SPOREN_TOKEN="$(python -c 'import secrets; print(secrets.token_urlsafe())')" sporen serve --host 0.0.0.0
      sporen serve --host 0.0.0.0 --token-file ~/.sporen-token

    Bad options exit with code 2 and one line per problem.
    """
    begin(given)
    if given.get("token") is not None and ctx.get_parameter_source("token") is ParameterSource.COMMANDLINE:
        lang = speaking()
        fail([Problem("--token", "", text("option.token_on_command_line", lang),
                      text("option.allowed.token_on_command_line", lang, token_file="--token-file"))])
    arguments = {"scenario": scenario} if scenario is not None else {}
    options = run_job(lambda: read_options(commands.ServeOptions, given, quiet=quiet, **arguments))
    from sporen.web.server import serve

    run_job(lambda: serve(options, optimiser=options.optimiser_options(), echo=click.echo))


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
@options_of(commands.CalibrateOptions)
@quiet_option("No progress and no fit table.")
def calibrate_command(scenario: str, quiet: bool, **given: Any) -> None:
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
    from sporen.jobs.calibrate import run_calibrate

    begin(given)
    log = None if quiet else (lambda line: click.echo(f"calibrate: {line}", err=True))
    options = run_job(lambda: read_options(commands.CalibrateOptions, given, scenario=scenario))
    note_workers(options)
    job = run_job(lambda: run_calibrate(options, log=log), options.out)
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
