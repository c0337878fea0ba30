"""The sidebar's controls: drawn from a scenario and read back as a plan, a target and a priority rule.

Every number is typed as text and read the way a planner writes it, in the page's language
(`inputs.numbers.read_number` with the page's convention): ``4,5`` is 4.5 on the Dutch page (a
browser's number field in a Dutch locale turned it into 45), ``1.000`` is a thousand there; the
probability is a percentage (``90%``, ``90`` or ``0,9``). Roles, instruments and measures appear
by their display names, as in the report. A value that cannot be used becomes a problem in the
page's words, and the value the controls were drawn with is used meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shiny import ui

from sporen.common import i18n
from sporen.common.errors import Problem
from sporen.common.i18n import text
from sporen.inputs.numbers import NumberError, read_number
from sporen.inputs.plan import Plan
from sporen.inputs.schema import Scenario
from sporen.jobs.whatif.evaluate import PRIORITIES, WhatIfTarget, control_limits, default_target, plan_levels


@dataclass(frozen=True)
class Controls:
    """What the controls are drawn with."""

    fte: dict[str, float]
    places: dict[str, dict[int, int]]
    measures: dict[str, bool]
    priority: str
    target: WhatIfTarget
    arrives: dict[str, str] = field(default_factory=dict)   # arrival months of a loaded plan


def controls_for(scenario: Scenario, plan: Plan | None = None, priority: str | None = None,
                 target: WhatIfTarget | None = None) -> Controls:
    """The controls for a plan (None: the current formation), a priority rule and a target."""
    levels = plan_levels(plan or Plan(name="baseline"), scenario)
    return Controls(levels["fte"], levels["places"], levels["measures"], priority or scenario.policy.priority,
                    target or default_target(scenario), levels["arrives"])


# -- numbers as typed --------------------------------------------------------------------------------
def typed_number(value: Any, lang: str) -> float | None:
    """A field's text as a number in the page's notation; None when empty or not a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if value is None or not str(value).strip():
        return None
    try:
        return read_number(str(value), "nl" if lang == "nl" else "en")
    except NumberError:
        return None


def typed_probability(value: Any, lang: str) -> float | None:
    """A share typed as '90%', '90' or '0,9' (a number above 1 is read as a percentage)."""
    number = typed_number(value, lang)
    if number is None:
        return None
    return number / 100 if number > 1 else number


def shown_number(value: float, lang: str, kind: str) -> str:
    """A control's value as the page's field shows it: fte '1,5', places '120', euros '-50.000', share '90%'."""
    if kind == "fte":
        return i18n.fte(value, lang)
    if kind == "share":
        return i18n.percent(value, lang, 0 if round(value * 100, 6) == round(value * 100) else 1)
    return i18n.number(value, lang)


# -- reading -----------------------------------------------------------------------------------------
def read_controls(scenario: Scenario, init: Controls, read: Callable[[str, Any], Any], lang: str,
                  notation: str | None = None) -> tuple[Controls, list[Problem]]:
    """What the controls say (`read(name, default)` gives a control's value), with the problems in
    `lang`; numbers are read in the notation of the language the fields were drawn in (`notation`)."""
    problems: list[Problem] = []
    written = notation or lang
    fte_values = {}
    for i, role in enumerate(scenario.roles):
        typed = read(f"fte_{i}", init.fte[role.name])
        value = typed_number(typed, written)
        if value is None:
            problems.append(Problem(text("web.formation", lang), scenario.label(role.name, lang), _what(typed, lang),
                                    text("web.allowed_fte", lang)))
            value = init.fte[role.name]
        fte_values[role.name] = float(value)
    places = {}
    for i, inst in enumerate(scenario.instruments):
        per = {}
        for year in scenario.horizon_years:
            typed = read(f"places_{i}_{year}", init.places[inst.name][year])
            value = typed_number(typed, written)
            if value is None or value != int(value):
                what = _what(typed, lang) if value is None else text("web.field_not_whole", lang, value=typed)
                problems.append(Problem(text("web.instruments", lang), f"{scenario.label(inst.name, lang)} {year}",
                                        what, text("web.allowed_places", lang)))
                value = init.places[inst.name][year]
            per[year] = int(value)
        places[inst.name] = per
    measures = {m.name: bool(read(f"measure_{i}", init.measures[m.name])) for i, m in enumerate(scenario.measures)}
    priority = str(read("priority", init.priority))
    target, target_problems = _read_target(init.target, read, lang, written)
    problems += target_problems
    return Controls(fte_values, places, measures, priority, target, init.arrives), problems


