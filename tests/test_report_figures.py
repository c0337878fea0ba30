"""The report's figures printed: every label at least 7 points on A4, and the model diagram's text
inside its boxes.

A figure is scaled to the page when printed (at most the text width of A4 portrait, 186 mm, and
the print style's maximum height); a 9-point label on a figure twice as wide as the page prints
at 4.5 points. The test reads each figure's SVG (its size and every text's font size), applies the
print scaling and asserts the smallest label is readable; it draws the small multiples with many
panels (tracks, municipalities) to catch a layout that grows past the page.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sporen.outputs import figures

TEXT_WIDTH_PT = 186 / 25.4 * 72          # A4 portrait, 12 mm margins
MAX_HEIGHT_PT = 230 / 25.4 * 72          # the print style's `figure img { max-height }`
MIN_POINTS = 7.0


def printed_points(svg: str) -> float:
    """The smallest font size of the figure's texts, in points, as printed (scaled to the page)."""
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    height = float(re.search(r'height="([\d.]+)pt"', svg).group(1))
    sizes = [float(s) for s in re.findall(r"font[-a-z]*: ?[^;\"]*?([\d.]+)px", svg)]
    assert sizes, "no text found in the SVG"
    scale = min(1.0, TEXT_WIDTH_PT / width, MAX_HEIGHT_PT / height)
    return min(sizes) * scale   # the SVG's user unit is the point: a '9px' font is 9 points at full size


def monthly(tracks: int, municipalities: int = 2, months: int = 48) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for r in range(3):
        for i in range(months):
            month = f"{2018 + i // 12}-{i % 12 + 1:02d}"
            for m in range(municipalities):
                for t in range(tracks):
                    rows.append((r, month, f"Gemeente {m}", f"Spoor met een lange naam {t}", 100 + rng.integers(9),
                                 10))
    return pd.DataFrame(rows, columns=["replication", "month", "municipality", "track", "on_benefit",
                                       "without_benefit"])


def yearly(municipalities: int) -> pd.DataFrame:
    rows = []
    for r in range(3):
        for y in (2018, 2019, 2020, 2021):
            for m in range(municipalities):
                rows.append({"replication": r, "year": y, "municipality": f"Gemeente {m}", "buig_budget": 5e6,
                             "spending": 5.3e6 + 1e4 * r, "vangnet": 1e5, "result_after_vangnet": -2e5 + 1e4 * r})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("tracks", [1, 3, 6])
def test_caseload_small_multiples_print_readably(tracks):
    fig = figures.caseload_figure(monthly(tracks), monthly(tracks))
    assert printed_points(fig.svg) >= MIN_POINTS


@pytest.mark.parametrize("municipalities", [1, 4, 8])
def test_budget_small_multiples_print_readably(municipalities):
    fig = figures.budget_figure(yearly(municipalities), yearly(municipalities))
    assert printed_points(fig.svg) >= MIN_POINTS


def test_single_figures_print_readably():
    assert printed_points(figures.result_figure(yearly(4), yearly(4)).svg) >= MIN_POINTS


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_model_diagram_keeps_its_text_inside_its_boxes(lang):
    """Each box of the overview is drawn around its own text: the diagram is redrawn with its boxes
    and texts measured by matplotlib, and every text's extent lies within some box."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    captured = {}
    original = figures._finish

    def keep(fig, *args, **kwargs):
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        boxes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, FancyBboxPatch)]
        texts = [t.get_window_extent(renderer) for t in ax.texts if "\n" in t.get_text()]   # the boxes' texts
        captured["boxes"], captured["texts"] = boxes, texts
        return original(fig, *args, **kwargs)

    figures._finish = keep
    try:
        figures.flow_figure(["Werkspoor", "Werkleerspoor", "Participatiespoor met een lange naam"],
                            [("Werkspoor", "Werkleerspoor")], ["Regulier", "Statushouders", "Jongeren (< 27)",
                                                               "Doelgroepregister", "Nog een doelgroep"], lang=lang)
    finally:
        figures._finish = original
        plt.close("all")
    inside = [any(b.x0 - 1 <= t.x0 and t.x1 <= b.x1 + 1 and b.y0 - 1 <= t.y0 and t.y1 <= b.y1 + 1
                  for b in captured["boxes"]) for t in captured["texts"]]
    assert captured["texts"] and all(inside)
