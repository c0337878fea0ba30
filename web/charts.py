"""The page's two charts as inline SVG: the result after vangnet per year and the caseload per track.

Drawn with matplotlib's object API (no pyplot: every session draws in its own thread, and pyplot's
global state is not thread-safe), from the small frames `jobs.whatif.evaluate.what_if` returns. The
colours and the 5-95% bands are the report's.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sporen.common import i18n
from sporen.common.i18n import text
from sporen.inputs.schema import Scenario

BASE_COLOUR = "#9aa5b1"
PLAN_COLOUR = "#1f6fb2"
REF_COLOUR = "#e08a1e"
RC: dict[Any, Any] = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",
      "svg.hashsalt": "sporen"}


def _svg(fig: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def result_chart(years: pd.DataFrame, lang: str) -> str:
    """Bars of the mean result after vangnet per year (without the plan, with it, and the optimiser's
    plan when known), whiskers from the 5th to the 95th percentile."""
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.2, 3.0))
        ax = fig.add_subplot()
        series = [(text("web.without_plan", lang), "base_", BASE_COLOUR),
                  (text("web.with_plan", lang), "", PLAN_COLOUR)]
        if "ref_mean" in years:
            series.append((text("web.optimiser_plan", lang), "ref_", REF_COLOUR))
        x = np.arange(len(years))
        width = 0.8 / len(series)
        for k, (label, prefix, colour) in enumerate(series):
            mean = years[f"{prefix}mean"].to_numpy(float)
            low, high = years[f"{prefix}p5"].to_numpy(float), years[f"{prefix}p95"].to_numpy(float)
            pos = x - 0.4 + width * (k + 0.5)
            ax.bar(pos, mean, width, color=colour, label=label)
            ax.errorbar(pos, mean, yerr=[mean - low, high - mean], fmt="none", ecolor="#333333", elinewidth=0.8,
                        capsize=3)
        ax.axhline(0, color="#333333", linewidth=0.8)
        ax.set_xticks(x, [str(y) for y in years["year"]])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: i18n.money_axis(v, lang)))
        ax.set_ylabel(text("web.chart_result_y", lang))
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        return _svg(fig)


def caseload_chart(caseload: pd.DataFrame, lang: str, scenario: Scenario | None = None) -> str:
    """Clients per track over the months: the plan (line and 5-95% band) against the baseline (dashed)."""
    import matplotlib

    with matplotlib.rc_context(RC):
        tracks = list(dict.fromkeys(caseload["track"]))
        ncols = min(3, max(1, len(tracks)))
        nrows = int(np.ceil(len(tracks) / ncols))
        fig = Figure(figsize=(2.6 * ncols + 0.6, 2.2 * nrows + 0.5))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
        for i, track in enumerate(tracks):
            ax = axes[i // ncols][i % ncols]
            sub = caseload[caseload["track"] == track]
            x = np.arange(len(sub))
            ax.fill_between(x, sub["p5"], sub["p95"], color=PLAN_COLOUR, alpha=0.2, linewidth=0)
            ax.plot(x, sub["base_mean"], color=BASE_COLOUR, linestyle="--", linewidth=1.4,
                    label=text("web.without_plan", lang))
            ax.plot(x, sub["mean"], color=PLAN_COLOUR, linewidth=1.6, label=text("web.with_plan", lang))
            months = sub["month"].tolist()
            ticks = [j for j, m in enumerate(months) if m.endswith("-01")]
            ax.set_xticks(ticks, [months[j][:4] for j in ticks])
            ax.set_title(scenario.label(str(track), lang) if scenario is not None else str(track), fontsize=9)
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for k in range(len(tracks), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        axes[0][0].set_ylabel(text("web.chart_caseload_y", lang))
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
        return _svg(fig)
