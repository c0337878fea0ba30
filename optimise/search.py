"""The selection procedure: which plan, decided at a stated confidence, and how sure we are of it.

docs/optimisation.md states the method and its guarantee; in short (sample average approximation
with growing samples and sequential feasibility checks on common random numbers, then an
out-of-sample verification):

1. **Design** (optimise/design.py): baseline and one-lever-at-a-time points on the first n0
   selection futures.
2. **Best reachable.** The MIP's plan predicted to meet the target in the most design futures
   (`SaaModel.best`), simulated and judged with the verdict's sequential test. When it *meets*,
   the search looks for the cheapest plan that meets (step 3). Otherwise the target cannot be
   met clearly, and the search looks for the cheapest plan that does as well as this best
   reachable plan within the indifference zone (a paired comparison on the same futures).
3. **Candidates in cost order.** The MIP proposes the cheapest plan that passes the screen
   (predicted to meet the target in at least `stats.screen_count` design futures: a plan whose
   true probability is p passes with probability 99%). A plan the design has not simulated
   whole is simulated first (its result replaces the additive prediction). A plan that passes is
   tested sequentially on growing samples of selection futures (`stats.decide`): accepted (the
   lower bound reaches p) ends the search; rejected (the upper bound stays below p + zone) adds
   a cut that excludes it and every plan doing no more on any lever whose effect rises with its
   level. When the space is small (`SMALL_SPACE` admissible plans cheaper than the best
   reachable), every one of them is simulated whole on the design futures first, so no plan
   depends on the additive prediction.
4. **Parsimony.** From the accepted plan, every one-step reduction (a lever one level back in
   every year, an instrument one level back in one year, a role arriving a year later or
   tapering in its last year; `DecisionSpace.moves_down`) is tested on the same futures with the
   same test; an accepted reduction replaces the plan and the reductions are tried again. A step
   stays only when the plan without it cannot be shown to meet the target.
5. **Verification.** The plan is simulated on a fresh block of verification futures until its
   verdict is decided (`stats.verdict`). When it does not *meet* there, the search goes on to the
   next candidate (step 3) and verifies that on the next fresh block, at most `MAX_VERIFICATIONS`
   times in all.

The best-net objective (`search_net`) maximises the predicted mean net result, keeps a lever step
only when its paired net gain is positive at the stated confidence, and verifies the plan's net
gain over the baseline on fresh futures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from sporen.optimise.constraints import HardLimits
from sporen.optimise.decisions import Choice, DecisionSpace, Point
from sporen.optimise.design import SELECTION, BudgetSpent, Design, Oracle, Stream, seed_label
from sporen.optimise.model import Cut, SaaModel, Target, grouped, met_by_replication, target_groups
from sporen.optimise.sequential import BOUNDS_LABEL, SequentialDesign, clopper_pearson, design_test
from sporen.optimise.stats import (
    DOES_NOT_MEET,
    MEETS,
    ON_THE_EDGE,
    VERDICTS,
    Estimate,
    Precision,
    decide,
    mean_bounds,
    screen_count,
    verdict,
    wilson,
)

SMALL_SPACE = 160
"""At most this many admissible plans cheaper than the best reachable: simulate them all whole."""
MAX_VERIFICATIONS = 3
"""Fresh verification blocks one search may use (a plan that does not meet sends it on)."""
MAX_CANDIDATES = 60
"""Candidate plans one search tests at most in a small space (each a sequential test)."""
MAX_CANDIDATES_LARGE = 12
"""... and in a large space, where the parsimony pass descends from the best reachable plan after them."""
BEST_ROUNDS = 8
"""Rounds of 'solve, simulate the proposed best plan whole' before the best reachable plan is fixed."""
CLIMB_STEPS = 12
"""Steps of the climb from the model's best plan to a better simulated neighbour (at most)."""
REGIME_LOOKS = 4
"""Looks (40, 80, 160, 320 futures) in which the best reachable plan must be shown to meet the target
for the search to look for the cheapest plan that meets it; else it looks for the cheapest plan that
does as well as the best reachable one (the final verdict is decided on fresh futures either way)."""
REFINE_LOOKS = 4
"""Looks (up to 320 futures) a reduction gets in the parsimony pass: a step stays unless the plan
without it is shown to do as well within them (a step whose value is within noise of the zone's edge
is kept rather than paid for with a thousand futures). A reduction whose estimate falls below what
could still be accepted (below p; or more than a quarter zone short of the best plan) stops early."""
REFINE_TESTS_PER_LEVER = 2
"""The parsimony pass tests at most this many reductions per lever (plus 4): with per-year moves a
large plan has many, and each can cost up to 320 futures per plan."""
BUDGET_SPENT = "simulation budget spent"
"""The stop reason when `--budget-sims` ran out before the search was done (its own exit code)."""
SCREEN_MISS = 0.01
"""A plan whose true probability is p fails the model's screen with at most this probability."""


