"""Writing a calibrated scenario: the fitted values with their source, everything else untouched."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from sporen.calibration.observed import Observed, month_text
from sporen.calibration.window import CEILING, OTHER_EXITS, Parameters
from sporen.inputs.schema import Scenario


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")


def _unwrap(value: Any) -> Any:
    from sporen.inputs.load import is_wrapper

    while is_wrapper(value):
        value = value["value"]
    return value


def _named(items: Any, name: str) -> dict | None:
    for item in _unwrap(items) or []:
        item = _unwrap(item)
        if isinstance(item, dict) and str(item.get("name")) == name:
            return item
    return None


def _values_text(values: Any) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{k} {_rounded(v):g}" for k, v in values.items())
    return "[" + ", ".join(f"{_rounded(v):g}" for v in values) + "]"


def _was(scenario: Scenario, path: str) -> str:
    old = scenario.sources.get(path)
    return f" (input source, {old.kind}: {old.source.strip()})" if old is not None else ""


def calibrated_mapping(raw: dict, scenario: Scenario, params: Parameters, source: str,
                       scale: float | None = None, forward: int | None = None) -> dict:
    """A raw scenario mapping (as read from YAML) with the fitted values written as
    ``{value:, source:, kind: calibrated, unit:, note:}``; everything else untouched. The note gives
    the multiplier, the input values and the input's own source."""
    raw = copy.deepcopy(raw)
    unit_apps, unit_hazard = "applications/month", "per month, by duration band"
    for muni in scenario.municipalities:
        item = _named(raw.get("municipalities"), muni.name)
        if item is None:
            continue
        a = params.application(muni.name)
        note = f"x {a:.4f} on the input values ({_values_text(muni.applications_per_month)})"
        if scale is not None:
            note += (f"; these applications stand for {scale:.3f} of the applications the observed file reports "
                     "(the observed applications fix the ratio between periods, caseload and inflow the level)")
        note += _was(scenario, f"municipalities.{muni.name}.applications_per_month")
        item["applications_per_month"] = {
            "value": {s: _rounded(v * a) for s, v in muni.applications_per_month.items()},
            "source": source, "kind": "calibrated", "unit": unit_apps, "note": note}
    if scenario.application_series:
        raw.pop("series", None)
        raw["application_series"] = {
            "value": {m: {s: {month: _rounded(v * params.application(m)) for month, v in per.items()}
                          for s, per in segs.items()} for m, segs in scenario.application_series.items()},
            "source": source, "kind": "calibrated", "unit": unit_apps,
            "note": "the input series x each municipality's fitted multiplier" + _was(scenario, "application_series")}
    for muni in scenario.municipalities:
        if muni.name not in params.benefit:
            continue
        item = _named(raw.get("municipalities"), muni.name)
        if item is None:
            continue
        factor = params.benefit[muni.name]
        levels = {s.name: scenario.benefit(muni.name, s.name) for s in scenario.segments}
        item["benefit_per_month"] = {
            "value": {s: int(round(v * factor)) for s, v in levels.items()},
            "source": source + ": the benefit level that makes the mean simulated spending of "
                      + (f"a forward run of {forward} replications " if forward else "a forward run ")
                      + "equal the observed spending (net of the wage-cost subsidies the scenario pays itself)",
            "kind": "calibrated", "unit": "EUR/client-month",
            "note": f"x {factor:.4f} on the input levels ({_values_text(levels)})"
                    + _was(scenario, f"municipalities.{muni.name}.benefit_per_month")}
    for track in scenario.tracks:
        item = _named(raw.get("tracks"), track.name)
        if item is None:
            continue
        hazards = item["hazards"]  # a required field of every track
        if isinstance(hazards, dict) and "value" in hazards and "source" in hazards:
            inherited = {k: v for k, v in hazards.items() if k != "value"}
            hazards = {c: {"value": v, **inherited} for c, v in _unwrap(hazards).items()}
        hazards = dict(hazards)
        for cause, values in track.hazards.items():
            if cause == "work":
                factor, name = params.work, "work"
            elif cause in OTHER_EXITS:
                factor, name = params.other, "other"
            else:
                continue
            hazards[cause] = {
                "value": [_rounded(v * factor) for v in values], "source": source, "kind": "calibrated",
                "unit": unit_hazard,
                "note": f"x {factor:.4f} (the {name}-exit multiplier) on the input values {_values_text(values)}"
                        + _was(scenario, f"tracks.{track.name}.hazards.{cause}")}
        item["hazards"] = hazards
    return raw


