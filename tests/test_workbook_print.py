"""results.xlsx as a planner opens it: LibreOffice (headless) prints it to PDF and the pages are read
back with poppler's pdftotext, word by word with their boxes.

* no two words overlap (a wrapped cell without a stored row height runs over the next row; a
  header taller than its row runs over the first data row);
* every word of every header and of the summary's sentences is on a page (nothing clipped away),
  and no number is shown as '###' (too narrow a column);
* the Verificatie sheet prints at a readable size (not 19 columns squeezed onto one A4 width);
* numbers are numbers: fte and probabilities are stored as numbers with a number format (a
  percentage for probabilities), not as text.

LibreOffice and poppler come from Debian (.ci/run installs them). Without them the test is skipped
with the reason shown, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
MIN_POINTS = 6.0
"""The smallest text height on a printed page that counts as readable (the Verificatie sheet's rows)."""


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " -- on CI the LibreOffice test must run (.ci/run installs it)")
    pytest.skip(reason)


def printed(book: Path, folder: Path) -> Path:
    """The workbook printed to PDF by LibreOffice headless (its own profile: no clash with a desktop one)."""
    if SOFFICE is None:
        _missing("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    if PDFTOTEXT is None:
        _missing("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    profile = folder / "lo-profile"
    result = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--convert-to", "pdf", "--outdir", str(folder), str(book)],
                            capture_output=True, text=True, timeout=240)
    pdf = folder / (book.stem + ".pdf")
    assert pdf.exists(), result.stdout + result.stderr
    return pdf


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page: every word with its box (x0, y0, x1, y1, text), from `pdftotext -bbox`."""
    out = subprocess.run([PDFTOTEXT or "pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", out, re.S):
        found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in found])
    return pages


def overlaps(page: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes share more than a quarter of the smaller one."""
    found = []
    boxes = sorted(page, key=lambda w: w[1])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[1] >= a[3]:
                break
            width = min(a[2], b[2]) - max(a[0], b[0])
            height = min(a[3], b[3]) - max(a[1], b[1])
            if width <= 0 or height <= 0:
                continue
            smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if smaller > 0 and width * height > 0.25 * smaller:
                found.append((a[4], b[4]))
    return found


@pytest.fixture(scope="module")
def book(tiny_plans) -> Path:
    out, result = tiny_plans["nl"]
    assert result.exit_code in (0, 1), result.output
    return out / "results.xlsx"


@pytest.fixture(scope="module")
def pages(book, tmp_path_factory):
    return words(printed(book, tmp_path_factory.mktemp("printed")))


def _header_words(book: Path) -> set[str]:
    """Every word of every header cell (bold on a fill) and of the summary's sentences."""
    wanted: set[str] = set()
    workbook = openpyxl.load_workbook(book)
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                header = cell.font is not None and cell.font.b and cell.fill is not None and cell.fill.fill_type
                sentence = sheet.title == workbook.sheetnames[0] and cell.column == 1
                if header or sentence:
                    wanted.update(w for w in cell.value.split() if w.isalpha() and len(w) > 2)
    return wanted


@pytest.mark.slow
def test_no_text_overlaps_on_any_printed_page(pages):
    problems = {i + 1: overlaps(page) for i, page in enumerate(pages)}
    problems = {page: pairs[:5] for page, pairs in problems.items() if pairs}
    assert not problems, f"overlapping words (page: pairs): {problems}"


@pytest.mark.slow
def test_every_header_and_sentence_is_printed_whole(book, pages):
    printed_words = {w[4].strip(".,:;()") for page in pages for w in page}
    missing = {w for w in _header_words(book) if w.strip(".,:;()") not in printed_words}
    assert not missing, f"header or summary words not on any page: {sorted(missing)[:20]}"
    assert not any("###" in w[4] for page in pages for w in page), "a number too wide for its column"


@pytest.mark.slow
def test_the_verification_sheet_prints_readably(book, pages):
    """The sheet's words are at least MIN_POINTS high (a page of 19 columns shrunk to one A4 width is not)."""
    label = "oordeel"
    found = [page for page in pages if any(w[4] == "gegeven" for w in page) and any(w[4] == label for w in page)]
    assert found, "the Verificatie sheet (field | value) was not printed"
    heights = [w[3] - w[1] for w in found[0]]
    assert min(heights) >= MIN_POINTS, f"text {min(heights):.1f} pt high"


def test_numbers_are_stored_as_numbers_with_their_formats(book):
    workbook = openpyxl.load_workbook(book)
    formation = workbook["Formatie"]
    header = next(r for r in range(1, 10) if formation.cell(row=r, column=1).value == "functie")
    columns = {formation.cell(row=header, column=c).value: c for c in range(1, formation.max_column + 1)}
    fte = [formation.cell(row=r, column=columns["fte nu"]).value for r in range(header + 1, formation.max_row + 1)]
    assert all(isinstance(v, (int, float)) for v in fte if v is not None) and any(v for v in fte)
    assumptions = workbook["Aannames en bronnen"]
    values = [assumptions.cell(row=r, column=2).value for r in range(2, assumptions.max_row + 1)]
    numbers = [v for v in values if isinstance(v, (int, float))]
    assert numbers and not any(isinstance(v, str) and re.fullmatch(r"-?[\d.,]+", v) for v in values)
    for name, column_words in (("Wat het doel tegenhoudt", ("ondergrens", "bovengrens")),
                               ("Toetsen optimalisatie", ("schatting", "ondergrens", "bovengrens"))):
        if name not in workbook.sheetnames:
            continue
        sheet = workbook[name]
        for c in range(1, sheet.max_column + 1):
            if sheet.cell(row=1, column=c).value in column_words:
                formats = {sheet.cell(row=r, column=c).number_format for r in range(2, sheet.max_row + 1)
                           if isinstance(sheet.cell(row=r, column=c).value, float)}
                assert formats <= {"0.0%"}, (name, sheet.cell(row=1, column=c).value, formats)
    for sheet in workbook:
        assert sheet.max_row > 1 or sheet.max_column > 1, f"empty sheet {sheet.title}"