# -- judging a plan's sample ------------------------------------------------------------------------
@dataclass
class Judge:
    """Turns a plan's results on n futures into an `Estimate` on the scale of the threshold."""

    target: Target
    precision: Precision
    years: list[int]
    municipalities: list[str]
    scale: np.ndarray          # per target group: EUR of one unit (mean mode: the group's BUIG budget)

    def __post_init__(self) -> None:
        self.labels, self.matrix = target_groups(self.years, self.municipalities, self.target)

    @property
    def threshold(self) -> float:
        return 0.0 if self.target.mean else float(self.target.probability)

    @property
    def zone(self) -> float:
        return self.precision.zone

    def looks(self) -> list[int]:
        return self.precision.looks(0.5 if self.target.mean else float(self.target.probability))

    def z(self) -> float:
        return self.precision.z(0.5 if self.target.mean else float(self.target.probability))

    def met(self, results: np.ndarray) -> np.ndarray:
        return met_by_replication(results, self.years, self.municipalities, self.target)

    def estimate(self, results: np.ndarray) -> Estimate:
        z = self.z()
        n = results.shape[0]
        if not self.target.mean:
            k = int(self.met(results).sum())
            low, high = wilson(k, n, z)
            return Estimate(k / n, low, high, n, k)
        per_group = (grouped(results, self.matrix) - self.target.level) / self.scale   # [r, g]
        bounds = [mean_bounds(per_group[:, g], z) for g in range(per_group.shape[1])]
        return Estimate(min(b[0] for b in bounds), min(b[1] for b in bounds), min(b[2] for b in bounds), n)

    def group_means(self, results: np.ndarray) -> dict[str, float]:
        means = grouped(results, self.matrix).mean(axis=0)
        return {g: float(v) for g, v in zip(self.labels, means, strict=True)}

    def margin(self, results: np.ndarray) -> np.ndarray:
        """Per future: the worst target group's result minus the level, in units of the group's BUIG budget."""
        return ((grouped(results, self.matrix) - self.target.level) / self.scale).min(axis=1)

    def paired(self, results: np.ndarray, reference: np.ndarray, by_margin: bool = False) -> Estimate:
        """The plan minus the reference on the same futures: the share meeting the target, or (a 'mean'
        target, or `by_margin`) the worst group's result in units of its BUIG budget."""
        z = self.z()
        n = results.shape[0]
        if not (self.target.mean or by_margin):
            d = self.met(results).astype(float) - self.met(reference[:n]).astype(float)
        else:
            d = ((grouped(results, self.matrix) - grouped(reference[:n], self.matrix)) / self.scale).min(axis=1)
        mean, low, high = mean_bounds(d, z, floor_sd=1.0 / math.sqrt(n))
        return Estimate(mean, low, high, n)


MEAN_SCALE = 2.5
"""A 'mean' target is judged in units of 2.5 standard deviations of the baseline's result: a shift of
the mean by the zone (0.02 of that) moves the chance of meeting a level near the mean by about two
points, as the zone does for a probability target."""


def group_scale(target: Target, design: Design) -> np.ndarray:
    """EUR per unit of the judged statistic per target group: for a 'mean' target 2.5 standard
    deviations of the baseline's result on the design futures; otherwise (euro comparisons with the
    best reachable plan) the group's BUIG budget. At least EUR 1."""
    _, matrix = target_groups(design.years, design.municipalities, target)
    if target.mean:
        spread = grouped(design.baseline, matrix).std(axis=0, ddof=1) if design.replications > 1 else \
            np.zeros(matrix.shape[0])
        return np.maximum(MEAN_SCALE * spread, 1.0)
    scenario = design.space.scenario
    budget = np.array([[scenario.buig_budget_of(m, y) for m in design.municipalities] for y in design.years],
                      dtype=float)
    return np.maximum(matrix @ budget.reshape(-1), 1.0)


# -- records ----------------------------------------------------------------------------------------
@dataclass
class Check:
    """One sequential test the search made (history.csv has one row per check)."""

    stage: str
    plan: str
    cost: int
    test: str                     # "meets" | "as good as best" | "verdict" | "net gain" | "screen"
    outcome: str                  # accepted | rejected | a verdict | screened out
    estimate: float
    low: float
    high: float
    futures: int
    stream: str

    def as_dict(self) -> dict:
        return {"stage": self.stage, "plan": self.plan, "cost": self.cost, "test": self.test,
                "outcome": self.outcome, "estimate": round(self.estimate, 6), "low": round(self.low, 6),
                "high": round(self.high, 6), "futures": self.futures, "stream": self.stream}


