"""The scenario: one executing organisation (one or more municipalities) over whole years.

This module is the contract between planners' files and the model (docs/DESIGN.md, the model in brief, §2). Every
model forbids unknown keys, so a typo never passes silently. Numbers are plain values here; the
loader lets a planner write any value as ``{value: ..., source: "..."}`` and keeps the sources in
``Scenario.sources`` (dotted path -> source), so the report can list every assumption.

Units: money in whole euros; rates and hazards per month; probabilities and shares in [0, 1];
durations in months; fte in full-time equivalents. A field that names another item (a track's
role, a segment in an initial stock, ...) is typed `SegmentName`, `RoleName`, ... (a
`inputs.references.Ref` on the type); `inputs.checks.check_references` checks them all, with
the rules that span several fields, and returns problems with their dotted paths rather than
raising, so the loader can report all of them at once. Item models with a ``noun`` are the
named lists: their names are unique.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from sporen.inputs.marks import NotInWorkbook, Ref, Table
from sporen.inputs.types import numbers_only

# -- limits ----------------------------------------------------------------------------------------
# Every number of a scenario is finite and has an upper bound: a value beyond it is a typo (a
# misplaced decimal, a percentage as a share, 1e22), and would otherwise overflow whole-euro
# arithmetic, allocate terabytes or run for days. The bounds are far above any Dutch
# municipality (the whole country has about 420,000 clients on bijstand and a BUIG of about
# EUR 7 billion a year), so they never stand in a real scenario's way.
MAX_MONEY = 10**10
"""A yearly amount (BUIG budget, participatiebudget, a cost line): at most EUR 10 billion."""
MAX_UNIT_MONEY = 10**6
"""An amount per client-month, per participant, per fte-year or the minimum wage: at most EUR 1 million."""
MAX_FTE = 10_000
MAX_CLIENTS = 1_000_000
"""Clients (or places) in one number; also the most clients a whole scenario may start with."""
MAX_APPLICATIONS_PER_MONTH = 100_000
MAX_APPLICATIONS = 10_000_000
"""Applications a scenario may generate over its horizon (level x trend x seasonality x economy)."""
MAX_RATE = 10.0
"""A hazard or transition rate per month (10 = a mean wait of three days)."""
MAX_MULTIPLIER = 1e6
"""A multiplier on a hazard or rate (tests switch a hazard off with 1e6 on its served counterpart)."""
MAX_MONTHS = 1200
MAX_CASELOAD = 10_000
"""Clients per caseworker fte."""
MAX_ITEMS = 1000
"""Municipalities, roles, instruments or measures in one scenario (the Netherlands has 342 municipalities)."""
MAX_KINDS = 100
"""Segments, tracks, duration bands or uncertain parameters in one scenario."""
MAX_MAGNITUDE = 1e12
"""Any other number of a scenario (a field without its own bound)."""
FIRST_YEAR, LAST_YEAR = 2000, 2100

Money = Annotated[int, Field(ge=0, le=MAX_MONEY, description="whole euros")]
UnitMoney = Annotated[int, Field(ge=0, le=MAX_UNIT_MONEY, description="whole euros per client-month, "
                                 "participant or fte-year")]
SignedMoney = Annotated[int, Field(ge=-MAX_MONEY, le=MAX_MONEY, description="whole euros, may be negative")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=MAX_RATE, description="per month")]
Fte = Annotated[float, Field(ge=0.0, le=MAX_FTE)]
Multiplier = Annotated[float, Field(ge=0.0, le=MAX_MULTIPLIER)]
Clients = Annotated[int, Field(ge=0, le=MAX_CLIENTS)]
Applications = Annotated[float, Field(ge=0, le=MAX_APPLICATIONS_PER_MONTH)]
Months = Annotated[int, Field(ge=0, le=MAX_MONTHS)]
Rung = Annotated[int, Field(ge=1, le=6, description="participatieladder rung 1-6")]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
SegmentName = Annotated[str, Ref("segments")]
TrackName = Annotated[str, Ref("tracks")]
RoleName = Annotated[str, Ref("roles")]
InstrumentName = Annotated[str, Ref("instruments")]
"""Names of a scenario's items: `inputs.references` checks that the item exists."""

ExitCause = Literal[
    "work", "moved", "pension", "partner_income", "death", "enforcement", "prior_provision", "other"
]
EXIT_CAUSES: tuple[ExitCause, ...] = (
    "work",
    "moved",
    "pension",
    "partner_income",
    "death",
    "enforcement",
    "prior_provision",
    "other",
)
"""Competing exit risks that end a benefit (docs/DESIGN.md, the model in brief, §3); `partial_work` is a
state change."""

