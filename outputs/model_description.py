"""The model description of a run, in the STRESS-DES structure.

STRESS-DES (Monks et al. 2019, "Strengthening the reporting of empirical simulation studies")
asks six sections of a discrete-event simulation study: objectives, logic, data,
experimentation, implementation and code access. This module writes them for one scenario
and one run, and lists every assumption with its source: each entry of `Scenario.sources`
(kind seed / public / assumption / calibrated) with its value, and, separately, every value
the scenario gives without a source and every program default it relies on, so nothing that
drives the results is hidden.

It reads the scenario object only (inputs.schema); it never imports sim or optimise. Text is in
the report's language (`lang`, Dutch by default) from the message catalogue; the parameter paths
and the sources' own words are shown as the scenario gives them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sporen.common import i18n
from sporen.common.i18n import text, text_n
from sporen.inputs.schema import Scenario
from sporen.inputs.workbook_layout import lookup
from sporen.outputs.labels import unit_words

KIND_MEANING = {
    "seed": "a figure from the municipalities' own documents (the seeds)",
    "public": "a public statistic or study (CBS, Divosa, Berenschot, trials, the law)",
    "assumption": "an assumption of the scenario's author, to be checked locally",
    "calibrated": "fitted so the model reproduces observed figures",
}
_SKIP_KEYS = {"name", "description", "sources"}
DISPLAY_TEXTS = (".label", ".label_en")
"""Parameters that are display names, not values the model computes with (the report leaves them out)."""
ASSUMPTION_COLUMNS = ["parameter", "value", "unit", "kind", "source", "note", "changed_from"]


def _esc(value: object) -> str:
    """Text for HTML (attributes are always double-quoted, so an apostrophe stays as it is)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def format_value(value: Any, lang: str | None = None) -> str:
    """A parameter value as a planner reads it: lists and mappings compact, big numbers grouped.

    With `lang` in the reader's locale (`€`-free numbers: '2.253.777', '0,881633', 'ja'); without,
    as the CSV file keeps it ('2,253,777', '0.881633', 'yes')."""
    if lang is not None:
        return _localised(value, lang)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.6g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if value is None:
        return "(none)"
    return str(value)


