"""The main column's results: the header, the cards, the result after vangnet per year, the
formation with its cost, and the caseload per track (all pure views of the newest `WhatIfView`,
`web.views` and `web.charts`; the charts are drawn in a worker thread)."""

from __future__ import annotations

import asyncio

from shiny import render, ui

from sporen.common.i18n import text
from sporen.web import charts, views
from sporen.web.session import Page


def header_panel(page: Page) -> None:
    """The title, what the page does on how many futures, and the scenario loaded."""

    @render.ui
    def header() -> ui.TagChild:
        lang = page.lang()
        futures = page.current().futures
        return views.header(futures.scenario, futures.futures, futures.seed, lang)


def cards_panel(page: Page) -> None:
    @render.ui
    def cards() -> ui.TagChild:
        view = page.view()
        return ui.div() if view is None else views.cards(view, page.lang(), page.number())


def result_panel(page: Page) -> None:
    """The BUIG result after vangnet per year: chart and table."""

    @render.text
    def result_title() -> str:
        return text("web.section_result", page.lang())

    @render.ui
    async def result_chart() -> ui.TagChild:
        view = page.view()
        if view is None:
            return ui.div()
        svg = await asyncio.to_thread(charts.result_chart, view.years, page.lang())
        return ui.div(ui.HTML(svg), class_="chart", id="result-chart", **{"data-number": str(page.number())})

    @render.ui
    def result_table() -> ui.TagChild:
        view = page.view()
        return ui.div() if view is None else views.result_table(view, page.lang())


def formation_panel(page: Page) -> None:
    """The formation with its yearly cost, the instrument places and budget, the measures, the cost."""

    @render.text
    def formation_title() -> str:
        return text("web.section_formation", page.lang())

    @render.ui
    def formation_tables() -> ui.TagChild:
        view = page.view()
        if view is None:
            return ui.div()
        return views.formation_tables(view, page.current().futures.scenario, page.lang())


def caseload_panel(page: Page) -> None:
    """Clients per track: chart per month and table per year, with and without the plan."""

    @render.text
    def caseload_title() -> str:
        return text("web.section_caseload", page.lang())

    @render.ui
    async def caseload_chart() -> ui.TagChild:
        view = page.view()
        if view is None:
            return ui.div()
        scenario = page.current().futures.scenario
        svg = await asyncio.to_thread(charts.caseload_chart, view.caseload, page.lang(), scenario)
        return ui.div(ui.HTML(svg), class_="chart", id="caseload-chart")

    @render.ui
    def caseload_table() -> ui.TagChild:
        view = page.view()
        if view is None:
            return ui.div()
        return views.caseload_table(view, page.current().futures.scenario, page.lang())
