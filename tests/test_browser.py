"""The report of a real `sporen plan` run opens in a real headless browser (Debian's chromium)
without console errors, loads nothing from outside the file, shows every figure, needs no
horizontal scroll at 1,280 px, and prints on A4 with every table's last column on the page.

How: a copy of report.html gets a strict Content-Security-Policy (nothing may load except the
file's own data: images and inline styles; the probe script below is allowed by its hash) and
a small probe script that, once the page has loaded, records every figure's rendered size and
every error into the document title; chromium's --dump-dom prints the DOM, and the test reads
the title back. chromium's console log (--enable-logging=stderr) must hold no errors: a
CSP violation, a broken image or a script error would all show there.

Printing: chromium prints the report to PDF (--print-to-pdf, A4 from the report's @page rules).
A second probe listens for the print media query; when chromium lays the page out for print it
measures every table (its right edge and its last header cell against the page's content width:
A4 portrait, or landscape for the appendix, less the margins; and against its own scroll box, so
a clipped table with a dead scrollbar fails too) and writes the result into the document title,
which chromium stores as the PDF's /Title. The page count is read from the PDF, with and without
the appendix. SPOREN_PRINT_BMWE=1 also prints the bundled BMWE report (a longer run).

Without chromium the test is skipped with the reason shown, except on CI (CI=true), where a
missing browser is a failure: .ci/run installs it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sporen.cli import main

pytestmark = pytest.mark.browser

TINY = Path(__file__).parent / "data" / "tiny.yaml"
VARIANT = Path(__file__).parent / "data" / "tiny-more-caseworkers.yaml"
CHROMIUM = "/usr/bin/chromium"

PROBE = """
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message || e.type)); }, true);
  document.addEventListener('securitypolicyviolation', function (e) { errors.push('csp ' + e.blockedURI); });
  window.addEventListener('load', function () {
    var figures = [];
    document.querySelectorAll('figure img, figure svg').forEach(function (el) {
      var r = el.getBoundingClientRect();
      figures.push({tag: el.tagName.toLowerCase(), w: r.width, h: r.height,
                    natural: el.naturalWidth === undefined ? -1 : el.naturalWidth,
                    complete: el.complete === undefined ? true : el.complete});
    });
    var scrolls = [];
    document.querySelectorAll('.scroll').forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) { scrolls.push(el.scrollWidth - el.clientWidth); }
    });
    document.title = 'PROBE' + JSON.stringify({figures: figures, errors: errors,
                                               count: document.querySelectorAll('figure').length,
                                               page: document.documentElement.scrollWidth,
                                               view: window.innerWidth, scrolls: scrolls}) + 'PROBE';
  });
})();
"""


def _browser() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    reason = f"no headless browser: {CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " -- on CI the browser test must run")
    pytest.skip(reason)


def _instrument(html: str) -> str:
    digest = base64.b64encode(hashlib.sha256(PROBE.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
           "font-src 'none'; connect-src 'none'")
    head = f'<meta http-equiv="Content-Security-Policy" content="{csp}"><script>{PROBE}</script>'
    assert "<head>" in html
    return html.replace("<head>", "<head>" + head, 1)


def _open(browser: str, page: Path, profile: Path) -> tuple[dict, str]:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r"<title>PROBE(.*?)PROBE</title>", done.stdout, re.S)
    assert match, f"the probe did not run (exit {done.returncode}): {done.stderr[-3000:]}"
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&")), done.stderr


def test_plan_report_in_a_real_browser(tmp_path):
    browser = _browser()
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["plan", str(TINY), "--variant", str(VARIANT), "-n", "2", "--verify", "2",
                                       "--max-futures", "8", "--tradeoff", "0.8", "-j", "1", "--quiet",
                                       "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    expected = html.count("<figure")
    # summary result, budget, caseload, trade-off, variant comparison, survival, model overview
    assert expected >= 7
    page = tmp_path / "probe.html"
    page.write_text(_instrument(html), encoding="utf-8")

    probe, log = _open(browser, page, tmp_path / "profile")

    assert probe["errors"] == []
    # at 1,280 px nothing needs a horizontal scroll: not the page, not a table's box
    assert probe["page"] <= probe["view"] and probe["scrolls"] == [], probe
    console = [line for line in log.splitlines() if "CONSOLE" in line or "Refused to" in line
               or "Failed to load" in line or "Content Security Policy" in line]
    assert console == [], "\n".join(console)
    assert probe["count"] == expected
    assert len(probe["figures"]) == expected
    for figure in probe["figures"]:
        assert figure["w"] > 100 and figure["h"] > 50, figure
        if figure["tag"] == "img":
            assert figure["complete"] and figure["natural"] > 0, figure


PRINT_PROBE = """
(function () {
  function measure() {
    var tables = [];
    document.querySelectorAll('table').forEach(function (t, i) {
      var r = t.getBoundingClientRect();
      var box = t.closest('.scroll') || t.parentElement;
      var b = box.getBoundingClientRect();
      var ths = t.querySelectorAll('thead th');
      var last = ths.length ? ths[ths.length - 1].getBoundingClientRect().right : r.right;
      var section = t.closest('section');
      var shown = getComputedStyle(t).display !== 'none' && r.width > 0;
      tables.push({i: i, s: section ? section.id : '', right: r.right, last: last, box: b.right,
                   sw: box.scrollWidth, cw: box.clientWidth, shown: shown});
    });
    var summary = document.getElementById('summary');
    return {width: document.documentElement.clientWidth, tables: tables,
            summary: summary ? summary.getBoundingClientRect().height : 0};
  }
  window.matchMedia('print').addEventListener('change', function (e) {
    if (e.matches) { document.title = 'PROBE' + JSON.stringify(measure()) + 'PROBE'; }
  });
})();
"""
MM = 96 / 25.4
PORTRAIT = (210 - 2 * 12) * MM        # the report's @page: A4 portrait, 12 mm left and right margins
PAGE_HEIGHT = (297 - 2 * 14) * MM     # ... and 14 mm top and bottom
LANDSCAPE = (297 - 2 * 12) * MM       # @page appendix: A4 landscape, 12 mm margins
MAX_PAGES = 20


def print_report(browser: str, html: str, folder: Path, name: str) -> tuple[int, dict]:
    """Print `html` to PDF with chromium; (page count, the print-layout probe's measurements)."""
    page = folder / f"{name}.html"
    page.write_text(html.replace("<head>", f"<head><script>{PRINT_PROBE}</script>", 1), encoding="utf-8")
    pdf = folder / f"{name}.pdf"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={folder / 'print-profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
         page.as_uri()], capture_output=True, text=True, timeout=180, check=False)
    assert pdf.exists(), done.stderr[-3000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    title = re.search(rb"/Title\s*\((PROBE.*?PROBE)\)", data, re.S)
    assert title, "the print probe did not run"
    text = title.group(1).decode("latin-1").replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\")
    return pages, json.loads(text[len("PROBE"):-len("PROBE")])


def without_appendix(html: str) -> str:
    cut = re.sub(r'<section id="appendix">.*?</section>', "", html, flags=re.S)
    assert cut != html, "the report has no appendix section"
    return cut


def assert_every_column_on_the_page(probe: dict) -> None:
    """Every shown table ends, with its last header cell, within its page's content width and within
    its own box (no clipped overflow)."""
    assert probe["width"] <= PORTRAIT + 1, probe["width"]   # no page wider than A4 (chromium would shrink it)
    checked = 0
    for table in probe["tables"]:
        if not table["shown"]:
            continue
        limit = LANDSCAPE if table["s"] == "appendix" else PORTRAIT
        assert table["right"] <= limit + 1.5, table
        assert table["last"] <= limit + 1.5, table
        assert table["last"] <= table["box"] + 1.5 and table["sw"] <= table["cw"] + 1, table
        checked += 1
    assert checked >= 5
    assert 0 < probe["summary"] <= PAGE_HEIGHT, probe["summary"]   # the summary is one page


def test_report_prints_on_a4_with_every_column(tmp_path, tiny_plans):
    browser = _browser()
    counts = {}
    for lang in ("nl", "en"):
        out, result = tiny_plans[lang]
        assert result.exit_code in (0, 1), result.output
        html = (out / "report.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html
        pages, probe = print_report(browser, html, tmp_path, f"report-{lang}")
        assert_every_column_on_the_page(probe)
        short, probe = print_report(browser, without_appendix(html), tmp_path, f"short-{lang}")
        assert_every_column_on_the_page(probe)
        assert short < MAX_PAGES and short <= pages
        counts[lang] = (short, pages)
    print(f"printed pages (without appendix, with): {counts}")


@pytest.mark.skipif(os.environ.get("SPOREN_PRINT_BMWE") != "1", reason="set SPOREN_PRINT_BMWE=1 (about a minute)")
def test_bundled_bmwe_report_prints_on_a4(tmp_path):
    browser = _browser()
    counts = {}
    for lang in ("nl", "en"):
        out = tmp_path / f"bmwe-{lang}"
        result = CliRunner().invoke(main, ["plan", "-n", "4", "--verify", "8", "--quiet", "--lang", lang,
                                           "--out", str(out)])
        assert result.exit_code in (0, 1), result.output
        html = (out / "report.html").read_text(encoding="utf-8")
        pages, probe = print_report(browser, html, tmp_path, f"bmwe-{lang}")
        assert_every_column_on_the_page(probe)
        short, probe = print_report(browser, without_appendix(html), tmp_path, f"bmwe-short-{lang}")
        assert_every_column_on_the_page(probe)
        assert short < MAX_PAGES
        counts[lang] = (short, pages)
    print(f"BMWE printed pages (without appendix, with): {counts}")


def test_print_check_catches_a_clipped_table(tmp_path):
    """The check itself works: a table wider than the page in a scroll box is caught."""
    browser = _browser()
    cells = "".join(f"<td>column-{i}-with-long-unbreakable-text</td>" for i in range(12))
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title><style>@page { size: A4; '
            'margin: 12mm; } .scroll { overflow-x: auto; } td { white-space: nowrap; }</style></head><body>'
            f'<section id="s"><div class="scroll"><table><thead><tr>{"<th>h</th>" * 12}</tr></thead><tbody><tr>'
            f"{cells}</tr></tbody></table></div></section></body></html>")
    _, probe = print_report(browser, html, tmp_path, "clipped")
    with pytest.raises(AssertionError):
        assert_every_column_on_the_page(probe)


def test_probe_catches_a_broken_report(tmp_path):
    """The check itself works: an external image and a broken figure are caught."""
    browser = _browser()
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>'
            '<figure><img src="data:image/png;base64,AAAA" alt="broken"></figure>'
            '<figure><img src="https://example.invalid/x.png" alt="external"></figure></body></html>')
    page = tmp_path / "broken.html"
    page.write_text(_instrument(html), encoding="utf-8")
    probe, log = _open(browser, page, tmp_path / "profile")
    assert probe["count"] == 2
    assert any(f["natural"] == 0 for f in probe["figures"])
    assert any(e.startswith("csp https://example.invalid") for e in probe["errors"])
    assert any("CONSOLE" in line and "example.invalid" in line for line in log.splitlines())
