"""The commands' options: each command's model, composed from the layers' own (one declaration each).

The layers own their options (`common.options` says how a field is declared once): the optimiser's
in `optimise.options`, the fit's in `calibration.options`, where and how many futures run in
`sim.options`, the run folder, format and language in `outputs.options`. Here each command takes
what it uses -- a field per file argument, a group (`group(...)`) per layer's model with the
command's own defaults -- and nothing is declared twice. `cli.py` builds every command-line option
from these models, `jobs.api` checks the Python keywords with them, and `Options.parse` names a
bad value the way its edge spells it (``--max-futures`` or ``max_futures``) in the user's language.

The models are light (pydantic only): `sporen --help` builds every option without loading the
simulator. Also here: the checks of output paths every job shares (a run folder, a single file).

To add an option: a field with `option(...)` on the model of the layer that uses it (e.g.
`optimise.options.OptimiseOptions`); every command composing that model offers it at once.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import model_validator

from sporen.calibration.options import CalibrationOptions
from sporen.common.errors import InputError, Problem
from sporen.common.options import Edge, Flat, OptionProblem, Options, group, meta, option
from sporen.optimise.options import DEFAULT_TRADEOFF, OptimiseOptions
from sporen.outputs.options import Format, Language, format_option, lang_option, out_file_option, out_folder_option
from sporen.sensitivity.options import SensitivityOptions
from sporen.sim.options import DEFAULT_SEED, MAX_REPLICATIONS, Parallel, replications_option, seed_option

BUNDLED_SCENARIO = Path(__file__).resolve().parent.parent / "inputs" / "scenarios" / "bmwe.yaml"
"""The scenario `sporen plan` and `sporen serve` open when none is given (BMWE, 2018-2021)."""
REPORT_FUTURES = 200
"""Default V: the report compares baseline and plan on the first V of the plan's verification futures."""
PLAN_MAX_FUTURES: int | None = None
"""The main job's cap on one sequential test (`--max-futures`): none, as `sporen optimise`. A cap of
320 was tried for time and made BMWE's answer worse: its EUR 1.76M plan (91.9% on 320 fresh
futures, bounds 87.8-94.7%) stayed 'on the edge' and the search fell back to the EUR 6.57M plan that
meets; without a cap the verification goes on until the zone decides."""
PLAN_TRADEOFF = (0.8,)
"""The main job's trade-off curve: the answer and one looser probability (`sporen optimise`: 0.8 and 0.95)."""
PLAN_SENSITIVITY_BASE = 32
"""`sporen plan`'s Saltelli base size: the section costs about half of `sporen sensitivity`'s runs."""
PLAN_SENSITIVITY_FUTURES = 16
PAGE_FUTURES = 60
"""Futures behind every change on the what-if page."""
MAX_FILES = 10_000
MAX_VARIANTS = 50
MIN_TOKEN_LENGTH = 12
MAX_TOKEN_FILE = 4096
NO_EFFECT = ("parallel", "progress", "quiet", "command")
"""Fields that never change what a run writes: not part of its canonical command line."""

JobOptions = Options
"""Base of every command's options (`common.options.Options`)."""


def scenario_argument(default: Path | None = None) -> Any:
    """The scenario file a command reads (a positional argument on the command line)."""
    return option(default if default is not None else ..., help="The scenario (YAML, XLSX or variant).", cli=False)


def variant_option(help: str = "Apply a policy variant (a YAML patch whose base is SCENARIO).") -> Any:
    return option(None, help=help, metavar="FILE", show_default=False)


def command_line(options: CommandOptions, command: str, arguments: Sequence[str]) -> list[str]:
    """The run as a canonical command line (manifest.json): the arguments, then every option that
    shapes what is written, with its value, in declaration order."""
    argv = ["sporen", command, *arguments]
    for name, flat in options.flat().items():
        if not flat.cli or flat.path[0] in NO_EFFECT or name in options.arguments:
            continue
        value = _value(options, flat)
        if meta(flat.field).get("negate"):    # a flag that sets a yes/no field to no (--static)
            if value is False:
                argv.append(flat.flag)
            continue
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flat.flag)
        elif isinstance(value, (list, tuple)) and name in options.repeated:
            for item in value:
                argv += [flat.flag, str(item)]
        elif isinstance(value, (list, tuple)):
            joined = ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
            argv += [flat.flag, joined] if joined else [f"{flat.flag}="]    # none: --tradeoff= (one word)
        else:
            argv += [flat.flag, str(value)]
    return argv


