"""The optimiser's options, declared once: the target, the guarantee, the search's budget.

`OptimiseOptions` is what `optimise.loop.optimise` takes; `sporen optimise`, `sporen plan`, the
Python API (`sporen.optimise_plan`) and the what-if page's optimiser button compose it, so each of
its fields is an option of all of them (`common.options`: a field made with `option(...)` is a
command-line option and an API keyword). The target's chance is a tagged union: `AtLeast(p)` (in at
least a share p of the futures) or `OnAverage()` (on average); ``0.9`` and ``mean`` as typed are
read into it.

Checks that need the scenario (the target years within the horizon, enough budget for the design)
are `OptionsError`s raised by the loop, named by field; the edge says them in its words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sporen.common.options import OptionProblem, Options, option
from sporen.sim.options import MAX_REPLICATIONS, seed_option

DEFAULT_CONFIDENCE = 0.95
"""Confidence of every decision and of the verdict's bounds."""
DEFAULT_ZONE = 0.02
"""Indifference zone around the target probability: two points."""
DEFAULT_FIRST_LOOK = 40
"""Design futures, and the first look of every sequential test."""
DEFAULT_REPLICATIONS = DEFAULT_FIRST_LOOK
DEFAULT_PROBABILITY = 0.9
DEFAULT_TRADEOFF = (0.8, 0.95)
"""Probabilities of the trade-off curve besides the target's own (each solved and verified)."""
OBJECTIVES = ("buig", "exploitatie", "net")
MAX_BUDGET_SIMS = 10**8
MAX_TARGET_LEVEL = 10**12


class OptionsError(OptionProblem):
    """Options that do not fit the scenario (a bad input: exit code 2), named by the option's field."""

    field: str

    def __init__(self, field_name: str, key: str, allowed: str | None = None, **values: Any):
        super().__init__(key, allowed, field=field_name, owner=OptimiseOptions, **values)


