"""A number written in any supported style parses back to its value.

Styles: digits with thousands commas, a decimal comma, a decimal point, words ("seventy-six"),
scale words ("2.5 billion"), a currency before or after, a percent sign or word.  The figures
go through `find_quantities`, the money/percent/count reader, with nothing blocked: whether a
four-digit number is a year is the date reader's question, not this one's.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from factcheck.extract.numbers import parse_digits, parse_words
from factcheck.extract.quantities import QHit, find_quantities

ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """English words for 0 <= n < 10**12, as a newsroom spells them: "seventy-six"."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")
    if n < 1000:
        rest = f" and {words(n % 100)}" if n % 100 else ""
        return f"{ONES[n // 100]} hundred{rest}"
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= scale:
            rest = f" {words(n % scale)}" if n % scale else ""
            return f"{words(n // scale)} {name}{rest}"
    raise AssertionError(n)


def only_hit(text: str) -> QHit:
    hits = list(find_quantities(text, []))
    assert len(hits) == 1, (text, hits)
    return hits[0]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def well_formed(hit: QHit) -> None:
    q = hit.quantity
    assert q.low <= q.value <= q.high, q


@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_commas(n: int) -> None:
    text = f"{n:,}"
    assert close(parse_digits(text).value, n)
    hit = only_hit(f"There were {text} trucks.")
    assert close(hit.quantity.value, n) and hit.quantity.unit == "count"
    well_formed(hit)


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99))
def test_decimal_comma(whole: int, frac: int) -> None:
    digits = f"{frac:02d}" if frac % 10 else str(frac // 10)
    text = f"{whole},{digits}"  # "34,9": one or two decimals after a comma
    want = float(f"{whole}.{digits}")
    hit = only_hit(f"growth was {text}% last year")
    assert close(hit.quantity.value, want) and hit.quantity.unit == "percent"
    well_formed(hit)


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False))
def test_decimal_point(x: object) -> None:
    text = f"{x:f}"
    hit = only_hit(f"the index stood at {text} points")
    assert close(hit.quantity.value, float(text))
    well_formed(hit)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_words_parse(n: int) -> None:
    parsed = parse_words(words(n))
    assert parsed is not None and close(parsed.value, n), words(n)


@given(st.integers(min_value=2, max_value=999_999))
def test_words_in_text(n: int) -> None:
    text = words(n)
    hit = only_hit(f"They counted {text} ballots.")
    assert close(hit.quantity.value, n), text
    well_formed(hit)
    capital = only_hit(f"{text[0].upper()}{text[1:]} ballots were counted.")
    assert close(capital.quantity.value, n)


SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mln": 1e6}


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(sorted(SCALES)),
)
def test_scale_words(whole: int, tenth: int, scale: str) -> None:
    number = f"{whole}.{tenth}" if tenth else str(whole)
    hit = only_hit(f"reserves of {number} {scale} were reported")
    assert close(hit.quantity.value, float(number) * SCALES[scale])
    well_formed(hit)


PREFIXES = {"$": "USD", "$ ": "USD", "US$": "USD", "€": "EUR", "£ ": "GBP", "USD ": "USD"}
SUFFIXES = {" dollars": "USD", " euros": "EUR", " tenge": "KZT", " rubles": "RUB", " yuan": "CNY"}


@given(
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from(["", " million", " billion"]),
    st.sampled_from(sorted(PREFIXES)),
)
def test_currency_prefix(n: int, scale: str, prefix: str) -> None:
    hit = only_hit(f"a deal worth {prefix}{n:,}{scale} was signed")
    factor = {"": 1.0, " million": 1e6, " billion": 1e9}[scale]
    assert hit.kind == "money" and hit.quantity.unit == PREFIXES[prefix]
    assert close(hit.quantity.value, n * factor)
    well_formed(hit)


@given(
    st.integers(min_value=2, max_value=999_999),
    st.sampled_from(["", " million", " billion", " trillion"]),
    st.sampled_from(sorted(SUFFIXES)),
    st.booleans(),
)
def test_currency_suffix(n: int, scale: str, suffix: str, in_words: bool) -> None:
    number = words(n) if in_words else f"{n:,}"
    hit = only_hit(f"the budget is {number}{scale}{suffix} this year")
    factor = {"": 1.0, " million": 1e6, " billion": 1e9, " trillion": 1e12}[scale]
    assert hit.kind == "money" and hit.quantity.unit == SUFFIXES[suffix]
    assert close(hit.quantity.value, n * factor)
    well_formed(hit)


@given(
    st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False),
    st.sampled_from(["%", " %", " percent", " per cent", "-percent"]),
)
def test_percent(x: object, sign: str) -> None:
    text = f"{x:f}"
    hit = only_hit(f"prices rose {text}{sign} in March")
    assert hit.kind == "percent" and hit.quantity.unit == "percent"
    assert close(hit.quantity.value, float(text))
    well_formed(hit)


@given(st.integers(min_value=2, max_value=99), st.sampled_from(["percent", "per cent"]))
def test_percent_words(n: int, word: str) -> None:
    hit = only_hit(f"about {words(n)} {word} of voters")
    assert hit.kind == "percent" and hit.qualifier == "approx"
    assert close(hit.quantity.value, n)
    well_formed(hit)
