"""Every sentence sporen shows a person, in Dutch and English: key -> (Dutch, English).

One place for all wording (`common.i18n.text` looks keys up here); `{name}` placeholders are
filled by `str.format`. Dutch domain terms keep their names in both languages (BUIG, vangnet,
spoor, exploitatie). tests/test_language.py checks that both wordings of every key have the same
placeholders.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "unknown": ("onbekend", "unknown"),
    "every_year": ("elk jaar", "every year"),
    "unit.points": ("{value} procentpunt", "{value} pp"),
}
