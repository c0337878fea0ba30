"""The sidebar's scenario panel: a bundled scenario by name, or a scenario or plan file from the browser.

An upload is read in a child process with a deadline and a memory bound
(`jobs.whatif.upload.read_scenario_upload`), awaited from a worker thread: whatever the file does to
the reader, the page goes on answering every visitor, and this one sees "reading ..." until the
answer or the message comes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from shiny import reactive, render, ui

from sporen.common.errors import InputError, Problem
from sporen.common.i18n import text
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.upload import display_name, read_plan_upload, read_scenario_upload
from sporen.web.controls import controls_for
from sporen.web.html import problems_box
from sporen.web.session import UPLOAD_CHOICE, Page


def _relative(path: Path) -> Path:
    """A bundled file as a path relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


# complexity over 15: a Shiny panel: its reactive closures are counted with the function
def scenario_panel(page: Page, bundled: dict[str, Path], bundle: Any) -> None:  # noqa: C901
    """Register the scenario list, the two uploads and the sidebar's panel for `page`."""
    settings = page.settings
    input = page.input

    @reactive.effect
    @reactive.event(input.scenario_pick, ignore_init=True)
    def _pick() -> None:
        name = input.scenario_pick()
        if name == UPLOAD_CHOICE or name == page.current().name:
            return
        page.upload_problems.set([])
        try:
            if name == settings.start_name:
                page.load(settings.start_scenario, name, settings.start_file or name, settings.start_rules)
            else:
                page.load(bundle(name), name, str(_relative(bundled[name])))
        except InputError as exc:
            page.upload_problems.set(exc.problems)

    @reactive.extended_task
    async def reading_scenario(path: str, name: str, lang: str) -> Scenario | list[Problem]:
        try:
            return await asyncio.to_thread(read_scenario_upload, path, name, lang)
        except InputError as exc:
            return exc.problems

    @reactive.extended_task
    async def reading_plan(path: str, name: str, scenario: Scenario, lang: str) -> Any:
        try:
            return await asyncio.to_thread(read_plan_upload, path, name, scenario, lang)
        except InputError as exc:
            return exc.problems

    @reactive.effect
    @reactive.event(input.scenario_file)
    def _upload_scenario() -> None:
        files = input.scenario_file()
        if files:
            reading_scenario.invoke(files[0]["datapath"], files[0]["name"], page.lang())

    @reactive.effect
    def _scenario_read() -> None:
        if reading_scenario.status() != "success":
            return
        with reactive.isolate():
            found = reading_scenario.result()
            if isinstance(found, list):
                page.upload_problems.set(found)
                return
            files = input.scenario_file()
            name = display_name(files[0]["name"]) if files else "upload"
            page.upload_problems.set([])
            page.uploaded_name.set(name)
            page.load(found, UPLOAD_CHOICE, name)

    @reactive.effect
    @reactive.event(input.plan_file)
    def _upload_plan() -> None:
        files = input.plan_file()
        if files:
            with reactive.isolate():
                scenario = page.current().futures.scenario
            reading_plan.invoke(files[0]["datapath"], files[0]["name"], scenario, page.lang())

    @reactive.effect
    def _plan_read() -> None:
        if reading_plan.status() != "success":
            return
        with reactive.isolate():
            found = reading_plan.result()
            if isinstance(found, list):
                page.upload_problems.set(found)
                return
            page.upload_problems.set([])
            values, _ = page.control_values()
            page.redraw(controls_for(page.current().futures.scenario, found, values.priority, values.target))

    @render.ui
    def scenario_choice() -> ui.TagChild:
        lang = page.lang()
        loaded = page.current()
        choices = {settings.start_name: settings.start_name}
        choices.update({name: name for name in bundled})
        with reactive.isolate():
            name = page.uploaded_name()
        if loaded.name == UPLOAD_CHOICE and name:
            choices[UPLOAD_CHOICE] = text("web.uploaded", lang, name=name)
        return ui.TagList(
            ui.input_select("scenario_pick", text("web.bundled", lang), choices, selected=loaded.name),
            ui.input_file("scenario_file", text("web.upload_scenario", lang), accept=[".yaml", ".yml", ".xlsx"],
                          button_label=text("web.browse", lang), placeholder=text("web.no_file", lang)),
            ui.input_file("plan_file", text("web.upload_plan", lang), accept=[".yaml", ".yml"],
                          button_label=text("web.browse", lang), placeholder=text("web.no_file", lang)),
        )

    @render.ui
    def upload_state() -> ui.TagChild:
        lang = page.lang()
        problems = page.upload_problems()
        if "running" in (reading_scenario.status(), reading_plan.status()):
            return ui.div(text("web.reading_upload", lang), class_="status-line", id="upload-reading")
        if problems:
            return problems_box(problems, lang, "upload-problems")
        return ui.div(id="upload-ok")
