"""The page's monitor panel: actuals from the browser re-forecast under the page's current plan.

The same re-forecast as `sporen monitor` (`jobs.reforecast`) on the page's futures (its seeds,
vangnet rules and workers), so the page's numbers equal `sporen monitor SCENARIO --actuals FILE
--plan plan.yaml -n N --seed S`. The file is checked like any upload (`jobs.whatif.upload`): its
size, a workbook's unpacked size, and problems naming the file as the browser called it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sporen.common.errors import InputError
from sporen.inputs.actuals import read_actuals
from sporen.inputs.plan import Plan
from sporen.jobs.reforecast import band_check, monitor_table, reforecast
from sporen.jobs.whatif.evaluate import Futures, with_priority
from sporen.jobs.whatif.upload import WORKBOOK_SUFFIXES, _check_zip, _read, _renamed, display_name


@dataclass(frozen=True)
class MonitorView:
    """What the panel shows: the flag, the years in words, the fan chart (SVG) and the table."""

    outside: bool
    flag: str
    years: list[str]
    svg: str
    table: pd.DataFrame
    last_month: str


def monitor_upload(futures: Futures, plan: Plan, priority: str | None, path: str | Path, name: str,
                   lang: str = "nl") -> MonitorView:
    """Re-forecast `plan` from the uploaded actuals; InputError naming the upload for bad input."""
    from sporen.outputs.monitor import fan_figure, flag_words, year_lines

    shown = display_name(name)
    _read(path, shown, lang=lang)
    workbook = Path(shown).suffix.lower() in WORKBOOK_SUFFIXES
    if workbook:
        _check_zip(path, shown, lang)
    scenario = with_priority(futures.scenario, priority)
    try:
        actuals = read_actuals(path, scenario, workbook=workbook)
    except InputError as exc:
        raise _renamed(exc, path, shown) from None
    frames = reforecast(scenario, plan, actuals, replications=futures.futures, seed=futures.seed,
                        rules=futures.rules, workers=futures.workers, progress=False)
    table, check = monitor_table(frames), band_check(frames, actuals)
    outside, flag = flag_words(check, actuals.last_month, lang)
    figure = fan_figure(frames, table, actuals.per_municipality(), lang)
    return MonitorView(outside, flag, year_lines(table, lang), figure.svg, table, actuals.last_month)
