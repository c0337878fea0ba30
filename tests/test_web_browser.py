"""The what-if page in a real browser: Debian's chromium driven by Playwright (never a downloaded
browser), against `sporen serve` started on a free port.

* a control change moves the deficit and the probability exactly as a direct `sporen simulate
  --plan` of the downloaded plan.yaml on the same futures says;
* a second browser session keeps its own controls and numbers;
* a broken upload shows its errors, and the page keeps working;
* the language switch keeps the controls; the optimiser button shows progress, its verdict and
  loads its plan into the controls;
* a failing simulation shows a message, not a stack trace;
* with a token, the address `sporen serve` prints lets the browser in and nothing else does.

Without chromium or Playwright the tests are skipped with the reason shown, except on CI
(CI=true), where that is a failure: .ci/run installs chromium, and playwright is a dev dependency.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sporen.cli import main

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FUTURES, SEED = 8, 1
TOKEN = "browser-test-token-0123"
WAIT_MS = 60_000


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " -- on CI the browser test must run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"no headless browser: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _start(args: list[str], token: str | None = None) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "SPOREN_TOKEN": token} if token else None   # never on the command line (`ps`)
    process = subprocess.Popen([sys.executable, "-m", "sporen.cli", "serve", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"(http://\S+)", line)
        if found:
            return process, found.group(1)
    process.kill()
    raise AssertionError(f"sporen serve did not start: {process.stderr.read() if process.stderr else ''}")


@pytest.fixture(scope="module")
def server():
    process, url = _start([str(TINY), "--port", "0", "--futures", str(FUTURES), "--seed", str(SEED), "--workers", "1",
                           "--optimise-replications", "4", "--optimise-max-futures", "16", "--quiet"], token=TOKEN)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#result-table", timeout=WAIT_MS)
    return page


@contextlib.contextmanager
def page_in_process(scenario_file: Path = TINY):
    """The page served from this process (so a test can replace what it simulates): its address."""
    import uvicorn

    from sporen.inputs.load import load_scenario
    from sporen.web import app as web_app
    from sporen.web.security import Guard
    from sporen.web.server import bind

    settings = web_app.Settings(start_name=scenario_file.stem, start_scenario=load_scenario(scenario_file), futures=4,
                                seed=SEED, workers=1)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(Guard(web_app.build_app(settings)), log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def number_of(page) -> int:
    return int(page.get_attribute("#result-chart", "data-number"))


def set_control(page, selector: str, value: str) -> None:
    """Type a value as a user does and wait until the chart shows the new simulation."""
    before = number_of(page)
    field = page.locator(selector)
    field.fill(value)
    field.press("Tab")
    page.wait_for_function(
        f"() => {{ const c = document.querySelector('#result-chart'); const s = document.querySelector('#status-line');"
        f" return c && Number(c.dataset.number) > {before} && s && s.dataset.busy === '0'; }}", timeout=WAIT_MS)


def shown_years(page) -> pd.DataFrame:
    """The result table's exact values (data-value), per year."""
    rows = page.eval_on_selector_all(
        "#result-table tbody tr:not(.total)",
        "rows => rows.map(r => Object.fromEntries([...r.querySelectorAll('td')].map(td => [td.dataset.col,"
        " td.dataset.value])))")
    frame = pd.DataFrame(rows)
    return frame.assign(year=frame["year"].astype(int), mean=frame["mean"].astype(float),
                        base_mean=frame["base_mean"].astype(float)).set_index("year")


def shown_chance(page) -> tuple[int, int]:
    return int(page.get_attribute("#chance", "data-met")), int(page.get_attribute("#chance", "data-n"))


def simulate(tmp_path: Path, plan: Path | None) -> pd.DataFrame:
    out = tmp_path / ("plan-run" if plan else "base-run")
    args = ["simulate", str(TINY), "-n", str(FUTURES), "--seed", str(SEED), "-j", "1", "--quiet", "--out", str(out)]
    result = CliRunner().invoke(main, args + (["--plan", str(plan)] if plan else []))
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "yearly.csv")


