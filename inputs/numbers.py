"""The one reader of numbers that planners type: Dutch and English notation, money and percentages.

A planner's number may be plain (``1742859``, ``0.0135``, ``6.7e-05``), Dutch (``1,67``,
``1.742.859``, ``1.742.859,50``), English with grouping (``1,742,859.50``), money (``€ 7.098.000``,
``€7,098,000``, ``EUR 7.098.000``, ``€ -1.234``, ``-€ 1.234``) or a percentage (``9%``, ``9,5 %``:
the share 0.09, 0.095). Spaces, non-breaking and thin spaces around the sign, the euro sign and
the percent sign are ignored; a space may also group thousands (``1 742 859``).

The rule for the two decimal marks, written once here:

- A number whose form has only one reading is read that way: a comma or dot followed by one,
  two or four-plus digits is a decimal mark (``1,67``, ``3.5``, ``0,0135``); two groups of three
  behind the same mark are grouping (``1.742.859``, ``1,742,859``); both marks together say
  which is which (``1.742,5``, ``1,742.5``).
- A single mark followed by exactly three digits, after one to three digits not starting with 0
  (``1.066``, ``1,066``; but not ``0.125`` or ``1234.567``, which can only be decimals), has two readings:
  1066 or 1.066. It is read by the *convention* of its file: ``"nl"`` (the dot groups, the comma
  is decimal: 1.066 = 1066, 1,066 = 1.066) or ``"en"`` (the reverse). With the convention
  unknown (``None``) it is refused with `AmbiguousNumber`, whose message says both readings and
  how to write it unambiguously; nothing ambiguous is ever guessed.
- `convention_of` finds a CSV file's convention from its own unambiguous cells: a decimal comma
  or Dutch grouping makes it Dutch, a decimal point or English grouping makes it English. A file
  with no evidence either way (or with both) has no convention, whatever its separator, so a
  ``1.066`` in it is refused, not misread. Money is the one exception to "three digits are
  ambiguous": euros have cents, never three decimals, so ``€ 1.234`` is 1234 in any file.

`read_number` raises `NumberError` (a ValueError) with a message a planner can act on;
`parse_number` returns None instead, for callers that report the problem in their own words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Literal

Convention = Literal["nl", "en"]

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_CURRENCY = re.compile(r"^(?:€|eur|euro)|(?:€|eur|euro)$", re.IGNORECASE)
_EXPONENT = re.compile(r"^[0-9]*\.?[0-9]+[eE][-+]?[0-9]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_MARKED = re.compile(r"^[0-9.,]+$")


class NumberError(ValueError):
    """A text that is not a number; the message says what is allowed."""


class AmbiguousNumber(NumberError):
    """A number with two readings (1.066: 1066 or 1.066) in a file without a known convention."""


ALLOWED = "a number such as 1742859, 1.742.859, 1,67, 0.0135, € 7.098.000 or 9%"


def _strip(text: str) -> tuple[str, bool, bool, bool]:
    """(digits and marks, negative, percent, money): spaces, sign, € and % taken off."""
    body = _SPACES.sub(" ", str(text).strip()).strip()
    percent = body.endswith("%")
    if percent:
        body = body[:-1].strip()
    negative = money = signed = False
    for _ in range(3):  # '-€ 1.234', '€ -1.234', '€-1.234', '- 1.234'
        if body[:1] in "-+−":
            if signed:
                raise NumberError(f"'{text}' has two signs")
            negative, signed = body[:1] in "-−", True
            body = body[1:].strip()
        stripped = _CURRENCY.sub("", body).strip()
        if stripped == body:
            break
        body, money = stripped, True
    if body[:1] in "-+−":
        if signed:
            raise NumberError(f"'{text}' has two signs")
        negative = body[:1] in "-−"
        body = body[1:].strip()
    if " " in body:  # a space may only group thousands: 1 742 859
        parts = body.split(" ")
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 or (i == len(parts) - 1 and _grouped_tail(p))
                                                 for i, p in enumerate(parts[1:], start=1))):
            raise NumberError(f"'{text}' is not a number")
        body = "".join(parts)
    return body, negative, percent, money


def _grouped_tail(part: str) -> bool:
    """The last space group may carry decimals: '859,5' or '859.5'."""
    return bool(re.fullmatch(r"[0-9]{3}[.,][0-9]+", part))


def _can_group(first: str) -> bool:
    """Whether digits can be the first group of a grouped number: 1-3 digits, not starting with 0."""
    return 1 <= len(first) <= 3 and not first.startswith("0")


def _grouping(body: str, mark: str) -> bool:
    """'1.742.859' with mark '.': a first group of 1-3 digits, then groups of exactly three."""
    parts = body.split(mark)
    return len(parts) >= 2 and _can_group(parts[0]) and all(_DIGITS.match(p) for p in parts) and \
        all(len(p) == 3 for p in parts[1:])


def _value(body: str, decimal: str, group: str) -> float:
    integer, _, fraction = body.partition(decimal)
    if group:
        if group in fraction or (group in integer and not _grouping(integer, group)):
            raise NumberError("bad grouping")
        integer = integer.replace(group, "")
    integer = integer or ("0" if fraction else "")
    if not _DIGITS.match(integer) or (fraction and not _DIGITS.match(fraction)):
        raise NumberError("not digits")
    return float(f"{integer}.{fraction or '0'}")


def notation(text: str) -> Convention | None:
    """The convention a number's own form proves ('nl', 'en'), or None (plain, or ambiguous)."""
    try:
        body, _, _, money = _strip(text)
    except NumberError:
        return None
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        return "nl" if body.rfind(",") > body.rfind(".") else "en"
    if has_comma:
        if body.count(",") > 1:
            return "en" if _grouping(body, ",") else None
        head, tail = body.split(",")
        if len(tail) == 3 and _can_group(head):
            return "en" if money else None
        return "nl"
    if has_dot:
        if body.count(".") > 1:
            return "nl" if _grouping(body, ".") else None
        head, tail = body.split(".")
        if len(tail) == 3 and _can_group(head):
            return "nl" if money else None
        return "en"
    return None


