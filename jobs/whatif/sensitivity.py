"""The what-if page's sensitivity panel: which assumptions decide, for the plan on the page.

The analysis (`sensitivity.analysis`, smaller than `sporen sensitivity`'s: `PAGE_BASE`,
`PAGE_FUTURES`) runs once per scenario, plan, priority rule and target and is kept in a cache
shared by every session (least recently used out first), so a second look, another session or the
other language gets it at once. What the panel shows -- the tornado as SVG, the robustness in
sentences, the indices -- is `outputs.sensitivity_section`'s, in the page's language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sporen.inputs.plan import Plan
from sporen.jobs.sensitivity import tables_of
from sporen.jobs.whatif.evaluate import Futures, WhatIfTarget, plan_key, with_priority
from sporen.outputs.sensitivity_section import SensitivityTables, indices_display, robustness_words, tornado_figure
from sporen.sensitivity.analysis import analyse
from sporen.sensitivity.goal import Goal

PAGE_BASE = 16
"""Saltelli base size on the page: 16 x (k + 2) futures (BMWE: 144, then 112 for the tornado)."""
PAGE_FUTURES = 8
CACHED = 32
"""Analyses kept (each a few small tables)."""

_CACHE: OrderedDict[tuple, SensitivityTables] = OrderedDict()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Shown:
    """The panel's content in one language."""

    svg: str
    lines: list[str]
    table: pd.DataFrame
    runs: int


def cache_key(futures: Futures, plan: Plan, target: WhatIfTarget, priority: str | None) -> tuple:
    return (futures.key, plan_key(plan, futures.scenario), target, priority)


def cached(futures: Futures, plan: Plan, target: WhatIfTarget, priority: str | None) -> SensitivityTables | None:
    """The analysis of this plan when it was computed before (by any session)."""
    key = cache_key(futures, plan, target, priority)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def compute(futures: Futures, plan: Plan, target: WhatIfTarget, priority: str | None,
            progress: Callable[[int], None] | None = None) -> SensitivityTables:
    """The analysis (from the cache when there), on the page's seed and workers."""
    found = cached(futures, plan, target, priority)
    if found is not None:
        return found
    goal = Goal(from_year=target.from_year, level=target.level, scope=target.scope, cumulative=target.cumulative,
                probability=target.probability)
    scenario = with_priority(futures.scenario, priority)
    tables = tables_of(analyse(scenario, plan, futures.rules, goal, base=PAGE_BASE, futures=PAGE_FUTURES,
                               seed=futures.seed, workers=futures.workers, progress=progress))
    with _LOCK:
        _CACHE[cache_key(futures, plan, target, priority)] = tables
        while len(_CACHE) > CACHED:
            _CACHE.popitem(last=False)
    return tables


def shown(tables: SensitivityTables, futures: Futures, lang: str) -> Shown:
    """What the panel draws, in `lang`."""
    scenario: Any = futures.scenario
    return Shown(svg=tornado_figure(tables, scenario, lang).svg, lines=robustness_words(tables, scenario, lang),
                 table=indices_display(tables, scenario, lang), runs=tables.runs)
