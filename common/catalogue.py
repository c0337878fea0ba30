"""Every sentence sporen shows a person, in Dutch and English: the message catalogue.

The wording lives in Babel's gettext catalogues, one per language, keyed by message id:
``common/locale/nl/LC_MESSAGES/sporen.po`` and ``common/locale/en/LC_MESSAGES/sporen.po`` (msgid
= the key, e.g. ``summary.chance``; msgstr = the sentence, with ``{name}`` placeholders filled by
`str.format`). They are read once with Babel (`babel.messages.pofile.read_po`) into `MESSAGES`
(key -> (Dutch, English)); `common.i18n.text(key, lang)` looks keys up there. A translator edits
the .po files with any gettext tool (Poedit, Weblate); tests/test_language.py checks that both
languages have the same keys and, per key, the same placeholders.

Dutch domain terms keep their names in both languages (BUIG, vangnet, spoor, exploitatie).

To add or change wording: edit both .po files (or `python -m sporen.common.catalogue add KEY NL EN`).
A branch that still added keys to the former Python catalogue (a `MESSAGES` dict in this file) is
brought in with `python -m sporen.common.catalogue import-legacy OLD_CATALOGUE.py`: every key not
yet in the .po files is added with both wordings.
"""

from __future__ import annotations

import datetime as _dt
import runpy
import sys
from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "sporen"
LANGS = ("nl", "en")
_FIXED_DATE = _dt.datetime(2025, 1, 1, tzinfo=_dt.UTC)
"""The catalogues' header dates: fixed, so rewriting them changes only what changed."""


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> dict[str, str]:
    """One language's wording by key, in the file's order."""
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _load() -> dict[str, tuple[str, str]]:
    dutch, english = read_catalogue("nl"), read_catalogue("en")
    missing = set(dutch) ^ set(english)
    if missing:
        raise RuntimeError(f"the message catalogues differ in their keys: {sorted(missing)[:10]}")
    return {key: (dutch[key], english[key]) for key in dutch}


MESSAGES: Mapping[str, tuple[str, str]] = _load()
"""key -> (Dutch, English), read from the .po files."""


def write_catalogues(messages: Mapping[str, tuple[str, str]]) -> None:
    """Write both .po files from key -> (Dutch, English), in the mapping's order."""
    for index, lang in enumerate(LANGS):
        catalog = Catalog(locale=lang, domain=DOMAIN, project="sporen", version="0.1",
                          copyright_holder="the sporen authors", creation_date=_FIXED_DATE,
                          revision_date=_FIXED_DATE, language_team="sporen", fuzzy=False, msgid_bugs_address="",
                          last_translator="the sporen authors",
                          header_comment=f"# The sporen message catalogue: {('Dutch', 'English')[index]}.\n"
                                         "# msgid is the key the code looks up (common.i18n.text); msgstr the "
                                         "wording.\n#")
        for key, wordings in messages.items():
            catalog.add(key, wordings[index])
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, no_location=True, omit_header=False)


def import_legacy(path: str | Path) -> list[str]:
    """Add the keys of a former Python catalogue (a file defining `MESSAGES`) that the .po files lack."""
    legacy = runpy.run_path(str(path))["MESSAGES"]
    merged = dict(_load())
    added = [key for key in legacy if key not in merged]
    for key in added:
        dutch, english = legacy[key]
        merged[key] = (str(dutch), str(english))
    write_catalogues(merged)
    return added


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "import-legacy":
        added = import_legacy(argv[1])
        print(f"{len(added)} keys added: {', '.join(added[:20])}{' ...' if len(added) > 20 else ''}")
        return 0
    if len(argv) == 4 and argv[0] == "add":
        merged = dict(_load())
        merged[argv[1]] = (argv[2], argv[3])
        write_catalogues(merged)
        return 0
    print("usage: python -m sporen.common.catalogue import-legacy OLD_CATALOGUE.py | add KEY DUTCH ENGLISH")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