def history_mapping(history: Scenario, observed: Observed, params: Parameters, source: str) -> dict:
    """The window scenario as a raw mapping with the sources of what the window changed."""
    raw = history.model_dump(exclude={"series"})
    sources = raw.pop("sources", {}) or {}
    first = month_text(observed.start - 1)
    for muni in history.municipalities:
        base = f"municipalities.{muni.name}"
        sources[f"{base}.initial_stock"] = {
            "source": f"{observed.file}: caseload at the end of {first}, split over segments as the "
                      "scenario's initial stock", "kind": "seed", "unit": "clients", "note": ""}
        sources[f"{base}.buig_budget"] = {
            "source": "the scenario's history accounts for the window years (else its nearest budget); "
                      "not used by the calibration", "kind": "assumption", "unit": "EUR/year", "note": ""}
        sources.pop(f"{base}.applications_per_month", None)
    for track in history.tracks:
        for cause in track.hazards:
            if cause == "work" or cause in OTHER_EXITS:
                sources[f"tracks.{track.name}.hazards.{cause}"] = {
                    "source": source, "kind": "calibrated", "unit": "per month, by duration band",
                    "note": f"x {params.work if cause == 'work' else params.other:.4f} on the input values"}
    sources["application_series"] = {
        "source": source, "kind": "calibrated", "unit": "applications/month",
        "note": "the scenario's rates x each municipality's multiplier x each period's level "
                + str({k: round(v, 4) for k, v in params.periods.items()})
                + f"; the padding month after the window has the fixed rate ceiling ({CEILING:g} x the highest "
                "base rate) and the measure calibration-padding rejects its applications"}
    sources["gate.intake_role"] = {"source": "sporen calibrate: every application is decided on arrival in the "
                                   "window (the past intake capacity is not known)", "kind": "assumption",
                                   "unit": "", "note": ""}
    raw["sources"] = {k: sources[k] for k in sorted(sources)}
    return raw


def dump_yaml(raw: dict, header: str = "") -> str:
    """YAML text of a scenario mapping (key order kept), with an optional comment header."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(raw, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110,
                     default_flow_style=None)
    return header + body


def yaml_load(text: str) -> Any:
    """Parse YAML text written by `dump_yaml`."""
    import yaml

    return yaml.safe_load(text)


def leading_comments(text: str) -> str:
    """The comment block at the top of a YAML file."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def format_spending(table: pd.DataFrame) -> str:
    """The benefit-level fit as text: observed spending, simulated before, the subsidies, the factor."""
    width = max([len("observation")] + [len(s) for s in table["observation"]])
    lines = [f"{'observation':<{width}}  {'observed':>11}  {'before':>11}  {'subsidies':>9}  {'factor':>7}"]
    for row in table.itertuples():
        lines.append(f"{row.observation:<{width}}  {row.observed:>11,.0f}  {row.simulated_before:>11,.0f}  "
                     f"{row.subsidy:>9,.0f}  {row.factor:>7.4f}")
    return "\n".join(lines)


def format_table(table: pd.DataFrame, scale: float | None = None) -> str:
    """The fit table as text: observation, observed, simulated, error %."""
    width = max([len("observation")] + [len(s) for s in table["observation"]])
    lines = [f"{'observation':<{width}}  {'observed':>9}  {'simulated':>9}  {'error %':>7}"]
    for observation, measure, observed, simulated, error in zip(
            table["observation"], table["measure"], table["observed"], table["simulated"], table["error"], strict=True):
        digits = 3 if measure == "outflow_work_share" else 0
        lines.append(f"{observation:<{width}}  {observed:>9,.{digits}f}  {simulated:>9,.{max(digits, 1)}f}"
                     f"  {100 * error:>+7.1f}")
    if scale is not None and (table["measure"] == "applications").any():
        lines.append(f"applications: simulated = the scenario's applications / {scale:.3f} (the fitted share of the "
                     "reported applications they stand for)")
    return "\n".join(lines)
