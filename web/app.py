"""The what-if page: a Shiny for Python app over `jobs.whatif` (docs/web.md says why Shiny).

Every browser tab is a Shiny session with its own controls, results and optimiser run; nothing a
session changes is shared except the cache of simulated plans in `jobs.whatif.evaluate.Futures`, whose
entries are keyed by what was simulated (scenario, futures, plan), so sharing them cannot mix
two users' controls. A control change becomes a `Request` (plan, target, priority rule); the
latest request is simulated in a worker thread (the simulation itself on the shared local process
pool) while the page keeps the previous result on screen; a request that arrives meanwhile waits,
and only the newest waiting one runs. A failed simulation shows a message; the traceback goes to
the server's log, never to the browser.

Control ids carry a generation number (``c3_fte_0``): the controls are drawn again when the
scenario, the language or a loaded plan changes, and old ids never feed a new scenario.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shiny import App, Inputs, Outputs, Session, reactive, render, ui
from shiny.types import SilentException

from sporen.common.errors import InputError, Problem
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import (
    DEFAULT_FUTURES,
    DEFAULT_SEED,
    Futures,
    WhatIfTarget,
    WhatIfView,
    default_target,
    futures_for,
    plan_from_levels,
    plan_key,
    plan_levels,
    what_if,
)
from sporen.jobs.whatif.files import plan_yaml, report_html, variant_yaml, workbook_bytes
from sporen.jobs.whatif.optimiser import Counter, OptimiserAnswer, run_optimiser
from sporen.jobs.whatif.serve import bundled_scenarios, load_bundled
from sporen.jobs.whatif.upload import MAX_UPLOAD_BYTES, display_name, load_plan_upload, load_scenario_upload
from sporen.web import charts, views
from sporen.web.html import CSS, problems_box
from sporen.web.texts import DEFAULT_LANG, LANGUAGES, number, t

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


@dataclass(frozen=True)
class Controls:
    """What the controls are drawn with."""

    fte: dict[str, float]
    places: dict[str, dict[int, int]]
    measures: dict[str, bool]
    priority: str
    target: WhatIfTarget
    arrives: dict[str, str] = field(default_factory=dict)   # arrival months of a loaded plan


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


def _number(value: Any) -> float | None:
    """A control's value as a number; None when empty or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def controls_for(scenario: Scenario, plan: Plan | None = None, priority: str | None = None,
                 target: WhatIfTarget | None = None) -> Controls:
    levels = plan_levels(plan or Plan(name="baseline"), scenario)
    return Controls(levels["fte"], levels["places"], levels["measures"], priority or scenario.policy.priority,
                    target or default_target(scenario), levels["arrives"])


def app_ui(settings: Settings) -> ui.Tag:
    return ui.page_sidebar(
        ui.sidebar(
            ui.output_ui("scenario_panel"),
            ui.output_ui("controls"),
            width=420, open="always",
        ),
        ui.tags.style(CSS),
        ui.div(ui.input_radio_buttons("lang", None, LANGUAGES, selected=settings.lang, inline=True),
               class_="d-flex justify-content-end"),
        ui.output_ui("header"),
        ui.output_ui("status"),
        ui.output_ui("cards"),
        ui.card(ui.card_header(ui.output_text("result_title")), ui.output_ui("result_chart"),
                ui.output_ui("result_table")),
        ui.card(ui.card_header(ui.output_text("optimiser_title")), ui.output_ui("optimiser_note"),
                ui.div(ui.input_action_button("optimise", t(settings.lang, "run_optimiser"), class_="btn-primary"),
                       class_="mb-2"),
                ui.output_ui("optimiser_panel")),
        ui.card(ui.card_header(ui.output_text("formation_title")), ui.output_ui("formation_tables")),
        ui.card(ui.card_header(ui.output_text("caseload_title")), ui.output_ui("caseload_chart"),
                ui.output_ui("caseload_table")),
        ui.card(ui.card_header(ui.output_text("downloads_title")), ui.output_ui("downloads")),
        title="sporen",
        lang="nl",
        fillable=False,
    )