def _read_target(init: WhatIfTarget, read: Callable[[str, Any], Any], lang: str,
                 written: str) -> tuple[WhatIfTarget, list[Problem]]:
    section = text("web.target", lang)
    problems: list[Problem] = []
    typed_level = read("level", init.level)
    level = typed_number(typed_level, written)
    if level is None:
        problems.append(Problem(section, text("web.level", lang), _what(typed_level, lang),
                                text("web.allowed_level", lang)))
        level = init.level
    typed_share = read("probability", init.probability)
    probability = typed_probability(typed_share, written)
    if probability is None or not 0 < probability <= 1:
        problems.append(Problem(section, text("web.probability", lang), _what(typed_share, lang),
                                text("web.allowed_probability", lang)))
        probability = init.probability
    from_year = read("from_year", str(init.from_year))
    try:
        year = int(from_year)
    except (TypeError, ValueError):
        problems.append(Problem(section, text("web.from_year", lang), _what(from_year, lang),
                                text("web.allowed_year", lang)))
        year = init.from_year
    # scope is the control's text as it came: `what_if` reports one outside SCOPES (check_target)
    target = WhatIfTarget(from_year=year, level=int(round(float(level))), probability=round(float(probability), 4),
                          scope=str(read("scope", init.scope)),  # type: ignore[arg-type]
                          cumulative=bool(read("cumulative", init.cumulative)))
    return target, problems


def _what(typed: Any, lang: str) -> str:
    shown = str(typed).strip() if typed is not None else ""
    return text("web.field_not_a_number", lang, value=shown) if shown else text("web.field_empty", lang)


# -- drawing -----------------------------------------------------------------------------------------
def _field(control_id: str, label: Any, value: str, hint: str = "") -> ui.Tag:
    """A text field for a number, read when the planner leaves it or presses Enter (inputmode decimal:
    a phone shows the digits and the decimal mark)."""
    field_ = ui.input_text(control_id, label, value, width="100%", autocomplete="off", spellcheck="false",
                           update_on="blur")
    box = field_.children[1]
    assert isinstance(box, ui.Tag) and box.name == "input"
    box.attrs["inputmode"] = "decimal"
    if hint:
        box.attrs["title"] = hint
    return field_


def draw(scenario: Scenario, init: Controls, g: int, lang: str) -> ui.TagChild:
    """The sidebar's controls, drawn with the values in `init`; ids carry the generation `g`."""
    limits = control_limits(scenario)
    roles = []
    for i, role in enumerate(scenario.roles):
        low, high = limits["fte"][role.name]
        hint = (text("web.now", lang, value=i18n.fte(role.fte_now, lang)) + " · "
                + text("web.limits", lang, low=i18n.fte(low, lang), high=i18n.fte(high, lang)))
        label = ui.TagList(scenario.label(role.name, lang), " ", ui.span(hint, class_="ctl-hint"))
        roles.append(_field(f"c{g}_fte_{i}", label, shown_number(init.fte[role.name], lang, "fte"), hint))
    instruments = []
    for i, inst in enumerate(scenario.instruments):
        low, high = limits["places"][inst.name]
        hint = text("web.limits", lang, low=i18n.number(low, lang), high=i18n.number(high, lang))
        instruments.append(ui.div(
            ui.tags.b(scenario.label(inst.name, lang)),
            ui.span(" " + text("web.now", lang, value=i18n.number(inst.places_per_year, lang)), class_="ctl-hint"),
            ui.div(*[_field(f"c{g}_places_{i}_{year}", str(year), shown_number(init.places[inst.name][year], lang,
                                                                                "int"), hint)
                     for year in scenario.horizon_years], class_="places-grid")))
    measures = [ui.input_switch(f"c{g}_measure_{i}", scenario.label(m.name, lang), init.measures[m.name])
                for i, m in enumerate(scenario.measures)]
    panels = [
        ui.accordion_panel(text("web.formation", lang), *roles, value="formation"),
        ui.accordion_panel(text("web.instruments", lang), *instruments, value="instruments"),
    ]
    if measures:
        panels.append(ui.accordion_panel(text("web.measures", lang), *measures, value="measures"))
    panels += [
        ui.accordion_panel(text("web.policy", lang), ui.input_select(
            f"c{g}_priority", text("web.priority", lang),
            {p: text(f"web.prio_{p}", lang) for p in PRIORITIES}, selected=init.priority), value="policy"),
        _target_panel(scenario, init.target, g, lang),
    ]
    return ui.TagList(
        ui.accordion(*panels, id=f"c{g}_accordion", open=["formation", "target"], multiple=True),
        ui.input_action_button("reset", text("web.reset", lang), class_="btn-outline-secondary btn-sm mt-2"),
    )


def _target_panel(scenario: Scenario, target: WhatIfTarget, g: int, lang: str) -> ui.AccordionPanel:
    years = {str(y): str(y) for y in scenario.horizon_years}
    return ui.accordion_panel(
        text("web.target", lang),
        ui.input_select(f"c{g}_from_year", text("web.from_year", lang), years, selected=str(target.from_year)),
        _field(f"c{g}_level", text("web.level", lang), shown_number(target.level, lang, "euro")),
        _field(f"c{g}_probability", text("web.probability", lang), shown_number(target.probability, lang, "share")),
        ui.input_select(f"c{g}_scope", text("web.scope", lang),
                        {"total": text("web.scope_total", lang), "per-municipality": text("web.scope_each", lang)},
                        selected=target.scope),
        ui.input_checkbox(f"c{g}_cumulative", text("web.cumulative", lang), target.cumulative),
        value="target")
