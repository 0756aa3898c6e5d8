"""Where a number is parsed: digits with separators, words ("Seventy-six"), scale words.

A parsed number keeps the place value of its last significant digit (its `step`), because that
is what the writer's precision is: "22.2 billion" is stated to the nearest 0.1 billion, and
"24 thousand" to the nearest thousand.  The ambiguity rules a reader applies are here too:
"3,348" has a thousands separator, "34,9" a decimal comma.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import regex

UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALE_WORDS = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
# Abbreviated scales as newsrooms write them; the short ones only attached ("$5m", "26bn").
SCALE_ABBREV = {
    "k": 1e3,
    "thou": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mio": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "billions": 1e9,
    "millions": 1e6,
    "thousands": 1e3,
    "tn": 1e12,
    "trn": 1e12,
    "trln": 1e12,
    "crore": 1e7,
    "lakh": 1e5,
}
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
    "thousandth": 1000,
    "millionth": 1e6,
    "billionth": 1e9,
}

_unit_alt = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
_tens_alt = "|".join(sorted(TENS_WORDS, key=len, reverse=True))
_word_alt = "|".join(
    sorted([*UNITS_WORDS, *TENS_WORDS, *SCALE_WORDS, "dozen"], key=len, reverse=True)
)
_ord_alt = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
# One word, or tens and units joined by a hyphen ("seventy-six"); "five-six" is a range, not 11.
_word_atom = rf"(?:(?:{_tens_alt})\s*-\s*(?:{_unit_alt})|{_word_alt})"

# A run of number words: "seventy-six", "one hundred and twenty", "a million", "two dozen".
WORD_NUMBER = (
    rf"(?:(?:a|an)\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
    rf"{_word_atom}(?:\s+(?:and\s+)?{_word_atom}|\s*,\s+(?={_word_atom}\s+(?:hundred|thousand)))*"
)
WORD_ORDINAL = (
    rf"(?:(?:{_tens_alt})\s*-\s*(?:{_ord_alt})|(?:{_word_alt})\s+(?:and\s+)?)*(?:{_ord_alt})"
)

# Digits: "3,348", "1,500,000.5", "34,9", "22.2", "1 000 000" (with no-break or thin spaces).
DIGITS = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![,.]?\d)"
    r"|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:\.\d+)?(?![.,]?\d)"
    r"|\d+,\d{1,2}(?!\d)"
    r"|\d+\.\d+"
    r"|\d+)"
)
_DIGITS_RE = regex.compile(DIGITS)

_HALF = regex.compile(r"(?i)^(?:a\s+)?half(?:\s+an?)?$")


@dataclass(frozen=True)
class Parsed:
    value: float
    step: float  # place value of the last significant digit
    words: bool = False  # written in words


def parse_digits(text: str) -> Parsed:
    """Parse a digit literal the way a reader does.

    "3,348" → 3348 (thousands comma), "34,9" → 34.9 (decimal comma), "22.2" → 22.2.
    Integer trailing zeros are not taken as significant: "8,000" is stated to the thousand.
    """
    t = text.replace("\u00a0", "").replace("\u202f", "").replace("\u2009", "")
    if regex.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        t = t.replace(",", "")
    elif regex.fullmatch(r"\d+,\d+", t):
        t = t.replace(",", ".")
    value = float(t)
    if "." in t:
        decimals = len(t.split(".", 1)[1])
        step = 10.0**-decimals
    else:
        stripped = t.lstrip("0") or "0"
        zeros = len(stripped) - len(stripped.rstrip("0")) if stripped != "0" else 0
        step = 10.0**zeros
    return Parsed(value, step)


def parse_words(text: str) -> Parsed | None:
    """Parse English number words: "Seventy-six" → 76, "one hundred and twenty" → 120."""
    if _HALF.match(text.strip()):
        return Parsed(0.5, 0.5, True)
    tokens = [t for t in regex.split(r"[\s,\-]+", text.lower()) if t and t not in ("and",)]
    if not tokens:
        return None
    if tokens[0] in ("a", "an"):
        tokens[0] = "one"
    total = 0.0
    current = 0.0
    last_small = 1.0
    seen = False
    for tok in tokens:
        if tok in UNITS_WORDS:
            current += UNITS_WORDS[tok]
            last_small = 1.0
        elif tok in TENS_WORDS:
            current += TENS_WORDS[tok]
            last_small = 10.0 if current % 10 == 0 else 1.0
        elif tok == "dozen":
            current = (current or 1) * 12
            last_small = 12.0
        elif tok == "hundred":
            current = (current or 1) * 100
            last_small = 100.0
        elif tok in SCALE_WORDS:
            scale = SCALE_WORDS[tok]
            total += (current or 1) * scale
            current = 0.0
            last_small = scale
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    step = max(1.0, last_small) if value >= 10 else 1.0
    return Parsed(value, step, True)


def scale_of(word: str) -> float | None:
    w = word.lower().rstrip(".")
    if w in SCALE_WORDS and w != "hundred":
        return SCALE_WORDS[w]
    if w.endswith("s") and w[:-1] in SCALE_WORDS:
        return SCALE_WORDS[w[:-1]]
    return SCALE_ABBREV.get(w)


def parse_ordinal_word(text: str) -> int | None:
    tokens = [t for t in regex.split(r"[\s\-]+", text.lower()) if t and t != "and"]
    if not tokens or tokens[-1] not in ORDINAL_WORDS:
        return None
    last = ORDINAL_WORDS[tokens[-1]]
    if len(tokens) == 1:
        return int(last)
    head = parse_words(" ".join(tokens[:-1]))
    if head is None:
        return None
    if last >= 100:
        return int((head.value or 1) * last)
    return int(head.value + last)


def half_width(value: float, step: float) -> float:
    """Half the rounding interval a figure stated to `step` allows, capped at 10 % of it.

    The cap stops a round figure such as "$20 billion" (stated, strictly, to the nearest ten
    billion) from covering half the number line: a reader takes it as roughly 20, not 15 to 25.
    """
    half = step / 2.0
    if value and half > 0.1 * abs(value):
        half = 0.1 * abs(value)
    return half


def is_integer(x: float) -> bool:
    return math.isfinite(x) and float(x).is_integer()
