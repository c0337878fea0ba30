"""The report of a real `sporen plan` run opens in a real headless browser (Debian's chromium)
without console errors, loads nothing from outside the file, and shows every figure.

How: a copy of report.html gets a strict Content-Security-Policy (nothing may load except the
file's own data: images and inline styles; the probe script below is allowed by its hash) and
a small probe script that, once the page has loaded, records every figure's rendered size and
every error into the document title; chromium's --dump-dom prints the DOM, and the test reads
the title back. chromium's console log (--enable-logging=stderr) must hold no errors: a
CSP violation, a broken image or a script error would all show there.

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
    document.title = 'PROBE' + JSON.stringify({figures: figures, errors: errors,
                                               count: document.querySelectorAll('figure').length}) + 'PROBE';
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
    console = [line for line in log.splitlines() if "CONSOLE" in line or "Refused to" in line
               or "Failed to load" in line or "Content Security Policy" in line]
    assert console == [], "\n".join(console)
    assert probe["count"] == expected
    assert len(probe["figures"]) == expected
    for figure in probe["figures"]:
        assert figure["w"] > 100 and figure["h"] > 50, figure
        if figure["tag"] == "img":
            assert figure["complete"] and figure["natural"] > 0, figure


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
