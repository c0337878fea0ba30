"""Benchmark of the what-if page: `python bench/bench_web.py`.

Starts `sporen serve` on BMWE (inputs/scenarios/bmwe.yaml) on a free port with N futures
(default 60, the page's default) and every CPU as a worker, opens it in Debian's headless
chromium (Playwright, never a downloaded browser), waits for the first result, then makes 20
control changes as a user would (type a new fte, leave the field) and times each from the change
to the updated chart in the browser (the chart's simulation number changes and the page is no
longer busy). Every change makes a plan the page has not seen, so each one is simulated; one
change back to a plan seen before shows what the cache saves.

Prints the machine, date and load average (wall times are only comparable on an idle machine),
the futures and workers, the median, mean, min and max of the 20 changes, the server's own
simulation time (median), the time for a plan seen before, and the CPU seconds the server and its
worker processes spent per change (a guide when the machine was shared).

Options: --futures N, --changes K (default 20), --scenario FILE, --screenshots DIR (also save the
page in Dutch and English as PNG, for docs/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from machine import describe as describe_machine  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# (role, value) in the order typed: every step a plan not simulated before (BMWE's roles)
STEPS = ([("km_werkspoor", 5.0 + 0.5 * k) for k in range(9)] + [("werkgeversdienst", 2.5 + 0.5 * k) for k in range(4)]
         + [("km_werkleerspoor", 6.0 + 0.5 * k) for k in range(8)])


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0.0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def start(scenario: str, futures: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "sporen.cli", "serve", scenario, "--port", "0", "--futures",
                                str(futures), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"(http://\S+)", line)
        if found:
            return process, found.group(1)
    raise SystemExit("sporen serve did not start")


def wait_for_update(page, before: int) -> None:
    page.wait_for_function(
        f"() => {{ const c = document.querySelector('#result-chart'); const s = document.querySelector('#status-line');"
        f" return c && Number(c.dataset.number) > {before} && s && s.dataset.busy === '0'; }}", timeout=300_000)


def change(page, role_index: int, value: float) -> tuple[float, float]:
    """(seconds from the change to the updated chart, the server's simulation seconds)."""
    before = int(page.get_attribute("#result-chart", "data-number"))
    field = page.locator(f"input[id$='_fte_{role_index}']")
    field.fill(f"{value:g}")
    started = time.perf_counter()
    field.press("Tab")
    wait_for_update(page, before)
    elapsed = time.perf_counter() - started
    return elapsed, float(page.get_attribute("#status-line", "data-seconds") or "nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "inputs" / "scenarios" / "bmwe.yaml"))
    parser.add_argument("--futures", type=int, default=60)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--screenshots", default=None, metavar="DIR")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from sporen.inputs.load import load_scenario

    roles = [r.name for r in load_scenario(options.scenario).roles]
    steps = [(roles.index(name), value) for name, value in STEPS if name in roles][:options.changes]
    print(f"machine: {describe_machine()}")
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"scenario: {options.scenario}; futures per change: {options.futures}; workers: {os.cpu_count()}")
    started = time.perf_counter()
    process, url = start(options.scenario, options.futures)
    print(f"server up (baseline simulated) in {time.perf_counter() - started:.1f} s at {url}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#result-table", timeout=300_000)
            print(f"first page with numbers: {time.perf_counter() - opened:.2f} s")
            times, server = [], []
            cpu_before = tree_cpu(process.pid)
            for role_index, value in steps:
                elapsed, simulated = change(page, role_index, value)
                times.append(elapsed)
                server.append(simulated)
                print(f"  {roles[role_index]} -> {value:g} fte: {elapsed:.2f} s (server {simulated:.2f} s)")
            cpu = (tree_cpu(process.pid) - cpu_before) / len(steps)
            role_index, value = steps[-1]
            seen, _ = change(page, role_index, value - 0.5)   # back to the plan one step before: cached
            print(f"control change to updated chart, median of {len(times)}: {statistics.median(times):.2f} s "
                  f"(mean {statistics.mean(times):.2f}, min {min(times):.2f}, max {max(times):.2f}); "
                  f"server simulation median {statistics.median(server):.2f} s")
            print(f"a plan seen before (cache): {seen:.2f} s")
            cores = os.cpu_count() or 1
            print(f"CPU of the server and its workers per change: {cpu:.2f} s (on an idle machine with {cores} "
                  f"cores that is at least CPU / cores = {cpu / cores:.2f} s of wall time)")
            if options.screenshots:
                folder = Path(options.screenshots)
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / "web-nl.png"), full_page=True)
                page.check("input[name='lang'][value='en']")
                page.wait_for_function("() => document.querySelector('h2').innerText.includes('what if')")
                time.sleep(2)
                page.screenshot(path=str(folder / "web-en.png"), full_page=True)
                print(f"screenshots: {folder / 'web-nl.png'}, {folder / 'web-en.png'}")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