class AtLeast(BaseModel):
    """The target is met in at least a share `p` of the simulated futures."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    kind: Literal["at_least"] = "at_least"
    p: float = Field(gt=0, lt=1)

    def __str__(self) -> str:
        return f"{self.p:g}"

    @property
    def legacy(self) -> float:
        return self.p


class OnAverage(BaseModel):
    """The target is met on average over the futures (``--probability mean``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["on_average"] = "on_average"

    def __str__(self) -> str:
        return "mean"

    @property
    def legacy(self) -> str:
        return "mean"


def read_chance(value: Any) -> Any:
    """A chance as given: 0.9, '0.9', '0,9' (Dutch), 'mean' or 'gemiddeld', or the model itself."""
    if isinstance(value, (AtLeast, OnAverage, dict)):
        return value
    if isinstance(value, str):
        typed = value.strip().lower()
        if typed in ("mean", "gemiddeld"):
            return OnAverage()
        try:
            value = float(typed.replace(",", ".") if re.fullmatch(r"\d+,\d+", typed) else typed)
        except ValueError:
            raise OptionProblem("option.probability", "option.allowed.probability", value=repr(value)) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionProblem("option.probability", "option.allowed.probability", value=repr(value))
    if not 0 < value < 1:
        raise OptionProblem("option.probability_outside", "option.allowed.probability", value=f"{value:g}")
    return AtLeast(p=float(value))


Chance = Annotated[AtLeast | OnAverage, Field(discriminator="kind"), BeforeValidator(read_chance)]
"""At least a share p of the futures, or on average."""


def read_probabilities(value: Any) -> Any:
    """'0.8,0.95' (as typed) or a sequence of numbers; '' is none."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",") if part.strip()]
        out: list[Any] = []
        for part in parts:
            try:
                out.append(float(part))
            except ValueError:
                raise OptionProblem("option.probability", "option.allowed.probabilities", value=repr(part)) from None
        return tuple(out)
    return value


class OptimiseOptions(Options):
    """What the optimiser is asked: the target, the guarantee and the search's budget (the loop's
    defaults are `sporen optimise`'s)."""

    target_from: int | None = option(
        None, help="First year the target applies to. Default: the second horizon year (staff decided at the start "
        "arrive months later).", metavar="YEAR", show_default=False)
    scope: Literal["total", "per-municipality"] = option(
        "total", help="Target on the municipalities' total, or on each municipality.", flag="--target")
    target_level: int = option(
        0, help="Result that must be reached (0 = the deficit closed; -50000 allows a deficit of EUR 50,000).",
        metavar="EUR", ge=-MAX_TARGET_LEVEL, le=MAX_TARGET_LEVEL)
    cumulative: bool = option(False, help="Sum the target years instead of meeting each year.")
    probability: Chance = option(
        AtLeast(p=DEFAULT_PROBABILITY), help="Share of simulated futures that must meet the target, in (0, 1), or "
        "'mean' (on average).", metavar="P|mean")
    objective: Literal["buig", "exploitatie", "net"] = option(
        "buig", help="buig: the cheapest plan whose BUIG result after vangnet meets the target; exploitatie: the "
        "cheapest plan whose exploitatie result meets it (budget-neutral at level 0); net: the plan with the best "
        "mean net result (which investments pay for themselves).")
    confidence: float = option(DEFAULT_CONFIDENCE, help="Confidence of every decision and of the verdict's bounds, "
                               "in (0, 1).", metavar="C", gt=0, lt=1)
    zone: float = option(DEFAULT_ZONE, help="Indifference zone around the probability, in (0, 1): 0.02 = two points. "
                         "A plan within it of p is 'on the edge'; sampling stops at the latest when the interval is "
                         "that narrow.", metavar="D", gt=0, lt=1)
    replications: int = option(DEFAULT_REPLICATIONS, help="Futures of the design and of every test's first look "
                               "(each test adds futures as needed).", short="-n", metavar="R", ge=2,
                               le=MAX_REPLICATIONS)
    max_futures: int | None = option(None, help="Most futures one plan is simulated on in one test. Default: enough "
                                     "for the interval to shrink to the zone.", metavar="N", show_default=False,
                                     ge=2, le=MAX_REPLICATIONS)
    budget_sims: int | None = option(None, help="At most N replications simulated in all. Default: the design plus "
                                     "30 + 4 per lever full-length tests (a ceiling, rarely reached).", metavar="N",
                                     show_default=False, ge=1, le=MAX_BUDGET_SIMS)
    seed: int = seed_option("Root seed; selection futures are children 0, 1, ... of SeedSequence(S).")
    workers: int = option(1, help="Worker processes (set from the run's parallel options).", internal=True, ge=1)
    progress: bool | Callable[[int, int, str], None] = option(
        False, help="A progress bar (True) or progress(simulated, planned, stage).", internal=True)
    levers: list[str] | None = option(None, help="Only these lever keys (e.g. role:km_werk); default all.", cli=False)
    allow_cuts: bool = option(False, help="Let roles, instruments and running measures go below the baseline (down "
                              "to min_fte, 0 places, off). Default: they only grow.")
    dynamic: bool = option(True, help="One level per lever for the whole horizon (no per-year taper or later "
                           "arrival).", flag="--static", negate=True)
    space: Any = option(None, help="A ready decision space (tests, restricted studies).", cli=False)
    explain: bool = option(True, help="Explain the answer: what blocks, what relaxing saves, what each lever does.",
                           cli=False)
    tradeoff: Annotated[tuple[float, ...], BeforeValidator(read_probabilities)] = option(
        DEFAULT_TRADEOFF, help="Probabilities of the cost-versus-probability curve besides the target's own; each "
        "point is searched and verified like the answer ('' for none).", metavar="P,P,...")

    @field_validator("tradeoff")
    @classmethod
    def _probabilities(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        for p in value:
            if not 0 < p < 1:
                raise OptionProblem("option.probability_outside", "option.allowed.probabilities", value=f"{p:g}")
        return value

    @model_validator(mode="after")
    def _cap_above_first_look(self) -> OptimiseOptions:
        if self.max_futures is not None and self.max_futures < self.replications:
            raise OptionProblem("option.below", "option.allowed.at_least_option", field="max_futures",
                                refs={"other": "replications"}, value=self.max_futures, limit=self.replications)
        return self

    @property
    def target_probability(self) -> float | str:
        """The chance as `optimise.model.Target` takes it: p, or 'mean'."""
        return self.probability.legacy

    def manifest(self) -> dict[str, Any]:
        """The options as manifest.json records them (the chance as p or 'mean'; no runtime fields)."""
        out = self.model_dump(exclude={"space", "progress", "workers"})
        out["probability"] = self.target_probability
        return out


__all__ = ["AtLeast", "Chance", "DEFAULT_CONFIDENCE", "DEFAULT_FIRST_LOOK", "DEFAULT_REPLICATIONS",
           "DEFAULT_TRADEOFF", "DEFAULT_ZONE", "OBJECTIVES", "OnAverage", "OptimiseOptions", "OptionsError"]