HazardName = Literal[
    "work",
    "partial_work",
    "moved",
    "pension",
    "partner_income",
    "death",
    "enforcement",
    "prior_provision",
    "other",
]
DECISIONS: tuple[str, ...] = ("granted", "rejected", "withdrawn", "not_processed", "no_application")
ROLE_FUNCTIONS: tuple[str, ...] = (
    "caseworker",
    "intake",
    "enforcement",
    "employer_services",
    "admin",
    "other",
)
PRIORITY_RULES: tuple[str, ...] = ("fifo", "kansrijk_first", "longest_waiting")
_YEAR_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SUM_TOLERANCE = 1e-6


class NumberProblem(ValueError):
    """A number field's value refused by `StrictModel`, with where inside the field (``work.0``),
    so the loader can name the exact place (``tracks.werk.hazards.work.0``)."""

    def __init__(self, where: str, message: str, allowed: str):
        super().__init__(f"{message} (allowed: {allowed})")
        self.where, self.message, self.allowed = where, message, allowed


def _number_problem(value: Any, where: str = "", magnitude: bool = False) -> NumberProblem | None:
    """What makes a value unfit for a number field: yes/no and infinity (checked on the raw value,
    before pydantic turns `true` into 1), with `magnitude` a size beyond any bound (checked after
    the field's own bounds, which say more)."""
    if isinstance(value, bool):
        return NumberProblem(where, f"{str(value).lower()} (yes/no) is not a number", "a number")
    if isinstance(value, float) and not math.isfinite(value):
        return NumberProblem(where, f"{value} is not a finite number", "a finite number")
    if magnitude and isinstance(value, (int, float)) and abs(value) > MAX_MAGNITUDE:
        return NumberProblem(where, f"{value:.6g} is far too large", f"at most {MAX_MAGNITUDE:.0e}")
    if isinstance(value, dict):
        for key, item in value.items():
            found = _number_problem(key, f"{where}.{key}" if where else str(key)) if isinstance(key, bool) else None
            found = found or _number_problem(item, f"{where}.{key}" if where else str(key), magnitude)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _number_problem(item, f"{where}.{i}" if where else str(i), magnitude)
            if found:
                return found
    return None


class StrictModel(BaseModel):
    """Base of every scenario and plan model: unknown keys are errors, values are validated on
    assignment too, and every number field takes finite numbers only -- never yes/no (YAML's
    ``years: yes`` would otherwise be 1), never infinity or NaN, never beyond `MAX_MAGNITUDE`
    (each field type adds its own, tighter bound). Fields added later get this too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and numbers_only(field.annotation):
            problem = _number_problem(value)
            if problem:
                raise problem
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _bounded_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and numbers_only(field.annotation):
            problem = _number_problem(value, magnitude=True)
            if problem:
                raise problem
        return value


class YearMonth(str):
    """A calendar month written ``YYYY-MM``."""


def parse_year_month(text: str) -> tuple[int, int]:
    """'2018-06' -> (2018, 6); raises ValueError with the allowed form."""
    match = _YEAR_MONTH.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a month (allowed: YYYY-MM, e.g. 2018-01)")
    return int(match.group(1)), int(match.group(2))


def month_index(start: str, month: str) -> int:
    """Months from `start` to `month` (both YYYY-MM); 0 for the start month itself."""
    y0, m0 = parse_year_month(start)
    y1, m1 = parse_year_month(month)
    return (y1 - y0) * 12 + (m1 - m0)


def month_label(start: str, index: int) -> str:
    """The YYYY-MM label of month `index` counted from `start`."""
    y0, m0 = parse_year_month(start)
    total = y0 * 12 + (m0 - 1) + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _check_sum_to_one(values: dict | list, what: str) -> None:
    total = sum(values.values()) if isinstance(values, dict) else sum(values)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{what} sum to {total:.6g} (allowed: shares that sum to 1)")


class Source(StrictModel):
    """Where a parameter comes from: a seed figure, a public statistic, or an assumption."""

    source: str
    kind: Literal["seed", "public", "assumption", "calibrated"] = "assumption"
    unit: str = ""
    note: str = ""
    changed_from: Annotated[str | None, NotInWorkbook()] = Field(
        default=None, description="set when a user changed the value after it was sourced: the value the "
        "source gives (the report marks the parameter 'changed by user')")


class Accounts(StrictModel):
    """A past year's BUIG accounts of one municipality (for the vangnet's multi-year test)."""

    budget: Annotated[int, Field(gt=0, le=MAX_MONEY, description="whole euros; the deficit share of the "
                                 "multi-year test is a share of it, so never 0")]
    spending: Money


class InitialInstrument(StrictModel):
    """Clients already in an instrument at the start (docs/DESIGN.md, the model in brief, §2).

    A wage-cost subsidy contract is a person who already left the benefit for a subsidised job:
    not on the caseload, but BUIG pays the rest of the subsidy. A trajectory participant is one of
    the municipality's initial stock (of this segment) who is in the trajectory at the start.
    Remaining durations are drawn by the instrument's ``initial_remaining_months``."""

    instrument: InstrumentName
    segment: SegmentName | None = Field(default=None, description="the segment; empty (trajectories only) = "
                                "any client of the initial stock who could be in it")
    clients: Clients = Field(description="clients in the instrument at the start")


