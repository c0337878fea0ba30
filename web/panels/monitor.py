"""The monitor panel: upload the actuals so far, see the re-forecast of the page's current plan,
the flag when the actuals leave the plan's 90% band, and the fan chart (`jobs.whatif.monitor`).

The re-forecast runs in a worker thread; the answer belongs to the plan as it was at the upload
(a later change of the controls says so until the file is uploaded again)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from shiny import reactive, render, ui

from sporen.common.errors import InputError, Problem
from sporen.common.i18n import text
from sporen.jobs.whatif.monitor import MonitorView, monitor_upload
from sporen.web.html import problems_box
from sporen.web.session import Page

log = logging.getLogger("sporen.web")


def monitor_panel(page: Page) -> None:
    """Register the upload, its re-forecast and the panel's outputs for `page`."""
    problems: reactive.Value[list[Problem]] = reactive.value([])
    asked: dict[str, Any] = {"key": None}

    @reactive.extended_task
    async def monitoring(futures: Any, plan: Any, priority: str | None, path: str, name: str, lang: str) -> Any:
        def work() -> Any:
            try:
                return monitor_upload(futures, plan, priority, path, name, lang)
            except InputError as exc:
                return exc.problems
            except Exception as exc:  # a failed run is a message on the page, the traceback goes to the log
                log.exception("monitor failed")
                return RuntimeError(type(exc).__name__)
        return await asyncio.to_thread(work)

    @reactive.effect
    @reactive.event(page.input.monitor_file)
    def _upload() -> None:
        files = page.input.monitor_file()
        if not files:
            return
        with reactive.isolate():
            req = page.request()
        if req.problems:
            problems.set(req.problems)
            return
        problems.set([])
        asked["key"] = req.key()
        monitoring.invoke(req.futures, req.plan, req.priority, files[0]["datapath"], files[0]["name"], page.lang())

    @render.text
    def monitor_title() -> str:
        return text("web.section_monitor", page.lang())

    @render.ui
    def monitor_state() -> ui.TagChild:
        lang = page.lang()
        parts: list[ui.TagChild] = [
            ui.p(text("web.monitor_note", lang), class_="text-muted small"),
            ui.input_file("monitor_file", text("web.monitor_upload", lang), accept=[".csv", ".xlsx"],
                          button_label=text("web.browse", lang), placeholder=text("web.no_file", lang))]
        if problems():
            parts.append(problems_box(problems(), lang, "monitor-problems"))
        status = monitoring.status()
        if status == "running":
            parts.append(ui.div(text("web.monitor_running", lang), class_="status-line", id="monitor-running"))
        elif status == "success":
            found = monitoring.result()
            if isinstance(found, list):
                parts.append(problems_box(found, lang, "monitor-problems"))
            elif isinstance(found, MonitorView):
                parts.append(_view(found, page, asked["key"], lang))
            else:
                parts.append(ui.div(text("web.monitor_failed", lang, kind=str(found)), class_="alert alert-danger"))
        return ui.TagList(*parts)


def _view(found: MonitorView, page: Page, key: Any, lang: str) -> ui.TagChild:
    with reactive.isolate():
        req = page.request()
    stale = req.problems or req.key() != key
    return ui.div(
        ui.div(found.flag, class_="alert " + ("alert-warning" if found.outside else "alert-success"),
               id="monitor-flag"),
        ui.tags.ul(*[ui.tags.li(line) for line in found.years]),
        ui.div(ui.HTML(found.svg), class_="chart"),
        ui.p(text("web.monitor_stale", lang), class_="text-muted small") if stale else None,
        id="monitor-answer")
