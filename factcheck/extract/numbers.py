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
    "tln": 1e12,
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
    "nineth": 9,  # a common misspelling, kept because readers take it as ninth
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
    "trillionth": 1e12,
}

_unit_alt = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
_tens_alt = "|".join(sorted(TENS_WORDS, key=len, reverse=True))
_word_alt = "|".join(
    sorted([*UNITS_WORDS, *TENS_WORDS, *SCALE_WORDS, "dozen"], key=len, reverse=True)
)
_ord_alt = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
# One word, or tens and units joined by a hyphen ("seventy-six"); "five-six" is a range, not 11.
_word_atom = rf"(?:(?:{_tens_alt})\s*-\s*(?:{_unit_alt})|{_word_alt})"
_scale_ahead = r"(?=(?:dozen|hundred|thousand|million|billion|trillion)\b)"
# A fraction only counts before a scale word ("half a million", "three quarters billion") or
# after a whole number ("two and a half"): alone, "a quarter" is a period and "half" a share.
_fraction = (
    rf"(?:(?:a\s+|one\s+)?(?:half|quarter)|(?:{_unit_alt})\s+quarters)(?:\s+an?)?\s+{_scale_ahead}"
)

# A run of number words: "seventy-six", "one hundred and twenty", "a million", "two dozen",
# "five and a half million".
WORD_NUMBER = (
    rf"(?:{_fraction}|(?:a|an)\s+{_scale_ahead})?"
    rf"{_word_atom}(?:\s+(?:and\s+)?{_word_atom}|\s*,\s+(?={_word_atom}\s+(?:hundred|thousand)))*"
    rf"(?:\s+and\s+a\s+half(?![\p{{L}}-])(?:\s+(?:dozen|hundred|thousand|million|billion|trillion)\b)?)?"
)
# Number words before an ordinal: "twenty-first", "one hundred twenty-fifth", "a hundred
# trillionth".  Whether the words may combine ("one third" is a fraction, not 4th) is decided
# by parse_ordinal_word.
WORD_ORDINAL = (
    rf"(?:(?:a|an)\s+{_scale_ahead})?(?:{_word_atom}\s+(?:and\s+)?)*"
    rf"(?:(?:{_tens_alt})\s*-\s*(?:{_ord_alt})|(?:{_ord_alt}))"
)

# Digits: "3,348", "1,500,000.5", "34,9", "22.2", "1 000 000" (with no-break or thin spaces),
# "12,34,567.89" (Indian grouping: lakh and crore).
DIGITS = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![,.]?\d)"
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?(?![,.]?\d)"
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?(?![ \u00a0\u202f\u2009]?\d)"
    r"|\d+(?:\.\d+)?(?![.,]?\d)"
    r"|\d+,\d{1,2}(?!\d)"
    r"|\d+\.\d+"
    r"|\d+)"
)
_DIGITS_RE = regex.compile(DIGITS)

_WORD_SPLIT = regex.compile(r"[\s,\-]+")
_ORD_SPLIT = regex.compile(r"[\s\-]+")
_HALF = regex.compile(r"(?i)^(?:a\s+)?half(?:\s+an?)?$")


@dataclass(frozen=True)
class Parsed:
    value: float
    step: float  # place value of the last significant digit
    words: bool = False  # written in words


def parse_digits(text: str) -> Parsed:
    """Parse a digit literal the way a reader does.

    "3,348" → 3348 (thousands comma), "34,9" → 34.9 (decimal comma), "22.2" → 22.2,
    "12,34,567" → 1234567 (Indian grouping).  Integer trailing zeros are not taken as
    significant: "8,000" is stated to the thousand.
    """
    if text.isdigit():  # the common case, "2022", "27"
        stripped = text.lstrip("0") or "0"
        zeros = len(stripped) - len(stripped.rstrip("0")) if stripped != "0" else 0
        return Parsed(float(text), _power_of_ten(zeros))
    t = text
    for sep in (" ", "\u00a0", "\u202f", "\u2009"):
        if sep in t:
            t = t.replace(sep, "")
    if "," in t:
        head, _, tail = t.rpartition(",")
        # One comma followed by other than three digits is a decimal comma ("34,9"); a comma
        # before exactly three digits groups thousands ("3,348"), as English news writes it.
        if "," not in head and "." not in t and len(tail) != 3:
            t = f"{head}.{tail}"
        else:
            t = t.replace(",", "")
    value = float(t)
    if "." in t:
        decimals = len(t) - t.index(".") - 1
        step = 10.0**-decimals
    else:
        stripped = t.lstrip("0") or "0"
        zeros = len(stripped) - len(stripped.rstrip("0")) if stripped != "0" else 0
        step = _power_of_ten(zeros)
    return Parsed(value, step)