def read_number(text: str, convention: Convention | None = None) -> float:
    """The number a planner wrote (a share for 'x%'); NumberError when it is not one, and
    AmbiguousNumber when it has two readings and `convention` is None (see the module docstring)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    original = str(text)
    try:
        body, negative, percent, money = _strip(original)
    except NumberError:
        raise NumberError(f"'{original}' is not a number") from None
    if not body:
        raise NumberError(f"'{original}' is not a number")
    try:
        if _DIGITS.match(body):
            value = float(body)
        elif _EXPONENT.match(body):
            value = float(body)
        else:
            value = _read_marked(body, original, convention, money)
    except AmbiguousNumber:
        raise
    except (NumberError, ValueError):
        raise NumberError(f"'{original}' is not a number") from None
    if not math.isfinite(value):
        raise NumberError(f"'{original}' is not a finite number")
    value = -value if negative else value
    return value / 100 if percent else value


def _read_marked(body: str, original: str, convention: Convention | None, money: bool = False) -> float:
    if not _MARKED.match(body):
        raise NumberError("not digits and marks")
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        return _value(body, ",", ".") if body.rfind(",") > body.rfind(".") else _value(body, ".", ",")
    mark = "," if has_comma else "." if has_dot else ""
    if not mark:
        return _value(body, ".", "")
    parts = body.split(mark)
    if len(parts) > 2:  # only grouping can repeat a mark
        return _value(body, "," if mark == "." else ".", mark)
    if len(parts[1]) != 3 or not _can_group(parts[0]):
        return _value(body, mark, "")  # a decimal mark: 1,67 / 3.5 / 0,125 / ,5 / 1234.567
    if money:  # euros have cents, never three decimals: € 1.234 and €1,234 are a thousand and more
        return _value(body, "," if mark == "." else ".", mark)
    if convention is None:
        whole, decimal = parts[0] + parts[1], f"{parts[0]}.{parts[1]}"
        readings = (f"{whole} (Dutch notation: the dot groups thousands) or {decimal} (English notation)"
                    if mark == "." else
                    f"{decimal} (Dutch notation: the comma is the decimal mark) or {whole} (English notation)")
        raise AmbiguousNumber(
            f"'{original}' is ambiguous, it can be read two ways: {readings}; write a whole number without separators "
            f"({whole}), or a decimal with a fourth decimal ({parts[0]}{mark}{parts[1]}0)")
    decimal_mark = "," if convention == "nl" else "."
    return _value(body, decimal_mark, "." if convention == "nl" else ",")


def parse_number(text: str, convention: Convention | None = None) -> float | None:
    """`read_number`, or None when the text is not (unambiguously) a number."""
    try:
        return read_number(text, convention)
    except NumberError:
        return None


def convention_of(cells: Iterable[str]) -> Convention | None:
    """The number convention of a file from its own cells (see the module docstring): 'nl', 'en',
    or None when the file gives no evidence or contradicts itself."""
    found = {notation(cell) for cell in cells if cell and any(ch.isdigit() for ch in cell)} - {None}
    return found.pop() if len(found) == 1 else None
