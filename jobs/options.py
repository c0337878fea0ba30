"""Options of the jobs, checked in one place.

Every job takes a validated options object (a pydantic model) and returns its result. The
checks a command line needs -- whole numbers within limits, a known format, a Dask backend with
a scheduler, an output folder that is a folder -- live here once, so the CLI, the Python API and
the web page refuse the same things with the same words. A bad option raises `InputError` whose
problems name the option as a user types it (``--replications``), what is wrong and what is
allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from sporen.common.errors import InputError, Problem
from sporen.inputs.schema import numbers_only

MAX_REPLICATIONS = 100_000
"""More futures than this is a typing error, not a question (a billion seeds would fill memory first)."""
MAX_WORKERS = 1024
MAX_SEED = 2**63 - 1
FORMATS = ("csv", "parquet")
BACKENDS = ("local", "dask")



def replications_field(default: int | None, minimum: int = 1) -> Any:
    """A number of simulated futures: a whole number from `minimum` to MAX_REPLICATIONS (a default of
    None: the job derives it, e.g. `sporen plan --verify`)."""
    return Field(default=default, ge=minimum, le=MAX_REPLICATIONS)


def seed_field(default: int) -> Any:
    """A root seed for numpy's SeedSequence: a whole number from 0."""
    return Field(default=default, ge=0, le=MAX_SEED)


def parse_probability(value: Any) -> Any:
    """A share of futures in (0, 1], or 'mean' (on average); text as typed on a command line is read."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "mean":
            return "mean"
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a probability: a number in (0, 1] or mean") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a probability: a number in (0, 1] or mean")
    if not 0 < value <= 1:
        raise ValueError(f"{value} is outside (0, 1]: a number in (0, 1] or mean")
    return float(value)


Probability = Annotated[float | Literal["mean"], BeforeValidator(parse_probability)]


def flag(name: str) -> str:
    """The command-line spelling of an option field: fmt -> --format, target_from -> --target-from."""
    return {"fmt": "--format", "variants": "--variant", "scope": "--target"}.get(name, "--" + name.replace("_", "-"))


def _allowed(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bounds = {"greater_than_equal": "at least", "less_than_equal": "at most",
                  "greater_than": "more than", "less_than": "less than"}
        key = next(iter(ctx), None)
        limit = ctx[key] if key is not None else None
        return f"a number {bounds[kind]} {limit:,}" if isinstance(limit, int) else f"a number {bounds[kind]} {limit}"
    if kind.startswith("int") or kind == "int_from_float":
        return "a whole number"
    if kind == "literal_error":
        return str(ctx.get("expected", "")).replace("'", "")
    if kind.startswith("float"):
        return "a number"
    if kind.startswith("bool"):
        return "yes or no"
    return ""


class JobOptions(BaseModel):
    """Base of every job's options: strict fields, problems named as command-line options."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, arbitrary_types_allowed=True,
                              allow_inf_nan=False)
    file_fields: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no(cls, value: Any, info: ValidationInfo) -> Any:
        """A number option is never yes/no (the Python API could pass True for 1)."""
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and numbers_only(field.annotation) and isinstance(value, bool):
            raise ValueError(f"{value} is not a number: a whole number")
        return value

    @classmethod
    def parse(cls, **values: Any) -> Self:
        """Build and check the options; InputError with one problem per bad option."""
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                names = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
                name = flag(names[-1]) if names else "options"
                value = error.get("input")
                if error.get("type") == "value_error":
                    text = error.get("msg", "invalid").removeprefix("Value error, ")
                    message, _, allowed = text.partition(": ")
                    problems.append(Problem(name, "", message, allowed))
                    continue
                shown = repr(value) if names and not isinstance(value, (dict, BaseModel)) else "the value"
                kind = str(error.get("type", ""))
                verdict = ("is too small" if kind.startswith("greater_than") else
                           "is too large" if kind.startswith("less_than") else "is not allowed")
                problems.append(Problem(name, "", f"{shown} {verdict}", _allowed(error) or error.get("msg", "")))
            raise InputError(problems) from None


class Parallel(JobOptions):
    """Where the simulations run: local worker processes, or a Dask cluster. Never changes results."""

    workers: int | None = Field(default=None, ge=1, le=MAX_WORKERS)
    backend: Literal["local", "dask"] | None = None
    scheduler: str | None = None

    @model_validator(mode="after")
    def _backend_and_scheduler(self) -> Parallel:
        backend = self.backend or ("dask" if self.scheduler else "local")
        if backend == "dask" and not self.scheduler:
            raise ValueError("dask needs the address of a scheduler: give --scheduler tcp://HOST:8786, "
                             "or --backend local")
        if backend == "local" and self.scheduler:
            raise ValueError("a scheduler is only used with --backend dask")
        return self

    @property
    def chosen_backend(self) -> str:
        return self.backend or ("dask" if self.scheduler else "local")


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