def _power_of_ten(n: int) -> float:
    """10**n as a float; infinite past the float range (such a figure is no float either, and
    the extractor drops it) rather than an OverflowError."""
    return 10.0**n if n <= 308 else math.inf


_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25}


def parse_words(text: str) -> Parsed | None:
    """Parse English number words: "Seventy-six" → 76, "one hundred and twenty" → 120,
    "five and a half million" → 5.5e6, "three quarters billion" → 7.5e8."""
    if _HALF.match(text.strip()):
        return Parsed(0.5, 0.5, True)
    tokens = [t for t in _WORD_SPLIT.split(text.lower()) if t and t not in ("and",)]
    if not tokens:
        return None
    if tokens[0] in ("a", "an"):
        tokens[0] = "one"
    total = 0.0
    current = 0.0
    last_small = 1.0
    top_scale = 0.0
    seen = False
    for i, tok in enumerate(tokens):
        if tok in ("a", "an"):
            continue  # "half a million", "two and a half"
        if tok in UNITS_WORDS:
            if i and tokens[i - 1] in UNITS_WORDS and seen and current % 10 != 0:
                return None  # "two three" is two numbers, not five
            current += UNITS_WORDS[tok]
            last_small = 1.0
        elif tok in TENS_WORDS:
            current += TENS_WORDS[tok]
            last_small = 10.0 if current % 10 == 0 else 1.0
        elif tok in _FRACTIONS:
            f = _FRACTIONS[tok]
            # "three quarters" multiplies; "one and a half" and "half" add.
            current = current * f if tok == "quarters" else current + f
            last_small = f
        elif tok == "dozen":
            current = (current or 1) * 12
            last_small = 12.0
        elif tok == "hundred":
            current = (current or 1) * 100
            last_small = 100.0
        elif tok in SCALE_WORDS:
            scale = SCALE_WORDS[tok]
            if total and scale > top_scale:
                total = (total + current) * scale  # "one thousand million" is a billion
            else:
                total += (current or 1) * scale
            top_scale = max(top_scale, scale)
            current = 0.0
            last_small = scale * (0.1 if (total / scale) % 1 else 1.0)
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    step = max(1.0, last_small) if value >= 10 else min(1.0, last_small)
    return Parsed(value, step, True)


def scale_of(word: str) -> float | None:
    w = word.lower().rstrip(".")
    if w in SCALE_WORDS and w != "hundred":
        return SCALE_WORDS[w]
    if w.endswith("s") and w[:-1] in SCALE_WORDS:
        return SCALE_WORDS[w[:-1]]
    return SCALE_ABBREV.get(w)


def parse_ordinal_word(text: str) -> int | None:
    """ "twenty-first" → 21, "two hundredth" → 200; None for "one third" (a fraction)."""
    tokens = [t for t in _ORD_SPLIT.split(text.lower()) if t and t != "and"]
    if not tokens or tokens[-1] not in ORDINAL_WORDS:
        return None
    last = ORDINAL_WORDS[tokens[-1]]
    if len(tokens) == 1:
        return int(last)
    prev = tokens[-2]
    # Ordinals combine only where place values do: "twenty first", "hundred and first",
    # "two hundredth"; "one third" and "twenty tenth" are not ordinals.
    if last < 100 and (prev in UNITS_WORDS or (prev in TENS_WORDS and last >= 10)):
        return None
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
