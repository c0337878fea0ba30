"""Figures for the HTML report, drawn with matplotlib and returned as self-contained SVG.

Every function takes tidy frames (the simulator's result frames, with their leading
`replication` column, or the optimiser's tables) and returns a `Figure`: an SVG document as
text plus a title, a caption and an alt text. The report embeds it as a data URI, so the HTML
stays one file without external links. Nothing here imports `sim` or `optimise`.

Uncertainty is drawn as the band from the 5th to the 95th percentile across replications around
the mean; Kaplan-Meier curves pool the spells of all replications.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from sporen.common import i18n  # noqa: E402
from sporen.common.i18n import text, text_n  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe-Ito: distinguishable for the common kinds of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BASE_COLOUR, PLAN_COLOUR, BUDGET_COLOUR, VANGNET_COLOUR = "#7f7f7f", "#0072B2", "#c7c7c7", "#009E73"
LOW_Q, HIGH_Q = 0.05, 0.95
PRINT_WIDTH_IN = 7.0
"""A figure at most this wide (inches) prints at full size on A4 portrait (186 mm of text width), so
its 9-point labels stay 9 points; small multiples share this width rather than grow beyond it."""

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",       # text stays text: smaller, selectable, searchable
    "svg.hashsalt": "sporen",     # identical inputs give identical files
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
}


@dataclass
class Figure:
    """One figure of the report: an SVG document and the words around it."""

    key: str
    title: str
    caption: str
    alt: str
    svg: str

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def _finish(fig, key: str, title: str, caption: str, alt: str) -> Figure:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML prolog and DOCTYPE
    return Figure(key=key, title=title, caption=caption, alt=alt, svg=text)


def _euro_axis(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _p: i18n.money_axis(v, lang))


def _share_axis(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _p: i18n.percent(v, lang))


def band(frame: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Mean and 5-95% band of `value` across replications, per `by` (replication is summed away
    within each group first, so `by` + replication must identify the totals to compare)."""
    totals = frame.groupby(["replication", *by], observed=True)[value].sum().reset_index()
    grouped = totals.groupby(by, observed=True)[value]
    out = grouped.mean().rename("mean").to_frame()
    out["low"] = grouped.quantile(LOW_Q)
    out["high"] = grouped.quantile(HIGH_Q)
    return out.reset_index()


def _month_dates(months: pd.Series) -> pd.Series:
    return pd.to_datetime(months.astype(str) + "-01")


