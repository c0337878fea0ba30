"""The sidebar's controls: drawn anew when the scenario, the language or a loaded plan changes
(a new generation of ids), and "back to the current formation"."""

from __future__ import annotations

from shiny import reactive, render, ui

from sporen.common.i18n import text
from sporen.web import controls as fields
from sporen.web.controls import controls_for
from sporen.web.session import Page


def controls_panel(page: Page) -> None:
    """Register the controls' output, the reset button and the language switch for `page`."""
    input = page.input

    @render.ui
    def controls() -> ui.TagChild:
        lang, g, init = page.lang(), page.generation(), page.initial()
        with reactive.isolate():
            scenario = page.current().futures.scenario
        page.drawn_lang = lang     # the fields' numbers are written (and read back) in this notation
        return fields.draw(scenario, init, g, lang)

    @reactive.effect
    @reactive.event(input.reset)
    def _reset() -> None:
        scenario = page.current().futures.scenario
        values, _ = page.control_values()
        page.redraw(controls_for(scenario, None, None, values.target))

    @reactive.effect
    @reactive.event(input.lang, ignore_init=True)
    def _language() -> None:
        """The controls keep their values in the other language (drawn in its notation: 1,5 or 1.5)."""
        with reactive.isolate():
            values, problems = page.control_values()
        if not problems:
            page.redraw(values)
        ui.update_action_button("optimise", label=text("web.run_optimiser", page.lang()))