def build_app(settings: Settings) -> App:
    """The Shiny app (an ASGI application; `web.server` wraps it in `web.security.Guard`)."""
    bundled = bundled_scenarios()
    start_futures = futures_for(settings.start_scenario, futures=settings.futures, seed=settings.seed,
                                workers=settings.workers, rules=settings.start_rules)
    loaded_bundles: dict[str, Scenario] = {}

    def bundle(name: str) -> Scenario:
        if name not in loaded_bundles:
            loaded_bundles[name] = load_bundled(name)
        return loaded_bundles[name]

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        start = Loaded(start_futures, settings.start_name, settings.start_file or settings.start_name)
        current: reactive.Value[Loaded] = reactive.value(start)
        initial: reactive.Value[Controls] = reactive.value(controls_for(settings.start_scenario))
        generation: reactive.Value[int] = reactive.value(0)
        upload_problems: reactive.Value[list[Problem]] = reactive.value([])
        uploaded_name: reactive.Value[str | None] = reactive.value(None)
        latest: reactive.Value[Computed | None] = reactive.value(None)
        failure: reactive.Value[Computed | None] = reactive.value(None)
        answer: reactive.Value[tuple[OptimiserAnswer, tuple] | None] = reactive.value(None)
        optimiser_problem: reactive.Value[str | None] = reactive.value(None)
        pending: dict[str, Any] = {"request": None, "key": None, "count": 0}
        progress: dict[str, Counter | None] = {"counter": None}

        def lang() -> str:
            value = input.lang()
            return value if value in LANGUAGES else DEFAULT_LANG

        def cid(name: str) -> str:
            return f"c{generation()}_{name}"

        def read(name: str, default: Any) -> Any:
            try:
                return input[cid(name)]()
            except SilentException:   # not drawn in the browser yet: the value it is drawn with
                return default

        def redraw(controls: Controls) -> None:
            initial.set(controls)
            generation.set(generation.get() + 1)

        def load(scenario: Scenario, name: str, file: str, rules: dict[int, Any] | None = None) -> None:
            futures = futures_for(scenario, futures=settings.futures, seed=settings.seed, workers=settings.workers,
                                  rules=rules)
            current.set(Loaded(futures, name, file))
            pending["key"] = None   # simulate again even when the same scenario comes back
            latest.set(None)
            failure.set(None)
            redraw(controls_for(scenario))

        # -- what the controls say ---------------------------------------------------------------
        def control_values() -> tuple[Controls, list[Problem]]:
            loaded = current()
            scenario = loaded.futures.scenario
            init = initial()
            problems: list[Problem] = []
            fte_values = {}
            for i, role in enumerate(scenario.roles):
                value = _number(read(f"fte_{i}", init.fte[role.name]))
                if value is None:
                    problems.append(Problem("plan", f"staff.{role.name}.fte", "is empty", "a number of fte"))
                    value = init.fte[role.name]
                fte_values[role.name] = float(value)
            places = {}
            for i, inst in enumerate(scenario.instruments):
                per = {}
                for year in scenario.horizon_years:
                    value = _number(read(f"places_{i}_{year}", init.places[inst.name][year]))
                    if value is None or value != int(value):
                        problems.append(Problem("plan", f"instruments.{inst.name}.{year}",
                                                f"{value if value is not None else 'empty'} is not a whole number",
                                                "a number of places"))
                        value = init.places[inst.name][year]
                    per[year] = int(value)
                places[inst.name] = per
            measures = {m.name: bool(read(f"measure_{i}", init.measures[m.name]))
                        for i, m in enumerate(scenario.measures)}
            priority = str(read("priority", init.priority))
            from_year = read("from_year", str(init.target.from_year))
            level = _number(read("level", init.target.level))
            probability = _number(read("probability", init.target.probability))
            scope = str(read("scope", init.target.scope))
            cumulative = bool(read("cumulative", init.target.cumulative))
            if level is None:
                problems.append(Problem("target", "level", "is empty", "a sum in euros, 0 = no deficit"))
                level = init.target.level
            if probability is None or not 0 < probability <= 1:
                problems.append(Problem("target", "probability", f"{probability} is not a probability",
                                        "a number above 0 and at most 1"))
                probability = init.target.probability
            try:
                year = int(from_year)
            except (TypeError, ValueError):
                problems.append(Problem("target", "from_year", f"{from_year!r} is not a year", "a horizon year"))
                year = init.target.from_year
            # scope is the control's text as it came: `what_if` reports one outside SCOPES (check_target)
            target = WhatIfTarget(from_year=year, level=int(round(float(level))),
                                  probability=round(float(probability), 4), scope=scope,  # type: ignore[arg-type]
                                  cumulative=cumulative)
            return Controls(fte_values, places, measures, priority, target, init.arrives), problems

        @reactive.calc
        def request() -> Request:
            loaded = current()
            values, problems = control_values()
            scenario = loaded.futures.scenario
            if problems:
                return Request(loaded.futures, problems=problems)
            try:
                plan = plan_from_levels(scenario, values.fte, values.places, values.measures, arrives=values.arrives)
            except InputError as exc:
                return Request(loaded.futures, problems=exc.problems)
            found = answer()
            reference = found[0].plan if found is not None and found[1] == loaded.futures.key else None
            return Request(loaded.futures, plan, values.target, values.priority, reference)

        # -- simulating: the newest request wins -------------------------------------------------
        @reactive.extended_task
        async def simulation(request: Request, number: int) -> Computed:
            return await asyncio.to_thread(compute, request, number)

        def launch(req: Request) -> None:
            pending["count"] += 1
            simulation.invoke(req, pending["count"])

        @reactive.effect
        def _start() -> None:
            req = request()
            if req.problems:
                return
            key = req.key()
            if key == pending["key"]:
                return
            pending["key"] = key
            with reactive.isolate():
                running = simulation.status() == "running"
            if running:
                pending["request"] = req
            else:
                launch(req)

        @reactive.effect
        def _finished() -> None:
            status = simulation.status()
            if status == "success":
                with reactive.isolate():
                    done = simulation.result()
                    stale = done.request.futures is not current().futures   # the scenario changed meanwhile
                if stale:
                    pass
                elif done.view is not None:
                    latest.set(done)
                    failure.set(None)
                else:
                    failure.set(done)
            elif status == "error":
                failure.set(Computed(Request(), failure="error"))
            if status in ("success", "error") and pending["request"] is not None:
                req, pending["request"] = pending["request"], None
                launch(req)

        # -- scenario and plan from the browser --------------------------------------------------
        @reactive.effect
        @reactive.event(input.scenario_pick, ignore_init=True)
        def _pick() -> None:
            name = input.scenario_pick()
            if name == UPLOAD_CHOICE or name == current().name:
                return
            upload_problems.set([])
            try:
                if name == settings.start_name:
                    load(settings.start_scenario, name, settings.start_file or name, settings.start_rules)
                else:
                    path = bundled[name]
                    load(bundle(name), name, str(_relative(path)))
            except InputError as exc:
                upload_problems.set(exc.problems)

        @reactive.effect
        @reactive.event(input.scenario_file)
        def _upload_scenario() -> None:
            files = input.scenario_file()
            if not files:
                return
            info = files[0]
            name = display_name(info["name"])
            try:
                scenario = load_scenario_upload(info["datapath"], info["name"])
            except InputError as exc:
                upload_problems.set(exc.problems)
                return
            upload_problems.set([])
            uploaded_name.set(name)
            load(scenario, UPLOAD_CHOICE, name)

        @reactive.effect
        @reactive.event(input.plan_file)
        def _upload_plan() -> None:
            files = input.plan_file()
            if not files:
                return
            info = files[0]
            scenario = current().futures.scenario
            try:
                plan = load_plan_upload(info["datapath"], info["name"], scenario)
            except InputError as exc:
                upload_problems.set(exc.problems)
                return
            upload_problems.set([])
            values, _ = control_values()
            redraw(controls_for(scenario, plan, values.priority, values.target))

        @reactive.effect
        @reactive.event(input.reset)
        def _reset() -> None:
            scenario = current().futures.scenario
            values, _ = control_values()
            redraw(controls_for(scenario, None, None, values.target))

        @reactive.effect
        @reactive.event(input.lang, ignore_init=True)
        def _language() -> None:
            with reactive.isolate():
                values, problems = control_values()
            if not problems:
                redraw(values)
            ui.update_action_button("optimise", label=t(lang(), "run_optimiser"))

        # -- the optimiser -----------------------------------------------------------------------
        @reactive.extended_task
        async def optimiser(futures: Futures, target: WhatIfTarget, priority: str, counter: Counter) -> Any:
            def work() -> Any:
                try:
                    found = run_optimiser(futures.scenario, target, priority=priority, progress=counter,
                                          workers=futures.workers, **settings.optimiser)
                    return found, futures.key
                except InputError as exc:
                    return exc
                except Exception as exc:
                    log.exception("optimiser failed")
                    return RuntimeError(type(exc).__name__)
                finally:
                    counter.done = True
            return await asyncio.to_thread(work)

        @reactive.effect
        @reactive.event(input.optimise)
        def _optimise() -> None:
            with reactive.isolate():
                if optimiser.status() == "running":
                    return
                values, problems = control_values()
                futures = current().futures
            if problems:
                optimiser_problem.set("; ".join(str(p) for p in problems))
                return
            optimiser_problem.set(None)
            counter = progress["counter"] = Counter()
            optimiser.invoke(futures, values.target, values.priority, counter)

        @reactive.effect
        def _optimised() -> None:
            if optimiser.status() != "success":
                if optimiser.status() == "error":
                    optimiser_problem.set(t(lang(), "optimiser_failed", kind="error"))
                return
            with reactive.isolate():
                found = optimiser.result()
                if isinstance(found, InputError):
                    optimiser_problem.set("; ".join(str(p) for p in found.problems))
                    return
                if isinstance(found, Exception):
                    optimiser_problem.set(t(lang(), "optimiser_failed", kind=str(found)))
                    return
                best, key = found
                answer.set((best, key))
                loaded = current()
                if key == loaded.futures.key:
                    values, _ = control_values()
                    redraw(controls_for(loaded.futures.scenario, best.plan, values.priority, values.target))

        # -- outputs: sidebar ------------------------------------------------------------------------
        @render.ui
        def scenario_panel() -> ui.TagChild:
            language = lang()
            loaded = current()
            choices = {settings.start_name: settings.start_name}
            choices.update({name: name for name in bundled})
            with reactive.isolate():
                name = uploaded_name()
            if loaded.name == UPLOAD_CHOICE and name:
                choices[UPLOAD_CHOICE] = t(language, "uploaded", name=name)
            problems = upload_problems()
            return ui.TagList(
                ui.input_select("scenario_pick", t(language, "bundled"), choices, selected=loaded.name),
                ui.input_file("scenario_file", t(language, "upload_scenario"), accept=[".yaml", ".yml", ".xlsx"],
                              button_label=t(language, "browse"), placeholder=t(language, "no_file")),
                ui.input_file("plan_file", t(language, "upload_plan"), accept=[".yaml", ".yml"],
                              button_label=t(language, "browse"), placeholder=t(language, "no_file")),
                problems_box(problems, language, "upload-problems") if problems else ui.div(id="upload-ok"),
            )

        @render.ui
        def controls() -> ui.TagChild:
            language, g, init = lang(), generation(), initial()
            with reactive.isolate():
                scenario = current().futures.scenario
            return views.controls(scenario, init, g, language)

        # -- outputs: main -------------------------------------------------------------------------
        def view() -> WhatIfView | None:
            done = latest()
            return done.view if done is not None else None

        @render.ui
        def header() -> ui.TagChild:
            language = lang()
            loaded = current()
            scenario = loaded.futures.scenario
            return ui.div(
                ui.h2(t(language, "title")),
                ui.p(t(language, "subtitle", n=loaded.futures.futures, seed=loaded.futures.seed)),
                ui.p(t(language, "scenario_loaded", name=scenario.name,
                       municipalities=", ".join(m.name for m in scenario.municipalities), start=scenario.start,
                       years=scenario.years), class_="text-muted"))

        @render.ui
        def status() -> ui.TagChild:
            language = lang()
            req = request()
            parts: list[ui.TagChild] = []
            if req.problems:
                parts.append(problems_box(req.problems, language, "control-problems"))
            failed = failure()
            if failed is not None and failed.problems:
                parts.append(problems_box(failed.problems, language, "simulation-problems"))
            elif failed is not None:
                parts.append(ui.div(t(language, "failed", kind=failed.failure or "error"),
                                    class_="alert alert-danger", id="simulation-failed", role="alert"))
            running = simulation.status() == "running"
            done = latest()
            if running and done is None:
                line = t(language, "first_run")
            elif running:
                line = t(language, "updating")
            elif done is not None:
                line = t(language, "updated", seconds=number(done.seconds, language))
            else:
                line = ""
            parts.append(ui.div(line, class_="status-line", id="status-line",
                                **{"data-busy": "1" if running else "0",
                                   "data-seconds": f"{done.seconds:.3f}" if done is not None else ""}))
            return ui.TagList(*parts)

        @render.ui
        def cards() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            done = latest()
            return views.cards(current_view, lang(), done.number if done is not None else 0)

        @render.text
        def result_title() -> str:
            return t(lang(), "section_result")

        @render.ui
        async def result_chart() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            language = lang()
            done = latest()
            svg = await asyncio.to_thread(charts.result_chart, current_view.years, language)
            return ui.div(ui.HTML(svg), class_="chart", id="result-chart",
                          **{"data-number": str(done.number if done else 0)})

        @render.ui
        def result_table() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            return views.result_table(current_view, lang())

        @render.text
        def formation_title() -> str:
            return t(lang(), "section_formation")

        @render.ui
        def formation_tables() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            return views.formation_tables(current_view, lang())

        @render.text
        def caseload_title() -> str:
            return t(lang(), "section_caseload")

        @render.ui
        async def caseload_chart() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            language = lang()
            svg = await asyncio.to_thread(charts.caseload_chart, current_view.caseload, language)
            return ui.div(ui.HTML(svg), class_="chart", id="caseload-chart")

        @render.ui
        def caseload_table() -> ui.TagChild:
            current_view = view()
            if current_view is None:
                return ui.div()
            return views.caseload_table(current_view, lang())

        @render.text
        def optimiser_title() -> str:
            return t(lang(), "section_optimiser")

        @render.ui
        def optimiser_note() -> ui.TagChild:
            return ui.p(t(lang(), "optimiser_note"), class_="text-muted small")

        @render.ui
        def optimiser_panel() -> ui.TagChild:
            language = lang()
            parts: list[ui.TagChild] = []
            problem = optimiser_problem()
            if problem:
                parts.append(ui.div(problem, class_="alert alert-warning", id="optimiser-problem"))
            if optimiser.status() == "running":
                reactive.invalidate_later(0.5)
                counter = progress["counter"]
                fraction, text = counter.read() if counter is not None else (0.0, "")
                parts.append(views.optimiser_progress(fraction, text, language))
            found = answer()
            if found is not None:
                best, key = found
                stale = key != current().futures.key
                parts.append(views.optimiser_answer(best, stale, language))
            return ui.TagList(*parts)

        @render.text
        def downloads_title() -> str:
            return t(lang(), "section_downloads")

        @render.ui
        def downloads() -> ui.TagChild:
            language = lang()
            req = request()
            buttons = [ui.download_button("download_plan", t(language, "download_plan")),
                       ui.download_button("download_report", t(language, "download_report")),
                       ui.download_button("download_workbook", t(language, "download_workbook"))]
            if not req.problems and req.priority != current().futures.scenario.policy.priority:
                buttons.insert(1, ui.download_button("download_variant", t(language, "download_variant")))
            return ui.TagList(ui.p(t(language, "downloads_note"), class_="text-muted small"),
                              ui.div(*buttons, class_="d-flex gap-2 flex-wrap"))

        def valid_request() -> Request:
            with reactive.isolate():
                req = request()
            if req.problems:
                raise InputError(req.problems)
            return req

        def _problem_text(exc: InputError) -> str:
            return "\n".join(str(p) for p in exc.problems) + "\n"

        @render.download_button(filename="plan.yaml", media_type="text/yaml")
        async def download_plan() -> Any:
            try:
                req = valid_request()
                assert req.futures is not None and req.plan is not None and req.target is not None
                text = await asyncio.to_thread(plan_yaml, req.futures, req.plan, req.target, priority=req.priority,
                                               scenario_file=current().file)
            except InputError as exc:
                text = "# " + _problem_text(exc).replace("\n", "\n# ")
            yield text

        @render.download_button(filename="variant.yaml", media_type="text/yaml")
        async def download_variant() -> Any:
            req = valid_request()
            assert req.futures is not None
            yield variant_yaml(req.futures, req.priority, scenario_file=current().file) or ""

        @render.download_button(filename="report.html", media_type="text/html")
        async def download_report() -> Any:
            language = lang()
            try:
                req = valid_request()
                assert req.futures is not None and req.plan is not None and req.target is not None
                text = await asyncio.to_thread(report_html, req.futures, req.plan, req.target,
                                               priority=req.priority, lang=language)
            except InputError as exc:
                text = f"<!DOCTYPE html><meta charset='utf-8'><pre>{html.escape(_problem_text(exc))}</pre>"
            except Exception:
                log.exception("report failed")
                text = "<!DOCTYPE html><meta charset='utf-8'><p>The report could not be made; see the server log.</p>"
            yield text

        @render.download_button(filename="results.xlsx",
                         media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        async def download_workbook() -> Any:
            language = lang()
            req = valid_request()
            assert req.futures is not None and req.plan is not None and req.target is not None
            data = await asyncio.to_thread(workbook_bytes, req.futures, req.plan, req.target, priority=req.priority,
                                           lang=language)
            yield data

    app = App(app_ui(settings), server)
    app.sanitize_errors = True   # an error inside an output shows a short message, never a traceback
    app.sanitize_error_msg = ("Dit onderdeel kon niet worden getoond / this part could not be shown "
                              "(see the server log).")
    return app


def _relative(path: Path) -> Path:
    """A bundled file as a path relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


__all__ = ["MAX_UPLOAD_BYTES", "Settings", "build_app", "compute"]