def test_a_control_change_moves_the_numbers_as_sporen_simulate_says(browser, server, tmp_path):
    from sporen.inputs.load import load_scenario
    from sporen.jobs.whatif.evaluate import default_target, target_met

    page = open_page(browser, server)
    before_years, before_chance = shown_years(page), shown_chance(page)
    set_control(page, "input[id$='_fte_5']", "2.5")          # werkgeversdienst 0.5 -> 2.5 fte
    page.locator("button[data-value='instruments'], .accordion-button:has-text('Instrumenten')").first.click()
    set_control(page, "input[id$='_places_0_2019']", "28")   # leerwerk: 28 places in 2019
    years, chance = shown_years(page), shown_chance(page)

    with page.expect_download() as download:
        page.click("#download_plan")
    plan = tmp_path / "plan.yaml"
    download.value.save_as(plan)
    text = plan.read_text(encoding="utf-8")
    assert "werkgeversdienst" in text and "leerwerk" in text

    planned, base = simulate(tmp_path, plan), simulate(tmp_path, None)
    per_year = planned.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
    base_year = base.groupby(["replication", "year"])["result_after_vangnet"].sum().groupby("year").mean()
    target = default_target(load_scenario(TINY))
    # the page's numbers are the command's numbers: with the plan, without it, and so their difference
    assert np.allclose(years["mean"].to_numpy(), per_year.to_numpy(), atol=0.01)
    assert np.allclose(before_years["mean"].to_numpy(), base_year.to_numpy(), atol=0.01)
    assert np.allclose(years["base_mean"].to_numpy(), base_year.to_numpy(), atol=0.01)
    assert chance == (int(target_met(planned, target).sum()), FUTURES)
    assert before_chance == (int(target_met(base, target).sum()), FUTURES)
    assert not np.allclose(years["mean"].to_numpy(), before_years["mean"].to_numpy())   # the deficit moved
    page.context.close()


def test_a_second_session_is_not_affected(browser, server):
    first, second = open_page(browser, server), open_page(browser, server)
    second_before = shown_years(second)
    second_number = number_of(second)
    set_control(first, "input[id$='_fte_0']", "3")
    first_years = shown_years(first)
    assert not np.allclose(first_years["mean"], second_before["mean"])
    time.sleep(1.0)   # anything that leaked would have arrived by now
    assert float(second.input_value("input[id$='_fte_0']")) == 1.0
    assert number_of(second) == second_number
    pd.testing.assert_frame_equal(shown_years(second), second_before)
    set_control(second, "input[id$='_fte_1']", "2")
    assert float(first.input_value("input[id$='_fte_1']")) == 1.0
    assert float(first.input_value("input[id$='_fte_0']")) == 3.0
    pd.testing.assert_frame_equal(shown_years(first), first_years)
    first.context.close()
    second.context.close()


