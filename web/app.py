"""The what-if page: a Shiny for Python app over `jobs.whatif` (docs/web.md says why Shiny).

Every browser tab is a Shiny session with its own `web.session.Page` (controls, results,
optimiser run); nothing a session changes is shared except the cache of simulated plans in
`jobs.whatif.evaluate.Futures`, whose entries are keyed by what was simulated (scenario, futures,
plan), so sharing them cannot mix two users' controls. The page is laid out here; each panel's
outputs and effects are registered by its own function in `web.panels`.
"""

from __future__ import annotations

from shiny import App, Inputs, Outputs, Session, ui

from sporen.common.i18n import LANGUAGE_NAMES, text
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import futures_for
from sporen.jobs.whatif.serve import bundled_scenarios, load_bundled
from sporen.jobs.whatif.upload import MAX_UPLOAD_BYTES
from sporen.web.html import CSS
from sporen.web.panels.controls import controls_panel
from sporen.web.panels.downloads import downloads_panel
from sporen.web.panels.monitor import monitor_panel
from sporen.web.panels.optimiser import optimiser_panel
from sporen.web.panels.results import cards_panel, caseload_panel, formation_panel, header_panel, result_panel
from sporen.web.panels.scenario import scenario_panel
from sporen.web.panels.sensitivity import sensitivity_panel
from sporen.web.panels.simulation import simulation_panel
from sporen.web.session import Page, Settings, compute


def app_ui(settings: Settings) -> ui.Tag:
    """The page's layout: the sidebar (scenario, controls) and the results in cards."""
    return ui.page_sidebar(
        ui.sidebar(
            ui.output_ui("scenario_choice"),
            ui.output_ui("upload_state"),
            ui.output_ui("controls"),
            width=420, open="always",
        ),
        ui.tags.style(CSS),
        ui.div(ui.input_radio_buttons("lang", None, LANGUAGE_NAMES, selected=settings.lang, inline=True),
               class_="d-flex justify-content-end"),
        ui.output_ui("header"),
        ui.output_ui("status"),
        ui.div(
            ui.output_ui("cards"),
            ui.card(ui.card_header(ui.output_text("result_title")), ui.output_ui("result_chart"),
                    ui.output_ui("result_table")),
            class_="results"),
        ui.card(ui.card_header(ui.output_text("optimiser_title")), ui.output_ui("optimiser_note"),
                ui.div(ui.input_action_button("optimise", text("web.run_optimiser", settings.lang),
                                              class_="btn-primary"), class_="mb-2"),
                ui.output_ui("optimiser_state")),
        ui.card(ui.card_header(ui.output_text("sensitivity_title")),
                ui.div(ui.input_action_button("sensitivity_run", text("web.run_sensitivity", settings.lang)),
                       class_="mb-2"),
                ui.output_ui("sensitivity_state")),
        ui.div(
            ui.card(ui.card_header(ui.output_text("formation_title")), ui.output_ui("formation_tables")),
            ui.card(ui.card_header(ui.output_text("caseload_title")), ui.output_ui("caseload_chart"),
                    ui.output_ui("caseload_table")),
            class_="results"),
        ui.card(ui.card_header(ui.output_text("monitor_title")), ui.output_ui("monitor_state")),
        ui.card(ui.card_header(ui.output_text("downloads_title")), ui.output_ui("downloads")),
        title="sporen",
        lang=settings.lang,
        fillable=False,
    )


def build_app(settings: Settings) -> App:
    """The Shiny app (an ASGI application; `web.server` wraps it in `web.security.Guard`)."""
    bundled = bundled_scenarios()
    start = futures_for(settings.start_scenario, futures=settings.futures, seed=settings.seed,
                        workers=settings.workers, rules=settings.start_rules)
    loaded_bundles: dict[str, Scenario] = {}

    def bundle(name: str) -> Scenario:
        if name not in loaded_bundles:
            loaded_bundles[name] = load_bundled(name)
        return loaded_bundles[name]

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        page = Page(settings, start, input)
        scenario_panel(page, bundled, bundle)
        controls_panel(page)
        simulation_panel(page)
        header_panel(page)
        cards_panel(page)
        result_panel(page)
        formation_panel(page)
        caseload_panel(page)
        optimiser_panel(page)
        sensitivity_panel(page)
        downloads_panel(page)
        monitor_panel(page)

    app = App(app_ui(settings), server)
    app.sanitize_errors = True   # an error inside an output shows a short message, never a traceback
    app.sanitize_error_msg = text("web.part_failed", settings.lang)
    return app


__all__ = ["MAX_UPLOAD_BYTES", "Settings", "build_app", "compute"]
