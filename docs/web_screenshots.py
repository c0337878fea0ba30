"""Screenshots of the what-if page for docs/web.md: `python docs/web_screenshots.py`.

Starts `sporen serve` on BMWE, opens it in Debian's headless chromium (Playwright), tries a plan
(2 fte more werkgeversdienst, 180 LOC places in 2019 and 2020), runs the optimiser, and saves the
page in Dutch (docs/web-nl.png) and English (docs/web-en.png), plus the optimiser's plan loaded
into the controls (docs/web-optimiser.png).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZE = {"width": 1400, "height": 2700}


def wait_idle(page, before: int) -> None:
    page.wait_for_function(
        f"() => {{ const c = document.querySelector('#result-chart'); const s = document.querySelector('#status-line');"
        f" return c && Number(c.dataset.number) > {before} && s && s.dataset.busy === '0'; }}", timeout=600_000)


def set_value(page, selector: str, value: str) -> None:
    before = int(page.get_attribute("#result-chart", "data-number"))
    page.locator(selector).fill(value)
    page.locator(selector).press("Tab")
    wait_idle(page, before)


def main() -> int:
    from playwright.sync_api import sync_playwright

    from sporen.inputs.load import load_scenario

    scenario = load_scenario(ROOT / "inputs" / "scenarios" / "bmwe.yaml")
    roles = [r.name for r in scenario.roles]
    loc = [i.name for i in scenario.instruments].index("loc")
    process = subprocess.Popen([sys.executable, "-m", "sporen.cli", "serve", "--port", "0", "--quiet"], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = next(m.group(1) for line in process.stdout if (m := re.search(r"(http://\S+)", line)))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport=SIZE)
            page.goto(url)
            page.wait_for_selector("#result-table", timeout=600_000)
            set_value(page, f"input[id$='_fte_{roles.index('werkgeversdienst')}']", "4")
            page.locator(".accordion-button", has_text="Instrumenten").first.click()
            for year in (2019, 2020):
                set_value(page, f"input[id$='_places_{loc}_{year}']", "180")
            page.screenshot(path=str(ROOT / "docs" / "web-nl.png"))
            page.check("input[name='lang'][value='en']")
            page.wait_for_function("() => document.querySelector('h2').innerText.includes('what if')")
            time.sleep(3)
            page.screenshot(path=str(ROOT / "docs" / "web-en.png"))
            page.click("#optimise")
            page.wait_for_selector("#optimiser-answer", timeout=900_000)
            page.wait_for_function("() => document.querySelector(\"td[data-col='ref_mean']\") &&"
                                   " document.querySelector('#status-line').dataset.busy === '0'", timeout=600_000)
            time.sleep(3)
            page.screenshot(path=str(ROOT / "docs" / "web-optimiser.png"))
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    print("wrote docs/web-nl.png, docs/web-en.png, docs/web-optimiser.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
