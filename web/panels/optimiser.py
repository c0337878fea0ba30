"""The optimiser button: `sporen optimise` with the page's target in the background, its progress
(replications simulated of those planned so far), and its answer loaded into the controls."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from shiny import reactive, render, ui

from sporen.common.errors import InputError
from sporen.common.i18n import text
from sporen.jobs.whatif.evaluate import Futures, WhatIfTarget
from sporen.jobs.whatif.optimiser import Counter, run_optimiser
from sporen.web import views
from sporen.web.controls import controls_for
from sporen.web.session import Page

log = logging.getLogger("sporen.web")


# complexity over 15: a Shiny panel: its reactive closures are counted with the function
def optimiser_panel(page: Page) -> None:  # noqa: C901
    """Register the button's task, its answer and the panel's outputs for `page`."""
    settings = page.settings
    problem: reactive.Value[str | None] = reactive.value(None)
    progress: dict[str, Counter | None] = {"counter": None}

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
    @reactive.event(page.input.optimise)
    def _optimise() -> None:
        with reactive.isolate():
            if optimiser.status() == "running":
                return
            values, problems = page.control_values()
            futures = page.current().futures
        if problems:
            problem.set("; ".join(str(p) for p in problems))
            return
        problem.set(None)
        counter = progress["counter"] = Counter()
        optimiser.invoke(futures, values.target, values.priority, counter)

    @reactive.effect
    def _optimised() -> None:
        if optimiser.status() != "success":
            if optimiser.status() == "error":
                problem.set(text("web.optimiser_failed", page.lang(), kind="error"))
            return
        with reactive.isolate():
            found = optimiser.result()
            if isinstance(found, InputError):
                problem.set("; ".join(str(p) for p in found.problems))
                return
            if isinstance(found, Exception):
                problem.set(text("web.optimiser_failed", page.lang(), kind=str(found)))
                return
            best, key = found
            page.answer.set((best, key))
            loaded = page.current()
            if key == loaded.futures.key:
                values, _ = page.control_values()
                page.redraw(controls_for(loaded.futures.scenario, best.plan, values.priority, values.target))

    @render.text
    def optimiser_title() -> str:
        return text("web.section_optimiser", page.lang())

    @render.ui
    def optimiser_note() -> ui.TagChild:
        return ui.p(text("web.optimiser_note", page.lang()), class_="text-muted small")

    @render.ui
    def optimiser_state() -> ui.TagChild:
        lang = page.lang()
        parts: list[ui.TagChild] = []
        shown = problem()
        if shown:
            parts.append(ui.div(shown, class_="alert alert-warning", id="optimiser-problem"))
        if optimiser.status() == "running":
            reactive.invalidate_later(0.5)
            counter = progress["counter"]
            fraction, stage = counter.read() if counter is not None else (0.0, "")
            parts.append(views.optimiser_progress(fraction, stage, lang))
        found = page.answer()
        if found is not None:
            best, key = found
            loaded = page.current()
            stale = key != loaded.futures.key
            parts.append(views.optimiser_answer(best, loaded.futures.scenario, stale, lang))
        return ui.TagList(*parts)