@dataclass
class Verification:
    """The chosen plan judged on fresh futures no decision of the search has seen."""

    verdict: str
    probability: float | None          # share of futures meeting the target (None for 'mean' / net)
    ci_low: float
    ci_high: float
    replications: int
    met: int | None
    seeds: str
    block: int
    confidence: float
    zone: float
    estimate: float = 0.0              # the judged statistic (share; 'mean': worst group's margin / budget)
    mean_result: dict[str, float] = field(default_factory=dict)
    bounds: str = "normal"             # what ci_low / ci_high are: BOUNDS_LABEL for a share, else normal-theory

    @property
    def accepted(self) -> bool:
        return self.verdict == MEETS


@dataclass
class Outcome:
    """What the search found."""

    point: Point
    verification: Verification | None
    regime: str                        # "meets" | "best reachable"
    reference: Point | None            # the best reachable plan (the regime's reference)
    reference_estimate: Estimate | None
    stop_reason: str
    checks: list[Check] = field(default_factory=list)
    verified: list[tuple[Point, Verification]] = field(default_factory=list)
    rejected: list[Choice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cuts: list[Cut] = field(default_factory=list)
    next_block: int = 0


# -- the procedure ------------------------------------------------------------------------------------
class Search:
    """One run of the selection procedure for one target (the trade-off runs it once per probability)."""

    def __init__(self, oracle: Oracle, design: Design, limits: HardLimits, target: Target, precision: Precision,
                 stage: str = "search", first_block: int = 0, dynamic: bool = True):
        self.oracle = oracle
        self.dynamic = dynamic
        self.design = design
        self.space: DecisionSpace = design.space
        self.limits = limits
        self.target = target
        self.precision = precision
        self.stage = stage
        self.block = first_block
        self.judge = Judge(target, precision, design.years, design.municipalities,
                           group_scale(target, design))
        self.checks: list[Check] = []
        self.cuts: list[Cut] = []
        self.rejected: set[Choice] = set()
        self.rejected_points: list[Point] = []
        self.tested: dict[Point, bool] = {}
        self.monotone = monotone_levers(design, self.judge)
        self.inert = tuple(all(not np.any(delta) for delta in row) for row in design.delta)
        self.notes: list[str] = []
        self.reference: Point | None = None
        self.reference_est: Estimate | None = None
        self.by_margin = False        # compare with the reference in euros (the target is out of its reach)
        self.best_guess: Point | None = None   # the best plan known while the best reachable one is sought

    # -- helpers ---------------------------------------------------------------------------------------
    def results(self, point: Point, n: int, stream: Stream = SELECTION) -> np.ndarray:
        return self.oracle.results(point, n, stream, column=self.target.column)

    def record(self, test: str, point: Point, outcome: str, est: Estimate, stream: Stream) -> None:
        self.checks.append(Check(self.stage, self.space.describe_point(point), self.space.point_cost(point), test,
                                 outcome, est.value, est.low, est.high, est.n,
                                 seed_label(self.oracle.seed, stream, est.n)))

    def key(self, point: Point) -> tuple[int, int]:
        """Order of preference: cost, then fewer level steps away from the baseline."""
        return self.space.point_cost(point), self.space.point_steps(point)

    def sequential(self, point: Point, judge: Callable[[np.ndarray], Estimate],
                   rule: Callable[[Estimate, bool], object], stream: Stream = SELECTION,
                   max_looks: int | None = None, futile: float | None = None) -> tuple[object, Estimate]:
        """Look at growing samples until `rule` decides (it always does at the last look; with
        `max_looks`, only the first looks are taken and None means undecided; with `futile`, a test
        whose estimate falls below it stops undecided: it could hardly be accepted in the looks left)."""
        looks = self.judge.looks()
        if max_looks is not None and max_looks >= len(looks):
            max_looks = None              # the cap comes within the looks allowed: its last look is final
        if max_looks is not None:
            looks = looks[:max_looks]
        outcome: object = None
        est = Estimate(0.0, 0.0, 1.0, 0)
        for i, n in enumerate(looks):
            final = i == len(looks) - 1 and max_looks is None
            have = self.oracle.have(point, stream)
            if n > have:
                self.oracle.expect(n - have)
            est = judge(self.results(point, n, stream))
            outcome = rule(est, final)
            if outcome is not None:
                return outcome, est
            if futile is not None and est.value < futile:
                return None, est
        return outcome, est

    def meets_test(self, point: Point, max_looks: int | None = None) -> bool:
        """Accept the plan when it meets the target (regime 'meets') or does as well as the best
        reachable plan within the zone (regime 'best reachable'), on the selection futures. With
        `max_looks`, a test still undecided after those looks is not accepted."""
        if point in self.tested:
            return self.tested[point]
        if self.reference is None:
            # at the last look the interval is as narrow as the cap allows: a plan whose share reaches p there
            # is within the (so widened) zone and goes on to the verification, which decides; rejecting it
            # would send the search to a dearer plan on a small sample
            threshold = self.judge.threshold
            design = self.verdict_design()
            # a cap too small for the zone (the verdict's zone is widened): reject only a plan shown to be below p
            widened = design is not None and design.zone_eff > self.judge.zone + 1e-12
            zone = 0.0 if widened else self.judge.zone
            outcome, est = self.sequential(
                point, self.judge.estimate,
                lambda e, final: decide(e, threshold, zone, final, cap_accepts=threshold),
                max_looks=max_looks, futile=threshold if max_looks is not None and not widened else None)
            test = "meets"
        else:
            reference = self.reference

            def paired(results: np.ndarray) -> Estimate:
                return self.judge.paired(results, self.results(reference, results.shape[0]), self.by_margin)

            zone = self.judge.zone / 2
            outcome, est = self.sequential(
                point, paired, lambda e, final: decide(e, -zone, zone, final, cap_accepts=-zone / 2),
                max_looks=max_looks, futile=-zone / 2 if max_looks is not None else None)
            test = "as good as best"
        accepted = bool(outcome)
        self.tested[point] = accepted
        self.record(test, point, "accepted" if accepted else "rejected" if outcome is not None else "not shown",
                    est, SELECTION)
        return accepted

    def verdict_design(self) -> SequentialDesign | None:
        """The verdict's exact sequential test (None for a 'mean' target: judged on normal-theory bounds)."""
        if self.target.mean:
            return None
        precision = self.precision
        return design_test(float(self.target.probability), precision.zone, precision.confidence, precision.first,
                           cap=precision.cap)

    def exact_verdict(self, point: Point, stream: Stream, design: SequentialDesign) -> tuple[str, Estimate]:
        """The verdict by the exact sequential test (optimise/sequential.py) on the stream's futures; the
        bounds are the two-sided Clopper-Pearson interval at the stop."""
        found, n, successes = ON_THE_EDGE, 0, 0
        for k, n in enumerate(design.looks):
            have = self.oracle.have(point, stream)
            if n > have:
                self.oracle.expect(n - have)
            successes = int(self.judge.met(self.results(point, n, stream)).sum())
            outcome = design.decide(k, successes)
            if outcome is not None:
                found = outcome
                break
        low, high = clopper_pearson(successes, n, self.precision.confidence)
        est = Estimate(successes / n, low, high, n, successes)
        self.record("verdict", point, found, est, stream)
        return found, est

    def judge_verdict(self, point: Point, stream: Stream, max_looks: int | None = None) -> tuple[str, Estimate]:
        """The verdict's sequential test; with `max_looks`, an undecided test says 'on_the_edge'."""
        outcome, est = self.sequential(
            point, self.judge.estimate,
            lambda e, final: verdict(e, self.judge.threshold, self.judge.zone, final), stream, max_looks)
        found = str(outcome) if outcome is not None else ON_THE_EDGE
        self.record("verdict" if outcome is not None else "verdict so far", point, found, est, stream)
        return found, est

    # -- steps -----------------------------------------------------------------------------------------
    def best_reachable(self) -> tuple[Point, str, Estimate]:
        """Step 2: the plan predicted to do best, simulated and judged on the selection futures."""
        self.oracle.stage = f"{self.stage}: the best reachable plan"
        top = tuple(lever.top for lever in self.space.levers)
        if self.limits.admissible(self.space.point(top)) and top not in self.design.full:
            self.oracle.expect(self.design.replications)
            self.design.add(top, self.results(self.space.point(top), self.design.replications))
        solution = None
        for _ in range(BEST_ROUNDS):
            solution = SaaModel(self.design, self.target, self.limits).best()
            if solution is None:
                raise NoAdmissiblePlan(self.limits.violations(self.space.baseline_point))
            if solution.choice in self.design.full:
                break
            # the prediction is additive: simulate the plan whole and solve again with its result
            self.oracle.expect(self.design.replications)
            self.design.add(solution.choice, self.results(self.space.point(solution.choice),
                                                          self.design.replications))
        assert solution is not None
        self.best_guess = self.space.point(solution.choice)
        choice = self.climb(solution.choice)
        while True:
            point = self.space.point(choice)
            self.best_guess = point
            found, est = self.judge_verdict(point, SELECTION, max_looks=REGIME_LOOKS)
            if found == MEETS:
                return point, found, est
            # on the larger sample of the verdict, a neighbour one level up may do better than the
            # design futures could tell: climb on, as long as one does
            n = est.n
            neighbours = [c for c in self.space.neighbours_up(choice) if self.limits.admissible(self.space.point(c))]
            self.oracle.expect(sum(max(0, n - self.oracle.have(self.space.point(c))) for c in neighbours))
            self.oracle.prefetch([self.space.point(c) for c in neighbours], n)
            scored = [(self.judge.estimate(self.results(self.space.point(c), n)).value, c) for c in neighbours]
            better = [(value, c) for value, c in scored if value > est.value + 1e-12]
            if not better:
                return point, found, est
            choice = max(better, key=lambda item: (item[0], [-x for x in self.key(self.space.point(item[1]))]))[1]

    def design_score(self, choice: Choice) -> tuple[float, float, int, int]:
        """How well a plan simulated whole does on the design futures (higher is better), then cost."""
        results = self.design.full[choice]
        point = self.space.point(choice)
        margin = float(((grouped(results, self.judge.matrix).mean(axis=0) - self.target.level)
                        / self.judge.scale).min())
        value = margin if self.target.mean else float(self.judge.met(results).sum())
        cost, steps = self.key(point)
        return value, margin, -cost, -steps

    def climb(self, start: Choice) -> Choice:
        """From the model's best plan, move to the best admissible one-level-up neighbour simulated whole
        on the design futures while that does better: the model's prediction is additive, and levers
        that work together (instruments need caseworkers) do more than their sum."""
        n0 = self.design.replications
        best = max((c for c in self.design.full if self.limits.admissible(self.space.point(c))),
                   key=self.design_score, default=start)
        if self.design_score(start) >= self.design_score(best):
            best = start
        for _ in range(CLIMB_STEPS):
            neighbours = [c for c in self.space.neighbours_up(best)
                          if self.limits.admissible(self.space.point(c))]
            missing = [c for c in neighbours if c not in self.design.full]
            self.oracle.expect(n0 * len(missing))
            self.oracle.prefetch([self.space.point(c) for c in missing], n0)
            for c in missing:
                self.design.add(c, self.results(self.space.point(c), n0))
            better = max(neighbours, key=self.design_score, default=None)
            if better is None or self.design_score(better)[:2] <= self.design_score(best)[:2]:
                break
            best = better
        return best

    def screen_target(self) -> Target:
        """The target the model screens candidates on: in euros (its mean) when the comparison is."""
        if self.target.mean or self.by_margin:
            return replace(self.target, probability="mean")
        return self.target

    def screen_count(self) -> int:
        n0 = self.design.replications
        if self.target.mean or self.by_margin:
            return n0
        if self.reference is None:
            return screen_count(n0, float(self.target.probability), SCREEN_MISS)
        assert self.reference_est is not None
        return screen_count(n0, max(0.0, self.reference_est.value - self.precision.zone), SCREEN_MISS)

    def small_space(self, limit_key: tuple[int, int]) -> list[Choice] | None:
        """Every admissible static plan preferred to `limit_key`, in order, when there are few."""
        if self.space.size() > 50 * SMALL_SPACE:
            return None
        plans = []
        for choice in self.space.all_choices():
            point = self.space.point(choice)
            if self.key(point) >= limit_key or not self.limits.admissible(point):
                continue
            plans.append(choice)
            if len(plans) > SMALL_SPACE:
                return None
        return sorted(plans, key=lambda c: self.key(self.space.point(c)))

    def dominated(self, choice: Choice) -> bool:
        """Excluded by a cut: at or below a rejected plan on monotone levers, equal on the others."""
        for cut in self.cuts:
            inert = cut.inert or (False,) * len(choice)
            if all(idle or ((k <= c) if mono else (k == c))
                   for k, c, mono, idle in zip(choice, cut.choice, cut.monotone, inert, strict=True)):
                return True
        return False

    def reject(self, choice: Choice) -> None:
        """Exclude a rejected plan, every plan it dominates, and its variants in levers that do nothing."""
        self.rejected.add(choice)
        self.cuts.append(Cut(choice, self.monotone, self.inert))

    def allowance(self) -> dict[str, float]:
        """'mean' target: how far (EUR) a group's design mean may fall short of the level and pass the
        screen: the sampling margin of the mean, plus, when the search looks for plans as good as
        the best reachable one, how far that plan's level minus the zone lies below the target."""
        n0 = self.design.replications
        matrix = self.judge.matrix
        sd = grouped(self.design.baseline, matrix).std(axis=0, ddof=1) if n0 > 1 else np.zeros(len(self.judge.labels))
        margin = 2.33 * sd / math.sqrt(max(n0, 1))
        out = {}
        for g, label in enumerate(self.judge.labels):
            extra = 0.0
            if self.reference is not None:
                ref = grouped(self.results(self.reference, n0), matrix)[:, g].mean()
                extra = max(0.0, self.target.level - (ref - self.precision.zone * self.judge.scale[g]))
            out[label] = float(margin[g] + extra)
        return out

    def screened(self, choice: Choice) -> bool:
        """Whether a plan passes the screen on the design futures (simulating it whole when needed)."""
        n0 = self.design.replications
        if choice not in self.design.full:
            self.oracle.expect(n0)
            self.design.add(choice, self.results(self.space.point(choice), n0))
        results = self.design.full[choice]
        if self.target.mean or self.by_margin:
            means = grouped(results, self.judge.matrix).mean(axis=0)
            allowance = self.allowance()
            return all(means[g] >= self.target.level - allowance[label] - 1e-6
                       for g, label in enumerate(self.judge.labels))
        return int(self.judge.met(results).sum()) >= self.screen_count()

    def candidates(self, ceiling: Point) -> CandidateStream:
        return CandidateStream(self, ceiling)

    def point_dominated(self, point: Point) -> bool:
        """At or below (in every year) a point the parsimony pass rejected, on the levers whose effect
        rises with their level, and equal on the others: it cannot do better, so it is not tested."""
        for rejected in self.rejected_points:
            if all(idle or all((k <= r) if mono else (k == r) for k, r in zip(levels, ref, strict=True))
                   for levels, ref, mono, idle in zip(point, rejected, self.monotone, self.inert, strict=True)):
                return True
        return False

    def weak_levers_removed(self, point: Point) -> Point | None:
        """The point with every lever whose one-at-a-time effect (at its highest level in the point, on
        the design futures) is not significantly positive set back to its baseline: one test for all of
        them instead of one each (None when fewer than two levers are weak)."""
        design, judge = self.design, self.judge
        base = judge.margin(design.baseline)
        n = design.replications
        weak = []
        for i, (lever, levels) in enumerate(zip(self.space.levers, point, strict=True)):
            if all(k == lever.baseline for k in levels):
                continue
            top = max(levels, key=lambda k: abs(k - lever.baseline))
            effect = judge.margin(design.baseline + design.delta[i][top]) - base
            sd = float(np.std(effect, ddof=1)) if n > 1 else 0.0
            if float(np.mean(effect)) <= 2.0 * sd / math.sqrt(n):
                weak.append(i)
        if len(weak) < 2:
            return None
        return tuple((lever.baseline,) * len(levels) if i in weak else levels
                     for i, (lever, levels) in enumerate(zip(self.space.levers, point, strict=True)))

    def refine(self, point: Point, budget_tests: int) -> Point:
        """Step 4: drop every one-step reduction the test accepts (each step must earn its place).
        Reductions are tried largest saving first; one that cannot do better than a reduction already
        rejected is not tested again."""
        self.oracle.stage = f"{self.stage}: each lever step earns its place"
        tests = 0
        bulk = self.weak_levers_removed(point)
        if bulk is not None and self.limits.admissible(bulk) and not self.point_dominated(bulk):
            tests += 1
            if self.meets_test(bulk, max_looks=REFINE_LOOKS):
                point = bulk
            else:
                self.rejected_points.append(bulk)
        improved = True
        while improved and tests < budget_tests:
            improved = False
            cost = self.space.point_cost(point)
            moves = [(label, p) for label, p in self.space.moves_down(point) if self.limits.admissible(p)
                     and (self.dynamic or self.space.static(p) is not None)
                     # a step that saves nothing is only ever tried as its whole lever back to the baseline
                     and (self.space.point_cost(p) < cost or label.endswith("back to the baseline"))]
            moves.sort(key=lambda item: (-(self.space.point_cost(point) - self.space.point_cost(item[1])),
                                         self.key(item[1]), item[0]))
            for _, move in moves:
                choice = self.space.static(move)
                if choice is not None and (choice in self.rejected or self.dominated(choice)):
                    continue
                if (move in self.tested and not self.tested[move]) or self.point_dominated(move):
                    continue
                tests += move not in self.tested
                if self.meets_test(move, max_looks=REFINE_LOOKS):
                    point = move
                    improved = True
                    break
                self.rejected_points.append(move)
                if tests >= budget_tests:
                    break
        return point

    def verify(self, point: Point, block: int | None = None) -> Verification:
        """Step 5: the verdict on the next fresh block of verification futures (or on `block`, to pair
        the plan with one verified there); the budget kept for it is used."""
        if block is None:
            block = self.block
            self.block += 1
        stream: Stream = ("verification", block)
        self.oracle.stage = f"{self.stage}: verification on fresh futures"
        reserve, self.oracle.reserve = self.oracle.reserve, 0
        design = self.verdict_design()
        try:
            found, est = (self.judge_verdict(point, stream) if design is None
                          else self.exact_verdict(point, stream, design))
        finally:
            self.oracle.reserve = reserve
        results = self.results(point, est.n, stream)
        return Verification(verdict=found, probability=None if self.target.mean else est.value,
                            ci_low=est.low, ci_high=est.high, replications=est.n, met=est.successes,
                            seeds=seed_label(self.oracle.seed, stream, est.n), block=stream[1],
                            confidence=self.precision.confidence,
                            zone=self.precision.zone if design is None else design.zone_eff, estimate=est.value,
                            mean_result=self.judge.group_means(results),
                            bounds="normal" if design is None else BOUNDS_LABEL)

    def spent(self, point: Point) -> Outcome:
        """The budget ran out before the best reachable plan was judged: the plan the search holds is
        verified on the budget kept for it (when that still suffices) and is the answer, so marked."""
        verified: list[tuple[Point, Verification]] = []
        try:
            verified.append((point, self.verify(point)))
        except BudgetSpent:
            pass
        return Outcome(point=point, verification=verified[0][1] if verified else None, regime="best reachable",
                       reference=None, reference_estimate=None, stop_reason=BUDGET_SPENT, checks=self.checks,
                       verified=verified, rejected=sorted(self.rejected), notes=self.notes, cuts=list(self.cuts),
                       next_block=self.block)

    # complexity over 15: the selection procedure's steps 2-5, in the order docs/optimisation.md gives them
    def run(self, start: Point | None = None) -> Outcome:  # noqa: C901
        """Steps 2-5. `start` (the trade-off): a plan found for a stricter target; when it meets this
        target, the parsimony pass descends from it instead of a new candidate search."""
        design = self.verdict_design()
        self.oracle.reserve = max(self.oracle.reserve, self.judge.looks()[-1], design.last if design else 0)
        try:
            best_point, best_verdict, best_est = self.best_reachable()
        except BudgetSpent:
            return self.spent(self.best_guess or self.space.baseline_point)
        # the best plan's share reaching p at the cap (small samples: the zone is wider) counts as meeting it:
        # the search then looks for the cheapest plan that meets the target, not for plans as good as the best
        at_cap = best_est.n >= self.judge.looks()[-1] and best_est.value >= self.judge.threshold - 1e-12
        regime = "meets" if best_verdict == MEETS or at_cap else "best reachable"
        if regime != "meets":
            self.reference, self.reference_est = best_point, best_est
            # far out of reach, shares no longer tell plans apart: compare results in euros instead
            self.by_margin = best_est.value <= 2 * self.precision.zone
        self.tested[best_point] = True
        verified: list[tuple[Point, Verification]] = []
        reason = "verified"
        stream = self.candidates(best_point)
        origin = best_point
        if regime != "meets" and stream.ordered is None:
            # a large space where no plan meets the target clearly: descend from the best reachable plan
            # (each lever step must do as well as it) rather than climb through plans that do less
            stream.exhausted = True
        elif (regime == "meets" and start is not None and self.key(start) < self.key(best_point)
              and self.meets_test(start)):
            stream.exhausted = True
            origin = start
        answer: Point | None = None
        try:
            while True:
                self.oracle.stage = f"{self.stage}: candidates in cost order"
                found = stream.next_accepted()
                answer = found if found is not None else origin
                answer = self.refine(answer, budget_tests=REFINE_TESTS_PER_LEVER * len(self.space.levers) + 4)
                check = self.verify(answer)
                verified.append((answer, check))
                if check.verdict == MEETS:
                    break
                if regime != "meets":
                    if check.verdict == DOES_NOT_MEET and answer != best_point:
                        # before the target is called out of reach: the best reachable plan itself,
                        # on the same fresh futures (paired with the answer)
                        verified.append((best_point, self.verify(best_point, block=check.block)))
                    break
                if len(verified) >= MAX_VERIFICATIONS - 1 or found is None:
                    if answer != best_point and all(p != best_point for p, _ in verified):
                        verified.append((best_point, self.verify(best_point)))
                    if not any(c.verdict == MEETS for _, c in verified):
                        reason = "no plan verified as meeting the target"
                    break
                stream.exclude(answer, found)
        except BudgetSpent:
            reason = BUDGET_SPENT
            if answer is None:
                answer = best_point
            if not verified:
                # the budget kept for the verification: the best plan found so far is verified all the same
                try:
                    verified.append((answer, self.verify(answer)))
                except BudgetSpent:
                    pass
        chosen_point, chosen = choose(verified, self.space, regime)
        if chosen_point is None:
            chosen_point = answer if answer is not None else best_point
        return Outcome(point=chosen_point, verification=chosen, regime=regime, reference=best_point,
                       reference_estimate=best_est, stop_reason=reason, checks=self.checks, verified=verified,
                       rejected=sorted(self.rejected), notes=self.notes, cuts=list(self.cuts),
                       next_block=self.block)


class NoAdmissiblePlan(RuntimeError):
    """No plan satisfies the hard constraints (budget, formation, policy)."""

    def __init__(self, families: list[str]):
        super().__init__(", ".join(families))
        self.families = families


class CandidateStream:
    """Step 3: candidates in cost order, each screened and tested; `next_accepted` returns the next
    accepted one (None when no plan cheaper than the ceiling is accepted)."""

    def __init__(self, search: Search, ceiling: Point):
        self.search = search
        self.ceiling = ceiling
        self.excluded: set[Choice] = set()
        self.tested = 0
        space = search.space
        self.ordered = search.small_space(search.key(ceiling))
        if self.ordered is not None:
            search.notes.append(f"{len(self.ordered)} admissible plans are cheaper than the best reachable "
                                f"plan: each was simulated whole on the {search.design.replications} design futures")
        self.position = 0
        self.ceiling_choice = space.static(ceiling)
        self.exhausted = False
        self.limit = MAX_CANDIDATES if self.ordered is not None else MAX_CANDIDATES_LARGE

    def exclude(self, point: Point, choice: Point | None) -> None:
        static = self.search.space.static(point)
        if static is not None:
            self.excluded.add(static)
        if choice is not None:
            static = self.search.space.static(choice)
            if static is not None:
                self.excluded.add(static)

    def _next_candidate(self) -> Choice | None:
        search = self.search
        if self.ordered is not None:
            while self.position < len(self.ordered):
                choice = self.ordered[self.position]
                self.position += 1
                if choice in self.excluded or choice in search.rejected or search.dominated(choice):
                    continue
                return choice
            return None
        ceiling_key = search.key(self.ceiling)
        required = search.screen_count()
        cuts = list(search.cuts) + [Cut(c, tuple(False for _ in c), ()) for c in self.excluded]
        screen = search.screen_target()
        model = SaaModel(search.design, screen, search.limits, cuts=cuts)
        solution = model.cheapest(required, search.allowance() if screen.mean else None)
        if solution is None:
            return None
        if search.key(search.space.point(solution.choice)) >= ceiling_key:
            return None
        return solution.choice

    def next_accepted(self) -> Point | None:
        search = self.search
        if self.exhausted:
            return None
        while self.tested < self.limit:
            choice = self._next_candidate()
            if choice is None:
                return None
            point = search.space.point(choice)
            if choice == self.ceiling_choice:
                return None
            if not search.screened(choice):
                if self.ordered is not None:
                    est = search.judge.estimate(search.design.full[choice])
                    search.record("screen", point, "screened out", est, SELECTION)
                    self.excluded.add(choice)
                continue  # the model now knows its simulation; it will not propose it again
            self.tested += 1
            if search.meets_test(point):
                return point
            search.reject(choice)
        search.notes.append(f"candidates in cost order stopped after {self.limit} tests; the plan descends from "
                            "the best reachable plan")
        self.exhausted = True
        return None


def choose(verified: list[tuple[Point, Verification]], space: DecisionSpace,
           regime: str = "meets") -> tuple[Point | None, Verification | None]:
    """The answer among the verified plans. Some plan meets the target: the first that does. Else, when
    no plan meets it clearly ('best reachable'), the plan found (the best reachable plan verified beside
    it only tells whether the target is out of reach); else the best verdict, cheapest first."""
    for point, check in verified:
        if check.verdict == MEETS:
            return point, check
    if not verified:
        return None, None
    if regime != "meets":
        return verified[0]
    rank = {v: i for i, v in enumerate(VERDICTS)}
    point, check = min(verified, key=lambda item: (rank[item[1].verdict], space.point_cost(item[0])))
    return point, check


def monotone_levers(design: Design, judge: Judge) -> tuple[bool, ...]:
    """Per lever: does the target's worst group improve (within noise) at every higher simulated level?"""
    matrix = judge.matrix
    n = design.replications
    flags = []
    for i, levels in enumerate(design.simulated):
        worst = [grouped(design.baseline + design.delta[i][k], matrix).min(axis=1).astype(float) for k in levels]
        ok = True
        for a, b in zip(worst, worst[1:], strict=False):
            diff = b - a
            sd = float(np.std(diff, ddof=1)) if n > 1 else 0.0
            if diff.mean() < -2.0 * sd / math.sqrt(n) - 1e-9:
                ok = False
                break
        flags.append(ok)
    return tuple(flags)


__all__ = ["BUDGET_SPENT", "Search", "Outcome", "Verification", "Check", "Judge", "NoAdmissiblePlan", "MEETS",
           "ON_THE_EDGE", "DOES_NOT_MEET", "monotone_levers", "group_scale"]
