"""One browser tab's state: what it has loaded, what its controls say, what it asked to simulate.

Every browser tab is a Shiny session with its own `Page`: reactive values for the scenario, the
controls as last drawn, the newest simulated answer, the optimiser's answer and the upload
problems. The panels (`web.panels`) read and set these; nothing here draws anything. A control
change becomes a `Request` (plan, target, priority rule); `compute` simulates one in a worker
thread and turns every error into a message, never a traceback.

Control ids carry a generation number (``c3_fte_0``): the controls are drawn again when the
scenario, the language or a loaded plan changes, and old ids never feed a new scenario.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from shiny import Inputs, reactive
from shiny.types import SilentException

from sporen.common.errors import InputError, Problem
from sporen.common.i18n import DEFAULT_LANG, LANGUAGES
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import (
    DEFAULT_FUTURES,
    DEFAULT_SEED,
    Futures,
    WhatIfTarget,
    WhatIfView,
    futures_for,
    plan_key,
    what_if,
)
from sporen.jobs.whatif.optimiser import OptimiserAnswer
from sporen.web.controls import Controls, controls_for, read_controls

log = logging.getLogger("sporen.web")
UPLOAD_CHOICE = "__upload__"


@dataclass
class Settings:
    """How the page was started (`sporen serve`)."""

    start_name: str
    start_scenario: Scenario
    start_file: str = ""                        # how the scenario is named in plan.yaml's 'repeat' line
    start_rules: dict[int, Any] | None = None   # vangnet rules of the start scenario (its own folder)
    futures: int = DEFAULT_FUTURES
    seed: int = DEFAULT_SEED
    workers: int | None = None
    optimiser: dict[str, Any] = field(default_factory=dict)   # OptimiseOptions fields (replications, ...)
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Loaded:
    """The scenario a session works on."""

    futures: Futures
    name: str            # shown in the scenario list
    file: str            # for plan.yaml's 'repeat' line


@dataclass
class Request:
    """One thing to simulate, or the problems that stop it."""

    futures: Futures | None = None
    plan: Plan | None = None
    target: WhatIfTarget | None = None
    priority: str | None = None
    reference: Plan | None = None
    problems: list[Problem] = field(default_factory=list)

    def key(self) -> tuple:
        assert self.futures is not None and self.plan is not None
        scenario = self.futures.scenario
        return (self.futures.key, plan_key(self.plan, scenario), self.target, self.priority,
                plan_key(self.reference, scenario) if self.reference is not None else None)


@dataclass
class Computed:
    """The answer to a request: a view, or problems, or a failure (never a traceback)."""

    request: Request
    view: WhatIfView | None = None
    problems: list[Problem] = field(default_factory=list)
    failure: str | None = None
    seconds: float = 0.0
    number: int = 0


def compute(request: Request, number: int = 0) -> Computed:
    """Simulate a request (in a worker thread); every error becomes a message."""
    started = time.perf_counter()
    assert request.futures is not None and request.plan is not None and request.target is not None
    try:
        view = what_if(request.futures, request.plan, request.target, priority=request.priority,
                           reference=request.reference)
    except InputError as exc:
        return Computed(request, problems=exc.problems, number=number)
    except Exception as exc:  # a failed simulation is a message on the page, the traceback goes to the log
        log.exception("what-if simulation failed")
        return Computed(request, failure=type(exc).__name__, number=number)
    return Computed(request, view=view, seconds=time.perf_counter() - started, number=number)


class Page:
    """One session's state (see the module docstring); the panels share it."""

    def __init__(self, settings: Settings, start: Futures, input: Inputs):
        self.settings = settings
        self.input = input
        first = Loaded(start, settings.start_name, settings.start_file or settings.start_name)
        self.current: reactive.Value[Loaded] = reactive.value(first)
        self.initial: reactive.Value[Controls] = reactive.value(controls_for(settings.start_scenario))
        self.generation: reactive.Value[int] = reactive.value(0)
        self.upload_problems: reactive.Value[list[Problem]] = reactive.value([])
        self.uploaded_name: reactive.Value[str | None] = reactive.value(None)
        self.latest: reactive.Value[Computed | None] = reactive.value(None)
        self.failure: reactive.Value[Computed | None] = reactive.value(None)
        self.answer: reactive.Value[tuple[OptimiserAnswer, tuple] | None] = reactive.value(None)
        self.pending: dict[str, Any] = {"request": None, "key": None, "count": 0}
        self.request: Any = None      # the reactive calc of the current Request (web.panels.simulation)
        self.simulation: Any = None   # the extended task that simulates it
        self.drawn_lang = settings.lang   # the language the controls were last drawn in (their notation)

    def lang(self) -> str:
        value = self.input.lang()
        return value if value in LANGUAGES else DEFAULT_LANG

    def cid(self, name: str) -> str:
        return f"c{self.generation()}_{name}"

    def read(self, name: str, default: Any) -> Any:
        """A control's value; `default` while the browser has not drawn it yet."""
        try:
            return self.input[self.cid(name)]()
        except SilentException:
            return default

    def redraw(self, controls: Controls) -> None:
        self.initial.set(controls)
        self.generation.set(self.generation.get() + 1)

    def load(self, scenario: Scenario, name: str, file: str, rules: dict[int, Any] | None = None) -> None:
        """Work on another scenario: new futures, its baseline controls, no result yet."""
        settings = self.settings
        futures = futures_for(scenario, futures=settings.futures, seed=settings.seed, workers=settings.workers,
                              rules=rules)
        self.current.set(Loaded(futures, name, file))
        self.pending["key"] = None   # simulate again even when the same scenario comes back
        self.latest.set(None)
        self.failure.set(None)
        self.redraw(controls_for(scenario))

    def control_values(self) -> tuple[Controls, list[Problem]]:
        """What the controls say now, with the problems of values that cannot be used."""
        return read_controls(self.current().futures.scenario, self.initial(), self.read, self.lang(),
                             notation=self.drawn_lang)

    def view(self) -> WhatIfView | None:
        done = self.latest()
        return done.view if done is not None else None

    def number(self) -> int:
        """The number of the simulation on screen (the browser test waits for it to change)."""
        done = self.latest()
        return done.number if done is not None else 0