class Municipality(StrictModel):
    """A municipality: its own BUIG budget, vangnet, clients, applications, benefit level and
    hazard multipliers (seed 003's figures differ by municipality)."""

    noun: ClassVar[str] = "municipality"

    name: str = Field(min_length=1)
    buig_budget: Annotated[dict[Year, Money], Table("buig_budget", ("year",), "budget")] = Field(
        description="BUIG budget per horizon year, EUR (while the "
                                           "municipality exists: up to a merger)")
    history: Annotated[dict[Year, Accounts], Table("history", ("year",), shown_with="spending")] = Field(
        default_factory=dict)
    initial_stock: Annotated[dict[SegmentName, Clients], Table("initial_stock", ("segment",), "clients")] = Field(
        description="clients on the caseload at the start month, per segment"
    )
    applications_per_month: Annotated[dict[SegmentName, Applications],
                                      Table("applications", ("segment",), "applications")] = Field(
        description="mean applications per month at the start, per segment"
    )
    cost_share: Probability | None = Field(
        default=None,
        description="share of shared costs (personnel, instruments, other lines) borne; "
        "when every municipality leaves it empty, costs are shared pro rata by client-months",
    )
    benefit_per_month: Annotated[dict[SegmentName, UnitMoney], Table("benefit", ("segment",), "benefit")] = Field(
        default_factory=dict,
        description="benefit cost per client-month on benefit in this municipality, per segment, EUR; "
        "a segment not named costs its segments.benefit_per_month",
    )
    hazard_multipliers: Annotated[dict[HazardName, Multiplier],
                                  Table("municipality_hazards", ("hazard",), "multiplier")] = Field(
        default_factory=dict, description="multipliers on the hazards of this municipality's clients",
    )
    initial_instruments: Annotated[list[InitialInstrument], Table("initial_instruments")] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="clients already in an instrument at the start",
    )
    work_exits_before_start: Annotated[float, Field(ge=0, le=1e6)] = Field(
        default=0.0, description="work exits per month in the returns.within_months months before the start "
        "(all segments): these earlier job-leavers come back at returns.share_back from the first month, as "
        "the run's own work exits do (no start-up dip in inflow); 0 = none")


class Merger(StrictModel):
    """Municipalities that merge into a new one (a herindeling) on 1 January of a year.

    From the merger year there is one BUIG budget, one BUIG result and one vangnet test for the
    merged municipality; its history for the multi-year test is the sum of its predecessors'.
    The former municipalities remain as areas of the caseload (monthly results)."""

    noun: ClassVar[str] = "merger"

    name: str = Field(min_length=1, description="the new municipality, e.g. Het Hogeland")
    date: str = Field(description="first month of the merged municipality, YYYY-01")
    municipalities: list[str] = Field(min_length=2, max_length=MAX_ITEMS, description="the municipalities that merge")
    buig_budget: Annotated[dict[Year, Money], Table("merger_budget", ("year",), "budget")] = Field(
        description="BUIG budget per year from the merger year, EUR")
    cost_share: Probability | None = Field(
        default=None, description="share of shared costs; empty = the predecessors' shares summed",
    )

    @field_validator("date")
    @classmethod
    def _january(cls, value: str) -> str:
        _, month = parse_year_month(value)
        if month != 1:
            raise ValueError(f"'{value}' is not a January (allowed: YYYY-01: a merger takes effect on "
                             "1 January)")
        return value

    @property
    def year(self) -> int:
        return parse_year_month(self.date)[0]


class Segment(StrictModel):
    """A doelgroep (target group): benefit cost, entry profile and its own hazard shifts."""

    noun: ClassVar[str] = "segment"

    name: str = Field(min_length=1)
    label: str | None = Field(default=None, description="display name in Dutch, e.g. 'Leerwerkcoach LOC' "
                              "(reports and workbooks show it; files for machines keep the name)")
    label_en: str | None = Field(default=None, description="display name in English; empty = label")
    benefit_per_month: UnitMoney = Field(description="benefit cost per client-month on benefit, EUR")
    share_without_benefit: Probability = 0.0
    ladder_at_entry: Annotated[dict[Rung, Probability], Table("ladder_at_entry", ("rung",), "share")]
    initial_duration: list[Probability] | None = Field(
        default=None,
        description="share of the initial stock in each duration band (aligned with "
        "Scenario.duration_bands); empty = everyone starts in the first band",
    )
    initial_partial_work_share: Probability = Field(
        default=0.0, description="share of the initial stock already in partial work (benefit lowered by "
        "partial_work_benefit_reduction) at the start")
    application_trend_per_year: float = Field(default=0.0, ge=-1.0, le=5.0)
    seasonality: list[Multiplier] | None = Field(
        default=None, description="12 monthly factors on applications, mean 1"
    )
    hazard_multipliers: Annotated[dict[HazardName, Multiplier],
                                  Table("segment_hazards", ("hazard",), "multiplier")] = Field(default_factory=dict)

    @field_validator("ladder_at_entry")
    @classmethod
    def _ladder_sums_to_one(cls, value: dict[int, float]) -> dict[int, float]:
        _check_sum_to_one(value, "ladder shares")
        return value

    @field_validator("initial_duration")
    @classmethod
    def _duration_sums_to_one(cls, value: list[float] | None) -> list[float] | None:
        if value is not None:
            _check_sum_to_one(value, "duration-band shares")
        return value

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, value: list[float] | None) -> list[float] | None:
        if value is not None:
            if len(value) != 12:
                raise ValueError(f"{len(value)} factors given (allowed: exactly 12, Jan-Dec)")
            mean = sum(value) / 12
            if abs(mean - 1.0) > 1e-3:
                raise ValueError(f"factors average {mean:.4g} (allowed: an average of 1)")
        return value


