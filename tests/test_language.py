"""The language switch on every output a person reads, and files a user gets with the usual permissions.

Dutch is the default; --lang en (or a scenario's `language: en`) switches the report, the results
workbook, the scenario workbook and the commands' printed summaries. The message catalogue has
both wordings of every sentence with the same placeholders.
"""

from __future__ import annotations

import html
import os
import re
import string
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from sporen.cli import main
from sporen.common import i18n
from sporen.common.catalogue import MESSAGES

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
MORE = DATA / "tiny-more-caseworkers.yaml"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogue_has_both_languages_with_the_same_placeholders():
    """The one catalogue: Babel's gettext files, one per language, with the same keys (msgids) and,
    per key, the same {placeholders} in both wordings."""
    from sporen.common.catalogue import po_path, read_catalogue

    assert po_path("nl").suffix == ".po" and po_path("en").suffix == ".po"
    dutch, english = read_catalogue("nl"), read_catalogue("en")
    assert list(dutch) == list(english) == list(MESSAGES)
    assert len(MESSAGES) > 300
    for key, entry in MESSAGES.items():
        assert isinstance(entry, tuple) and len(entry) == 2 and all(entry), key
        assert _fields(entry[0]) == _fields(entry[1]), key


def test_locale_formats_come_from_babel():
    assert i18n.money(2_807_334, "nl").replace("\u00a0", " ") == "€ 2.807.334"
    assert i18n.money(2_807_334, "en") == "€2,807,334"
    assert i18n.percent(0.934, "nl", 1) == "93,4%" and i18n.percent(0.934, "en", 1) == "93.4%"
    assert i18n.fte(1.5, "nl") == "1,5" and i18n.fte(4.9, "en") == "4.9"
    assert i18n.month_text("2018-06", "nl") == "juni 2018" and i18n.month_text("2018-06", "en") == "June 2018"
    assert i18n.words(["a", "b", "c"], "nl") == "a, b en c" and i18n.words(["a", "b", "c"], "en") == "a, b and c"
    with pytest.raises(ValueError, match="nl or en"):
        i18n.check_lang("de")


@pytest.fixture(scope="module")
def plans(tiny_plans):
    """`sporen plan` on tiny.yaml in Dutch (the default) and in English (conftest.tiny_plans)."""
    for _, result in tiny_plans.values():
        assert result.exit_code in (0, 1), result.output
    return tiny_plans


