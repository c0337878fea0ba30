"""Language of what a person reads: Dutch by default, English on request.

Two things live here, and only here:

- `text(key, lang, **values)`: a sentence from the message catalogue (`common.catalogue`, one
  entry per key with its Dutch and English wording; `{name}` placeholders are filled with
  `str.format`).
- Numbers, money, percentages, dates and word lists formatted by the reader's locale with Babel
  (CLDR data): ``€ 2.807.334`` and ``93,4%`` in Dutch, ``€2,807,334`` and ``93.4%`` in English.
  Nothing in sporen formats a number for a person by hand.

Files for machines (CSV, Parquet, manifest.json, plan.yaml) keep codes and plain numbers; only
the report, the workbooks and the command's messages go through this module. Every function
takes `lang` as a plain parameter ("nl" or "en"), so the web page can switch per request.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from sporen.common.catalogue import MESSAGES

Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "en": "English"}
"""Each language by its own name (the page's switch)."""
DEFAULT_LANG: Lang = "nl"
LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB"}
"""Babel locale per language: Dutch as in the Netherlands; British English (day-month dates, € for euros)."""
CURRENCY = "EUR"


def check_lang(lang: str | None, default: Lang = DEFAULT_LANG) -> Lang:
    """`lang` as a known language ('nl' or 'en', case-insensitive); `default` for None; ValueError otherwise."""
    if lang is None:
        return default
    value = str(lang).strip().lower()
    if value not in LANGUAGES:
        raise ValueError(f"'{lang}' is not a language: nl or en")
    return value


def text(key: str, lang: str, /, **values: Any) -> str:
    """The catalogue's sentence `key` in `lang`, with `{placeholders}` filled from `values`."""
    entry = MESSAGES[key]
    template = entry[0] if lang == "nl" else entry[1]
    return template.format(**values) if values else template


def text_n(key: str, n: int, lang: str, /, **values: Any) -> str:
    """`text` for a sentence about `n` things (municipalities): the key's singular wording (`key.one`)
    when n is 1 and the catalogue has one ('sluit Nijkerk af', not 'sluiten Nijkerk samen af')."""
    return text(f"{key}.one" if n == 1 and has_text(f"{key}.one") else key, lang, **values)


_DISPLAY: list[str] = [DEFAULT_LANG]


def display_language() -> str:
    """The language of what a command shows while it works (progress bars): Dutch unless a job runs
    `with use_language(lang)` (the engine and the optimiser have no `lang` of their own)."""
    return _DISPLAY[-1]


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Show progress in `lang` while the block runs (a job with `--lang en`)."""
    _DISPLAY.append(check_lang(lang))
    try:
        yield
    finally:
        _DISPLAY.pop()


_STAGE_PATTERNS = ((re.compile(r"explain: without (.+)"), "stage.explain_without"),
                   (re.compile(r"trade-off p=(.+)"), "stage.tradeoff"))


def stage_text(stage: str, lang: str) -> str:
    """An optimiser's stage ('search: candidates in cost order', 'trade-off p=0.8: ...') in words of
    `lang`, part by part; a part the catalogue does not know is shown as it is."""
    words = []
    rest = str(stage)
    for pattern, key in _STAGE_PATTERNS:
        found = pattern.match(rest)
        if found is not None:
            head, _, rest = found.group(1).partition(": ")
            value = text("stage.a_target_year", lang) if head == "a target year" else head
            if key == "stage.tradeoff":
                value = number(float(head), lang, 2).rstrip("0").rstrip(",.") if re.fullmatch(r"[\d.]+", head) else head
            words.append(text(key, lang, value=value))
            break
    for part in (p for p in rest.split(": ") if p):
        key = "stage." + part
        words.append(text(key, lang) if has_text(key) else part)
    return ": ".join(words)


def has_text(key: str) -> bool:
    return key in MESSAGES


# ------------------------------------------------------------------------------------------- numbers
def as_number(value: object) -> float | None:
    """`value` as a float; None when it is missing: None, NaN or no number at all."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # any value: what float() refuses counts as missing
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


@cache
def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@cache
def _whole_currency_pattern(lang: str) -> str:
    """The locale's currency pattern without the cents: '¤ #,##0;¤ -#,##0' (nl), '¤#,##0' (en)."""
    return locale(lang).currency_formats["standard"].pattern.replace(".00", "")


def money(value: float | None, lang: str) -> str:
    """Whole euros: '€ 2.807.334' (nl), '€2,807,334' (en); '' when missing."""
    x = as_number(value)
    if x is None:
        return ""
    amount = round(x)
    return format_currency(amount, CURRENCY, format=_whole_currency_pattern(lang), currency_digits=False,
                           locale=LOCALES[lang])


def money_signed(value: float | None, lang: str) -> str:
    """Whole euros with a sign also for gains: '+€ 40.000' / '€ -40.000' (a difference)."""
    x = as_number(value)
    if x is None:
        return ""
    shown = money(x, lang)
    return "+" + shown if round(x) > 0 else shown


def money_words(value: float | None, lang: str) -> str:
    """Euros for prose, always positive (the sentence says deficit or surplus): '€ 1,9 miljoen',
    '€ 255.000', '€ 900' (nl); '€1.9 million', '€255,000' (en)."""
    x = as_number(value)
    if x is None:
        return text("unknown", lang)
    amount = abs(x)
    if amount >= 1e6:
        words = format_compact_decimal(amount, format_type="long", fraction_digits=1, locale=LOCALES[lang])
        symbol_pattern = _whole_currency_pattern(lang).split(";")[0]
        return symbol_pattern.replace("#,##0", words).replace("¤", locale(lang).currency_symbols.get(CURRENCY, "€"))
    if amount >= 10_000:
        return money(round(amount, -3), lang)
    return money(amount, lang)


def money_axis(value: float, lang: str) -> str:
    """Euros on a chart's axis: '€ -1,2 mln', '€ 350k', '€ 0' (nl); '-€1.2M', '€350k' (en): the sign
    where the locale puts it, after the euro sign in Dutch and before it in English."""
    sign, amount = ("-" if value < 0 else ""), abs(value)
    inner, outer = (sign, "") if lang == "nl" else ("", sign)
    if amount >= 1e6:
        return outer + text("axis.millions", lang, value=inner + number(amount / 1e6, lang, 1))
    if amount >= 1e3:
        return outer + text("axis.thousands", lang, value=inner + number(amount / 1e3, lang))
    return outer + text("axis.euros", lang, value=inner + number(amount, lang))


def number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number with the locale's grouping and decimal mark, exactly `digits` decimals."""
    x = as_number(value)
    if x is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(x, format=pattern, locale=LOCALES[lang])


def decimal(value: float | None, lang: str) -> str:
    """A number as written in a source: whole numbers grouped ('2.253.777'), fractions with up to six
    significant digits ('0,881633', '1,5'); '' when missing."""
    x = as_number(value)
    if x is None:
        return ""
    if abs(x) >= 10_000 or float(x).is_integer():
        return format_decimal(round(x), format="#,##0", locale=LOCALES[lang])
    digits = max(0, 6 - len(str(int(abs(x)))) if abs(x) >= 1 else 6 + _leading_zeros(abs(x)))
    return format_decimal(x, format="#,##0." + "#" * min(digits, 12), locale=LOCALES[lang])


def _leading_zeros(x: float) -> int:
    """Zeros after the decimal mark before the first significant digit of 0 < x < 1 (0.0012 -> 2)."""
    count = 0
    while 0 < x < 0.1 and count < 12:
        x *= 10
        count += 1
    return count


def number_signed(value: float | None, lang: str, digits: int = 0) -> str:
    x = as_number(value)
    if x is None:
        return ""
    shown = number(x, lang, digits)
    return "+" + shown if x > 0 and shown.strip("0,.") else shown


def short_number(value: float | None, lang: str) -> str:
    """A measured quantity (clients, months): one decimal below 1,000, whole above."""
    x = as_number(value)
    if x is None:
        return ""
    return number(x, lang, 1 if abs(x) < 1000 else 0)


def fte(value: float | None, lang: str) -> str:
    """Full-time equivalents as a planner writes them: '1,5', '4,9', '0,67' (at most two decimals)."""
    x = as_number(value)
    if x is None:
        return ""
    return format_decimal(round(x, 2), format="#,##0.##", locale=LOCALES[lang])


def percent(value: float | None, lang: str, digits: int = 0) -> str:
    """A share as a percentage: '93%', '93,4%' (nl) / '93.4%' (en)."""
    x = as_number(value)
    if x is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(x, format=pattern, locale=LOCALES[lang])


def points(value: float | None, lang: str, digits: int = 1) -> str:
    """A difference of shares in percentage points, signed: '+1,5 procentpunt' / '+1.5 pp'."""
    x = as_number(value)
    if x is None:
        return ""
    return text("unit.points", lang, value=number_signed(x * 100, lang, digits))


def quantity(value: float, noun: str, lang: str) -> str:
    """A count with its noun in the right number: '1 maand', '5 maanden', '1,5 maanden' (nl); '1 month',
    '5 months' (en). `noun` is a catalogue noun: month, year."""
    x = float(value)
    shown = number(x, lang, 0 if x.is_integer() else 1)
    return text(f"noun.{noun}" + (".one" if x == 1 else ""), lang, value=shown)


def date_text(value: _dt.date, lang: str) -> str:
    """A date in words: '30 november 2025' (nl), '30 November 2025' (en)."""
    return format_date(value, format="long", locale=LOCALES[lang])


def month_text(year_month: str, lang: str) -> str:
    """'2018-06' as 'juni 2018' (nl) / 'June 2018' (en)."""
    year, month = (int(part) for part in str(year_month).split("-")[:2])
    return format_date(_dt.date(year, month, 1), format="MMMM y", locale=LOCALES[lang])


def words(items: Iterable[str], lang: str) -> str:
    """A list in a sentence: 'a, b en c' (nl), 'a, b and c' (en)."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, locale=LOCALES[lang])


def years_text(chosen: Iterable[int], all_years: Iterable[int], lang: str) -> str:
    """'elk jaar' when every year of a multi-year horizon is chosen, else '2018, 2019 en 2021'."""
    chosen, all_years = list(chosen), list(all_years)
    if chosen == all_years and len(all_years) > 1:
        return text("every_year", lang)
    return words([str(y) for y in chosen], lang)