class Decisions(StrictModel):
    """Shares of applications by gate decision; they sum to 1."""

    granted: Probability
    rejected: Probability
    withdrawn: Probability
    not_processed: Probability
    no_application: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> Decisions:
        _check_sum_to_one(self.model_dump(), "decision shares")
        return self


class Gate(StrictModel):
    """The poort: intake capacity and the decision mix."""

    intake_role: RoleName | None = Field(
        default=None, description="role whose fte does intakes; empty = unlimited intake capacity"
    )
    intakes_per_fte_per_month: Annotated[float, Field(ge=0, le=MAX_CASELOAD)] = Field(
        default=40.0, description="intakes one fte of the intake role does per month")
    decisions: Decisions = Field(description="share of applications with this decision; the five sum to 1")


class Transition(StrictModel):
    """A move between tracks (e.g. participatiespoor -> werkleerspoor when work becomes possible)."""

    to: TrackName
    rate_per_month: Rate
    in_view_only: bool = True


class IntensityPoint(StrictModel):
    """One point of a caseload-intensity curve: the served multiplier at a caseload."""

    caseload: Annotated[float, Field(gt=0, le=MAX_CASELOAD, description="clients in view per caseworker fte")]
    multiplier: Multiplier = Field(description="served work multiplier at that caseload")


class Intensity(StrictModel):
    """How the served work multiplier depends on how many clients a caseworker carries.

    The caseload L is the clients in view per fte of the track's caseworker role (its pool), set
    each month. Two forms:

    * saturating (``reference_caseload`` and ``half_effect_caseload`` H): the multiplier is
      ``1 + (served_work_multiplier - 1) x (H + reference) / (H + L)``: the track's
      served_work_multiplier at the reference caseload, larger for a smaller caseload with
      diminishing returns (at most ``1 + (served - 1) x (H + reference) / H`` as L -> 0), smaller
      for a larger one. In dose terms (caseworker time per client 1/L) an Emax curve whose
      half-maximal effect is at a caseload of H;
    * ``curve``: points (caseload, multiplier), linear between them and flat beyond the ends; the
      multiplier may not rise as the caseload grows.
    """

    reference_caseload: Annotated[float, Field(gt=0, le=MAX_CASELOAD)] | None = None
    half_effect_caseload: Annotated[float, Field(gt=0, le=MAX_CASELOAD)] | None = None
    curve: Annotated[list[IntensityPoint] | None, Table("intensity_curve")] = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _one_form(self) -> Intensity:
        saturating = self.reference_caseload is not None or self.half_effect_caseload is not None
        if saturating and self.curve is not None:
            raise ValueError("both a curve and saturating parameters (allowed: either curve, or "
                             "reference_caseload with half_effect_caseload)")
        if not saturating and self.curve is None:
            raise ValueError("no curve and no saturating parameters (allowed: curve, or "
                             "reference_caseload with half_effect_caseload)")
        if saturating and (self.reference_caseload is None or self.half_effect_caseload is None):
            raise ValueError("reference_caseload and half_effect_caseload go together (allowed: both)")
        return self

    @field_validator("curve")
    @classmethod
    def _monotone(cls, value: list[IntensityPoint] | None) -> list[IntensityPoint] | None:
        if value is None:
            return value
        if len(value) < 2:
            raise ValueError(f"{len(value)} point given (allowed: at least 2 points)")
        for a, b in zip(value, value[1:], strict=False):
            if b.caseload <= a.caseload:
                raise ValueError(f"caseload {b.caseload:g} follows {a.caseload:g} (allowed: caseloads "
                                 "in increasing order)")
            if b.multiplier > a.multiplier:
                raise ValueError(f"the multiplier rises from {a.multiplier:g} at caseload {a.caseload:g} to "
                                 f"{b.multiplier:g} at {b.caseload:g}: not monotone (allowed: a multiplier "
                                 "that does not rise as the caseload grows)")
        return value


