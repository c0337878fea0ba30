"""The one number reader (inputs.numbers): Dutch and English notation, money, percentages, and
never a silent guess at an ambiguous '1.066'. Properties are checked against Babel's own
formatting of the same value (CLDR, not our code), so a reader bug cannot hide behind a writer bug."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.numbers import format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from sporen.common import i18n
from sporen.common.errors import InputError
from sporen.inputs.numbers import AmbiguousNumber, NumberError, convention_of, notation, read_number
from sporen.inputs.series import read_application_series
from sporen.inputs.textfile import csv_rows, header_name

LOCALE = {"nl": "nl_NL", "en": "en_GB"}
amounts = st.integers(min_value=0, max_value=10**12)
cents = st.integers(min_value=0, max_value=99)


@pytest.mark.parametrize(("text", "value"), [
    ("1,67", 1.67), ("1.742.859", 1742859), ("9%", 0.09), ("€ 7.098.000", 7098000), ("1.742.859,50", 1742859.5),
    ("1,742,859.50", 1742859.5), ("€7,098,000", 7098000), ("EUR 7.098.000", 7098000), ("-€ 1.234", -1234),
    ("€ -1.234", -1234), ("9,5 %", 0.095), ("1\u00a0742\u00a0859", 1742859), ("0.0135", 0.0135),
    ("6.74533e-05", 6.74533e-05),
    ("3.5", 3.5), ("0,125", 0.125), ("2253777", 2253777), ("€\u00a0-2.807.334", -2807334),
])
def test_the_issue_examples(text, value):
    assert read_number(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "2018-01", "1,2,3", "", "€", "--5", "1 74 859", "1.0.00", "5 %%"])
def test_not_numbers(text):
    with pytest.raises(NumberError):
        read_number(text)


def test_ambiguous_is_refused_or_read_by_the_files_convention():
    with pytest.raises(AmbiguousNumber, match="1066 .Dutch notation.*1.066 .English"):
        read_number("1.066")
    with pytest.raises(AmbiguousNumber, match="1.066 .Dutch notation.*1066 .English"):
        read_number("1,066")
    assert read_number("1.066", "nl") == 1066 and read_number("1.066", "en") == 1.066
    assert read_number("1,066", "nl") == 1.066 and read_number("1,066", "en") == 1066
    # money has cents, never three decimals
    assert read_number("€ 1.066") == 1066 and read_number("€1,066") == 1066


@settings(max_examples=150, deadline=None)
@given(amounts, cents, st.sampled_from(["nl", "en"]))
def test_babel_written_numbers_read_back(whole, hundredths, lang):
    value = whole + hundredths / 100
    text = format_decimal(value, format="#,##0.00", locale=LOCALE[lang])
    assert read_number(text, lang) == pytest.approx(value, rel=1e-15, abs=1e-9)
    # with two decimals the form is unambiguous: the convention is not needed
    assert read_number(text) == pytest.approx(value, rel=1e-15, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(amounts, st.sampled_from(["nl", "en"]), st.booleans())
def test_whole_numbers_and_money_read_back(whole, lang, negative):
    value = -whole if negative else whole
    grouped = format_decimal(value, format="#,##0", locale=LOCALE[lang])
    assert read_number(grouped, lang) == value
    # a grouped number with a single three-digit group is ambiguous without the convention
    if 1000 <= whole < 1_000_000:
        with pytest.raises(AmbiguousNumber):
            read_number(grouped)
    else:
        assert read_number(grouped) == value
    # euros as sporen writes them for a person read back in any file
    assert read_number(i18n.money(value, lang)) == value


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=100_000), st.sampled_from(["nl", "en"]))
def test_percentages_read_back_as_shares(per_mille, lang):
    share = per_mille / 1000
    text = format_percent(share, format="#,##0.0%", locale=LOCALE[lang])
    assert read_number(text, lang) == pytest.approx(share, abs=1e-12)


@settings(max_examples=int(os.environ.get("SPOREN_HYPOTHESIS_EXAMPLES", "300")), deadline=None)
@given(st.text(alphabet="0123456789.,€% -", min_size=1, max_size=14))
def test_never_a_silent_guess(text):
    """Whatever the text: an error, or one value that every convention agrees on when the text's
    own form decides (only forms notation() calls ambiguous may depend on the convention)."""
    try:
        unknown = read_number(text)
    except AmbiguousNumber:
        assert read_number(text, "nl") != read_number(text, "en")
        return
    except NumberError:
        return
    for convention in ("nl", "en"):
        assert read_number(text, convention) == unknown


def test_file_convention_from_its_own_cells():
    assert convention_of(["12", "1,67", "Bedum"]) == "nl"
    assert convention_of(["12", "1.742.859"]) == "nl"
    assert convention_of(["3.5", "12"]) == "en"
    assert convention_of(["1.066", "12"]) is None          # no evidence: nothing is guessed
    assert convention_of(["3.5", "1,67"]) is None          # a file that contradicts itself
    assert notation("1.066") is None and notation("€ 1.066") == "nl"


def test_dutch_headers_and_units():
    assert header_name(" Gemeente ") == "municipality"
    assert header_name("Budget (€)") == "budget" and header_name("Uitgaven [EUR]") == "spending"
    header, rows, delimiter = csv_rows("gemeente;jaar;budget;uitgaven\nBedum;2018;2.253.777;2.468.000\n")
    assert header == ["municipality", "year", "budget", "spending"] and delimiter == ";"
    assert rows.convention == "nl"


def _series(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "applications.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_dutch_csv_series(tmp_path):
    path = _series(tmp_path, "\ufeffMaand;Gemeente;Doelgroep;Aanvragen (per maand)\n2018-01;Noord;regular;4,5\n"
                             "2018-02;Noord;regular;1.066\n")
    data = read_application_series(path)
    assert data["Noord"]["regular"] == {"2018-01": 4.5, "2018-02": 1066.0}


def test_ambiguous_cell_in_a_file_without_evidence_is_refused_with_row_and_field(tmp_path):
    path = _series(tmp_path, "maand;gemeente;doelgroep;aanvragen\n2018-01;Noord;regular;4\n"
                             "2018-02;Noord;regular;1.066\n")
    with pytest.raises(InputError) as excinfo:
        read_application_series(path)
    [problem] = [str(p) for p in excinfo.value.problems]
    assert problem.startswith(f"{path}: row 3.applications: '1.066' is ambiguous, it can be read two ways")
