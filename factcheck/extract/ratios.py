"""Multiples and fractions: "twice as much", "three times more", "doubled", "a third of",
"two thirds of", "half of", "a quarter of", "fell by a third".

Both are read as percentages, so a metric in percent takes them as it takes "+100 %" or
"33 %":

- a multiple compares two figures: "twice as much as in 2019" is +100 %, "tripled" +200 %,
  "halved" −50 %.  "Three times more than" is read as 3× by some writers and 4× by others;
  its interval spans both readings, [+200 %, +300 %], rather than guess one;
- a fraction is a share of a whole: "a third of exports" is 33.3 %, "fell by a third" −33.3 %.
  A fraction in words is a round figure: its interval is ±5 % of it, as for "about".

A fraction needs its "of" ("a third of", "half the"), or "by" before it ("cut by half"): alone,
"a quarter" is a period and "half" an adjective.

Cases: tests/fixtures/extract/ratios.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from factcheck.extract.changes import falls
from factcheck.extract.numbers import UNITS_WORDS, parse_digits
from factcheck.models import Quantity

APPROX = 0.05  # a fraction in words: ±5 % of it, as "about" widens a figure

_SMALL = "|".join(
    sorted((w for w, n in UNITS_WORDS.items() if 2 <= n <= 12), key=len, reverse=True)
)
_COMPARATIVE = (
    r"(?:more|higher|larger|bigger|greater|faster|as\s+(?:much|many|large|high|big|great|fast))"
)
MULTIPLE = regex.compile(
    rf"(?i)\b(?:(?P<twice>twice)|(?P<n>{_SMALL}|\d+(?:\.\d+)?)[\s\u00a0]+times)"
    rf"(?:[\s\u00a0]+(?P<how>{_COMPARATIVE})\b|(?=[\s\u00a0]+(?:the|that|over)\b))"
)
VERB = regex.compile(
    r"(?i)\b(?P<verb>doubled|doubling|doubles|tripled|trebled|tripling|triples|quadrupled|"
    r"quadrupling|halved|halving|halves)\b"
)
_VERB_FACTOR = {"doubl": 2.0, "tripl": 3.0, "trebl": 3.0, "quadrupl": 4.0, "halv": 0.5}
_DENOMINATORS = {
    "half": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "eighth": 8,
    "eighths": 8,
    "tenth": 10,
    "tenths": 10,
}
# Where a ratio may stand: these stems, found with str.find on lower-cased text (many times
# faster than any pattern scan); the patterns above then run anchored near each hit only.
_CUE_STEMS = [
    "twice",
    "times",
    "doubl",
    "tripl",
    "trebl",
    "quadrupl",
    "halv",
    "half",
    "third",
    "quarter",
    "fifth",
    "sixth",
    "eighth",
    "tenth",
]
_NUMERATOR_BEFORE = regex.compile(
    r"(?ri)(?:^|(?<=[^\p{L}]))(?P<num>an?|one|two|three|four|five|seven|nine)[\s\u00a0]+$"
)
_OF_AFTER = regex.compile(r"(?i)[\s\u00a0]+(?:of|the|its|their|his|her)\b")
_BY_BEFORE = regex.compile(r"(?ri)\bby[\s\u00a0]+$")
_OF_TIME = regex.compile(
    r"(?i)[\s\u00a0]+of[\s\u00a0]+(?:an?|the)[\s\u00a0]+(?:century|hour|minute|mile|second|day|"
    r"year|decade|point|percentage)"
)
_WORD_END = regex.compile(r"\p{L}*")


def find_ratios(text: str) -> Iterator[tuple[int, int, Quantity, bool]]:
    """(start, end, quantity in percent, approximate) of every multiple and fraction."""
    low_text = text.lower()
    if len(low_text) != len(text):
        return  # lower-casing moved offsets ("İ"): such text is read without ratios
    starts: set[int] = set()
    for stem in _CUE_STEMS:
        at = low_text.find(stem)
        while at >= 0:
            if not (at and low_text[at - 1].isalpha()):  # not inside a word ("sometimes")
                starts.add(at)
            at = low_text.find(stem, at + 1)
    done = -1
    for at in sorted(starts):
        if at < done:
            continue
        hit = _ratio_at(text, at)
        if hit is not None:
            done = hit[1]
            yield hit


def _ratio_at(text: str, at: int) -> tuple[int, int, Quantity, bool] | None:
    word_end = _WORD_END.match(text, at).end()  # type: ignore[union-attr]
    word = text[at:word_end].lower()
    if word in ("times", "twice"):
        m = MULTIPLE.search(text, max(0, at - 16), word_end + 30)
        if m is None or not (m.start() <= at < m.end()):
            return None
        factor = 2.0 if m.group("twice") else _count(m.group("n"))
        if factor is None or factor <= 1:
            return None
        how = (m.group("how") or "").lower()
        low = high = (factor - 1) * 100
        if how and not how.startswith("as"):
            high = factor * 100  # "three times more": 3× to some writers, 4× to others
        q = Quantity(value=(low + high) / 2, low=low, high=high, unit="percent")
        return m.start(), m.end(), q, low != high
    verb = VERB.match(text, at, word_end)
    if verb is not None and verb.end() == word_end:
        stem = next(k for k in _VERB_FACTOR if word.startswith(k))
        v = (_VERB_FACTOR[stem] - 1) * 100
        return at, word_end, Quantity(value=v, low=v, high=v, unit="percent"), False
    if word not in _DENOMINATORS:
        return None
    num = _NUMERATOR_BEFORE.search(text, max(0, at - 8), at)
    start = num.start("num") if num else at
    if num is None and word != "half":
        return None  # "quarter" alone is a period, "third" an ordinal
    by = _BY_BEFORE.search(text, max(0, start - 6), start)
    if not (_OF_AFTER.match(text, word_end) or by) or _OF_TIME.match(text, word_end):
        return None
    den = _DENOMINATORS[word]
    num_word = num.group("num").lower() if num else "a"
    n = 1 if num_word in ("a", "an", "one") else UNITS_WORDS[num_word]
    if n >= den:
        return None
    v = 100.0 * n / den
    q = Quantity(value=v, low=v * (1 - APPROX), high=v * (1 + APPROX), unit="percent")
    if by and falls(text, start, word_end):
        q = Quantity(value=-v, low=-q.high, high=-q.low, unit="percent")
    return start, word_end, q, True


def _count(word: str) -> float | None:
    w = word.lower()
    if w in UNITS_WORDS:
        return float(UNITS_WORDS[w])
    try:
        return parse_digits(w).value
    except ValueError:
        return None