def caseload_figure(baseline_monthly: pd.DataFrame, plan_monthly: pd.DataFrame | None = None,
                    lang: str = "nl") -> Figure:
    """Caseload (clients with and without benefit) per track over time, mean and 5-95% band."""
    with plt.rc_context(_RC):
        frames = {text("fig.without" if plan_monthly is not None else "fig.baseline", lang): baseline_monthly}
        if plan_monthly is not None:
            frames[text("fig.with", lang)] = plan_monthly
        tracks = list(dict.fromkeys(baseline_monthly["track"]))
        ncols = min(3, len(tracks))
        nrows = int(np.ceil(len(tracks) / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(PRINT_WIDTH_IN, 2.3 * nrows + 0.6), squeeze=False,
                                 sharex=True)
        for i, track in enumerate(tracks):
            ax = axes[i // ncols][i % ncols]
            for j, (label, frame) in enumerate(frames.items()):
                sub = frame[frame["track"] == track].assign(
                    caseload=lambda f: f["on_benefit"] + f["without_benefit"])
                stats = band(sub, ["month"], "caseload")
                x = _month_dates(stats["month"])
                colour = BASE_COLOUR if (j == 0 and len(frames) > 1) else PLAN_COLOUR
                ax.fill_between(x, stats["low"], stats["high"], color=colour, alpha=0.22, linewidth=0)
                ax.plot(x, stats["mean"], color=colour, linewidth=1.6, label=label,
                        linestyle="--" if (j == 0 and len(frames) > 1) else "-")
            ax.set_title(str(track), fontsize=10)
            ax.set_ylim(bottom=0)
            locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for k in range(len(tracks), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        axes[0][0].set_ylabel(text("fig.caseload.y", lang))
        handles, labels = axes[0][0].get_legend_handles_labels()
        handles.append(plt.Rectangle((0, 0), 1, 1, color=BASE_COLOUR if len(frames) > 1 else PLAN_COLOUR,
                                     alpha=0.22))
        labels.append(text("fig.band", lang))
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        return _finish(
            fig, "caseload", text("fig.caseload.title", lang),
            text_n("fig.caseload.caption", baseline_monthly["municipality"].nunique()
                   if "municipality" in baseline_monthly else 2, lang),
            text("fig.caseload.alt", lang),
        )


def budget_figure(baseline_yearly: pd.DataFrame, plan_yearly: pd.DataFrame | None = None,
                  lang: str = "nl") -> Figure:
    """BUIG budget against spending per municipality and year, with the vangnet on top of the budget."""
    with plt.rc_context(_RC):
        municipalities = list(dict.fromkeys(baseline_yearly["municipality"]))
        ncols = min(2, len(municipalities))
        nrows = int(np.ceil(len(municipalities) / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(PRINT_WIDTH_IN * ncols / 2, 2.3 * nrows + 0.5),
                                 squeeze=False)
        series = [(text("fig.spending_without" if plan_yearly is not None else "fig.spending", lang),
                   baseline_yearly, BASE_COLOUR if plan_yearly is not None else PLAN_COLOUR)]
        if plan_yearly is not None:
            series.append((text("fig.spending_with", lang), plan_yearly, PLAN_COLOUR))
        width = 0.8 / (1 + len(series))
        for i, muni in enumerate(municipalities):
            ax = axes[i // ncols][i % ncols]
            base = baseline_yearly[baseline_yearly["municipality"] == muni]
            years = sorted(base["year"].unique())
            x = np.arange(len(years))
            budget = band(base, ["year"], "buig_budget").set_index("year").reindex(years)
            vangnets = [band(frame[frame["municipality"] == muni], ["year"], "vangnet")
                        .set_index("year").reindex(years) for _, frame, _ in series]
            ax.bar(x - 0.4 + width / 2, budget["mean"], width, color=BUDGET_COLOUR, label=text("fig.budget", lang))
            for k, ((label, frame, colour), vangnet) in enumerate(zip(series, vangnets, strict=True)):
                spend = band(frame[frame["municipality"] == muni], ["year"], "spending").set_index(
                    "year").reindex(years)
                pos = x - 0.4 + width * (k + 1.5)
                ax.bar(pos, spend["mean"], width, color=colour, label=label)
                ax.errorbar(pos, spend["mean"], yerr=[spend["mean"] - spend["low"], spend["high"] - spend["mean"]],
                            fmt="none", ecolor="#333333", elinewidth=0.8, capsize=2)
                ax.bar(x - 0.4 + width / 2, vangnet["mean"], width, bottom=budget["mean"], color=VANGNET_COLOUR,
                       alpha=1.0 if k == 0 else 0.0, label=text("fig.vangnet_without", lang)
                       if k == 0 and plan_yearly is not None else (text("fig.vangnet", lang) if k == 0 else None))
            ax.set_xticks(x, [str(y) for y in years])
            ax.yaxis.set_major_formatter(_euro_axis(lang))
            ax.set_title(str(muni), fontsize=10)
        for k in range(len(municipalities), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        keep = [(h, lab) for h, lab in zip(handles, labels, strict=True) if lab and not lab.startswith("_")]
        fig.legend([h for h, _ in keep], [lab for _, lab in keep], loc="lower center", ncol=min(len(keep), 3),
                   bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        return _finish(
            fig, "budget", text("fig.budget.title", lang), text("fig.budget.caption", lang),
            text("fig.budget.alt", lang),
        )


def result_figure(baseline_yearly: pd.DataFrame, plan_yearly: pd.DataFrame | None = None,
                  column: str = "result_after_vangnet", lang: str = "nl") -> Figure:
    """The organisation's yearly result after vangnet, with and without the plan (mean, 5-95%)."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.4, 3.0))
        series = [(text("fig.without", lang), baseline_yearly, BASE_COLOUR)]
        if plan_yearly is not None:
            series.append((text("fig.with", lang), plan_yearly, PLAN_COLOUR))
        years = sorted(baseline_yearly["year"].unique())
        x = np.arange(len(years))
        width = 0.8 / len(series)
        for k, (label, frame, colour) in enumerate(series):
            stats = band(frame, ["year"], column).set_index("year").reindex(years)
            pos = x - 0.4 + width * (k + 0.5)
            ax.bar(pos, stats["mean"], width, color=colour, label=label)
            ax.errorbar(pos, stats["mean"], yerr=[stats["mean"] - stats["low"], stats["high"] - stats["mean"]],
                        fmt="none", ecolor="#333333", elinewidth=0.8, capsize=3)
        ax.axhline(0, color="#333333", linewidth=0.8)
        ax.set_xticks(x, [str(y) for y in years])
        ax.yaxis.set_major_formatter(_euro_axis(lang))
        ax.set_ylabel(text("fig.result.y", lang))
        ax.legend(loc="best")
        fig.tight_layout()
        return _finish(
            fig, "result", text("fig.result.title", lang),
            text_n("fig.result.caption", baseline_yearly["municipality"].nunique(), lang),
            text("fig.result.alt", lang),
        )


def tradeoff_figure(tradeoff: pd.DataFrame, x: str, y: str, chosen: float | None = None,
                    x_label: str | None = None, y_label: str | None = None, lang: str = "nl") -> Figure:
    """Cost of the cheapest plan against how strict the target is."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.0, 3.0))
        data = tradeoff.sort_values(x)
        feasible = data[data["feasible"].astype(bool)] if "feasible" in data else data
        infeasible = data.drop(feasible.index)
        ax.plot(feasible[x], feasible[y], marker="o", color=PLAN_COLOUR, linewidth=1.6,
                label=text("fig.tradeoff.feasible", lang))
        if len(infeasible):
            ax.scatter(infeasible[x], infeasible[y], marker="x", color="#D55E00", s=40,
                       label=text("fig.tradeoff.infeasible", lang), zorder=3)
        if chosen is not None:
            ax.axvline(chosen, color="#333333", linestyle=":", linewidth=1, label=text("fig.tradeoff.chosen", lang))
        ax.yaxis.set_major_formatter(_euro_axis(lang))
        if x == "probability":
            ax.xaxis.set_major_formatter(_share_axis(lang))
        elif x == "target_level":
            ax.xaxis.set_major_formatter(_euro_axis(lang))
        ax.set_xlabel(x_label or (text("fig.tradeoff.x." + x, lang) if i18n.has_text("fig.tradeoff.x." + x)
                                  else x.replace("_", " ")))
        ax.set_ylabel(y_label or text("fig.tradeoff.y", lang))
        ax.set_ylim(bottom=0)
        ax.legend(loc="best")
        fig.tight_layout()
        return _finish(
            fig, "tradeoff", text("fig.tradeoff.title", lang), text("fig.tradeoff.caption", lang),
            text("fig.tradeoff.alt", lang),
        )


def kaplan_meier(spells: pd.DataFrame, horizon_months: float, start_year: int) -> pd.DataFrame:
    """Kaplan-Meier survival on the caseload by months since entry, per entry year.

    Spells that started during the horizon (entry_time >= 0) are grouped by calendar entry year;
    a spell without exit is censored at the horizon's end. Replications are pooled (they are
    independent futures of the same cohorts). Returns entry_year, months, at_risk, exits,
    survival (share still on the caseload) with one row per month since entry.
    """
    new = spells[spells["entry_time"] >= 0]
    rows = []
    for entry_year, group in new.groupby((new["entry_time"] // 12).astype(int) + start_year):
        entry = group["entry_time"].to_numpy(float)
        exit_ = group["exit_time"].to_numpy(float)
        observed = ~np.isnan(exit_)
        duration = np.where(observed, exit_ - entry, horizon_months - entry)
        max_t = int(np.floor(horizon_months - entry.min()))
        # whole months since entry: an exit in (t-1, t] counts at t; a censored spell is at risk
        # only for the months it was observed in full
        t_exit = np.where(observed, np.ceil(np.maximum(duration, 1e-9)), np.floor(duration)).astype(int)
        survival, rows_year = 1.0, [(int(entry_year), 0, len(group), 0, 1.0)]
        for t in range(1, max_t + 1):
            at_risk = int(np.sum(t_exit >= t))
            exits = int(np.sum((t_exit == t) & observed))
            if at_risk == 0:
                break
            survival *= 1.0 - exits / at_risk
            rows_year.append((int(entry_year), t, at_risk, exits, survival))
        rows += rows_year
    return pd.DataFrame(rows, columns=["entry_year", "months", "at_risk", "exits", "survival"])


def survival_figure(survival: pd.DataFrame, min_at_risk: int = 10, lang: str = "nl") -> Figure:
    """Cohort survival curves: share still on the caseload by months since entry, per entry year."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.4, 3.2))
        for i, (year, group) in enumerate(survival.groupby("entry_year")):
            shown = group[group["at_risk"] >= min_at_risk]
            ax.step(shown["months"], shown["survival"], where="post", color=PALETTE[i % len(PALETTE)],
                    linewidth=1.6, label=text("fig.survival.entered", lang, year=year))
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(_share_axis(lang))
        ax.set_xlabel(text("fig.survival.x", lang))
        ax.set_ylabel(text("fig.survival.y", lang))
        ax.legend(loc="best")
        fig.tight_layout()
        return _finish(
            fig, "survival", text("fig.survival.title", lang), text("fig.survival.caption", lang, n=min_at_risk),
            text("fig.survival.alt", lang),
        )


def comparison_figure(comparison: pd.DataFrame, label_column: str = "measure", lang: str = "nl") -> Figure:
    """Paired differences (variant minus base) with 95% confidence intervals, one panel per unit.

    `comparison` has columns variant, `label_column`, unit, diff_mean, ci_low, ci_high,
    significant; one row per variant and measure (totals over the horizon).
    """
    with plt.rc_context(_RC):
        units = list(dict.fromkeys(comparison["unit"]))
        heights = [max(1.2, 0.28 * len(comparison[comparison["unit"] == u]) + 0.7) for u in units]
        fig, axes = plt.subplots(len(units), 1, figsize=(7.0, sum(heights) + 0.4), squeeze=False,
                                 gridspec_kw={"height_ratios": heights})
        variants = list(dict.fromkeys(comparison["variant"]))
        for ax, unit in zip(axes[:, 0], units, strict=True):
            sub = comparison[comparison["unit"] == unit].reset_index(drop=True)
            y = np.arange(len(sub))[::-1]
            for k, row in sub.iterrows():
                colour = PALETTE[variants.index(row["variant"]) % len(PALETTE)]
                face = colour if bool(row["significant"]) else "white"
                ax.errorbar(row["diff_mean"], y[k], xerr=[[row["diff_mean"] - row["ci_low"]],
                                                          [row["ci_high"] - row["diff_mean"]]],
                            fmt="o", color=colour, markerfacecolor=face, capsize=3, linewidth=1.2)
            ax.axvline(0, color="#333333", linewidth=0.8)
            ax.set_yticks(y, [f"{r['variant']}: {r[label_column]}" for _, r in sub.iterrows()])
            if unit == "EUR":
                ax.xaxis.set_major_formatter(_euro_axis(lang))
            elif unit == "share":
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: i18n.points(v, lang, 0 if abs(v) >= 0.02
                                                                                       else 1)))
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.set_xlabel(text("fig.compare.x", lang, unit=text("fig.unit." + unit, lang)
                               if i18n.has_text("fig.unit." + unit) else unit))
            ax.grid(axis="y", visible=False)
        fig.tight_layout()
        return _finish(
            fig, "comparison", text("fig.compare.title", lang), text("fig.compare.caption", lang),
            text("fig.compare.alt", lang),
        )


def flow_figure(tracks: list[str], transitions: list[tuple[str, str]], segments: list[str],
                lang: str = "nl") -> Figure:
    """The base model's overview: applications -> gate -> tracks (with caseworker slots) -> exits."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    with plt.rc_context({**_RC, "axes.grid": False}):
        n = max(1, len(tracks))
        row = 1.0
        height = max(3.0, row * n + 0.9)
        fig, ax = plt.subplots(figsize=(PRINT_WIDTH_IN, 0.62 * height + 0.3))
        ax.set_xlim(0, 13.0)
        ax.set_ylim(-0.6, height - 0.2)
        ax.axis("off")
        mid = (height - 0.8) / 2

        renderer = fig.canvas.get_renderer()   # type: ignore[attr-defined]  # Agg's canvas measures text

        def node(cx: float, cy: float, w: float, h: float, words: str, colour: str) -> tuple[float, float, float]:
            """A box of at least w x h around its text, which is wrapped (and if need be made smaller)
            until it fits the width: no text runs over its box."""
            label = ax.text(cx, cy, words, ha="center", va="center", fontsize=8.5, zorder=3, clip_on=False)
            for size in (8.5, 8.0, 7.5, 7.0):
                label.set_fontsize(size)
                box = label.get_window_extent(renderer).transformed(ax.transData.inverted())
                if box.width <= w - 0.16:
                    break
            h = max(h, box.height + 0.18)
            w = max(w, box.width + 0.16)
            ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                        facecolor=colour, edgecolor="#555555", linewidth=1.0, zorder=2, clip_on=False))
            return cx, cy, w

        def arrow(x0: float, y0: float, x1: float, y1: float, rad: float = 0.0, dashed: bool = False) -> None:
            ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=10,
                                         connectionstyle=f"arc3,rad={rad}", color="#777777" if dashed else "#444444",
                                         linewidth=0.9, linestyle="--" if dashed else "-"))

        shown = segments[:4] + (["..."] if len(segments) > 4 else [])
        node(1.0, mid, 1.9, 0.34 * (len(shown) + 1) + 0.2, text("fig.flow.applications", lang) + "\n"
             + "\n".join(shown), "#f2f2f2")
        node(3.5, mid, 1.5, 0.9, text("fig.flow.gate", lang), "#fde7c8")
        node(11.3, mid, 3.2, 1.5, text("fig.flow.exits", lang), "#dff3e8")
        arrow(1.85, mid, 2.75, mid)
        ys = {t: (height - 0.8) - (i + 0.5) * ((height - 0.8) / n) for i, t in enumerate(tracks)}
        for track, y in ys.items():
            node(7.0, y, 2.6, 0.62, f"{track}\n" + text("fig.flow.in_view", lang), "#d6e9f8")
            arrow(4.25, mid, 5.7, y)
            arrow(8.3, y, 9.8, mid)
        for src, dst in transitions:
            if src in ys and dst in ys:
                offset = 0.31 if ys[dst] > ys[src] else -0.31
                arrow(6.2, ys[src] + offset, 6.2, ys[dst] - offset, rad=-0.4 if ys[dst] > ys[src] else 0.4)
        arrow(11.3, mid - 0.75, 3.5, mid - 0.45, rad=-0.25, dashed=True)
        ax.text(7.0, -0.45, text("fig.flow.returns", lang), ha="center", va="center", fontsize=7.5,
                color="#555555")
        return _finish(
            fig, "flow", text("fig.flow.title", lang), text("fig.flow.caption", lang), text("fig.flow.alt", lang),
        )
