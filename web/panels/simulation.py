"""From the controls to a simulated answer: the newest request wins.

The controls make a `Request`; a new one is simulated in a worker thread (the simulation itself
on the shared local process pool) while the page keeps the previous result, dimmed, on screen; a
request that arrives meanwhile waits, and only the newest waiting one runs. The status line says
what is happening and carries ``data-busy`` (the style sheet dims the results while it is 1).
"""

from __future__ import annotations

import asyncio

from shiny import reactive, render, ui

from sporen.common import i18n
from sporen.common.errors import InputError
from sporen.common.i18n import text
from sporen.jobs.whatif.evaluate import plan_from_levels
from sporen.web.html import problems_box
from sporen.web.session import Computed, Page, Request, compute


# complexity over 15: a Shiny panel: its reactive closures are counted with the function
def simulation_panel(page: Page) -> None:  # noqa: C901
    """Register the request, the simulation task and the status line for `page` (`page.request` and
    `page.simulation` are what the other panels read)."""

    @reactive.calc
    def request() -> Request:
        loaded = page.current()
        values, problems = page.control_values()
        if problems:
            return Request(loaded.futures, problems=problems)
        try:
            plan = plan_from_levels(loaded.futures.scenario, values.fte, values.places, values.measures,
                                    arrives=values.arrives)
        except InputError as exc:
            return Request(loaded.futures, problems=exc.problems)
        found = page.answer()
        reference = found[0].plan if found is not None and found[1] == loaded.futures.key else None
        return Request(loaded.futures, plan, values.target, values.priority, reference)

    @reactive.extended_task
    async def simulation(req: Request, number: int) -> Computed:
        return await asyncio.to_thread(compute, req, number)

    page.request = request
    page.simulation = simulation
    pending = page.pending

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
                stale = done.request.futures is not page.current().futures   # the scenario changed meanwhile
            if stale:
                pass
            elif done.view is not None:
                page.latest.set(done)
                page.failure.set(None)
            else:
                page.failure.set(done)
        elif status == "error":
            page.failure.set(Computed(Request(), failure="error"))
        if status in ("success", "error") and pending["request"] is not None:
            req, pending["request"] = pending["request"], None
            launch(req)

    @render.ui
    def status() -> ui.TagChild:
        lang = page.lang()
        req = request()
        parts: list[ui.TagChild] = []
        if req.problems:
            parts.append(problems_box(req.problems, lang, "control-problems"))
        failed = page.failure()
        if failed is not None and failed.problems:
            parts.append(problems_box(failed.problems, lang, "simulation-problems"))
        elif failed is not None:
            parts.append(ui.div(text("web.failed", lang, kind=failed.failure or "error"),
                                class_="alert alert-danger", id="simulation-failed", role="alert"))
        running = simulation.status() == "running"
        done = page.latest()
        if running and done is None:
            line = text("web.first_run", lang)
        elif running:
            line = text("web.updating", lang)
        elif done is not None:
            line = text("web.updated", lang, seconds=i18n.number(done.seconds, lang, 1))
        else:
            line = ""
        parts.append(ui.div(line, class_="status-line", id="status-line", role="status",
                            **{"data-busy": "1" if running else "0",
                               "data-seconds": f"{done.seconds:.3f}" if done is not None else ""}))
        return ui.TagList(*parts)