def _value(options: Options, flat: Flat) -> Any:
    owner: Any = options
    for part in flat.path:
        owner = getattr(owner, part)
    return owner


class CommandOptions(Options):
    """A command's options; `repeated` options are given once per value (``--variant A --variant B``);
    `leading` ones come first in --help (the input files)."""

    repeated: ClassVar[tuple[str, ...]] = ()
    leading: ClassVar[tuple[str, ...]] = ()


# -- vangnet, validate, convert ---------------------------------------------------------------------
class VangnetOptions(CommandOptions):
    """The accounts CSV, the rules (default: the bundled ones) and where to write the table."""

    arguments = ("accounts",)
    accounts: Path = option(help="The accounts CSV.", cli=False)
    rules: Path | None = option(None, help="Vangnet rules per year (YAML). Default: the bundled "
                                "inputs/rules/vangnet.yaml.", metavar="FILE", show_default=False)
    out: Path | None = out_file_option("Write the table to FILE (CSV) instead of standard output.")
    lang: Language | None = lang_option()


class ValidateOptions(CommandOptions):
    """Scenario, variant and plan files, and the scenario plan files are checked against."""

    arguments = ("files",)
    files: list[Path] = option(help="The files to check.", cli=False, min_length=1, max_length=MAX_FILES)
    scenario: Path | None = option(None, help="The scenario (YAML, XLSX or variant) that plan files are checked "
                                   "against.", metavar="S", show_default=False)
    lang: Language | None = lang_option()


class ConvertOptions(CommandOptions):
    """SRC to DEST by their extensions."""

    arguments = ("src", "dest")
    src: Path = option(help="The scenario or variant to convert.", cli=False)
    dest: Path = option(help="The file to write.", cli=False)
    lang: Language | None = lang_option("Language of the workbook's instructions and explanations (and the "
                                        "messages): nl or en. Default: the scenario's.")


# -- simulate, compare, calibrate ---------------------------------------------------------------------
class SimulateRun(CommandOptions):
    """How `sporen simulate` and `sporen.simulate` simulate: how many futures, the seed, where."""

    replications: int = replications_option(100, help="Number of replications.")
    seed: int = seed_option()
    parallel: Parallel = group(Parallel)
    events: bool = option(False, help="Also record and write the event log (client, time, event).")


class SimulateOptions(SimulateRun):
    """What `sporen simulate` asks for."""

    arguments = ("scenario",)
    leading = ("variant", "plan")
    scenario: Path = scenario_argument()
    variant: Path | None = variant_option()
    plan: Path | None = option(None, help="Plan to simulate (fte per role, instrument places, measures). Default: "
                               "the baseline.", metavar="FILE", show_default=False)
    out: Path | None = out_folder_option("outputs/runs/simulate-<scenario name> (with --plan: "
                                         "simulate-<scenario name>-plan)")
    fmt: Format = format_option()
    lang: Language | None = lang_option()
    progress: bool = option(True, help="A progress bar on standard error.", internal=True)

    def command_line(self) -> list[str]:
        """The command as a canonical argument list (manifest.json)."""
        return command_line(self, "simulate", [str(self.scenario)])

    def input_files(self) -> list[Path | None]:
        """The files the run reads (its folder may hold none of them)."""
        return [self.scenario, self.variant, self.plan]


class CompareRun(CommandOptions):
    """How `sporen compare` and `sporen.compare` simulate: the same futures for the base and every variant."""

    replications: int = replications_option(20, minimum=2, help="Simulated futures, the same for the base and every "
                                            "variant (common random numbers).")
    seed: int = seed_option("Root seed.")
    parallel: Parallel = group(Parallel)


class CompareOptions(CompareRun):
    """What `sporen compare` asks for."""

    arguments = ("base",)
    leading = ("variants",)
    repeated = ("variants",)
    base: Path = option(help="The base scenario.", cli=False)
    variants: list[Path] = option(help="A variant whose base is BASE; give --variant once per variant (at least "
                                  "one).", flag="--variant", metavar="FILE", show_default=False, min_length=1,
                                  max_length=MAX_VARIANTS)
    out: Path | None = out_folder_option("outputs/runs/<base>-compare")
    fmt: Format = format_option("Format of the tables besides comparison.csv (always CSV).")
    lang: Language | None = lang_option()
    quiet: bool = option(False, help="No progress bars.", internal=True)
    command: list[str] = option(default_factory=list, help="The command line (manifest.json).", internal=True)