class Track(StrictModel):
    """A spoor: who enters it, how many clients a caseworker carries, and its exit hazards."""

    noun: ClassVar[str] = "track"

    name: str = Field(min_length=1)
    label: str | None = Field(default=None, description="display name in Dutch, e.g. 'Leerwerkcoach LOC' "
                              "(reports and workbooks show it; files for machines keep the name)")
    label_en: str | None = Field(default=None, description="display name in English; empty = label")
    description: str = ""
    caseworker_role: RoleName | None = Field(
        default=None, description="role whose fte gives the track's caseworker slots"
    )
    caseload_per_fte: Annotated[float, Field(gt=0, le=MAX_CASELOAD)] = 60.0
    ladder: list[Rung] = Field(description="ladder rungs assigned to this track at entry")
    segments: list[SegmentName] | None = Field(
        default=None, description="segments assigned here; empty = every segment"
    )
    hazards: Annotated[dict[HazardName, list[Rate]], Table("hazards", ("cause", "band"), "rate", bands=True)] = Field(
        description="base hazard per month for each cause, one value per duration band"
    )
    served_work_multiplier: Multiplier = Field(
        default=1.0, description="multiplier on the work hazard while a client has a caseworker "
        "(at intensity.reference_caseload when the track has an intensity curve)"
    )
    intensity: Intensity | None = Field(
        default=None, description="how the served multiplier depends on the caseload a caseworker "
        "carries; empty = the same at any caseload")
    transitions: Annotated[list[Transition], Table("transitions", shown_with="rate_per_month")] = Field(
        default_factory=list)


class Role(StrictModel):
    """A staff role of the formation: fte now, cost, lead time, limits and what it does."""

    noun: ClassVar[str] = "role"

    name: str = Field(min_length=1)
    label: str | None = Field(default=None, description="display name in Dutch, e.g. 'Leerwerkcoach LOC' "
                              "(reports and workbooks show it; files for machines keep the name)")
    label_en: str | None = Field(default=None, description="display name in English; empty = label")
    function: Literal["caseworker", "intake", "enforcement", "employer_services", "admin", "other"]
    fte_now: Fte
    cost_per_fte_year: UnitMoney
    lead_time_months: Annotated[int, Field(ge=0, le=60)] = 5
    min_fte: Fte = 0.0
    max_fte: Fte | None = None
    max_hires_per_year: Fte | None = None
    partner: bool = Field(default=False, description="delivered by an external partner")
    caseload_per_fte: Annotated[float, Field(gt=0, le=MAX_CASELOAD)] | None = Field(
        default=None, description="caseworker role: most clients per fte in its one pool of slots, for "
        "every track it serves; empty = each track's own caseload_per_fte")
    enforcement_hazard_per_fte: Rate = Field(
        default=0.0, description="enforcement role: added enforcement exit hazard per fte"
    )
    work_multiplier_per_fte: Multiplier = Field(
        default=0.0,
        description="employer services: work hazard of clients in view x (1 + this x fte)",
    )

    @model_validator(mode="after")
    def _limits(self) -> Role:
        if self.max_fte is not None and self.max_fte < self.min_fte:
            raise ValueError(f"max_fte {self.max_fte} is below min_fte {self.min_fte}")
        return self


class Instrument(StrictModel):
    """A re-integration instrument: places, duration, cost and outcome."""

    noun: ClassVar[str] = "instrument"

    name: str = Field(min_length=1)
    label: str | None = Field(default=None, description="display name in Dutch, e.g. 'Leerwerkcoach LOC' "
                              "(reports and workbooks show it; files for machines keep the name)")
    label_en: str | None = Field(default=None, description="display name in English; empty = label")
    track: TrackName
    kind: Literal["trajectory", "wage_cost_subsidy"] = "trajectory"
    cost_per_participant: UnitMoney = 0
    duration_months: Annotated[float, Field(gt=0, le=MAX_MONTHS)]
    places_per_year: Clients
    max_places_per_year: Clients | None = None
    work_probability_at_end: Probability = 0.0
    work_multiplier_while_in: Multiplier = 1.0
    deadweight: Probability = Field(
        default=0.0, description="share of the effect above (work_multiplier_while_in - 1 and "
        "work_probability_at_end, often a seed's gross outflow) that participants would have reached without "
        "the instrument; the simulation applies the net effect, (1 - deadweight) of it (trajectories only)")
    eligible_ladder: list[Rung] | None = None
    paid_from: Literal["participatiebudget", "buig"] = "participatiebudget"
    partner: bool = Field(default=False, description="delivered by an external partner")
    initial_remaining_months: list[Annotated[float, Field(ge=0, le=MAX_MONTHS)]] | None = Field(
        default=None, description="[low, high]: remaining months of the clients already in it at the "
        "start, uniform; empty = uniform over (0, duration_months] (starts spread evenly over the past)")

    @model_validator(mode="after")
    def _deadweight_of_trajectories(self) -> Instrument:
        if self.deadweight > 0 and self.kind != "trajectory":
            raise ValueError(f"deadweight {self.deadweight:g} on a {self.kind} (allowed: 0; a net effect "
                             "applies to trajectories)")
        return self

    @model_validator(mode="after")
    def _remaining_within_duration(self) -> Instrument:
        if self.initial_remaining_months is not None:
            if len(self.initial_remaining_months) != 2:
                raise ValueError(f"initial_remaining_months has {len(self.initial_remaining_months)} values "
                                 "(allowed: two, [low, high])")
            low, high = self.initial_remaining_months
            if not low < high <= self.duration_months + 1e-9:
                raise ValueError(f"initial_remaining_months [{low:g}, {high:g}] (allowed: low < high <= "
                                 f"duration_months {self.duration_months:g})")
        return self