def test_plan_outputs_switch_language(plans):
    (nl, nl_result), (en, en_result) = plans["nl"], plans["en"]
    assert nl_result.stdout.startswith("plan voor tiny: ") and "rapport: " in nl_result.stdout
    assert en_result.stdout.startswith("plan for tiny: ") and "report: " in en_result.stdout
    assert "extra kosten over de periode: €" in nl_result.stdout
    assert "extra cost over the horizon: €" in en_result.stdout
    assert '<html lang="nl">' in (nl / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (en / "report.html").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(nl / "results.xlsx", read_only=True).sheetnames[:2] == ["Samenvatting", "Formatie"]
    assert openpyxl.load_workbook(en / "results.xlsx", read_only=True).sheetnames[:2] == ["Summary", "Formation"]
    # files for machines keep codes and plain numbers whatever the language
    for name in ("formation.csv", "summary.csv", "plan.yaml"):
        assert (nl / name).read_bytes() == (en / name).read_bytes(), name


def test_plan_not_met_names_next_steps(plans):
    out, result = plans["nl"]
    assert result.exit_code == 1, "conftest.TINY_PLAN_ARGS were chosen so that the tiny plan does not meet its target"
    assert "wat nu:" in result.stdout and "what to do next:" in plans["en"][1].stdout
    steps = re.findall(r"^  \d+\. (.*)$", result.stdout, re.M)
    assert steps and any("--" in s or "max_" in s for s in steps)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Wat nu?" in report


def test_scenario_language_is_the_default(tmp_path):
    raw = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    raw["language"] = "en"
    scenario = tmp_path / "tiny-en.yaml"
    scenario.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["simulate", str(scenario), "-n", "2", "-j", "1", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "all municipalities, mean [95% CI]:" in result.stdout
    result = CliRunner().invoke(main, ["simulate", str(scenario), "-n", "2", "-j", "1", "--lang", "nl",
                                       "--out", str(tmp_path / "s2")])
    assert "alle gemeenten, gemiddelde [95%-interval]:" in result.stdout


def test_compare_outputs_switch_language(tmp_path):
    for lang, sheet, words in (("nl", "Vergelijking", "gepaarde toekomsten"), ("en", "Comparison", "paired futures")):
        out = tmp_path / lang
        result = CliRunner().invoke(main, ["compare", str(TINY), "--variant", str(MORE), "-n", "2", "-j", "1",
                                           "--lang", lang, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert words in result.stdout
        assert f'<html lang="{lang}">' in (out / "report.html").read_text(encoding="utf-8")
        assert openpyxl.load_workbook(out / "results.xlsx", read_only=True).sheetnames[0] == sheet


def test_convert_switches_language(tmp_path):
    for lang, first in (("nl", "uitleg"), ("en", "instructions")):
        dest = tmp_path / f"{lang}.xlsx"
        result = CliRunner().invoke(main, ["convert", str(TINY), str(dest), "--lang", lang])
        assert result.exit_code == 0, result.output
        assert openpyxl.load_workbook(dest, read_only=True).sheetnames[0] == first


def test_files_get_the_users_permissions(tmp_path):
    """Not mkstemp's private 0600: with umask 002 a colleague in the group can open and update them."""
    old = os.umask(0o002)
    try:
        out = tmp_path / "run"
        result = CliRunner().invoke(main, ["simulate", str(TINY), "-n", "2", "-j", "1", "--out", str(out)])
        assert result.exit_code == 0, result.output
        converted = tmp_path / "tiny.xlsx"
        assert CliRunner().invoke(main, ["convert", str(TINY), str(converted)]).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o775
    for path in [*out.iterdir(), converted]:
        assert path.stat().st_mode & 0o777 == 0o664, path


def test_plan_files_get_the_users_permissions(plans):
    out, _ = plans["nl"]
    mask = i18n_umask()
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


def i18n_umask() -> int:
    from sporen.common.files import current_umask

    return current_umask()


def test_progress_bar_counts_the_work_planned_not_the_budget():
    """The optimiser's progress: the total is the work planned so far (it grows as tests ask for more
    futures, never a ceiling), never below the work done, and it ends full, well below the budget."""
    from optimise_fakes import FakeSim, tiny

    from sporen.optimise.loop import OptimiseOptions, optimise

    calls: list[tuple[int, int, str]] = []
    result = optimise(tiny(), OptimiseOptions(replications=4, max_futures=16, tradeoff=(), levers=["role:km_werk",
                                                                                                   "instrument:leerwerk"],
                                              budget_sims=100_000),
                      evaluate=FakeSim({"role:km_werk": 30_000.0, "instrument:leerwerk": 2_000.0}),
                      progress=lambda done, planned, stage: calls.append((done, planned, stage)))
    assert calls
    assert all(planned >= done for done, planned, _ in calls)
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    done, planned, _ = calls[-1]
    assert done == planned == result.sims_used < result.budget_sims


# -- no English where a Dutch planner looks ------------------------------------------------------------
ENGLISH = frozenset("""
the and with without for from to are were been has have had which when where while not this that these those
every each all after before than then there their they them our your you its target targets year years month
months places now meets meet edge role roles futures future verdict rejected accepted search spent cost costs
benefit benefits mean median share probability simulated planned result results deficit surplus municipality
municipalities track tracks client clients none unknown yes no optimiser optimizer people work worker workers
instruments measures staff formation sheet sheets value values field fields total summary report workbook file
files runs step steps page pages chance reach reached out into under between above below only also more less most
least same other another new old current fresh first last next level levels lever levers budgets option options
help shown show shows check checked given gives give found find blocks blocking relaxed meaning estimate low high
stage test stream children selection reachable binding unit units count replications
""".split())
"""Words that are English and not Dutch (so 'per', 'met', 'over', 'budget', 'plan' and 'instrument' are not here)."""
ALLOWED_PHRASES = ("common random numbers", "sample average approximation", "Kaplan-Meier", "STRESS-DES", "OR-Tools",
                   "fifo")
"""English technical terms written once beside their Dutch words."""
_CODE = re.compile(r"(--[\w-]+|\S+\.(?:yaml|xlsx|csv|html|json|md|py)\b|\b\w+(?:\.\w+)+\b|\{[^}]*\}|https?://\S+"
                   r"|\b\w*_\w*\b|\b\w+:<?\w+>?)")
"""Codes a planner types or reads as codes: options, file names, dotted field paths, placeholders, snake_case,
lever keys (role:werkcoach)."""


def english_words(text_: str, codes: frozenset[str] = frozenset()) -> set[str]:
    """The English words of a Dutch text (markup, codes and the allowed terms taken out)."""
    shown = re.sub(r"<[^>]+>", " ", str(text_))
    for phrase in ALLOWED_PHRASES:
        shown = shown.replace(phrase, " ")
    shown = _CODE.sub(" ", shown)
    return {w for w in re.findall(r"[A-Za-z']+", shown) if w.lower() in ENGLISH and w not in codes}


def _schema_codes() -> frozenset[str]:
    """Field names and allowed values of the scenario schema: the codes a help text may name."""
    import typing

    from sporen.inputs import schema

    codes: set[str] = set()
    for model in vars(schema).values():
        fields = getattr(model, "model_fields", None)
        if not isinstance(fields, dict):
            continue
        for name, info in fields.items():
            codes.add(name)
            for arg in typing.get_args(info.annotation) or ():
                codes.update(str(a) for a in typing.get_args(arg) if isinstance(a, str))
            codes.update(str(a) for a in typing.get_args(info.annotation) if isinstance(a, str))
    return frozenset(codes)


def test_the_dutch_catalogue_has_no_english_words():
    """Every Dutch wording in the one catalogue; the scenario workbook's help texts and the next steps
    may name the scenario file's fields and codes (a planner types those)."""
    codes = _schema_codes() | {"roles", "tracks", "instruments", "measures", "municipalities", "segments", "history"}
    found = {}
    for key, (dutch, _) in MESSAGES.items():
        allowed = codes if key.startswith(("help.", "instructions.", "next.", "wb.")) else frozenset()
        words = english_words(dutch, allowed)
        if words:
            found[key] = sorted(words)
    assert not found, found


def _report_text(path: Path) -> str:
    """The report's text a reader sees: without styles, figures' data and the appendix's quoted sources."""
    text_ = path.read_text(encoding="utf-8")
    text_ = re.sub(r"<style.*?</style>|<img [^>]*>", " ", text_, flags=re.S)
    # the appendix quotes each parameter's source and note as the scenario's author wrote them (data)
    text_ = re.sub(r'<table class="fixed assumptions">.*?</table>', " ", text_, flags=re.S)
    text_ = re.sub(r'<table class="fixed unsourced">.*?</table>', " ", text_, flags=re.S)
    # a command line a planner can copy (its option values are codes)
    text_ = re.sub(r"<code>.*?</code>", " ", text_, flags=re.S)
    return html.unescape(text_)


def test_the_dutch_outputs_have_no_english_words(plans, tmp_path):
    """The Dutch report, results.xlsx, the command's summary and its progress on standard error."""
    out, result = plans["nl"]
    found: dict[str, set[str]] = {}
    words = english_words(_report_text(out / "report.html"))
    if words:
        found["report.html"] = words
    book = openpyxl.load_workbook(out / "results.xlsx")
    for sheet in book:
        data_columns = {c.column for c in sheet[1] if c.value in ("bron", "toelichting", "parameter")}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.column not in data_columns:
                    words = english_words(cell.value)
                    if words:
                        found.setdefault(f"results.xlsx {sheet.title}", set()).update(words)
    for name, stream in (("summary", result.stdout), ("progress", result.stderr)):
        shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", " ", stream)
        words = english_words(shown.replace("rep/s", " ").replace("it/s", " "))
        if words:
            found[name] = words
    assert not found, {k: sorted(v) for k, v in found.items()}


def test_the_dutch_page_has_no_english_words():
    """The what-if page's controls, cards and tables in Dutch (their pure views on a tiny what-if)."""
    from sporen.inputs.load import load_scenario
    from sporen.inputs.plan import Plan, StaffLevel
    from sporen.jobs.whatif.evaluate import Futures, default_target, what_if
    from sporen.web import controls, views

    scenario = load_scenario(TINY)
    futures = Futures(scenario, futures=2, seed=3, workers=1)
    plan = Plan(name="p", staff={"km_werk": StaffLevel(fte=2.0)})
    view = what_if(futures, plan, default_target(scenario))
    parts = [controls.draw(scenario, controls.controls_for(scenario, plan), 1, "nl"),
             views.header(scenario, 2, 3, "nl"), views.cards(view, "nl", 1), views.result_table(view, "nl"),
             views.formation_tables(view, scenario, "nl"), views.caseload_table(view, scenario, "nl"),
             views.optimiser_progress(0.4, "search", "nl")]
    shown = " ".join(re.sub(r'\s(id|for|class|data-[\w-]+|name|value|style|role|aria-[\w-]+)="[^"]*"', " ", str(p))
                     for p in parts)
    assert not english_words(html.unescape(shown)), sorted(english_words(html.unescape(shown)))


def test_a_branch_with_the_former_python_catalogue_merges_into_the_po_files(tmp_path, monkeypatch):
    """`python -m sporen.common.catalogue import-legacy OLD.py` adds the keys the .po files lack."""
    import shutil

    from sporen.common import catalogue

    shutil.copytree(catalogue.LOCALE_DIR, tmp_path / "locale")
    monkeypatch.setattr(catalogue, "LOCALE_DIR", tmp_path / "locale")
    legacy = tmp_path / "catalogue.py"
    legacy.write_text('MESSAGES = {"unknown": ("x", "y")}\nMESSAGES.update({"new.key": ("nieuw {n}", "new {n}")})\n',
                      encoding="utf-8")
    assert catalogue.import_legacy(legacy) == ["new.key"]
    dutch, english = catalogue.read_catalogue("nl"), catalogue.read_catalogue("en")
    assert dutch["new.key"] == "nieuw {n}" and english["new.key"] == "new {n}"
    assert dutch["unknown"] == "onbekend"   # a key the catalogue has keeps its wording


def test_what_to_do_next_names_only_options_sporen_plan_accepts():
    """'Wat nu?' once advised --cumulative, which `sporen plan` refused: every option any next step
    names is one of the plan command's options."""
    from sporen.cli import plan_command

    accepted = {name for param in plan_command.params for name in getattr(param, "opts", [])}
    named = {option for key, wordings in MESSAGES.items() if key.startswith("next.")
             for wording in wordings for option in re.findall(r"--[a-z][\w-]*", wording)}
    assert named and named <= accepted, sorted(named - accepted)