class CalibrateRun(CommandOptions):
    """How `sporen calibrate` and `sporen.calibrate` fit: the fit's options and where it simulates."""

    fit: CalibrationOptions = group(CalibrationOptions)
    parallel: Parallel = group(Parallel)


class CalibrateOptions(CalibrateRun):
    """What `sporen calibrate` asks for."""

    arguments = ("scenario",)
    leading = ("observed", "out", "history_out")
    scenario: Path = scenario_argument()
    observed: Path = option(help="Observed caseloads, flows and applications (CSV, see below).", metavar="FILE")
    out: Path | None = out_file_option("Calibrated scenario (YAML), same start and horizon as SCENARIO. Default: "
                                       "<SCENARIO file name>-calibrated.yaml in the current folder.")
    history_out: Path | None = out_file_option("Also write the fitted observation-window scenario (YAML) that "
                                               "reproduces the history.", flag="--history-out")
    lang: Language | None = lang_option()

    @property
    def out_file(self) -> Path:
        return self.out if self.out is not None else Path(f"{self.scenario.stem}-calibrated.yaml")


class MonitorRun(CommandOptions):
    """How `sporen monitor` and `sporen.reforecast_plan` simulate: the futures and where."""

    replications: int = replications_option(100, minimum=10, help="Simulated futures, the same seeds for the plan's "
                                            "forecast and the re-forecast.")
    seed: int = seed_option()
    parallel: Parallel = group(Parallel)


class MonitorOptions(MonitorRun):
    """What `sporen monitor` asks for: the scenario, its actuals, the plan being monitored, the futures."""

    arguments = ("scenario",)
    leading = ("actuals", "plan")
    scenario: Path = scenario_argument()
    actuals: Path = option(help="Actuals per municipality and month (CSV or XLSX): maand, gemeente, bestand (clients "
                           "on benefit at the end of the month) and where known instroom, uitstroom, uitstroom "
                           "<reden>, uitgaven (EUR).", metavar="FILE")
    plan: Path | None = option(None, help="The plan being monitored (plan.yaml). Default: the baseline.",
                               metavar="FILE", show_default=False)
    out: Path | None = out_folder_option("outputs/runs/monitor-<scenario name>")
    lang: Language | None = lang_option()
    progress: bool = option(True, help="A progress bar on standard error.", internal=True)
    command: list[str] = option(default_factory=list, help="The command line (manifest.json).", internal=True)

    def command_line(self) -> list[str]:
        return command_line(self, "monitor", [str(self.scenario)])

    def input_files(self) -> list[Path | None]:
        return [self.scenario, self.actuals, self.plan]


# -- optimise and plan ----------------------------------------------------------------------------------
class OptimiseRun(CommandOptions):
    """How `sporen optimise` and `sporen.optimise_plan` search: the optimiser's options and where it simulates."""

    optimiser: OptimiseOptions = group(OptimiseOptions)
    parallel: Parallel = group(Parallel)


class OptimiseJobOptions(OptimiseRun):
    """What `sporen optimise` asks for."""

    arguments = ("scenario",)
    leading = ("variant",)
    scenario: Path = scenario_argument()
    variant: Path | None = variant_option("A variant (policy or parameter patch) applied to SCENARIO.")
    out: Path | None = out_folder_option("outputs/runs/optimise-<scenario>")
    lang: Language | None = lang_option()
    progress: bool = option(True, help="A progress bar on standard error.", internal=True)
    command: list[str] = option(default_factory=list, help="The command line (manifest.json).", internal=True)

    def command_line(self) -> list[str]:
        return command_line(self, "optimise", [str(self.scenario)])