class WageCostSubsidy(StrictModel):
    """Loonkostensubsidie (art. 10d Participatiewet): paid from BUIG while the client works."""

    minimum_wage_month: UnitMoney = Field(description="minimum wage incl. holiday pay, EUR/month")
    flat_share: Probability = Field(
        default=0.5, description="share of the minimum wage paid while the wage value is not yet assessed")
    flat_months: Months = Field(default=6, description="months of the flat share")
    wage_value: Probability = Field(default=0.51, description="average wage value, as a share of the minimum wage")
    max_share: Probability = Field(default=0.7, description="the subsidy is at most this share of the minimum wage")


class Effects(StrictModel):
    """What an on/off measure changes while it runs."""

    grant_multiplier: Multiplier = 1.0
    hazard_multipliers: Annotated[dict[HazardName, Multiplier],
                                  Table("measure_hazards", ("hazard",), "multiplier")] = Field(default_factory=dict)
    extra_fte: Annotated[dict[RoleName, Fte], Table("measure_fte", ("role",), "fte")] = Field(default_factory=dict)


class Measure(StrictModel):
    """An on/off measure (caseload review, screening contract, ...) with cost and effects."""

    noun: ClassVar[str] = "measure"

    name: str = Field(min_length=1)
    label: str | None = Field(default=None, description="display name in Dutch, e.g. 'Leerwerkcoach LOC' "
                              "(reports and workbooks show it; files for machines keep the name)")
    label_en: str | None = Field(default=None, description="display name in English; empty = label")
    description: str = ""
    on_in_baseline: bool = False
    one_off_cost: Money = 0
    cost_per_year: Money = 0
    start_offset_months: Months = 0
    duration_months: Annotated[int, Field(gt=0, le=MAX_MONTHS)] | None = None
    effects: Effects = Field(default_factory=Effects)


class Finance(StrictModel):
    """Money outside the BUIG: participatiebudget, other exploitatie lines, vangnet rules."""

    participatiebudget: Annotated[dict[Year, Money], Table("finance", ("year",), "amount",
                                                           fixed=("line", "participatiebudget"))] = Field(
        default_factory=dict)
    other_lines: Annotated[dict[str, dict[Year, SignedMoney]], Table("finance", ("line", "year"), "amount")] = Field(
        default_factory=dict, description="other exploitatie costs per year (WSW shortfall, ...)"
    )
    vangnet_rules: str | None = Field(
        default=None, description="rules file; empty = the bundled inputs/rules/vangnet.yaml"
    )


class Returns(StrictModel):
    """Clients who come back after leaving for work."""

    share_back: Probability = Field(default=0.09, description="share of work exits that come back on benefit")
    within_months: Annotated[float, Field(gt=0, le=MAX_MONTHS)] = Field(
        default=18.0, description="... within this many months")


class Ladder(StrictModel):
    """How the participatieladder rung shifts prospects."""

    work_multiplier: dict[Rung, Multiplier] = Field(
        default_factory=lambda: {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0},
        description="multiplier on the work hazard at this participation-ladder rung"
    )
    kansrijk_from_rung: Rung = Field(
        default=4, description="from this rung a client counts as kansrijk (good prospects)")


class Policy(StrictModel):
    """Policy switches a variant may flip; the optimiser reads its rules as constraints."""

    priority: Literal["fifo", "kansrijk_first", "longest_waiting"] = Field(
        default="fifo", description="who gets a free caseworker slot first: fifo, kansrijk_first or longest_waiting")
    benefit_pause_months: Annotated[int, Field(ge=0, le=12)] = Field(
        default=0, description="a client back within this many months skips the gate")
    benefit_pause_work_effect: Annotated[float, Field(ge=-0.5, le=2.0)] = Field(
        default=0.0, description="behaviour under a benefit pause: relative change of every work hazard "
        "while benefit_pause_months > 0 (0.05 = +5%: more clients accept temporary work); 0 = none")
    slot_review_months: Annotated[float, Field(gt=0, le=MAX_MONTHS)] | None = Field(
        default=None, description="a client who holds a caseworker slot this long without progress (an "
        "instrument or partial work started) returns it when others wait; empty = never")
    everyone_in_view: bool = Field(default=False, description="every client must have a caseworker")
    no_reintegration_money_for: list[TrackName] = Field(
        default_factory=list, description="tracks whose instruments may get no participatiebudget"
    )
    min_partner_share: Probability = Field(
        default=0.0, description="minimum share of re-integration spending through a partner"
    )


