"""The model description of a run, in the STRESS-DES structure.

STRESS-DES (Monks et al. 2019, "Strengthening the reporting of empirical simulation studies")
asks six sections of a discrete-event simulation study: objectives, logic, data,
experimentation, implementation and code access. This module writes them for one scenario
and one run, and lists every assumption with its source: each entry of `Scenario.sources`
(kind seed / public / assumption / calibrated) with its value, and, separately, every value
the scenario gives without a source and every program default it relies on, so nothing that
drives the results is hidden.

It reads the scenario object only (inputs.schema); it never imports sim or optimise.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sporen.inputs.schema import Scenario

KIND_MEANING = {
    "seed": "a figure from the municipalities' own documents (the seeds)",
    "public": "a public statistic or study (CBS, Divosa, Berenschot, trials, the law)",
    "assumption": "an assumption of the scenario's author, to be checked locally",
    "calibrated": "fitted so the model reproduces observed figures",
}
_SKIP_KEYS = {"name", "description", "sources"}
ASSUMPTION_COLUMNS = ["parameter", "value", "unit", "kind", "source", "note"]


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def format_value(value: Any) -> str:
    """A parameter value as a planner reads it: lists and mappings compact, big numbers grouped."""
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


def _lookup(tree: Any, path: str) -> Any:
    """The value at a dotted path (list items by name, mapping keys as text or int)."""
    node = tree
    for part in path.split("."):
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
            elif part.lstrip("-").isdigit() and int(part) in node:
                node = node[int(part)]
            else:
                return None
        elif isinstance(node, list):
            match = [item for item in node if isinstance(item, Mapping) and str(item.get("name")) == part]
            if match:
                node = match[0]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        else:
            return None
    return node


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
            "value": format_value(_lookup(tree, path)),
            "unit": source.unit,
            "kind": source.kind,
            "source": source.source,
            "note": source.note,
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


def model_description(
    scenario: Scenario,
    run: Mapping[str, Any] | None = None,
    *,
    overview_figure_html: str = "",
    purpose: str | None = None,
    outputs: list[str] | None = None,
    experiments: list[str] | None = None,
) -> str:
    """The STRESS-DES model description as an HTML fragment (a <section> with h2/h3 headings).

    `run` holds what this run did: replications, seed, workers, verification_replications,
    budget_sims, variant, variant_changes (list of text), command, git_commit, versions
    (name -> version), scenario_hash. Missing keys are left out.
    """
    run = dict(run or {})
    s = scenario
    munis = ", ".join(m.name for m in s.municipalities)
    years = s.horizon_years
    tracks = s.tracks
    n_stock = sum(sum(m.initial_stock.values()) for m in s.municipalities)
    apps = sum(sum(m.applications_per_month.values()) for m in s.municipalities)
    purpose = purpose or (
        f"Project the BUIG result after vangnet of {_esc(munis)} for {years[0]}-{years[-1]} and find the "
        "cheapest staffing and re-integration plan that closes the deficit with the chosen probability, "
        "while showing what happens to the clients (caseload per track, outflow to work, time on benefit)."
    )
    outputs = outputs or [
        "monthly caseload per municipality, track and segment: on benefit, without benefit, in view, "
        "not in view, inflow, outflow by cause, benefit and subsidy cost",
        "yearly money per municipality: BUIG budget, spending, BUIG result, vangnet, result after vangnet, "
        "personnel, instrument and measure cost, other lines, participatiebudget, exploitatie result",
        "KPIs: outflow-to-work share, mean time on benefit, share in view, ladder distribution, deficits",
        "client spells (entry, exit, cause) for cohort survival curves",
        "the plan: formation table, instrument budget, cost, verified probability of meeting the target, "
        "trade-off curve",
    ]
    experiments = experiments or [
        "the baseline (current formation, current instruments) against the optimised plan, on common "
        "random numbers",
        "a cost-versus-target trade-off curve",
        "policy variants as paired comparisons against their base (`sporen compare`)",
    ]

    assumptions = assumptions_table(s)
    unsourced = unsourced_table(s)
    kinds = assumptions["kind"].value_counts().to_dict() if len(assumptions) else {}
    kind_line = ", ".join(f"{kinds.get(k, 0)} {k}" for k in KIND_MEANING) or "none"
    sources_list = sorted({(row.kind, row.source) for row in assumptions.itertuples()})

    track_lines = []
    for t in tracks:
        role = s.role(t.caseworker_role) if t.caseworker_role else None
        slots = f"{role.fte_now:g} fte x {t.caseload_per_fte:g} clients = {role.fte_now * t.caseload_per_fte:g} " \
                "slots now" if role else "no caseworker slots"
        moves = ", ".join(f"to {tr.to} at {tr.rate_per_month:g}/month" for tr in t.transitions) or "none"
        track_lines.append(
            f"<b>{_esc(t.name)}</b> (ladder rungs {_esc(format_value(t.ladder))}"
            f"{'; segments ' + _esc(format_value(t.segments)) if t.segments else ''}): {_esc(slots)}; "
            f"work hazard x {t.served_work_multiplier:g} while in view; transitions {_esc(moves)}"
        )
    role_lines = [
        f"<b>{_esc(r.name)}</b> ({_esc(r.function)}): {r.fte_now:g} fte now, "
        f"€ {r.cost_per_fte_year:,} per fte per year, arrives {r.lead_time_months} months after the decision"
        for r in s.roles
    ]
    instrument_lines = [
        f"<b>{_esc(i.name)}</b> ({_esc(i.kind.replace('_', ' '))}, track {_esc(i.track)}): "
        f"{i.places_per_year} places a year, {i.duration_months:g} months, € {i.cost_per_participant:,} "
        f"per participant, paid from {_esc(i.paid_from)}"
        for i in s.instruments
    ]
    variant_lines = [_esc(c) for c in run.get("variant_changes", [])]

    versions = run.get("versions", {})
    version_text = ", ".join(f"{_esc(k)} {_esc(v)}" for k, v in versions.items())
    reps = run.get("replications")
    parts: list[str] = ['<section id="model"><h2>Model description (STRESS-DES)</h2>',
                        "<p>The model is described in the six sections of the STRESS-DES reporting guideline "
                        "for discrete-event simulation studies (Monks et al., 2019).</p>"]

    parts.append("<h3>1. Objectives</h3>")
    parts.append(f"<p><b>Purpose.</b> {purpose}</p>")
    parts.append("<p><b>Outputs.</b></p>" + _list([_esc(o) for o in outputs]))
    parts.append("<p><b>Experimentation aims.</b></p>" + _list([_esc(e) for e in experiments]))

    parts.append("<h3>2. Logic</h3>")
    if overview_figure_html:
        parts.append(overview_figure_html)
    parts.append(
        "<p><b>Base model.</b> Each client is a process in continuous time (months). Applications arrive "
        f"as a Poisson process per segment and municipality (now about {apps:.1f} a month in total), wait "
        "for intake capacity and get a gate decision (granted, rejected, withdrawn, not processed, no "
        f"application). A granted client gets a participation-ladder rung and a track by the scenario's rule. "
        "A track's caseworker slots are fte x caseload per fte; a client without a slot waits 'not in view' "
        f"under the priority rule <code>{_esc(s.policy.priority)}</code> and keeps only the base hazards. "
        "Exits are competing risks (work, moving, pension, partner income, death, enforcement, prior "
        "provision, other) with hazards that are constant within duration bands "
        f"(from {_esc(format_value(s.duration_bands))} months) and are redrawn whenever a client's state "
        "changes. A share of work exits returns; "
        f"{'within ' + str(s.policy.benefit_pause_months) + ' months they skip the gate (benefit pause). ' if s.policy.benefit_pause_months else ''}"  # noqa: E501
        "Every client-month on benefit costs the segment's benefit; wage-cost subsidies are paid from BUIG. "
        "Money and people are conserved exactly each month.</p>"
    )
    parts.append("<p><b>Scenario logic.</b> A plan changes the fte per role from its arrival month, the "
                 "instrument places per year and the on/off measures. "
                 + ("This run applies a variant to its base: </p>" + _list(variant_lines) if variant_lines
                    else "</p>"))
    parts.append(
        "<p><b>Algorithms.</b> Event times are drawn from exponential distributions per competing cause "
        "(the next event per client is scheduled, clients are not ticked monthly). The vangnet follows each "
        "year's rules as data (threshold, tiers, multi-year test), computed in exact decimals. The plan is "
        "found by sample average approximation: the simulator is run on a design of decision levels with "
        "common random numbers, an exact mixed-integer model (OR-Tools) picks the cheapest combination "
        "meeting the target in the required share of replications, and the chosen plan is simulated again "
        "on fresh seeds to verify it.</p>"
    )
    parts.append("<p><b>Components.</b></p>" + _list([
        f"<b>Entities</b>: clients (households) in {len(s.segments)} segments "
        f"({_esc(', '.join(x.name for x in s.segments))}) and {len(s.municipalities)} municipalities "
        f"({_esc(munis)}); {n_stock:,} on the caseload at {_esc(s.start)}.",
        "<b>Activities</b>: intake and decision, guidance by a caseworker, instruments, enforcement.",
        "<b>Resources</b>: " + (_list(role_lines) if role_lines else "none") ,
        "<b>Tracks and queues</b>: " + _list(track_lines),
        "<b>Instruments</b>: " + (_list(instrument_lines) if instrument_lines else "none"),
        "<b>Entry and exit</b>: applications per segment and municipality; exits by the competing causes; "
        "moves between tracks by transition rates.",
    ]))

    parts.append("<h3>3. Data</h3>")
    parts.append(
        f"<p><b>Sources.</b> {len(assumptions)} parameters name their source ({_esc(kind_line)}). Kinds: "
        + "; ".join(f"<i>{k}</i>: {_esc(v)}" for k, v in KIND_MEANING.items()) + ".</p>"
    )
    if sources_list:
        parts.append("<details><summary>Distinct sources</summary>"
                     + _list([f"{_esc(src)} <span class=\"kind\">({_esc(kind)})</span>" for kind, src in sources_list])
                     + "</details>")
    parts.append("<p><b>Pre-processing.</b> Values written as <code>{value, source}</code> in the scenario "
                 "file are read with their source; past BUIG accounts (history) feed only the vangnet's "
                 "multi-year test; variants patch the base scenario before validation.</p>")
    parts.append("<p><b>Input parameters and assumptions.</b> Every parameter with a named source:</p>")
    parts.append(_table(assumptions, "assumptions") if len(assumptions) else "<p>(none named)</p>")
    parts.append(
        f"<details><summary>{len(unsourced)} further values without a named source "
        f"({int((unsourced['origin'] == 'scenario file').sum())} from the scenario file, "
        f"{int((unsourced['origin'] == 'program default').sum())} program defaults): treat them as "
        "assumptions</summary>" + _table(unsourced, "unsourced") + "</details>"
    )
    if s.uncertainty:
        parts.append("<p><b>Uncertain parameters</b>, drawn per replication uniformly between low and high:</p>"
                     + _table(pd.DataFrame([u.model_dump() for u in s.uncertainty])))

    parts.append("<h3>4. Experimentation</h3>")
    exp = [
        f"<b>Initialisation</b>: no warm-up; the run starts from the caseload at {_esc(s.start)} "
        "({:,} clients), spread over the duration bands as the scenario gives.".format(n_stock),
        f"<b>Run length</b>: {s.years} years ({s.months} months), {years[0]}-{years[-1]}.",
    ]
    if run.get("optimisation_replications") and run.get("verification_replications"):
        r, v = run["optimisation_replications"], run["verification_replications"]
        exp.append(f"<b>Replications</b>: every candidate plan is simulated on the same {r} futures (common "
                   f"random numbers) in the optimisation; the chosen plan and the baseline on {v} fresh futures, "
                   "on which this report compares them (the optimisation's futures are not reused, so the "
                   "verified probability is out of sample)"
                   + (f"; at most {run['budget_sims']:,} simulated replications for the optimiser"
                      if run.get("budget_sims") else "") + ".")
    elif reps:
        exp.append(f"<b>Replications</b>: {reps} simulated futures, the same for every run compared (common "
                   "random numbers).")
    exp.append("<b>Estimation</b>: means with the 5th-95th percentile band across replications; paired "
               "differences with a 95% confidence interval (t distribution); the probability of meeting the "
               "target is the share of verification replications that meet it.")
    parts.append(_list(exp))

    parts.append("<h3>5. Implementation</h3>")
    impl = [
        "<b>Software</b>: Python with SimPy (discrete-event simulation), NumPy, pandas, OR-Tools, "
        "matplotlib" + (f" ({version_text})" if version_text else "") + ".",
        "<b>Random sampling</b>: seeds from <code>numpy.random.SeedSequence(seed).spawn(R)</code>"
        + (f", base seed {run['seed']}" if run.get("seed") is not None else "")
        + "; draws are keyed by replication and client, so plans and variants compared on the same seeds "
        "are paired (common random numbers).",
        "<b>Execution</b>: replications run in parallel worker processes (local, or a Dask cluster for "
        "<code>sporen simulate</code>); the results do not depend on the number of workers.",
        "<b>System</b>: timing.json beside this report records the machine, the workers and the run time; "
        "they are left out of this report and of manifest.json so that a rerun gives identical files.",
    ]
    parts.append(_list(impl))

    parts.append("<h3>6. Code access</h3>")
    code = ["sporen is open source (EUPL-1.2): the code, the bundled scenarios and this description's "
            "generator are in its repository"
            + (f", at commit <code>{_esc(run['git_commit'])}</code>" if run.get("git_commit") else "") + "."]
    if run.get("command"):
        code.append(f"This run: <code>{_esc(run['command'])}</code>"
                    + (f" on scenario hash <code>{_esc(str(run['scenario_hash'])[:16])}</code>"
                       if run.get("scenario_hash") else "")
                    + "; manifest.json beside this report records seeds and versions to reproduce it.")
    parts.append(_list(code))
    parts.append("</section>")
    return "\n".join(parts)