class PlanJobOptions(CommandOptions):
    """What `sporen plan` asks for: the optimiser's options (with the main job's trade-off curve),
    the report futures, where it runs and what it writes."""

    arguments = ("scenario",)
    scenario: Path = scenario_argument(BUNDLED_SCENARIO)
    variant: Path | None = variant_option("Apply a policy variant (a YAML patch whose base is SCENARIO); the report "
                                          "then also compares the variant with its base.")
    optimiser: OptimiseOptions = group(lambda: OptimiseOptions(tradeoff=PLAN_TRADEOFF, max_futures=PLAN_MAX_FUTURES))
    sensitivity: SensitivityOptions = group(lambda: SensitivityOptions(base=PLAN_SENSITIVITY_BASE,
                                                                       futures=PLAN_SENSITIVITY_FUTURES),
                                            prefix="sensitivity_", fields=("base", "futures"))
    sensitivity_check: bool = option(True, help="Say which assumptions decide and whether the plan still meets the "
                                     "target when the most influential turn out badly (a section of the report; "
                                     "skipped when the scenario has no uncertain parameters).",
                                     flag="--no-sensitivity", negate=True)
    verify: int = replications_option(REPORT_FUTURES, minimum=2, flag="--verify", short=None, metavar="V",
                                      help="Futures the report compares baseline and plan on: the first V of the "
                                      "plan's own fresh verification futures.")
    parallel: Parallel = group(Parallel)
    out: Path | None = out_folder_option("outputs/runs/<scenario>-plan")
    fmt: Format = format_option()
    lang: Language | None = lang_option()
    quiet: bool = option(False, help="No progress bars.", internal=True)
    command: list[str] = option(default_factory=list, help="The command line (manifest.json).", internal=True)

    def command_line(self) -> list[str]:
        return command_line(self, "plan", [str(self.scenario)])


# -- sensitivity ---------------------------------------------------------------------------------------
TARGET_FIELDS = ("target_from", "scope", "target_level", "cumulative", "probability", "objective")
"""The optimiser's options that say what the target is (the sensitivity asks whether a plan meets it)."""


class SensitivityJobOptions(CommandOptions):
    """What `sporen sensitivity` asks for: the plan, the target, the analysis's size, where it runs."""

    arguments = ("scenario",)
    leading = ("variant", "plan")
    repeated = ("parameters",)
    scenario: Path = scenario_argument(BUNDLED_SCENARIO)
    variant: Path | None = variant_option()
    plan: Path | None = option(None, help="The plan whose sensitivity is asked (fte per role, instrument places, "
                               "measures). Default: the baseline.", metavar="FILE", show_default=False)
    target: OptimiseOptions = group(OptimiseOptions, fields=TARGET_FIELDS)
    analysis: SensitivityOptions = group(SensitivityOptions)
    seed: int = seed_option("Root seed of the design and of the tornado's futures.")
    parallel: Parallel = group(Parallel)
    out: Path | None = out_folder_option("outputs/runs/<scenario>-sensitivity")
    fmt: Format = format_option()
    lang: Language | None = lang_option()
    quiet: bool = option(False, help="No progress bar.", internal=True)
    command: list[str] = option(default_factory=list, help="The command line (manifest.json).", internal=True)

    def command_line(self) -> list[str]:
        return command_line(self, "sensitivity", [str(self.scenario)])

    def input_files(self) -> list[Path | None]:
        return [self.scenario, self.variant, self.plan]


# -- serve ------------------------------------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """127.x.x.x, ::1 or localhost."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeOptions(CommandOptions):
    """What `sporen serve` asks for: the page's futures, where it listens, who may see it."""

    arguments = ("scenario",)
    scenario: Path = scenario_argument(BUNDLED_SCENARIO)
    host: str = option("127.0.0.1", help="Address to listen on. Anything but localhost shares the page on the "
                       "network and needs an access token.", metavar="HOST", max_length=255)
    port: int = option(8050, help="Port to listen on; 0 picks a free one (the address is printed).", short="-p",
                       metavar="PORT", ge=0, le=65535)
    token: str | None = option(None, help="Access token (at least 12 characters) that every visitor needs; required "
                               "with --host. Read from the environment variable SPOREN_TOKEN or from --token-file: "
                               "on the command line it would be visible to every user of this computer.",
                               metavar="SECRET", show_default=False, envvar="SPOREN_TOKEN", max_length=MAX_TOKEN_FILE)
    token_file: Path | None = option(None, help="A file holding the access token (its first line).", metavar="FILE",
                                     show_default=False)
    futures: int = replications_option(PAGE_FUTURES, minimum=2, flag="--futures", help="Simulated futures behind "
                                       "every change (the same N for every try: common random numbers).")
    seed: int = seed_option("Root seed of the futures: the page's numbers equal `sporen simulate --plan P -n N "
                            "--seed S`.")
    parallel: Parallel = group(Parallel, fields=("workers",))
    optimiser: OptimiseOptions = group(lambda: OptimiseOptions(tradeoff=()), prefix="optimise_",
                                       fields=("replications", "max_futures"))
    lang: Language | None = lang_option("Language of the messages: nl or en (the page has its own switch). "
                                        "Default: $SPOREN_LANG, else nl.")
    quiet: bool = option(False, help="Print only the address.", internal=True)

    @model_validator(mode="after")
    def _network_needs_token(self) -> ServeOptions:
        token = self.token or None
        if token is None and self.token_file is not None:
            token = read_token(self.token_file)
        if not is_loopback(self.host) and token is None:
            raise OptionProblem("option.token_needed", "option.allowed.token_needed", field="token",
                                refs={"token_file": "token_file", "host_option": "host"}, host=self.host)
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise OptionProblem("option.token_short", "option.allowed.token_short", field="token",
                                length=len(token), least=MIN_TOKEN_LENGTH)
        if token != self.token:
            object.__setattr__(self, "token", token)
        return self

    @property
    def shared(self) -> bool:
        return not is_loopback(self.host)

    @property
    def workers(self) -> int | None:
        return self.parallel.workers

    def optimiser_options(self) -> dict[str, object]:
        """The page's optimiser button: as `sporen optimise` but no trade-off curve (that is the report's)."""
        chosen: dict[str, object] = {"replications": self.optimiser.replications, "tradeoff": ()}
        if self.optimiser.max_futures is not None:
            chosen["max_futures"] = self.optimiser.max_futures
        return chosen


