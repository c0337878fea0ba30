"""Downloads of the current plan: plan.yaml, variant.yaml (a changed priority rule), the report and
the results workbook (the `sporen plan` writers, simulated again with every frame in a worker thread)."""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from shiny import reactive, render, ui

from sporen.common.errors import InputError
from sporen.common.i18n import text
from sporen.jobs.whatif.files import plan_yaml, report_html, variant_yaml, workbook_bytes
from sporen.web.session import Page, Request

log = logging.getLogger("sporen.web")
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _problem_text(exc: InputError) -> str:
    return "\n".join(str(p) for p in exc.problems) + "\n"


def downloads_panel(page: Page) -> None:
    """Register the download buttons and their files for `page`."""

    def valid_request() -> Request:
        with reactive.isolate():
            req = page.request()
        if req.problems:
            raise InputError(req.problems)
        return req

    @render.text
    def downloads_title() -> str:
        return text("web.section_downloads", page.lang())

    @render.ui
    def downloads() -> ui.TagChild:
        lang = page.lang()
        req = page.request()
        buttons = [ui.download_button("download_plan", text("web.download_plan", lang)),
                   ui.download_button("download_report", text("web.download_report", lang)),
                   ui.download_button("download_workbook", text("web.download_workbook", lang))]
        if not req.problems and req.priority != page.current().futures.scenario.policy.priority:
            buttons.insert(1, ui.download_button("download_variant", text("web.download_variant", lang)))
        return ui.TagList(ui.p(text("web.downloads_note", lang), class_="text-muted small"),
                          ui.div(*buttons, class_="d-flex gap-2 flex-wrap"))

    @render.download_button(filename="plan.yaml", media_type="text/yaml")
    async def download_plan() -> Any:
        try:
            req = valid_request()
            assert req.futures is not None and req.plan is not None and req.target is not None
            content = await asyncio.to_thread(plan_yaml, req.futures, req.plan, req.target, priority=req.priority,
                                              scenario_file=page.current().file)
        except InputError as exc:
            content = "# " + _problem_text(exc).replace("\n", "\n# ")
        yield content

    @render.download_button(filename="variant.yaml", media_type="text/yaml")
    async def download_variant() -> Any:
        req = valid_request()
        assert req.futures is not None
        yield variant_yaml(req.futures, req.priority, scenario_file=page.current().file) or ""

    @render.download_button(filename="report.html", media_type="text/html")
    async def download_report() -> Any:
        lang = page.lang()
        try:
            req = valid_request()
            assert req.futures is not None and req.plan is not None and req.target is not None
            content = await asyncio.to_thread(report_html, req.futures, req.plan, req.target,
                                              priority=req.priority, lang=lang)
        except InputError as exc:
            content = f"<!DOCTYPE html><meta charset='utf-8'><pre>{html.escape(_problem_text(exc))}</pre>"
        except Exception:
            log.exception("report failed")
            content = (f"<!DOCTYPE html><meta charset='utf-8'><p>{html.escape(text('web.report_failed', lang))}"
                       "</p>")
        yield content

    @render.download_button(filename="results.xlsx", media_type=WORKBOOK_TYPE)
    async def download_workbook() -> Any:
        lang = page.lang()
        req = valid_request()
        assert req.futures is not None and req.plan is not None and req.target is not None
        yield await asyncio.to_thread(workbook_bytes, req.futures, req.plan, req.target, priority=req.priority,
                                      lang=lang)