def test_a_broken_upload_shows_its_errors(browser, server, tmp_path):
    page = open_page(browser, server)
    before = shown_years(page)
    page.set_input_files("#scenario_file", str(DATA / "bad" / "negative.yaml"))
    box = page.wait_for_selector("#upload-problems", timeout=WAIT_MS)
    text = box.inner_text()
    assert "negative.yaml: " in text and "out of range" in text
    assert "Traceback" not in page.content()
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("name: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    page.set_input_files("#scenario_file", str(tagged))
    page.wait_for_function("() => document.querySelector('#upload-problems')"
                           " && document.querySelector('#upload-problems').innerText.includes('tagged.yaml')",
                           timeout=WAIT_MS)
    assert "YAML-tag" in page.inner_text("#upload-problems")   # the page is Dutch by default
    bad_plan = tmp_path / "plan.yaml"
    bad_plan.write_text("staff: {km_werk: {fte: 1.3}}\n", encoding="utf-8")
    page.set_input_files("#plan_file", str(bad_plan))
    page.wait_for_function("() => document.querySelector('#upload-problems')"
                           " && document.querySelector('#upload-problems').innerText.includes('staff.km_werk.fte')",
                           timeout=WAIT_MS)
    pd.testing.assert_frame_equal(shown_years(page), before)   # the scenario and its numbers stay
    # a good upload replaces the scenario and clears the errors
    page.set_input_files("#scenario_file", str(TINY))
    page.wait_for_selector("#upload-ok", state="attached", timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('#status-line')"
                           " && document.querySelector('#status-line').dataset.busy === '0'"
                           " && document.querySelector('#result-table')", timeout=WAIT_MS)
    page.context.close()


def test_language_switch_and_the_optimiser_button(browser, server):
    page = open_page(browser, server)
    set_control(page, "input[id$='_fte_2']", "1.5")
    assert "wat als" in page.inner_text("h2")
    page.check("input[name='lang'][value='en']")
    page.wait_for_function("() => document.querySelector('h2').innerText.includes('what if')", timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector(\"input[id$='_fte_2']\") &&"
                           " Number(document.querySelector(\"input[id$='_fte_2']\").value) === 1.5", timeout=WAIT_MS)
    assert "Run the optimiser" in page.inner_text("#optimise")
    page.click("#optimise")
    page.wait_for_selector("#optimiser-progress", state="attached", timeout=WAIT_MS)
    answer = page.wait_for_selector("#optimiser-answer", timeout=120_000)
    assert answer.get_attribute("data-verdict") in ("meets", "on_the_edge", "does_not_meet")
    words = answer.inner_text()
    assert re.search(r"(meets the target|on the edge of the target|does not meet the target)", words, re.I)
    assert "Loaded into the controls" in words
    # the optimiser's plan is now in the controls: the page shows it and compares with it (difference 0)
    same = """() => {
        const rows = [...document.querySelectorAll('#result-table tbody tr')];
        const cell = (r, c) => r.querySelector(`td[data-col='${c}']`);
        return document.querySelector('#status-line').dataset.busy === '0' && rows.length > 0
            && rows.every(r => cell(r, 'ref_mean')
                          && cell(r, 'mean').dataset.value === cell(r, 'ref_mean').dataset.value);
    }"""
    page.wait_for_function(same, timeout=WAIT_MS)
    page.context.close()


def test_a_failing_simulation_shows_a_message_not_a_stack_trace(browser, monkeypatch):
    from sporen.web import session

    real = session.what_if

    def fragile(futures, plan, target, **kwargs):
        if plan.staff:
            raise ZeroDivisionError("deep inside the engine: secret detail")
        return real(futures, plan, target, **kwargs)

    monkeypatch.setattr(session, "what_if", fragile)
    with page_in_process() as url:
        page = open_page(browser, url)
        before = shown_years(page)
        page.locator("input[id$='_fte_0']").fill("2")
        page.locator("input[id$='_fte_0']").press("Tab")
        message = page.wait_for_selector("#simulation-failed", timeout=WAIT_MS)
        assert "ZeroDivisionError" in message.inner_text()
        content = page.content()
        assert "Traceback" not in content and "secret detail" not in content
        pd.testing.assert_frame_equal(shown_years(page), before)   # the last good result stays
        page.context.close()


def test_with_the_token_the_browser_gets_in_and_others_do_not(browser, server):
    assert server.endswith(f"/?token={TOKEN}")
    page = open_page(browser, server)       # the token becomes a cookie; the websocket and the numbers follow
    assert "token" not in page.url
    assert shown_chance(page)[1] == FUTURES
    page.context.close()
    stranger = browser.new_context().new_page()
    response = stranger.goto(server.split("?")[0])
    assert response is not None and response.status == 401
    assert "access token" in stranger.inner_text("body")
    stranger.context.close()


def test_dutch_typing_labels_and_dimming_while_recomputing(browser, monkeypatch):
    """In a Dutch-locale browser '1,5' is 1.5 (a number field once made it 15); the controls and tables
    show display names and the target as a percentage, as the report does; while a new plan is being
    simulated the old numbers are dimmed, not shown as if they were the new ones."""
    from sporen.web import session

    real = session.what_if
    slow = threading.Event()

    def waiting(futures, plan, target, **kwargs):
        if slow.is_set():
            time.sleep(3.0)
        return real(futures, plan, target, **kwargs)

    monkeypatch.setattr(session, "what_if", waiting)
    with page_in_process() as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#result-table", timeout=WAIT_MS)
        sidebar = page.inner_text(".sidebar, aside")
        assert "Klantmanager werk" in sidebar and not re.search(r"\bkm_werk\b", sidebar)   # labels, not codes
        assert page.input_value("input[id$='_probability']") == "90%"
        assert "Klantmanager werk" in page.inner_text("#formation-table")
        slow.set()
        before = number_of(page)
        field = page.locator("input[id$='_fte_0']")
        field.fill("1,5")
        field.press("Tab")
        page.wait_for_function("() => document.querySelector('#status-line').dataset.busy === '1'", timeout=WAIT_MS)
        # dimmed (after the style's short fade) while still busy: the old numbers are not the controls' numbers
        page.wait_for_function("() => Number(getComputedStyle(document.querySelector('.results')).opacity) < 0.5"
                               " && document.querySelector('#status-line').dataset.busy === '1'", timeout=2_000)
        page.wait_for_function(
            f"() => Number(document.querySelector('#result-chart').dataset.number) > {before}"
            " && document.querySelector('#status-line').dataset.busy === '0'", timeout=WAIT_MS)
        planned = page.get_attribute("#formation-table td[data-col='fte_planned']", "data-value")
        assert float(planned) == 1.5
        page.wait_for_function("() => Number(getComputedStyle(document.querySelector('.results')).opacity) === 1",
                               timeout=2_000)
        context.close()