def read_token(path: Path) -> str | None:
    """The first line of a token file (None when it is empty); OptionProblem when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TOKEN_FILE + 1)
    except OSError as exc:
        raise OptionProblem("option.token_file", "option.allowed.token_file", field="token_file",
                            reason=exc.strerror or str(exc)) from None
    if len(data) > MAX_TOKEN_FILE:
        raise OptionProblem("option.token_file", "option.allowed.token_file", field="token_file",
                            reason=f"> {MAX_TOKEN_FILE} bytes")
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[0].strip() or None if lines else None


__all__ = ["BUNDLED_SCENARIO", "CalibrateOptions", "CalibrateRun", "CommandOptions", "CompareOptions", "CompareRun",
           "ConvertOptions", "OptimiseRun", "SimulateRun",
           "DEFAULT_SEED", "DEFAULT_TRADEOFF", "Edge", "JobOptions", "MAX_REPLICATIONS", "MonitorOptions", "MonitorRun",
           "OptimiseJobOptions", "PLAN_TRADEOFF", "Parallel", "PlanJobOptions", "REPORT_FUTURES",
           "SensitivityJobOptions",
           "ServeOptions", "SimulateOptions",
           "ValidateOptions", "VangnetOptions", "check_out_file", "check_out_folder", "command_line", "is_loopback",
           "leading_text", "raise_problems", "yaml_by_sporen"]


def check_out_folder(out: Path | None, inputs: Sequence[str | Path | None] = ()) -> list[Problem]:
    """What is wrong with ``--out`` as a run folder (`outputs.rundir.check_target`: a new folder, an
    empty one or an earlier sporen run, holding none of the `inputs`); checked before any work."""
    from sporen.outputs.rundir import check_target

    if out is None:
        return []
    return check_target(out, inputs)


def check_out_file(out: Path | None, what: str = "file", inputs: Sequence[str | Path | None] = (),
                   ours: Callable[[Path], bool] | None = None) -> list[Problem]:
    """An output file must be a file name in an existing folder, none of the run's `inputs`, and,
    when it exists, a file sporen wrote (`ours` recognises one): sporen never overwrites a file a
    planner made."""
    if out is None:
        return []
    if out.is_dir():
        return [Problem(str(out), "", "is a folder", f"a {what} name")]
    if not out.parent.is_dir():
        return [Problem(str(out), "", "the folder does not exist", f"a {what} in an existing folder")]
    for given in inputs:
        if given is not None and _same_file(out, Path(given)):
            return [Problem(str(out), "", f"is an input file of this run ({given}); sporen does not overwrite it",
                            f"another {what} name")]
    if out.exists() and ours is not None and not ours(out):
        return [Problem(str(out), "", "exists and was not written by sporen; sporen does not overwrite it",
                        f"a new {what} name, or move the file away first")]
    return []


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def leading_text(path: Path, limit: int = 65536) -> str:
    """The first `limit` bytes of a file as text ('' when unreadable): enough to recognise sporen's own."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def yaml_by_sporen(path: Path) -> bool:
    """A YAML file whose leading comments say sporen wrote it (calibrate, convert, optimise)."""
    head = []
    for line in leading_text(path).splitlines():
        if not line.startswith("#"):
            break
        head.append(line)
    return any(mark in line for line in head for mark in ("sporen calibrate", "`sporen convert`",
                                                             "`sporen optimise`"))


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)