def _localised(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, (int, float)):
        return i18n.decimal(value, lang)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_localised(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        fractions = any(isinstance(v, float) and not v.is_integer() for v in value)
        separator = "; " if lang == "nl" and fractions else ", "   # Dutch '1,5; 2', never '1,5, 2'
        return separator.join(_localised(v, lang) for v in value)
    if value is None:
        return text("value.none", lang)
    return str(value)


def parameter_value(scenario: Scenario, path: str) -> Any:
    """The scenario's value at a dotted parameter path (as the appendix lists it)."""
    return lookup(scenario.model_dump(), path)


def _leaves(tree: Any, path: str = "") -> list[tuple[str, Any]]:
    """Parameters of a scenario tree: scalars and lists of scalars, keyed by dotted path."""
    out: list[tuple[str, Any]] = []
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            if key in _SKIP_KEYS and not path.endswith("sources"):
                continue
            out += _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(tree, list) and tree and all(isinstance(i, Mapping) for i in tree):
        for i, item in enumerate(tree):
            out += _leaves(item, f"{path}.{item.get('name', i)}")
    else:
        out.append((path, tree))
    return out


def _covered(path: str, sourced: list[str]) -> bool:
    return any(path == s or path.startswith(s + ".") or s.startswith(path + ".") for s in sourced)


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter with a named source: parameter (dotted path), value, unit, kind, source, note."""
    tree = scenario.model_dump()
    rows = []
    for path, source in sorted(scenario.sources.items()):
        rows.append({
            "parameter": path,
            "value": format_value(lookup(tree, path)),
            "unit": source.unit,
            "kind": source.kind,
            "source": source.source,
            "note": source.note,
            "changed_from": source.changed_from or "",
        })
    return pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)


def unsourced_table(scenario: Scenario) -> pd.DataFrame:
    """Every value the model uses without a named source: parameter, value, origin.

    origin is 'scenario file' for values the scenario writes without a source and 'program
    default' for values it leaves to the schema's defaults.
    """
    sourced = list(scenario.sources)
    given = {p for p, _ in _leaves(scenario.model_dump(exclude_unset=True))}
    rows = []
    for path, value in _leaves(scenario.model_dump()):
        if _covered(path, sourced) or value is None or value == [] or value == {}:
            continue
        rows.append({"parameter": path, "value": format_value(value),
                     "origin": "scenario file" if path in given else "program default"})
    return pd.DataFrame(rows, columns=["parameter", "value", "origin"])


def _table(frame: pd.DataFrame, css: str = "") -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def assumptions_appendix(scenario: Scenario, lang: str = "nl") -> str:
    """The appendix of the report: every sourced parameter (values a user changed marked, with the
    value their source gives), then the values without a named source (folded)."""
    assumptions = assumptions_table(scenario)
    unsourced = unsourced_table(scenario)
    tree = scenario.model_dump()
    changed = assumptions[assumptions["changed_from"].astype(str) != ""]
    parts = [f"<p>{_esc(text('appendix.intro', lang, n=len(assumptions)))}</p>"]
    if len(changed):
        parts.append(f'<p class="note"><b>{_esc(text("appendix.changed", lang, n=len(changed)))}</b></p>')
    head = "".join(f"<th>{_esc(text('col.' + c, lang))}</th>" for c in ASSUMPTION_COLUMNS[:6])
    rows = []
    for row in assumptions.itertuples(index=False):
        kind = text("kind." + str(row.kind), lang) if i18n.has_text("kind." + str(row.kind)) else str(row.kind)
        note = str(row.note)
        css = ""
        if row.changed_from:
            kind = f"{kind}; {text('kind.changed', lang)}"
            note = text("appendix.changed_note", lang, original=row.changed_from) + (f" {note}" if note else "")
            css = ' class="changed"'
        cells = [row.parameter, format_value(lookup(tree, str(row.parameter)), lang), unit_words(row.unit, lang), kind,
                 row.source, note]
        rows.append(f"<tr{css}>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    parts.append(f'<table class="fixed assumptions"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                 "</tbody></table>" if rows else f"<p>({_esc(text('appendix.none', lang))})</p>")
    origins = {"scenario file": text("appendix.origin.file", lang), "program default": text("appendix.origin.default",
                                                                                             lang)}
    unsourced = unsourced[~unsourced["parameter"].astype(str).str.endswith(DISPLAY_TEXTS)]
    shown = unsourced.assign(origin=unsourced["origin"].map(origins),
                             value=[format_value(lookup(tree, str(p)), lang) for p in unsourced["parameter"]])
    head = "".join(f"<th>{_esc(text('col.' + c, lang))}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    summary = text("appendix.unsourced", lang, n=len(unsourced),
                   file=int((unsourced["origin"] == "scenario file").sum()),
                   default=int((unsourced["origin"] == "program default").sum()))
    parts.append(
        f"<details><summary>{_esc(summary)}"
        f'</summary><table class="fixed unsourced"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</details>")
    return "".join(parts)


def model_description(
    scenario: Scenario,
    run: Mapping[str, Any] | None = None,
    *,
    overview_figure_html: str = "",
    purpose: str | None = None,
    outputs: list[str] | None = None,
    experiments: list[str] | None = None,
    lang: str = "nl",
) -> str:
    """The STRESS-DES model description as an HTML fragment (a <section> with h2/h3 headings).

    `run` holds what this run did: replications, seed, workers, verification_replications,
    budget_sims, variant, variant_changes (list of text), command, git_commit, versions
    (name -> version), scenario_hash. Missing keys are left out. The list of assumptions is not
    here but in the appendix (`assumptions_appendix`), which this section links to.
    """
    run = dict(run or {})
    s = scenario
    munis = i18n.words([m.name for m in s.municipalities], lang)
    years = s.horizon_years
    n_stock = sum(sum(m.initial_stock.values()) for m in s.municipalities)
    apps = sum(sum(m.applications_per_month.values()) for m in s.municipalities)
    span = f"{years[0]}-{years[-1]}"
    purpose = purpose or _esc(text("md.purpose", lang, municipalities=munis, span=span))
    outputs = outputs or [text(f"md.output.{k}", lang) for k in ("monthly", "yearly", "kpis", "spells", "plan")]
    experiments = experiments or [text(f"md.experiment.{k}", lang) for k in ("plan", "tradeoff", "variants")]

    assumptions = assumptions_table(s)
    kinds = assumptions["kind"].value_counts().to_dict() if len(assumptions) else {}
    kind_line = ", ".join(f"{kinds.get(k, 0)} {text('kind.' + k, lang)}" for k in KIND_MEANING)

    track_lines = []
    for t in s.tracks:
        role = s.role(t.caseworker_role) if t.caseworker_role else None
        slots = (text("md.slots", lang, fte=i18n.fte(role.fte_now, lang),
                      caseload=i18n.number(t.caseload_per_fte, lang),
                      slots=i18n.number(role.fte_now * t.caseload_per_fte, lang))
                 if role else text("md.no_slots", lang))
        moves = i18n.words([text("md.move", lang, to=s.label(tr.to, lang),
                                 rate=i18n.number(tr.rate_per_month, lang, 3)) for tr in t.transitions], lang)
        moves = moves or text("md.none", lang)
        segments = (text("md.segments", lang, segments=i18n.words([s.label(x, lang) for x in t.segments], lang))
                    if t.segments else "")
        track_lines.append(
            f"<b>{_esc(s.label(t.name, lang))}</b> ("
            + _esc(text("md.track", lang, rungs=format_value(t.ladder, lang), segments=segments, slots=slots,
                        multiplier=i18n.number(t.served_work_multiplier, lang, 2), moves=moves)) + ")")
    role_lines = [
        f"<b>{_esc(s.label(r.name, lang))}</b> ("
        + _esc(text("md.role", lang, function=text("function." + r.function, lang), fte=i18n.fte(r.fte_now, lang),
                    cost=i18n.money(r.cost_per_fte_year, lang),
                    months=i18n.quantity(r.lead_time_months, "month", lang))) + ")"
        for r in s.roles
    ]
    instrument_lines = [
        f"<b>{_esc(s.label(i.name, lang))}</b> ("
        + _esc(text("md.instrument", lang, track=s.label(i.track, lang), places=i18n.number(i.places_per_year, lang),
                    months=i18n.quantity(i.duration_months, "month", lang),
                    cost=i18n.money(i.cost_per_participant, lang), paid_from=i.paid_from.replace("buig", "BUIG")))
        + ")"
        for i in s.instruments
    ]
    variant_lines = [_esc(c) for c in run.get("variant_changes", [])]

    versions = run.get("versions", {})
    version_text = ", ".join(f"{_esc(k)} {_esc(v)}" for k, v in versions.items())
    reps = run.get("replications")
    parts: list[str] = [f'<section id="model"><h2>{_esc(text("section.model", lang))}</h2>',
                        f"<p>{_esc(text('md.intro', lang))}</p>"]

    parts.append(f"<h3>1. {_esc(text('md.h.objectives', lang))}</h3>")
    parts.append(f"<p><b>{_esc(text('md.purpose_label', lang))}</b> {purpose}</p>")
    parts.append(f"<p><b>{_esc(text('md.outputs_label', lang))}</b></p>" + _list([_esc(o) for o in outputs]))
    parts.append(f"<p><b>{_esc(text('md.experiments_label', lang))}</b></p>" + _list([_esc(e) for e in experiments]))

    parts.append(f"<h3>2. {_esc(text('md.h.logic', lang))}</h3>")
    if overview_figure_html:
        parts.append(overview_figure_html)
    pause = (text("md.pause", lang, months=i18n.quantity(s.policy.benefit_pause_months, "month", lang))
             if s.policy.benefit_pause_months else "")
    priority = text("value.priority." + s.policy.priority, lang)
    parts.append("<p>" + _esc(text("md.base_model", lang, apps=i18n.number(apps, lang, 1), priority=priority,
                                   bands=format_value(s.duration_bands, lang), pause=pause)) + "</p>")
    parts.append(f"<p>{_esc(text('md.scenario_logic', lang))}"
                 + (f" {_esc(text('md.variant', lang))}</p>" + _list(variant_lines) if variant_lines else "</p>"))
    parts.append(f"<p>{_esc(text('md.algorithms', lang))}</p>")
    parts.append(f"<p><b>{_esc(text('md.components', lang))}</b></p>" + _list([
        _esc(text_n("md.entities", len(s.municipalities), lang, segments=len(s.segments),
                  segment_names=i18n.words([s.label(x.name, lang) for x in s.segments], lang),
                  municipalities=len(s.municipalities), names=munis, stock=i18n.number(n_stock, lang),
                  start=i18n.month_text(s.start, lang))),
        _esc(text("md.activities", lang)),
        f"<b>{_esc(text('md.resources', lang))}</b>: " + (_list(role_lines) if role_lines else text("md.none", lang)),
        f"<b>{_esc(text('md.tracks', lang))}</b>: " + _list(track_lines),
        f"<b>{_esc(text('md.instruments', lang))}</b>: "
        + (_list(instrument_lines) if instrument_lines else text("md.none", lang)),
        _esc(text("md.entry_exit", lang)),
    ]))

    parts.append(f"<h3>3. {_esc(text('md.h.data', lang))}</h3>")
    parts.append("<p>" + _esc(text("md.sources", lang, n=len(assumptions), kinds=kind_line)) + " "
                 + "; ".join(f"<i>{_esc(text('kind.' + k, lang))}</i>: {_esc(text('md.kind.' + k, lang))}"
                             for k in KIND_MEANING) + ".</p>")
    parts.append(f"<p>{_esc(text('md.preprocessing', lang))}</p>")
    parts.append(f'<p>{_esc(text("md.appendix_link", lang))} <a href="#appendix">'
                 f"{_esc(text('section.appendix', lang))}</a>.</p>")
    if s.uncertainty:
        frame = pd.DataFrame([u.model_dump() for u in s.uncertainty])
        head = "".join(f"<th>{_esc(text('md.uncertain.' + c, lang))}</th>" for c in frame.columns)
        rows = "".join("<tr>" + "".join(f"<td>{_esc(format_value(v, lang))}</td>" for v in r) + "</tr>"
                       for r in frame.itertuples(index=False, name=None))
        parts.append(f"<p>{_esc(text('md.uncertain', lang))}</p><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{rows}</tbody></table>")

    parts.append(f"<h3>4. {_esc(text('md.h.experimentation', lang))}</h3>")
    exp = [
        _esc(text("md.init", lang, start=i18n.month_text(s.start, lang), stock=i18n.number(n_stock, lang))),
        _esc(text("md.length", lang, years=i18n.quantity(s.years, "year", lang),
                  months=i18n.quantity(s.months, "month", lang), span=span)),
    ]
    if run.get("optimisation_replications") and run.get("verification_replications"):
        r, v = run["optimisation_replications"], run["verification_replications"]
        exp.append(_esc(text("md.replications_plan", lang, r=r, v=v))
                   + (_esc(text("md.budget_sims", lang, n=i18n.number(run["budget_sims"], lang)))
                      if run.get("budget_sims") else "") + ".")
    elif reps:
        exp.append(_esc(text("md.replications", lang, n=reps)))
    exp.append(_esc(text("md.estimation", lang)))
    parts.append(_list(exp))

    parts.append(f"<h3>5. {_esc(text('md.h.implementation', lang))}</h3>")
    impl = [
        _esc(text("md.software", lang)) + (f" ({version_text})" if version_text else "") + ".",
        _esc(text("md.random", lang)) + (f" {_esc(text('md.base_seed', lang, seed=run['seed']))}"
                                         if run.get("seed") is not None else "") + ".",
        _esc(text("md.execution", lang)),
        _esc(text("md.system", lang)),
    ]
    parts.append(_list(impl))

    parts.append(f"<h3>6. {_esc(text('md.h.code', lang))}</h3>")
    code = [_esc(text("md.open_source", lang))
            + (f" (commit <code>{_esc(run['git_commit'])}</code>)" if run.get("git_commit") else "") + "."]
    if run.get("command"):
        code.append(_esc(text("md.this_run", lang)) + f" <code>{_esc(run['command'])}</code>"
                    + (f" (scenario-hash <code>{_esc(str(run['scenario_hash'])[:16])}</code>)"
                       if run.get("scenario_hash") else "")
                    + "; " + _esc(text("md.manifest", lang)))
    parts.append(_list(code))
    parts.append("</section>")
    return "\n".join(parts)