class Economy(StrictModel):
    """Economic upswing or downturn: scales every application rate and work hazard."""

    application_multiplier: Multiplier = Field(
        default=1.0, description="multiplier on every application rate (upswing < 1 < downturn)")
    work_hazard_multiplier: Multiplier = Field(default=1.0, description="multiplier on every work hazard")


class Uncertain(StrictModel):
    """A parameter drawn per replication, uniformly in [low, high] (effects are uncertain)."""

    parameter: str = Field(description="dotted path, list items by name, e.g. "
                           "tracks.werkspoor.served_work_multiplier")
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uncertain:
        if self.high < self.low:
            raise ValueError(f"high {self.high} is below low {self.low}")
        return self


class Scenario(StrictModel):
    """A whole scenario: what sim/ simulates and optimise/ optimises.

    Monthly series. ``series`` names CSV side tables by series name, relative to the scenario
    file (``series: {applications: applications.csv}``). The loader (`inputs.load`) reads each
    file into its parsed field below, records the file in ``sources`` under the parsed field's
    name, and clears ``series``, so a loaded Scenario is self-contained: its ``model_dump()`` is a
    complete scenario that needs no side files. A scenario may also give the parsed field inline.

    ``application_series``: municipality -> segment -> month (``YYYY-MM``) -> mean applications
    that month. Where a (municipality, segment, month) is present it replaces the level
    (``Municipality.applications_per_month``), trend and seasonality for that month; months not
    present fall back to them. Empty (None) = no series.
    """

    name: str = Field(min_length=1, description="the scenario's name")
    description: str = Field(default="", description="free text")
    language: Literal["nl", "en"] = Field(
        default="nl", description="language of the report and workbooks unless --lang says otherwise")
    start: str = Field(description="first simulated month, YYYY-MM")
    years: Annotated[int, Field(ge=1, le=30)] = Field(description="whole years simulated from the start month")
    duration_bands: list[Months] = Field(max_length=MAX_KINDS,
        default_factory=lambda: [0, 12, 36],
        description="lower edges in months of the duration bands; the first is 0",
    )
    municipalities: list[Municipality] = Field(min_length=1, max_length=MAX_ITEMS)
    mergers: list[Merger] = Field(default_factory=list, max_length=MAX_ITEMS)
    segments: list[Segment] = Field(min_length=1, max_length=MAX_KINDS)
    gate: Gate
    tracks: list[Track] = Field(min_length=1, max_length=MAX_KINDS)
    roles: list[Role] = Field(default_factory=list, max_length=MAX_ITEMS)
    instruments: list[Instrument] = Field(default_factory=list, max_length=MAX_ITEMS)
    measures: list[Measure] = Field(default_factory=list, max_length=MAX_ITEMS)
    wage_cost_subsidy: WageCostSubsidy | None = None
    finance: Finance = Field(default_factory=Finance)
    policy: Policy = Field(default_factory=Policy)
    returns: Returns = Field(default_factory=Returns)
    ladder: Ladder = Field(default_factory=Ladder)
    economy: Economy = Field(default_factory=Economy)
    partial_work_benefit_reduction: Probability = Field(
        default=0.5, description="share by which a benefit is lowered when its client starts partial work"
    )
    uncertainty: Annotated[list[Uncertain], Table("uncertainty")] = Field(default_factory=list, max_length=MAX_KINDS)
    series: Annotated[dict[Literal["applications"], str] | None, NotInWorkbook()] = Field(
        default=None, description="CSV side tables by series name, relative to the scenario file; "
        "read and cleared by the loader"
    )
    application_series: Annotated[dict[str, dict[str, dict[str, Applications]]] | None, Table(
        "application_series", ("municipality", "segment", "month"), "applications",
        order=("month", "municipality", "segment", "applications"))] = Field(
        default=None, description="municipality -> segment -> YYYY-MM -> mean applications that month"
    )
    sources: Annotated[dict[str, Source], Table("sources", ("path",))] = Field(default_factory=dict)

    @field_validator("application_series")
    @classmethod
    def _series_months(cls, value: dict | None) -> dict | None:
        for per_segment in (value or {}).values():
            for per_month in per_segment.values():
                for month in per_month:
                    parse_year_month(month)
        return value

    @field_validator("start")
    @classmethod
    def _start_is_month(cls, value: str) -> str:
        year, _ = parse_year_month(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"'{value}' is outside the years sporen models "
                             f"(allowed: a month from {FIRST_YEAR}-01 to {LAST_YEAR}-12)")
        return value

    @model_validator(mode="after")
    def _horizon_ends_in_time(self) -> Scenario:
        last = parse_year_month(self.start)[0] + self.years - 1
        if last > LAST_YEAR:
            raise ValueError(f"start {self.start} plus {self.years} years ends in {last} "
                             f"(allowed: a horizon that ends by {LAST_YEAR})")
        return self

    @field_validator("duration_bands")
    @classmethod
    def _bands(cls, value: list[int]) -> list[int]:
        if not value or value[0] != 0:
            raise ValueError("the first band must start at 0 months")
        if any(later <= earlier for earlier, later in zip(value, value[1:], strict=False)):
            raise ValueError(f"{value} is not increasing (allowed: increasing month edges)")
        return value

    # -- convenient views -------------------------------------------------------------------
    @property
    def horizon_years(self) -> list[int]:
        first = parse_year_month(self.start)[0]
        return list(range(first, first + self.years))

    @property
    def months(self) -> int:
        return self.years * 12

    def role(self, name: str) -> Role:
        return _by_name(self.roles, name)

    def track(self, name: str) -> Track:
        return _by_name(self.tracks, name)

    def segment(self, name: str) -> Segment:
        return _by_name(self.segments, name)

    def instrument(self, name: str) -> Instrument:
        return _by_name(self.instruments, name)

    def measure(self, name: str) -> Measure:
        return _by_name(self.measures, name)

    def municipality(self, name: str) -> Municipality:
        return _by_name(self.municipalities, name)

    def merger_of(self, municipality: str) -> Merger | None:
        """The merger a municipality takes part in, if any."""
        return next((g for g in self.mergers if municipality in g.municipalities), None)

    def exists(self, unit: str, year: int) -> bool:
        """Whether a municipality or merged municipality keeps its own BUIG accounts in `year`."""
        merged = next((g for g in self.mergers if g.name == unit), None)
        if merged is not None:
            return year >= merged.year
        merger = self.merger_of(unit)
        return merger is None or year < merger.year

    @property
    def accounting_units(self) -> list[str]:
        """Every municipality and merged municipality that keeps BUIG accounts in some year."""
        return [m.name for m in self.municipalities] + [g.name for g in self.mergers]

    def buig_budget_of(self, unit: str, year: int) -> int:
        """The BUIG budget of a municipality or merged municipality in `year` (0 when it keeps no
        accounts of its own that year)."""
        if not self.exists(unit, year):
            return 0
        merged = next((g for g in self.mergers if g.name == unit), None)
        owner = merged if merged is not None else next(m for m in self.municipalities if m.name == unit)
        return int(owner.buig_budget.get(year, 0))

    def units(self, year: int) -> list[str]:
        """The municipalities with their own BUIG accounts in `year` (merged ones from their year)."""
        names = [m.name for m in self.municipalities] + [g.name for g in self.mergers]
        return [n for n in names if self.exists(n, year)]

    def benefit(self, municipality: str, segment: str) -> int:
        """Benefit cost per client-month on benefit of a segment in a municipality, EUR."""
        own = self.municipality(municipality).benefit_per_month.get(segment)
        return own if own is not None else self.segment(segment).benefit_per_month

    def pool_caseload(self, role: str) -> float | None:
        """The unit caseload of a caseworker role's one pool of slots (`sim.slots`): the role's own
        caseload_per_fte, else that of the first track it serves (None: it serves none)."""
        own = self.role(role).caseload_per_fte
        if own is not None:
            return own
        return next((t.caseload_per_fte for t in self.tracks if t.caseworker_role == role), None)

    def label(self, name: str, lang: str = "nl") -> str:
        """The display name of a role, track, instrument, measure or segment (its name if it has none)."""
        for items in (self.roles, self.tracks, self.instruments, self.measures, self.segments):
            for item in items:
                if item.name == name:
                    return (item.label_en if lang == "en" and item.label_en else item.label) or name
        return name


def _by_name(items: list, name: str):
    for item in items:
        if item.name == name:
            return item
    raise KeyError(name)


def application_draws(scenario: Scenario) -> float:
    """An upper bound on the applications the simulator draws per replication: for each municipality
    and segment, the highest monthly rate over the horizon (level x seasonality x trend x economy,
    or a series month) times the months (the thinning in `sim.arrivals` draws that many)."""
    total = 0.0
    econ = scenario.economy.application_multiplier
    series = scenario.application_series or {}
    for m in scenario.municipalities:
        for segment in scenario.segments:
            level = m.applications_per_month.get(segment.name, 0.0)
            growth = max(1.0, (1.0 + segment.application_trend_per_year) ** scenario.years)
            peak = level * max(segment.seasonality or [1.0]) * growth
            peak = max([peak, *series.get(m.name, {}).get(segment.name, {}).values()])
            total += peak * econ * scenario.months
    return total
