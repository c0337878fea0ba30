"""Which assumptions decide: the tornado and the robustness of the plan on the page.

Served from the shared cache (`jobs.whatif.sensitivity`): a plan analysed before (in this session,
another one, or the other language) is shown at once; otherwise the button runs the analysis in a
worker thread and the panel shows it when it is done. Words and figure in the page's language.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from shiny import reactive, render, ui

from sporen.common.errors import InputError
from sporen.common.i18n import text
from sporen.jobs.whatif import sensitivity as analysis
from sporen.web.session import Page

log = logging.getLogger("sporen.web")


# complexity over 15: a Shiny panel: its reactive closures are counted with the function
def sensitivity_panel(page: Page) -> None:  # noqa: C901
    """Register the button's task and the panel's outputs for `page`."""
    problem: reactive.Value[str | None] = reactive.value(None)
    done: reactive.Value[int] = reactive.value(0)      # bumped when an analysis lands in the cache

    @reactive.extended_task
    async def run(futures: Any, plan: Any, target: Any, priority: Any) -> Any:
        def work() -> Any:
            try:
                return analysis.compute(futures, plan, target, priority)
            except InputError as exc:
                return exc
            except Exception as exc:
                log.exception("sensitivity failed")
                return RuntimeError(type(exc).__name__)
        return await asyncio.to_thread(work)

    @reactive.effect
    @reactive.event(page.input.sensitivity_run)
    def _start() -> None:
        with reactive.isolate():
            if run.status() == "running":
                return
            req = page.request() if page.request is not None else None
        if req is None or req.problems or req.plan is None:
            problem.set("; ".join(str(p) for p in (req.problems if req is not None else [])) or None)
            return
        problem.set(None)
        run.invoke(req.futures, req.plan, req.target, req.priority)

    @reactive.effect
    def _landed() -> None:
        status = run.status()
        if status == "error":
            problem.set(text("web.sensitivity_failed", page.lang(), kind="error"))
        if status != "success":
            return
        with reactive.isolate():
            found = run.result()
            if isinstance(found, InputError):
                problem.set("; ".join(str(p) for p in found.problems))
            elif isinstance(found, Exception):
                problem.set(text("web.sensitivity_failed", page.lang(), kind=str(found)))
            done.set(done.get() + 1)

    @render.text
    def sensitivity_title() -> str:
        return text("web.section_sensitivity", page.lang())

    @render.ui
    def sensitivity_state() -> ui.TagChild:
        lang = page.lang()
        done()
        parts: list[ui.TagChild] = []
        shown_problem = problem()
        if shown_problem:
            parts.append(ui.div(shown_problem, class_="alert alert-warning", id="sensitivity-problem"))
        req = page.request() if page.request is not None else None
        tables = None
        if req is not None and not req.problems and req.plan is not None:
            tables = analysis.cached(req.futures, req.plan, req.target, req.priority)
        if tables is None:
            key = "web.sensitivity_running" if run.status() == "running" else "web.sensitivity_note"
            parts.append(ui.p(text(key, lang, base=analysis.PAGE_BASE, futures=analysis.PAGE_FUTURES),
                              class_="text-muted small", id="sensitivity-note"))
            return ui.TagList(*parts)
        assert req is not None
        shown = analysis.shown(tables, req.futures, lang)
        parts.append(ui.tags.ul(*[ui.tags.li(line) for line in shown.lines], id="sensitivity-words"))
        parts.append(ui.div(ui.HTML(shown.svg), class_="chart", id="sensitivity-chart"))
        header = ui.tags.thead(ui.tags.tr(*[ui.tags.th(c) for c in shown.table.columns]))
        rows = [ui.tags.tr(*[ui.tags.td(str(v)) for v in row]) for row in shown.table.itertuples(index=False)]
        parts.append(ui.tags.table(header, ui.tags.tbody(*rows), class_="table table-sm whatif",
                                   id="sensitivity-table"))
        parts.append(ui.p(text("web.sensitivity_runs", lang, runs=shown.runs), class_="text-muted small"))
        return ui.TagList(*parts)
